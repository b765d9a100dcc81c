//! The VaR target of every tick, once per group of candidates that share
//! it (half-lives, horizon, `z`, bonus and slippage): candidates then only
//! clamp it to their bounds and rate limit it.

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use rayon::prelude::*;
use risk_engine::math::threshold::{quantile, threshold_for_move};

use super::super::range_index::RangeIndex;

const BPS: u16 = 10_000;
/// Ticks per parallel chunk of a target path.
const CHUNK: usize = 1 << 16;

/// `threshold_for_move` for one bonus and slippage, as a table: for each
/// threshold `v` in bps, the largest VaR move whose target is at least
/// `v` (negative where no move reaches `v`). The target falls as the move
/// grows, so the target of a move is the largest `v` whose edge the move
/// does not pass: a search from the last tick's target instead of three
/// fixed-point divisions per tick.
pub struct TargetTable {
    edges: Vec<I80F48>,
    pub bonus_bps: u16,
    pub slippage_bps: u16,
}

impl TargetTable {
    pub fn new(bonus_bps: u16, slippage_bps: u16) -> Self {
        let edges = (0..=BPS)
            .into_par_iter()
            .map(|v| last_delta_where(|t| t >= v, bonus_bps, slippage_bps).unwrap_or(-I80F48::ONE))
            .collect();
        Self {
            edges,
            bonus_bps,
            slippage_bps,
        }
    }

    fn reaches(&self, delta: I80F48, v: u16) -> bool {
        delta <= self.edges[usize::from(v)]
    }

    /// `threshold_for_move(delta)`, searched from `hint` (any value in
    /// 0..=10,000; the closer, the fewer steps).
    pub fn target(&self, delta: I80F48, hint: u16) -> u16 {
        let hint = hint.min(BPS);
        if !self.reaches(delta, 0) {
            // Past every edge: a move of more than 100 % leaves no room.
            return 0;
        }
        // Bracket [low, high] with reaches(low) and !reaches(high + 1),
        // widening from the hint.
        let (mut low, mut high);
        if self.reaches(delta, hint) {
            low = hint;
            let mut step = 1u16;
            loop {
                let next = low.saturating_add(step).min(BPS);
                if next == low {
                    return low;
                }
                if self.reaches(delta, next) {
                    low = next;
                    step = step.saturating_mul(2);
                } else {
                    high = next - 1;
                    break;
                }
            }
        } else {
            high = hint - 1;
            let mut step = 1u16;
            loop {
                let next = high.saturating_sub(step);
                if self.reaches(delta, next) {
                    low = next;
                    break;
                }
                high = next - 1;
                step = step.saturating_mul(2);
            }
        }
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            if self.reaches(delta, middle) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        low
    }
}

/// The largest `delta` in `[0, 2]` with `keep(threshold_for_move(delta))`,
/// for a `keep` that holds at small moves and fails at large ones.
fn last_delta_where(
    keep: impl Fn(u16) -> bool,
    bonus_bps: u16,
    slippage_bps: u16,
) -> Option<I80F48> {
    let holds = |bits: i128| {
        keep(threshold_for_move(
            I80F48::from_bits(bits),
            bonus_bps,
            slippage_bps,
        ))
    };
    let (mut low, mut high) = (0i128, I80F48::from_num(2).to_bits());
    if !holds(low) {
        return None;
    }
    if holds(high) {
        return Some(I80F48::from_bits(high));
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if holds(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(I80F48::from_bits(low))
}

/// The unclamped target of every tick for one `z`: `threshold_for_move(z
/// × sigma × sqrt(T))`, as `target_threshold_bps` gives it.
pub fn target_path(
    sigma: &[I80F48],
    quantile_z_milli: u32,
    table: &TargetTable,
) -> Result<RangeIndex<u16>> {
    let z = quantile(quantile_z_milli);
    let chunks: Vec<Vec<u16>> = sigma
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(chunk, values)| {
            let mut hint = BPS;
            values
                .iter()
                .enumerate()
                .map(|(i, sigma)| {
                    let delta = sigma.checked_mul(z).ok_or_else(|| {
                        anyhow!("the VaR move overflows at tick {}", chunk * CHUNK + i)
                    })?;
                    hint = table.target(delta, hint);
                    Ok(hint)
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok(RangeIndex::new(chunks.concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_gives_threshold_for_move_from_any_hint() {
        let (bonus, slippage) = (500, 25);
        let table = TargetTable::new(bonus, slippage);
        let edge = table.edges[8_800];
        assert!(threshold_for_move(edge, bonus, slippage) >= 8_800);
        assert!(threshold_for_move(edge + I80F48::DELTA, bonus, slippage) < 8_800);
        assert!(table.edges[9_600] < 0, "out of reach even at no move");
        for bits in [
            0i128,
            1,
            1 << 40,
            1 << 44,
            3 << 45,
            1 << 47,
            1 << 48,
            3 << 48,
        ] {
            let delta = I80F48::from_bits(bits);
            let expected = threshold_for_move(delta, bonus, slippage);
            for hint in [
                0,
                1,
                4_000,
                expected,
                expected.saturating_add(1),
                9_999,
                10_000,
            ] {
                assert_eq!(
                    table.target(delta, hint),
                    expected,
                    "delta {delta}, hint {hint}"
                );
            }
        }
    }
}
