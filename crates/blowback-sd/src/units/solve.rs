//! Unit inference for one equation as linear algebra over exact fractions.
//!
//! Units form a free abelian group, so "the units of x" is a vector of exponents over the primary
//! units and multiplying quantities adds vectors. Things whose units the equation must work out (a
//! number such as `0.5`, a variable with no units, the type variable of a builtin like `MAX`) are
//! unknown vectors. The units of any sub-expression are then an affine form: known exponents plus
//! a rational combination of unknowns. Every rule (`a + b` needs equal units, `EXP` needs a
//! dimensionless argument, the equation must give the declared units) is a linear equation
//! between two forms. The equations are added one at a time and kept in echelon form (forward
//! elimination), so the first one that contradicts the others is the one reported, at its place
//! in the text, and it is found in time linear in the number of rules so far.

use std::collections::BTreeMap;

use super::context::{add_exponent, Dims};
use super::ratio::Ratio;

/// An unknown unit, numbered per equation.
pub(crate) type Unknown = usize;

/// Known exponents plus a combination of unknowns: the units of a sub-expression.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Form {
    pub known: Dims,
    pub terms: BTreeMap<Unknown, Ratio>,
}

impl Form {
    pub(crate) fn known(dims: Dims) -> Form {
        Form {
            known: dims,
            terms: BTreeMap::new(),
        }
    }

    pub(crate) fn dimensionless() -> Form {
        Form::default()
    }

    pub(crate) fn unknown(unknown: Unknown) -> Form {
        Form {
            known: Dims::new(),
            terms: BTreeMap::from([(unknown, Ratio::ONE)]),
        }
    }

    /// `self * other^scale`: multiplication for scale 1, division for -1.
    pub(crate) fn combine(&self, other: &Form, scale: Ratio) -> Option<Form> {
        let mut result = self.clone();
        for (name, e) in &other.known {
            add_exponent(&mut result.known, name.clone(), e.mul(scale)?)?;
        }
        for (&unknown, c) in &other.terms {
            add_term(&mut result.terms, unknown, c.mul(scale)?)?;
        }
        Some(result)
    }

    /// `self^exponent`.
    pub(crate) fn power(&self, exponent: Ratio) -> Option<Form> {
        Form::dimensionless().combine(self, exponent)
    }
}

fn add_term(terms: &mut BTreeMap<Unknown, Ratio>, unknown: Unknown, c: Ratio) -> Option<()> {
    let entry = terms.entry(unknown).or_insert(Ratio::ZERO);
    *entry = entry.add(c)?;
    if entry.is_zero() {
        terms.remove(&unknown);
    }
    Some(())
}

/// One independent equation `Σ coefficients · unknowns = rhs`, normalised on its pivot.
#[derive(Debug, Clone)]
struct Row {
    pivot: Unknown,
    terms: BTreeMap<Unknown, Ratio>,
    rhs: Dims,
}

/// Why two forms cannot be made equal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Conflict {
    /// No units of the unknowns satisfy this together with the rules before it.
    Inconsistent,
    /// Exponents grew beyond what the checker represents; the equation is not checked.
    Overflow,
}

/// The rules of one equation so far, in echelon form.
#[derive(Debug, Default)]
pub(crate) struct System {
    rows: Vec<Row>,
    unknowns: usize,
}

impl System {
    /// A new unknown.
    pub(crate) fn fresh(&mut self) -> Unknown {
        self.unknowns += 1;
        self.unknowns - 1
    }

    /// Requires `a` and `b` to have equal units. On a conflict the system is left unchanged, so
    /// the rules before it still describe the equation.
    pub(crate) fn equate(&mut self, a: &Form, b: &Form) -> Result<(), Conflict> {
        let difference = a.combine(b, Ratio::integer(-1)).ok_or(Conflict::Overflow)?;
        // difference.known + Σ terms = 0, so Σ terms = -known.
        let mut terms = difference.terms;
        let mut rhs = Dims::new();
        for (name, e) in difference.known {
            rhs.insert(name, e.neg().ok_or(Conflict::Overflow)?);
        }
        for row in &self.rows {
            let Some(&factor) = terms.get(&row.pivot) else {
                continue;
            };
            for (&unknown, &c) in &row.terms {
                add_term(
                    &mut terms,
                    unknown,
                    c.mul(factor)
                        .and_then(Ratio::neg)
                        .ok_or(Conflict::Overflow)?,
                )
                .ok_or(Conflict::Overflow)?;
            }
            for (name, &e) in &row.rhs {
                add_exponent(
                    &mut rhs,
                    name.clone(),
                    e.mul(factor)
                        .and_then(Ratio::neg)
                        .ok_or(Conflict::Overflow)?,
                )
                .ok_or(Conflict::Overflow)?;
            }
        }
        let Some((&pivot, &lead)) = terms.iter().next() else {
            return if rhs.is_empty() {
                Ok(())
            } else {
                Err(Conflict::Inconsistent)
            };
        };
        // Normalise so the pivot's coefficient is 1; later reductions then multiply by the
        // coefficient alone.
        let mut normalised = BTreeMap::new();
        for (&unknown, c) in &terms {
            normalised.insert(unknown, c.div(lead).ok_or(Conflict::Overflow)?);
        }
        let mut scaled = Dims::new();
        for (name, e) in rhs {
            scaled.insert(name, e.div(lead).ok_or(Conflict::Overflow)?);
        }
        self.rows.push(Row {
            pivot,
            terms: normalised,
            rhs: scaled,
        });
        Ok(())
    }

    /// One assignment of units to the unknowns that satisfies every rule so far: unknowns no rule
    /// pins down are dimensionless. Used to say what units an expression has in a message.
    pub(crate) fn solution(&self) -> Option<BTreeMap<Unknown, Dims>> {
        let mut values: BTreeMap<Unknown, Dims> = BTreeMap::new();
        // Rows only mention pivots of later rows besides their own, so back-substitution runs
        // from the last row to the first.
        for row in self.rows.iter().rev() {
            let mut value = row.rhs.clone();
            for (&unknown, &c) in &row.terms {
                if unknown == row.pivot {
                    continue;
                }
                if let Some(known) = values.get(&unknown) {
                    for (name, &e) in known {
                        add_exponent(&mut value, name.clone(), e.mul(c)?.neg()?)?;
                    }
                }
            }
            values.insert(row.pivot, value);
        }
        Some(values)
    }

    /// The units of `form` under [`System::solution`].
    pub(crate) fn evaluate(&self, form: &Form) -> Option<Dims> {
        let solution = self.solution()?;
        let mut dims = form.known.clone();
        for (unknown, &c) in &form.terms {
            if let Some(value) = solution.get(unknown) {
                for (name, &e) in value {
                    add_exponent(&mut dims, name.clone(), e.mul(c)?)?;
                }
            }
        }
        Some(dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str) -> Form {
        Form::known(Dims::from([(name.to_string(), Ratio::ONE)]))
    }

    #[test]
    fn numbers_take_the_units_the_equation_needs() {
        // people = 0.05 * people / year * u  ⇒  u = year.
        let mut system = System::default();
        let u = system.fresh();
        let lhs = unit("people");
        let rhs = unit("people")
            .combine(&unit("year"), Ratio::integer(-1))
            .unwrap()
            .combine(&Form::unknown(u), Ratio::ONE)
            .unwrap();
        system.equate(&lhs, &rhs).unwrap();
        assert_eq!(
            system.evaluate(&Form::unknown(u)).unwrap(),
            unit("year").known
        );
    }

    #[test]
    fn contradictions_are_found_and_leave_the_system_usable() {
        let mut system = System::default();
        let a = system.fresh();
        let b = system.fresh();
        // a = b, a = people, b = year: the third rule contradicts the first two.
        system.equate(&Form::unknown(a), &Form::unknown(b)).unwrap();
        system.equate(&Form::unknown(a), &unit("people")).unwrap();
        assert_eq!(
            system.equate(&Form::unknown(b), &unit("year")),
            Err(Conflict::Inconsistent)
        );
        assert_eq!(
            system.evaluate(&Form::unknown(b)).unwrap(),
            unit("people").known
        );
        // Known units alone: equal is fine, different is a conflict.
        assert!(system.equate(&unit("year"), &unit("year")).is_ok());
        assert!(system.equate(&unit("year"), &unit("month")).is_err());
    }

    #[test]
    fn fractional_coefficients_are_exact() {
        // u^2 = people  ⇒  u = people^(1/2); u * u^(1/2)... stays exact.
        let mut system = System::default();
        let u = system.fresh();
        system
            .equate(
                &Form::unknown(u).power(Ratio::integer(2)).unwrap(),
                &unit("people"),
            )
            .unwrap();
        let value = system.evaluate(&Form::unknown(u)).unwrap();
        assert_eq!(value["people"], Ratio::new(1, 2).unwrap());
    }
}
