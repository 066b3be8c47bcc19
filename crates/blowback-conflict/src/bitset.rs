//! A fixed-size set of state indices packed into 64-bit words.
//!
//! State sets are the currency of the analysis (stable states, equilibria, reachable sets); packing
//! them keeps a 4-million-state conflict's set at half a megabyte and makes intersection a word loop.

/// A set of state indices `0..len`, one bit each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSet {
    words: Vec<u64>,
    len: usize,
}

impl StateSet {
    /// An empty set over `len` states.
    pub fn new(len: usize) -> Self {
        StateSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// The set of every state `0..len`.
    pub fn full(len: usize) -> Self {
        let mut set = StateSet::new(len);
        for index in 0..len {
            set.insert(index);
        }
        set
    }

    /// Builds a set from one flag per state.
    pub fn from_flags(flags: &[bool]) -> Self {
        let mut set = StateSet::new(flags.len());
        for (index, &flag) in flags.iter().enumerate() {
            if flag {
                set.insert(index);
            }
        }
        set
    }

    /// The number of states the set ranges over (not the number of members).
    pub fn universe(&self) -> usize {
        self.len
    }

    /// Adds `index`.
    pub fn insert(&mut self, index: usize) {
        self.words[index / 64] |= 1 << (index % 64);
    }

    /// Whether `index` is a member.
    pub fn contains(&self, index: usize) -> bool {
        index < self.len && self.words[index / 64] & (1 << (index % 64)) != 0
    }

    /// Keeps only the members also in `other`.
    pub fn intersect_with(&mut self, other: &StateSet) {
        for (word, other_word) in self.words.iter_mut().zip(&other.words) {
            *word &= other_word;
        }
    }

    /// The number of members.
    pub fn count(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// The members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(word_index, &word)| {
                let mut remaining = word;
                std::iter::from_fn(move || {
                    if remaining == 0 {
                        return None;
                    }
                    let bit = remaining.trailing_zeros() as usize;
                    remaining &= remaining - 1;
                    Some(word_index * 64 + bit)
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_iterate_and_intersect() {
        let mut a = StateSet::new(130);
        for i in [0, 63, 64, 129] {
            a.insert(i);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert_eq!(a.count(), 4);
        let b = StateSet::from_flags(&(0..130).map(|i| i % 2 == 1).collect::<Vec<_>>());
        a.intersect_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![63, 129]);
        assert!(!a.contains(200));
        assert_eq!(StateSet::full(70).count(), 70);
    }
}
