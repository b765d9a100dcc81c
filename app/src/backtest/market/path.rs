//! A walked history with each bar's liquidity: what a market replay reads.

use std::sync::{Arc, Mutex};

use anyhow::{bail, Result};

use super::liquidity::BarLiquidity;
use crate::backtest::{largest_gap_secs, largest_sample_gap};
use crate::config::ReserveSpec;
use crate::history::Tick;

/// Ticks per block of the walked prices' minima, for passing quiet
/// stretches at once.
pub const BLOCK: usize = 64;

#[derive(Debug, Clone)]
pub struct MarketPath {
    /// The walked prices, as the market alone would have them.
    pub ticks: Vec<Tick>,
    /// Their times, apart, for counting quiet stretches.
    pub times: Vec<i64>,
    pub bars: Vec<BarLiquidity>,
    /// Each bar's first tick; bar `b` holds ticks `first_tick[b]..first_tick[b + 1]`.
    pub first_tick: Vec<usize>,
    /// Each bar's highest walked price.
    pub bar_high: Vec<f64>,
    block_minima: Vec<f64>,
    /// The longest time between two ticks, and the longest bar, seconds.
    pub largest_gap_secs: i64,
    pub longest_bar_secs: i64,
    /// `largest_sample_gap` by sample interval, as the runs on this path
    /// (some 70 a case) ask for it.
    sample_gaps: Arc<Mutex<Vec<(u32, i64)>>>,
}

impl MarketPath {
    /// `ticks` walked from `bars` (each bar's first tick at its start).
    pub fn new(ticks: Vec<Tick>, bars: Vec<BarLiquidity>) -> Result<Self> {
        let first_tick: Vec<usize> = bars
            .iter()
            .map(|bar| ticks.partition_point(|tick| tick.time < bar.start))
            .collect();
        for (b, &first) in first_tick.iter().enumerate() {
            if ticks.get(first).map(|t| t.time) != Some(bars[b].start) {
                bail!("the walked path has no price at the start of its bar {b}");
            }
        }
        let mut bar_high = Vec::with_capacity(bars.len());
        for b in 0..bars.len() {
            let end = first_tick.get(b + 1).copied().unwrap_or(ticks.len());
            let high = ticks[first_tick[b]..end]
                .iter()
                .map(|t| t.price)
                .fold(0.0, f64::max);
            bar_high.push(high);
        }
        let block_minima = ticks
            .chunks(BLOCK)
            .map(|block| block.iter().map(|t| t.price).fold(f64::INFINITY, f64::min))
            .collect();
        Ok(Self {
            times: ticks.iter().map(|t| t.time).collect(),
            largest_gap_secs: largest_gap_secs(&ticks),
            longest_bar_secs: bars
                .iter()
                .map(|bar| bar.end - bar.start)
                .max()
                .unwrap_or(0),
            ticks,
            bars,
            first_tick,
            bar_high,
            block_minima,
            sample_gaps: Arc::default(),
        })
    }

    /// The lowest walked price.
    pub fn lowest_price(&self) -> f64 {
        self.min_price(0, self.ticks.len())
    }

    /// `largest_sample_gap` of a reserve listed as `spec` on these ticks,
    /// found once per sample interval (the only setting it reads).
    pub fn sample_gap_secs(&self, spec: &ReserveSpec) -> i64 {
        let interval = spec.calibration.sample_interval_secs;
        let mut gaps = self
            .sample_gaps
            .lock()
            .expect("no thread panics holding it");
        if let Some(&(_, gap)) = gaps.iter().find(|(known, _)| *known == interval) {
            return gap;
        }
        let gap = largest_sample_gap(spec, &self.ticks);
        gaps.push((interval, gap));
        gap
    }

    /// The ticks of bar `b`.
    pub fn bar_ticks(&self, b: usize) -> std::ops::Range<usize> {
        let end = self
            .first_tick
            .get(b + 1)
            .copied()
            .unwrap_or(self.ticks.len());
        self.first_tick[b]..end
    }

    /// The lowest walked price of ticks `from..to`.
    pub fn min_price(&self, from: usize, to: usize) -> f64 {
        let mut low = f64::INFINITY;
        let mut i = from;
        while i < to {
            if i.is_multiple_of(BLOCK) && i + BLOCK <= to {
                low = low.min(self.block_minima[i / BLOCK]);
                i += BLOCK;
            } else {
                low = low.min(self.ticks[i].price);
                i += 1;
            }
        }
        low
    }

    /// The largest loss over any window of `window_secs` after a tick: `1 -
    /// lowest / price` over `(t, t + window]`, the worst a liquidation that
    /// lands that late can meet.
    pub fn worst_loss(&self, window_secs: i64) -> f64 {
        let ticks = &self.ticks;
        let mut worst: f64 = 0.0;
        let mut minima: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        let mut end = 0usize;
        for start in 0..ticks.len() {
            let last = ticks[start].time + window_secs;
            while end + 1 < ticks.len() && ticks[end + 1].time <= last {
                end += 1;
                while minima
                    .back()
                    .is_some_and(|&j| ticks[j].price >= ticks[end].price)
                {
                    minima.pop_back();
                }
                minima.push_back(end);
            }
            while minima.front().is_some_and(|&j| j <= start) {
                minima.pop_front();
            }
            if let Some(&low) = minima.front() {
                worst = worst.max(1.0 - ticks[low].price / ticks[start].price);
            }
        }
        worst
    }

    /// The bars before `time` and those from it, each with its ticks: a
    /// history cut at a training date (which must fall on a bar's start).
    pub fn split_at(&self, time: i64) -> Result<(Self, Self)> {
        let cut = self.bars.partition_point(|bar| bar.start < time);
        if cut == 0 || cut == self.bars.len() {
            bail!("the cut leaves no bars on one side");
        }
        if self.bars[cut].start != time && self.bars[cut - 1].end > time {
            bail!("the cut falls inside a bar");
        }
        let tick_cut = self.first_tick[cut];
        Ok((
            Self::new(self.ticks[..tick_cut].to_vec(), self.bars[..cut].to_vec())?,
            Self::new(self.ticks[tick_cut..].to_vec(), self.bars[cut..].to_vec())?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn liquidity(start: i64, end: i64) -> BarLiquidity {
        BarLiquidity {
            start,
            end,
            traded_usd_per_day: 1e6,
            sigma_day: 0.02,
            depth_1pct_usd: 2.5e5,
        }
    }

    #[test]
    fn bars_hold_their_ticks_and_minima_cover_any_range() {
        let ticks: Vec<Tick> = (0..300)
            .map(|i| Tick {
                time: i * 10,
                price: 100.0 + ((i * 37) % 101) as f64,
            })
            .collect();
        let bars = vec![
            liquidity(0, 1_000),
            liquidity(1_000, 2_000),
            liquidity(2_000, 3_000),
        ];
        let path = MarketPath::new(ticks.clone(), bars).unwrap();
        assert_eq!(path.bar_ticks(1), 100..200);
        for (from, to) in [(0, 300), (3, 190), (64, 128), (65, 66), (250, 300)] {
            let expected = ticks[from..to]
                .iter()
                .map(|t| t.price)
                .fold(f64::INFINITY, f64::min);
            assert_eq!(path.min_price(from, to), expected, "{from}..{to}");
        }
        let high = ticks[200..].iter().map(|t| t.price).fold(0.0, f64::max);
        assert_eq!(path.bar_high[2], high);
        let (train, test) = path.split_at(1_000).unwrap();
        assert_eq!((train.ticks.len(), test.ticks.len()), (100, 200));
        assert_eq!(test.bar_ticks(0), 0..100);
        assert!(path.split_at(1_500).is_err());
    }
}
