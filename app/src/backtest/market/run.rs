//! A walked history replayed in a liquidation market: each bar's depth is
//! reported to the program, the collateral is refreshed at its sample
//! ticks with the price the market shows (liquidation sales included), and
//! the book lives through every tick where something can happen. Ticks
//! where nothing can (no sample, nothing due, no re-lever, every position
//! clear of its threshold at the lowest price the block can show) are
//! counted in bulk; `run_every_tick` replays each of them instead, and the
//! tests hold the two equal.

use anyhow::{bail, Result};
use risk_engine::calibration::{effective_max_ltv_bps, effective_threshold_bps, skip_reason};
use risk_engine::math::volatility::annualised_sigma_bps;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::Reserve;

use super::super::book::{Book, MarketNow};
use super::super::metrics::Accumulator;
use super::super::{
    collateral_spec, replay, without_outages, Run, Setup, Step, StepRecord, Threshold,
};
use super::{halt, Halt, MarketConfig, MarketPath, Pressure};

/// One run of `threshold` over `path` in `market`. With `warm_up` (the
/// history just before `path`), the collateral first calibrates on it,
/// with no book and no market, as a reserve listed earlier would have.
pub fn run(
    path: &MarketPath,
    warm_up: Option<&MarketPath>,
    setup: &Setup,
    market: &MarketConfig,
    threshold: Threshold,
    keep_steps: bool,
) -> Result<Run> {
    Replay::new(path, warm_up, setup, market, threshold, keep_steps)?.play(true)
}

/// `run`, every tick replayed: the reference the skipping is checked against.
pub fn run_every_tick(
    path: &MarketPath,
    warm_up: Option<&MarketPath>,
    setup: &Setup,
    market: &MarketConfig,
    threshold: Threshold,
) -> Result<Run> {
    Replay::new(path, warm_up, setup, market, threshold, false)?.play(false)
}

struct Replay<'a> {
    path: &'a MarketPath,
    market: &'a MarketConfig,
    threshold: Threshold,
    collateral: Reserve,
    debt: Reserve,
    debt_price: OraclePrice,
    book: Book,
    pressure: Pressure,
    halt: Option<Halt>,
    accumulator: Accumulator,
    steps: StepRecord,
}

impl<'a> Replay<'a> {
    fn new(
        path: &'a MarketPath,
        warm_up: Option<&MarketPath>,
        setup: &'a Setup,
        market: &'a MarketConfig,
        threshold: Threshold,
        keep_steps: bool,
    ) -> Result<Self> {
        if path.ticks.len() < 2 {
            bail!("the price path has fewer than 2 prices");
        }
        let mut spec = collateral_spec(setup, threshold)?;
        let lowest = warm_up
            .map_or(f64::INFINITY, MarketPath::lowest_price)
            .min(path.lowest_price());
        spec.decimals =
            super::sizing::decimals_that_fit(&market.sizing, &path.bars, lowest, spec.decimals);
        // A gap in the data is no outage (see `without_outages`), nor a
        // depth report that would have come every bar.
        let sample_gap = warm_up
            .map_or(0, |warm| warm.sample_gap_secs(&spec))
            .max(path.sample_gap_secs(&spec));
        spec = without_outages(spec, path.largest_gap_secs.max(sample_gap));
        let longest_bar = warm_up
            .map_or(0, |warm| warm.longest_bar_secs)
            .max(path.longest_bar_secs);
        let depth_age = &mut spec.calibration.depth_max_age_secs;
        *depth_age = (*depth_age).max(u32::try_from(longest_bar).unwrap_or(u32::MAX));
        let start = warm_up.map_or(path.ticks[0].time, |warm| warm.ticks[0].time);
        let mut collateral = replay::listed_reserve(&spec, start);
        if let Some(warm) = warm_up {
            for b in 0..warm.bars.len() {
                report_depth(&mut collateral, &warm.bars[b]);
                for tick in &warm.ticks[warm.bar_ticks(b)] {
                    if skip_reason(&collateral, tick.time).is_none() {
                        replay::refresh(&mut collateral, tick.price, tick.time)?;
                    }
                }
            }
        }
        let first = path.ticks[0].time;
        let mut debt = replay::listed_reserve(&setup.debt, first);
        // Suppliers far larger than the book: liquidity never limits it.
        debt.lending.available_liquidity = u64::MAX / 4;
        let debt_price = replay::refresh(&mut debt, 1.0, first)?;
        let mut book = Book::new(setup.book.clone(), setup.rules);
        if market.sizing.whale {
            book = book.with_whale();
        }
        let (lt_min_bps, lt_max_bps) = (spec.bounds.lt_min_bps, spec.bounds.lt_max_bps);
        Ok(Self {
            path,
            market,
            threshold,
            collateral,
            debt,
            debt_price,
            book,
            pressure: Pressure::new(market.impact_half_life_secs),
            halt: market
                .halt_secs
                .and_then(|secs| halt::at_worst_moment(&path.ticks, secs)),
            accumulator: Accumulator::new(lt_min_bps, lt_max_bps, setup.window_secs),
            steps: StepRecord::new(keep_steps, 0, setup.record_every_secs),
        })
    }

    fn play(mut self, skip_quiet: bool) -> Result<Run> {
        let path = self.path;
        let last = path.ticks.len() - 1;
        for b in 0..path.bars.len() {
            let bar = path.bars[b];
            let range = path.bar_ticks(b);
            if !self.halted(bar.start) {
                report_depth(&mut self.collateral, &bar);
            }
            self.book.set_price_ceiling(path.bar_high[b]);
            let mut i = range.start;
            while i < range.end {
                self.tick(i, b)?;
                i += 1;
                if skip_quiet && i < range.end.min(last) {
                    i = self.pass_quiet(i, range.end.min(last), b);
                }
            }
        }
        let metrics = self.accumulator.finish();
        Ok(Run {
            threshold: self.threshold,
            metrics,
            steps: self.steps.steps,
        })
    }

    fn halted(&self, time: i64) -> bool {
        self.halt.is_some_and(|halt| halt.covers(time))
    }

    /// Tick `i` of bar `b`: the price the market shows, a refresh when it
    /// is a sample, and the book.
    fn tick(&mut self, i: usize, b: usize) -> Result<()> {
        let tick = self.path.ticks[i];
        let bar = &self.path.bars[b];
        let now = tick.time;
        let halted = self.halted(now);
        let seen = self.pressure.seen(tick.price, now, bar.depth_1pct_usd);
        let collateral_price = if !halted && skip_reason(&self.collateral, now).is_none() {
            replay::refresh(&mut self.collateral, seen, now)?
        } else {
            replay::oracle_price(&self.collateral, seen, now)?
        };
        let mut market = MarketNow {
            bar,
            pressure: &mut self.pressure,
            liquidators: self.market.liquidators,
            sizing: self.market.sizing,
            halted,
        };
        let outcome = self.book.tick(
            &mut self.collateral,
            &collateral_price,
            &mut self.debt,
            &self.debt_price,
            now,
            Some(&mut market),
        )?;
        let step = Step {
            time: now,
            price_usd: seen,
            sigma_fast_bps_per_year: 0,
            sigma_slow_bps_per_year: 0,
            threshold_bps: effective_threshold_bps(&self.collateral, now),
            max_ltv_bps: effective_max_ltv_bps(&self.collateral, now),
            liquidations: outcome.liquidations,
            repaid_usd: outcome.repaid_usd,
            bonus_paid_usd: outcome.bonus_paid_usd,
            bad_debt_usd: outcome.bad_debt_usd,
            debt_usd: self.book.debt_usd(&self.debt, &self.debt_price),
            unprofitable: outcome.unprofitable,
            borrowed_usd: outcome.borrowed_usd,
            sold_usd: outcome.sold_usd,
        };
        self.accumulator.push(&step);
        let mut kept = step;
        let acted = step.liquidations > 0 || step.borrowed_usd > 0.0 || step.unprofitable > 0;
        if self.steps.wants_quiet(now) || (self.steps.keep && acted) {
            let state = &self.collateral.calibrated;
            kept.sigma_fast_bps_per_year = risk_engine::math::volatility::annualised_sigma_bps(
                state.fast_variance_per_year.into(),
            );
            kept.sigma_slow_bps_per_year = risk_engine::math::volatility::annualised_sigma_bps(
                state.slow_variance_per_year.into(),
            );
        }
        self.steps.push(kept, i);
        Ok(())
    }

    /// From tick `from` (before `end`, in bar `b`), the first tick where
    /// something may happen; the ticks before it are counted as quiet.
    fn pass_quiet(&mut self, from: usize, end: usize, b: usize) -> usize {
        let path = self.path;
        let ticks = &path.ticks;
        let now = ticks[from].time;
        let bar_end_time = ticks[end - 1].time;
        // Halts, a threshold declining with time and pending liquidations
        // are followed tick by tick.
        if self
            .halt
            .is_some_and(|halt| halt.from <= bar_end_time && halt.until > now)
        {
            return from;
        }
        // The gap is weighed with the last step's threshold: it must hold
        // from that step to the end of the bar.
        let threshold_bps = effective_threshold_bps(&self.collateral, now);
        let before = effective_threshold_bps(&self.collateral, ticks[from - 1].time);
        if effective_threshold_bps(&self.collateral, bar_end_time) != threshold_bps
            || before != threshold_bps
        {
            return from;
        }
        let Some(screen) = self
            .book
            .screen(&self.collateral, &self.debt, &self.debt_price, now)
        else {
            return from;
        };
        let until_time = self.book.next_relever().unwrap_or(i64::MAX);
        let until = from + ticks[from..end].partition_point(|t| t.time < until_time);
        // Sales relax with time: the depression now is the most the
        // stretch can show.
        let depression = self.pressure.depression(now, path.bars[b].depth_1pct_usd);
        let lowest_seen = |low: f64| low * (-depression).exp();
        let mut to = from;
        while to < until {
            let block_end = ((to / super::path::BLOCK + 1) * super::path::BLOCK).min(until);
            if !screen.passes(lowest_seen(path.min_price(to, block_end)), threshold_bps) {
                break;
            }
            to = block_end;
        }
        if to > from {
            self.accumulator.push_quiet_unchanged(&path.times[from..to]);
            self.keep_quiet_steps(from, to, b, threshold_bps);
        }
        to
    }

    /// The quiet steps of ticks `from..to` a chart keeps.
    fn keep_quiet_steps(&mut self, from: usize, to: usize, b: usize, threshold_bps: u16) {
        let depth = self.path.bars[b].depth_1pct_usd;
        let max_ltv_bps = effective_max_ltv_bps(&self.collateral, self.path.ticks[from].time);
        let debt_usd = self.book.debt_usd(&self.debt, &self.debt_price);
        for i in from..to {
            let tick = self.path.ticks[i];
            if !self.steps.wants_quiet(tick.time) {
                continue;
            }
            let state = &self.collateral.calibrated;
            let held = Step {
                sigma_fast_bps_per_year: annualised_sigma_bps(state.fast_variance_per_year.into()),
                sigma_slow_bps_per_year: annualised_sigma_bps(state.slow_variance_per_year.into()),
                debt_usd,
                ..Step::default()
            };
            let seen = self.pressure.seen(tick.price, tick.time, depth);
            self.steps.push(
                Step::quiet(held, tick.time, seen, threshold_bps, max_ltv_bps),
                i,
            );
        }
    }
}

/// A depth reporter's report at the start of `bar`: the USD that moves the
/// price 1 %, as `report_depth` records it.
fn report_depth(reserve: &mut Reserve, bar: &super::BarLiquidity) {
    let depth = bar
        .depth_1pct_usd
        .clamp(1.0, risk_engine::constants::MAX_REPORTED_DEPTH_QUOTE as f64);
    reserve.calibrated.reported_depth_quote = depth as u64;
    reserve.calibrated.depth_updated_ts = bar.start;
}

/// The dynamic threshold and each static one on `path` in `market`, in
/// parallel, every step kept for charts.
pub fn compare(
    path: &MarketPath,
    setup: &Setup,
    market: &MarketConfig,
    statics: &[u16],
) -> Result<Vec<Run>> {
    use rayon::prelude::*;
    std::iter::once(Threshold::Dynamic)
        .chain(statics.iter().map(|bps| Threshold::Static(*bps)))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|threshold| run(path, None, setup, market, *threshold, true))
        .collect()
}
