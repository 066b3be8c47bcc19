//! Exact rational exponents for units: `SQRT` halves them and elimination divides by pivots, so
//! integers are not enough, and floating point would make "equal units" depend on rounding.
//!
//! Every operation is checked: a hostile model can only make the checker give up on an equation
//! (`None`), never overflow.

use std::fmt;

/// A fraction in lowest terms with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Ratio {
    numerator: i64,
    denominator: i64,
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

impl Ratio {
    pub(crate) const ZERO: Ratio = Ratio {
        numerator: 0,
        denominator: 1,
    };
    pub(crate) const ONE: Ratio = Ratio {
        numerator: 1,
        denominator: 1,
    };

    /// `numerator / denominator` in lowest terms; `None` for a zero denominator or on overflow.
    pub(crate) fn new(numerator: i64, denominator: i64) -> Option<Ratio> {
        if denominator == 0 {
            return None;
        }
        let divisor = gcd(numerator, denominator).max(1);
        let (mut n, mut d) = (numerator / divisor, denominator / divisor);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        Some(Ratio {
            numerator: n,
            denominator: d,
        })
    }

    pub(crate) fn integer(value: i64) -> Ratio {
        Ratio {
            numerator: value,
            denominator: 1,
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self.numerator == 0
    }

    pub(crate) fn numerator(self) -> i64 {
        self.numerator
    }

    pub(crate) fn denominator(self) -> i64 {
        self.denominator
    }

    pub(crate) fn add(self, other: Ratio) -> Option<Ratio> {
        let n = self
            .numerator
            .checked_mul(other.denominator)?
            .checked_add(other.numerator.checked_mul(self.denominator)?)?;
        Ratio::new(n, self.denominator.checked_mul(other.denominator)?)
    }

    pub(crate) fn neg(self) -> Option<Ratio> {
        Some(Ratio {
            numerator: self.numerator.checked_neg()?,
            denominator: self.denominator,
        })
    }

    pub(crate) fn mul(self, other: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.numerator.checked_mul(other.numerator)?,
            self.denominator.checked_mul(other.denominator)?,
        )
    }

    pub(crate) fn div(self, other: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.numerator.checked_mul(other.denominator)?,
            self.denominator.checked_mul(other.numerator)?,
        )
    }

    /// The simplest fraction with a denominator up to 12 that equals `value` to within 1e-9, for
    /// constant exponents such as `0.5`; `None` for values like `0.3183` that are no such fraction.
    pub(crate) fn from_f64(value: f64) -> Option<Ratio> {
        if !value.is_finite() || value.abs() > 1e6 {
            return None;
        }
        (1..=12).find_map(|denominator| {
            let scaled = value * denominator as f64;
            let rounded = scaled.round();
            ((scaled - rounded).abs() < 1e-9).then(|| Ratio::new(rounded as i64, denominator))?
        })
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_stays_in_lowest_terms() {
        let half = Ratio::new(2, 4).unwrap();
        assert_eq!(half, Ratio::new(-1, -2).unwrap());
        assert_eq!(half.add(half), Some(Ratio::ONE));
        assert_eq!(half.add(Ratio::integer(-1)).unwrap().to_string(), "-1/2");
        assert_eq!(half.div(Ratio::integer(3)).unwrap().to_string(), "1/6");
        assert_eq!(Ratio::new(1, 0), None);
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        let big = Ratio::integer(i64::MAX);
        assert_eq!(big.add(Ratio::ONE), None);
        assert_eq!(big.mul(Ratio::integer(2)), None);
        assert_eq!(Ratio::integer(i64::MIN).neg(), None);
    }

    #[test]
    fn constant_exponents_become_fractions() {
        assert_eq!(Ratio::from_f64(0.5), Ratio::new(1, 2));
        assert_eq!(Ratio::from_f64(-2.0), Some(Ratio::integer(-2)));
        assert_eq!(Ratio::from_f64(1.0 / 3.0), Ratio::new(1, 3));
        assert_eq!(Ratio::from_f64(0.3187), None);
        assert_eq!(Ratio::from_f64(f64::NAN), None);
    }
}
