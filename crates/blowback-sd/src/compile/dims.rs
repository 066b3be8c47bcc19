//! Dimensions as the compiler sees them: canonical element names, equivalences folded, each
//! subrange's parent found, and Vensim mappings turned into position tables, so that the resolver
//! can ask one question: "which element of dimension D corresponds to this bound element?".

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::{Dialect, Project};
use crate::name::{canonical, display};

/// A dimension with canonical element names.
#[derive(Debug, Clone)]
pub(crate) struct Dim {
    pub key: String,
    pub elements: Vec<String>,
    pub display_elements: Vec<String>,
    /// The largest other dimension holding every element of this one (Vensim dialect only).
    pub parent: Option<usize>,
    /// Element position -> positions in the target dimension, per mapping target.
    pub maps: Vec<(usize, Vec<Vec<usize>>)>,
}

/// Every dimension of a project.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dims {
    pub dims: Vec<Dim>,
    /// Canonical name (an equivalence's too) to dimension index.
    pub index: HashMap<String, usize>,
}

/// Elements one dimension may have; keeps hostile files from exhausting memory.
const MAX_DIMENSION_SIZE: usize = 1_000_000;

impl Dims {
    pub(crate) fn new(project: &Project, diagnostics: &mut Vec<Diagnostic>) -> Dims {
        let mut dims = Dims::default();
        let mut equivalences = Vec::new();
        for d in &project.dimensions {
            let key = canonical(&d.name);
            if let Some(target) = &d.equivalent_to {
                equivalences.push((key.clone(), canonical(target), d.name.clone()));
                if d.elements.is_empty() {
                    continue;
                }
            }
            if dims.index.contains_key(&key) {
                diagnostics.push(Diagnostic::error(
                    DiagnosticKind::Duplicate,
                    format!("dimension `{}` is defined more than once", d.name),
                ));
                continue;
            }
            let elements: Vec<String> = d
                .elements
                .iter()
                .take(MAX_DIMENSION_SIZE)
                .map(|e| canonical(e))
                .collect();
            dims.index.insert(key.clone(), dims.dims.len());
            dims.dims.push(Dim {
                key,
                display_elements: d
                    .elements
                    .iter()
                    .take(elements.len())
                    .map(|e| display(e))
                    .collect(),
                elements,
                parent: None,
                maps: Vec::new(),
            });
        }
        for (key, target, name) in equivalences {
            match dims.index.get(&target).copied() {
                Some(t) => {
                    dims.index.insert(key, t);
                }
                None => diagnostics.push(
                    Diagnostic::error(
                        DiagnosticKind::Dimension,
                        format!(
                            "dimension `{name}` is equivalent to `{target}`, which is not defined"
                        ),
                    )
                    .with_help("define the target dimension with its elements"),
                ),
            }
        }
        if project.dialect() == Dialect::Vensim {
            dims.find_parents();
        }
        for d in &project.dimensions {
            let Some(&from) = dims.index.get(&canonical(&d.name)) else {
                continue;
            };
            for mapping in &d.mappings {
                match dims.mapping(from, &mapping.to, &mapping.elements) {
                    Ok(entry) => dims.dims[from].maps.push(entry),
                    Err(message) => diagnostics.push(
                        Diagnostic::error(DiagnosticKind::Dimension, message).with_help(
                            "a mapping lists one element (or subrange) of the target per element",
                        ),
                    ),
                }
            }
        }
        dims
    }

    /// Subranges share their parent's element names; XMILE dimensions never do (numbered
    /// dimensions `1..n` overlap without being related), so this runs for Vensim files only.
    fn find_parents(&mut self) {
        let sets: Vec<std::collections::HashSet<&str>> = self
            .dims
            .iter()
            .map(|d| d.elements.iter().map(String::as_str).collect())
            .collect();
        let parents: Vec<Option<usize>> = (0..self.dims.len())
            .map(|i| {
                // A subrange equal to its parent has the earlier-declared one as parent.
                (0..self.dims.len())
                    .filter(|&j| {
                        sets[j].len() > sets[i].len() || (sets[j].len() == sets[i].len() && j < i)
                    })
                    .filter(|&j| sets[i].iter().all(|e| sets[j].contains(e)))
                    .max_by_key(|&j| (sets[j].len(), std::cmp::Reverse(j)))
            })
            .collect();
        for (dim, parent) in self.dims.iter_mut().zip(parents) {
            dim.parent = parent;
        }
    }

    fn mapping(
        &self,
        from: usize,
        to: &str,
        elements: &[String],
    ) -> Result<(usize, Vec<Vec<usize>>), String> {
        let target = *self.index.get(&canonical(to)).ok_or_else(|| {
            format!(
                "dimension `{}` maps to `{to}`, which is not defined",
                self.dims[from].key
            )
        })?;
        let size = self.dims[from].elements.len();
        if elements.is_empty() {
            if self.dims[target].elements.len() != size {
                return Err(format!(
                    "dimension `{}` ({size} elements) maps to `{to}`, which has {}",
                    self.dims[from].key,
                    self.dims[target].elements.len()
                ));
            }
            return Ok((target, (0..size).map(|p| vec![p]).collect()));
        }
        if elements.len() != size {
            return Err(format!(
                "the mapping of `{}` to `{to}` lists {} elements for {size}",
                self.dims[from].key,
                elements.len()
            ));
        }
        let mut table = Vec::with_capacity(size);
        for element in elements {
            let key = canonical(element);
            let positions = match self.dims[target].elements.iter().position(|e| *e == key) {
                Some(p) => vec![p],
                None => match self.index.get(&key) {
                    Some(&sub) => self.dims[sub]
                        .elements
                        .iter()
                        .filter_map(|e| self.position(target, e))
                        .collect(),
                    None => Vec::new(),
                },
            };
            if positions.is_empty() {
                return Err(format!(
                    "`{element}` is not an element or subrange of `{to}`"
                ));
            }
            table.push(positions);
        }
        Ok((target, table))
    }

    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.index.get(&canonical(name)).copied()
    }

    pub(crate) fn len(&self, dim: usize) -> usize {
        self.dims[dim].elements.len()
    }

    /// Position of a (canonical) element in a dimension.
    pub(crate) fn position(&self, dim: usize, element: &str) -> Option<usize> {
        self.dims[dim].elements.iter().position(|e| e == element)
    }

    /// The 1-based position of element `pos` of `dim` in the top of its subrange chain: what a
    /// dimension or element name means as a value (Vensim compares elements this way).
    pub(crate) fn ordinal(&self, dim: usize, pos: usize) -> f64 {
        let root = self.family(dim);
        let element = &self.dims[dim].elements[pos];
        self.position(root, element).unwrap_or(pos) as f64 + 1.0
    }

    /// A dimension that has an element of this (canonical) name, and its position there.
    pub(crate) fn element(&self, key: &str) -> Option<(usize, usize)> {
        self.dims
            .iter()
            .enumerate()
            .find_map(|(d, dim)| dim.elements.iter().position(|e| e == key).map(|p| (d, p)))
    }

    /// The top of a dimension's subrange chain.
    fn family(&self, mut dim: usize) -> usize {
        for _ in 0..self.dims.len() {
            match self.dims[dim].parent {
                Some(p) => dim = p,
                None => break,
            }
        }
        dim
    }

    /// The position in `want` of the element that corresponds to position `pos` of `bound`, with
    /// how direct the correspondence is (lower is closer): 0 the same dimension, 1 a mapping
    /// between the two, 2 a subrange or parent of it (same element name), 3 a mapping declared on
    /// a subrange or parent of either side. `None` when they are unrelated or the element has no
    /// counterpart.
    pub(crate) fn correspond(&self, bound: usize, pos: usize, want: usize) -> Option<(u8, usize)> {
        if bound == want {
            return Some((0, pos));
        }
        if let Some((_, table)) = self.dims[bound].maps.iter().find(|(t, _)| *t == want) {
            return Some((1, *table.get(pos)?.first()?));
        }
        if let Some((_, table)) = self.dims[want].maps.iter().find(|(t, _)| *t == bound) {
            return Some((1, table.iter().position(|targets| targets.contains(&pos))?));
        }
        if self.family(bound) == self.family(want) {
            return Some((2, self.position(want, &self.dims[bound].elements[pos])?));
        }
        for (target, table) in &self.dims[want].maps {
            if self.family(*target) == self.family(bound) {
                let element = &self.dims[bound].elements[pos];
                let in_target = self.position(*target, element)?;
                return Some((
                    3,
                    table
                        .iter()
                        .position(|targets| targets.contains(&in_target))?,
                ));
            }
        }
        for (target, table) in &self.dims[bound].maps {
            if self.family(*target) == self.family(want) {
                let p = *table.get(pos)?.first()?;
                return Some((3, self.position(want, &self.dims[*target].elements[p])?));
            }
        }
        None
    }

    /// Whether two dimensions are related (so an element of one can be looked up in the other).
    pub(crate) fn related(&self, a: usize, b: usize) -> bool {
        a == b
            || self.family(a) == self.family(b)
            || self.dims[a]
                .maps
                .iter()
                .any(|(t, _)| self.family(*t) == self.family(b))
            || self.dims[b]
                .maps
                .iter()
                .any(|(t, _)| self.family(*t) == self.family(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dimension, DimensionMapping, Header};

    fn vensim(dimensions: Vec<Dimension>) -> Dims {
        let project = Project {
            header: Header {
                product: Some("Vensim".into()),
                ..Header::default()
            },
            dimensions,
            ..Project::default()
        };
        let mut diagnostics = Vec::new();
        let dims = Dims::new(&project, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        dims
    }

    #[test]
    fn subranges_mappings_and_equivalences() {
        let mut previous = Dimension::new("previous", ["infant", "child"]);
        previous.mappings.push(DimensionMapping {
            to: "older".into(),
            elements: Vec::new(),
        });
        let mut reversed = Dimension::new("reversed", ["r1", "r2", "r3"]);
        reversed.mappings.push(DimensionMapping {
            to: "age".into(),
            elements: vec!["teen".into(), "child".into(), "infant".into()],
        });
        let same = Dimension {
            name: "same".into(),
            equivalent_to: Some("age".into()),
            ..Dimension::default()
        };
        let dims = vensim(vec![
            Dimension::new("age", ["infant", "child", "teen"]),
            Dimension::new("older", ["child", "teen"]),
            previous,
            reversed,
            same,
        ]);
        let age = dims.find("age").unwrap();
        let older = dims.find("older").unwrap();
        let previous = dims.find("previous").unwrap();
        let reversed = dims.find("reversed").unwrap();
        assert_eq!(dims.dims[older].parent, Some(age));
        assert_eq!(dims.find("same"), Some(age));
        // Computing older[teen] (position 1): the previous cohort is child, by the mapping,
        // although `previous` is also a subrange of `age`.
        assert_eq!(dims.correspond(older, 1, previous), Some((1, 1)));
        assert_eq!(dims.correspond(older, 0, age), Some((2, 1)));
        assert_eq!(dims.correspond(age, 0, older), None);
        assert_eq!(dims.correspond(reversed, 0, age), Some((1, 2)));
        assert_eq!(dims.correspond(age, 2, reversed), Some((1, 0)));
        assert!(dims.related(previous, older));
    }
}
