//! One bit per tick, for what a reference trace records about each tick.

pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Sets bit `index` when `on` (bits start cleared).
    #[inline]
    pub fn set_if(&mut self, index: usize, on: bool) {
        self.words[index / 64] |= u64::from(on) << (index % 64);
    }

    #[inline]
    pub fn get(&self, index: usize) -> bool {
        self.words[index / 64] >> (index % 64) & 1 == 1
    }

    /// Sets every bit in `from..to`.
    pub fn set_range(&mut self, from: usize, to: usize) {
        for index in from..to.min(from.next_multiple_of(64)) {
            self.set_if(index, true);
        }
        let mut index = from.next_multiple_of(64);
        while index + 64 <= to {
            self.words[index / 64] = u64::MAX;
            index += 64;
        }
        for index in index.max(from)..to {
            self.set_if(index, true);
        }
    }

    /// The last set bit at or before `index`.
    pub fn last_set_at_or_before(&self, index: usize) -> Option<usize> {
        let mut word = index / 64;
        // Bits above `index` in its word are masked off.
        let mut bits = self.words[word] & (u64::MAX >> (63 - index % 64));
        loop {
            if bits != 0 {
                return Some(word * 64 + 63 - bits.leading_zeros() as usize);
            }
            if word == 0 {
                return None;
            }
            word -= 1;
            bits = self.words[word];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_searches_agree_with_a_plain_list() {
        let mut bits = Bits::new(1_000);
        let mut plain = vec![false; 1_000];
        for (from, to) in [(3, 5), (60, 200), (640, 641), (700, 768)] {
            bits.set_range(from, to);
            plain[from..to].iter_mut().for_each(|b| *b = true);
        }
        bits.set_if(999, true);
        plain[999] = true;
        for index in 0..1_000 {
            assert_eq!(bits.get(index), plain[index], "bit {index}");
            let expected = (0..=index).rev().find(|&i| plain[i]);
            assert_eq!(
                bits.last_set_at_or_before(index),
                expected,
                "before {index}"
            );
        }
    }
}
