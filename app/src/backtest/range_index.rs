//! "Where does this series next cross a bound?" in a few block steps:
//! minima and maxima of blocks of 64 values let a search jump over whole
//! blocks that cannot hold the answer.

/// Values per block.
pub const BLOCK: usize = 64;

pub struct RangeIndex<T> {
    values: Vec<T>,
    minima: Vec<T>,
    maxima: Vec<T>,
}

impl<T: Copy + PartialOrd> RangeIndex<T> {
    pub fn new(values: Vec<T>) -> Self {
        let pick = |better: fn(&T, &T) -> bool| -> Vec<T> {
            values
                .chunks(BLOCK)
                .map(|chunk| {
                    chunk
                        .iter()
                        .copied()
                        .fold(chunk[0], |a, b| if better(&b, &a) { b } else { a })
                })
                .collect()
        };
        let minima = pick(|b, a| b < a);
        let maxima = pick(|b, a| b > a);
        Self {
            values,
            minima,
            maxima,
        }
    }

    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// The least value of each block of `BLOCK` values.
    pub fn block_minima(&self) -> &[T] {
        &self.minima
    }

    /// The first index in `from..end` whose value is outside `low..=high`.
    pub fn first_outside(&self, from: usize, end: usize, low: T, high: T) -> Option<usize> {
        self.first(
            from,
            end,
            |v| v < low || v > high,
            |min, max| min < low || max > high,
        )
    }

    fn first(
        &self,
        from: usize,
        end: usize,
        hit: impl Fn(T) -> bool,
        block_may_hit: impl Fn(T, T) -> bool,
    ) -> Option<usize> {
        let end = end.min(self.values.len());
        let mut index = from;
        while index < end {
            let block = index / BLOCK;
            if index.is_multiple_of(BLOCK) && !block_may_hit(self.minima[block], self.maxima[block])
            {
                index += BLOCK;
                continue;
            }
            if hit(self.values[index]) {
                return Some(index);
            }
            index += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_same_index_as_a_plain_scan() {
        let values: Vec<i64> = (0..1_000).map(|i| (i * 7919 % 997) as i64).collect();
        let index = RangeIndex::new(values.clone());
        for from in [0, 1, 63, 64, 500, 999] {
            for (low, high) in [(0, 2_000), (5, 300), (500, 990), (996, 996), (2_000, 3_000)] {
                for end in [from, from + 70, values.len()] {
                    let end_in = end.min(values.len());
                    let scan = (from..end_in).find(|&i| values[i] < low || values[i] > high);
                    assert_eq!(index.first_outside(from, end, low, high), scan);
                }
            }
        }
        assert_eq!(index.block_minima().len(), 1_000usize.div_ceil(BLOCK));
    }
}
