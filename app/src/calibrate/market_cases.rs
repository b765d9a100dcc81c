//! Calibration judged in a liquidation market, out of sample, against the
//! static frontier. For each history cut at a training date and each
//! market case (latency, book size, whale, halt):
//!
//! - the dynamic set is chosen on the training part only: its horizon is
//!   the case's latency plus the oracle's (stated, never fitted), its `z`
//!   the tail measured at the confidence governance sets on the training
//!   parts of every history run with it (one asset class, pooled), its
//!   size weight whole, its `lt_max` the highest (up to the bonus's
//!   ceiling) that training leaves free of bad debt in the same market, as
//!   (a) is chosen, and its `lt_min` the candidate that then lends most
//!   while clean;
//! - (a) is the highest static threshold free of bad debt in training in
//!   the same market;
//! - on the test part, every static threshold of the frontier's grid, (a)
//!   among them, and the dynamic set (its reserve calibrated on training
//!   first) are replayed, and the dynamic set's distance to the frontier
//!   is measured at its own bad debt;
//! - the dynamic buffer's coverage is tested (`coverage`).

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::coverage::{self, Coverage, Window};
use super::frontier;
use super::grid::{BoundsView, CalibrationParamsView, Candidate};
use super::tails;
use super::walk_forward::{is_clean, StaticRun};
use crate::backtest::kernel::{ewma_path, PricePath};
use crate::backtest::market::{run, MarketConfig, MarketPath};
use crate::backtest::{RunMetrics, Setup, Threshold};
use crate::history::Tick;
use risk_engine::math::threshold::sigma_over_horizon;
use risk_engine::math::volatility::effective_variance;

/// A walked history cut at its training date.
pub struct SplitPath {
    pub name: String,
    pub train: MarketPath,
    pub test: MarketPath,
}

/// The `lt_min` values a dynamic set is chosen among.
pub const LT_MIN_CHOICES: [u16; 4] = [4_000, 5_000, 6_000, 7_500];

/// The confidence governance sets by default: 99.9 %, the percentile at
/// which Chaos Labs sizes liquidation buffers (P99.9 of the moves over the
/// delay from eligibility to execution). At 99 % the buffer breaks in a
/// crash every few months and leaves bad debt at any latency; on the
/// project's histories 99.9 % is the lowest confidence the coverage test
/// accepts out of sample (README, "The liquidation market").
pub const DEFAULT_CONFIDENCE: f64 = 0.999;

/// Where a dynamic set's `lt_max` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LtMaxFrom {
    /// The highest that training leaves free of bad debt in the case's
    /// market, as (a) is chosen.
    Training,
    /// The bonus's ceiling, `1 / (1 + bonus)`: the VaR term alone keeps
    /// the threshold below it.
    Bonus,
}

/// How a case's dynamic set is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChoiceRules {
    /// The confidence `z` is measured at, and coverage tested against.
    pub confidence: f64,
    pub lt_max_from: LtMaxFrom,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseOutcome {
    pub history: String,
    pub case: String,
    pub latency_secs: i64,
    pub book_share: f64,
    pub whale: bool,
    pub halt_secs: Option<i64>,
    pub horizon_secs: u32,
    pub chosen: Candidate,
    pub dynamic_in_training: RunMetrics,
    pub dynamic: RunMetrics,
    /// (a): the highest static threshold clean in training, on the test part.
    pub safe_in_training: Option<StaticRun>,
    /// Every static threshold of `frontier::grid` on the test part.
    pub frontier: Vec<StaticRun>,
    /// Points of mean max LTV above the frontier at the dynamic set's own
    /// bad debt; `None` when no static threshold is as clean.
    pub distance_points: Option<f64>,
    pub above_frontier: bool,
    pub coverage: Coverage,
}

impl CaseOutcome {
    /// The dynamic set's mean max LTV less (a)'s on the test part, points.
    pub fn margin_over_safe_points(&self) -> Option<f64> {
        self.safe_in_training
            .as_ref()
            .map(|a| (self.dynamic.avg_max_ltv_bps - a.metrics.avg_max_ltv_bps) / 100.0)
    }
}

/// Every case on every history, in parallel; `on_done` after each case.
pub fn run_cases(
    histories: &[SplitPath],
    setup: &Setup,
    cases: &[MarketConfig],
    rules: ChoiceRules,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<CaseOutcome>> {
    let work: Vec<(&SplitPath, &MarketConfig)> = histories
        .iter()
        .flat_map(|history| cases.iter().map(move |case| (history, case)))
        .collect();
    work.par_iter()
        .map(|(history, case)| {
            let outcome = run_case(history, histories, setup, case, rules);
            on_done();
            outcome
        })
        .collect()
}

/// The first price of each bar: what the calibration samples of a walked
/// history, and what its tails are measured on.
fn bar_opens(path: &MarketPath) -> Vec<Tick> {
    path.first_tick.iter().map(|&i| path.ticks[i]).collect()
}

/// The interval of a path's bars (the median span).
fn bar_interval_secs(path: &MarketPath) -> i64 {
    let mut spans: Vec<i64> = path.bars.iter().map(|b| b.end - b.start).collect();
    if spans.is_empty() {
        return 0;
    }
    let middle = spans.len() / 2;
    *spans.select_nth_unstable(middle).1
}

/// The set a case starts from: `z` measured at `confidence` on the
/// training parts of `class` (the histories run together) with the same
/// bar interval,
/// the case's horizon, `lt_min` at the lowest choice and `lt_max` at the
/// highest threshold the bonus allows.
fn widest_candidate(
    history: &SplitPath,
    class: &[SplitPath],
    setup: &Setup,
    case: &MarketConfig,
    confidence: f64,
) -> Result<Candidate> {
    let base = &setup.collateral;
    let horizon_secs = case.horizon_secs(base.oracle.liquidation_max_age_secs);
    let (fast, slow) = (
        base.calibration.fast_half_life_secs,
        base.calibration.slow_half_life_secs,
    );
    // The tails of every training part of the class with this history's
    // bar interval, pooled: a short history underestimates its own tail.
    let interval = bar_interval_secs(&history.train);
    let samples = class
        .iter()
        .filter(|other| bar_interval_secs(&other.train) == interval)
        .map(|other| PricePath::new(&bar_opens(&other.train), base))
        .collect::<Result<Vec<_>>>()?;
    let window = u32::try_from(interval)
        .unwrap_or(u32::MAX)
        .max(horizon_secs);
    let tails = tails::measure(&samples, (fast, slow), window, confidence)?;
    let bonus_bps = base.bounds.bonus_min_bps;
    // The highest threshold the bonus allows: LT × (1 + b) <= 1.
    let ceiling = (100_000_000u64 / (10_000 + u64::from(bonus_bps))) as u16;
    Ok(Candidate {
        calibration: CalibrationParamsView {
            quantile_z_milli: tails.z_milli,
            horizon_secs,
            fast_half_life_secs: fast,
            slow_half_life_secs: slow,
        },
        bounds: BoundsView {
            lt_min_bps: LT_MIN_CHOICES[0].min(ceiling),
            lt_max_bps: ceiling,
            max_tighten_bps_per_hour: base.bounds.max_tighten_bps_per_hour,
            max_loosen_bps_per_hour: base.bounds.max_loosen_bps_per_hour,
            bonus_bps,
        },
    })
}

fn with_bounds(candidate: Candidate, lt_min_bps: u16, lt_max_bps: u16) -> Candidate {
    let mut bounded = candidate;
    bounded.bounds.lt_min_bps = lt_min_bps.min(lt_max_bps);
    bounded.bounds.lt_max_bps = lt_max_bps;
    bounded
}

/// The highest of `levels` (ascending) at which `clean` holds, found by
/// bisection: bad debt grows with a threshold, so the clean levels are the
/// low ones. `None` when even the lowest is not clean.
fn highest_clean(levels: &[u16], clean: &dyn Fn(u16) -> Result<bool>) -> Result<Option<u16>> {
    let (Some(&lowest), Some(&highest)) = (levels.first(), levels.last()) else {
        return Ok(None);
    };
    if clean(highest)? {
        return Ok(Some(highest));
    }
    if !clean(lowest)? {
        return Ok(None);
    }
    // clean at `lo`, not at `hi`.
    let (mut lo, mut hi) = (0, levels.len() - 1);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if clean(levels[mid])? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some(levels[lo]))
}

/// The highest `lt_max` (the bonus's ceiling, else a whole point from
/// `lt_min` up) with which `widest` leaves no bad debt in training: the
/// dynamic set's counterpart of (a). When even `lt_max = lt_min` leaves
/// some, that.
fn highest_clean_lt_max(
    widest: Candidate,
    clean_in_training: &dyn Fn(Candidate) -> Result<bool>,
) -> Result<u16> {
    let (floor, ceiling) = (widest.bounds.lt_min_bps, widest.bounds.lt_max_bps);
    let mut levels: Vec<u16> = (floor..ceiling).step_by(100).collect();
    levels.push(ceiling);
    let found = highest_clean(&levels, &|lt_max| {
        clean_in_training(with_bounds(widest, floor, lt_max))
    })?;
    Ok(found.unwrap_or(floor))
}

/// `base` with the size penalty whole and its cap at the program's limit:
/// the dynamic set sees every position's size.
fn sized(base: &crate::config::ReserveSpec) -> crate::config::ReserveSpec {
    let mut spec = base.clone();
    spec.calibration.size_weight_bps = 10_000;
    spec.calibration.max_slippage_bps = risk_engine::constants::MAX_SLIPPAGE_BPS;
    spec
}

/// `base` as a static threshold is run: everything of the chosen set but
/// the calibration's work, and no size penalty (what a protocol without
/// this engine would deploy).
fn plain(base: &crate::config::ReserveSpec) -> crate::config::ReserveSpec {
    let mut spec = base.clone();
    spec.calibration.size_weight_bps = 0;
    spec
}

fn with_collateral(setup: &Setup, collateral: crate::config::ReserveSpec) -> Setup {
    Setup {
        collateral,
        ..setup.clone()
    }
}

/// Every static threshold of the frontier's grid on `path`; a threshold
/// the bounds rules refuse (above what the bonus allows) is left out.
fn statics_on(path: &MarketPath, setup: &Setup, case: &MarketConfig) -> Result<Vec<StaticRun>> {
    frontier::grid()
        .into_iter()
        .filter(|&bps| crate::backtest::collateral_spec(setup, Threshold::Static(bps)).is_ok())
        .collect::<Vec<u16>>()
        .par_iter()
        .map(|&bps| {
            let run = run::run(path, None, setup, case, Threshold::Static(bps), false)?;
            Ok(StaticRun {
                threshold_bps: bps,
                metrics: run.metrics,
            })
        })
        .collect()
}

fn run_case(
    history: &SplitPath,
    class: &[SplitPath],
    setup: &Setup,
    case: &MarketConfig,
    rules: ChoiceRules,
) -> Result<CaseOutcome> {
    let confidence = rules.confidence;
    let statics_setup = with_collateral(setup, plain(&setup.collateral));
    let train = |candidate: Candidate| -> Result<RunMetrics> {
        let chosen = with_collateral(setup, candidate.apply(&sized(&setup.collateral)));
        Ok(run::run(
            &history.train,
            None,
            &chosen,
            case,
            Threshold::Dynamic,
            false,
        )?
        .metrics)
    };
    let widest = widest_candidate(history, class, setup, case, confidence)?;
    let lt_max_bps = match rules.lt_max_from {
        LtMaxFrom::Training => {
            highest_clean_lt_max(widest, &|candidate| Ok(is_clean(&train(candidate)?)))?
        }
        LtMaxFrom::Bonus => widest.bounds.lt_max_bps,
    };
    let mut lt_mins: Vec<u16> = LT_MIN_CHOICES
        .iter()
        .map(|&bps| bps.min(lt_max_bps))
        .collect();
    lt_mins.dedup();
    let candidates: Vec<Candidate> = lt_mins
        .into_iter()
        .map(|lt_min_bps| with_bounds(widest, lt_min_bps, lt_max_bps))
        .filter(|candidate| candidate.is_valid(&sized(&setup.collateral)))
        .collect();
    // The chosen set: clean in training, lending most; else the least bad.
    let mut tried: Vec<(Candidate, RunMetrics)> = candidates
        .par_iter()
        .map(|candidate| Ok((*candidate, train(*candidate)?)))
        .collect::<Result<_>>()?;
    tried.sort_by(|a, b| {
        let clean = |m: &RunMetrics| is_clean(m);
        clean(&b.1).cmp(&clean(&a.1)).then(if clean(&a.1) {
            b.1.avg_max_ltv_bps.total_cmp(&a.1.avg_max_ltv_bps)
        } else {
            a.1.bad_debt_usd.total_cmp(&b.1.bad_debt_usd)
        })
    });
    let (chosen, dynamic_in_training) = tried
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("{}: no valid candidate", history.name))?;
    let chosen_setup = with_collateral(setup, chosen.apply(&sized(&setup.collateral)));
    // (a): the highest static threshold of the frontier's grid free of
    // bad debt in training, found by bisection.
    let static_levels: Vec<u16> = frontier::grid()
        .into_iter()
        .filter(|&bps| {
            crate::backtest::collateral_spec(&statics_setup, Threshold::Static(bps)).is_ok()
        })
        .collect();
    let clean_static = |bps: u16| -> Result<bool> {
        let run = run::run(
            &history.train,
            None,
            &statics_setup,
            case,
            Threshold::Static(bps),
            false,
        )?;
        Ok(is_clean(&run.metrics))
    };
    let (safe_bps, frontier_runs) = rayon::join(
        || highest_clean(&static_levels, &clean_static),
        || statics_on(&history.test, &statics_setup, case),
    );
    let (safe_bps, frontier_runs) = (safe_bps?, frontier_runs?);
    let safe_in_training = safe_bps.and_then(|bps| {
        frontier_runs
            .iter()
            .find(|s| s.threshold_bps == bps)
            .cloned()
    });
    let dynamic = run::run(
        &history.test,
        Some(&history.train),
        &chosen_setup,
        case,
        Threshold::Dynamic,
        false,
    )?
    .metrics;
    let coverage = coverage_on(history, &chosen_setup, chosen, confidence)?;
    Ok(CaseOutcome {
        history: history.name.clone(),
        case: case.label(),
        latency_secs: case.liquidators.latency_secs,
        book_share: case.sizing.book_share,
        whale: case.sizing.whale,
        halt_secs: case.halt_secs,
        horizon_secs: chosen.calibration.horizon_secs,
        chosen,
        dynamic_in_training,
        distance_points: frontier::distance_points(&frontier_runs, &dynamic),
        above_frontier: frontier::is_above(&frontier_runs, &dynamic),
        dynamic,
        safe_in_training,
        frontier: frontier_runs,
        coverage,
    })
}

/// The chosen set's buffer against the test part's losses (see
/// `coverage`): at each bar's open, `z × σ × sqrt(W)` from the variance the
/// program held then (calibrated on training first), against the log loss
/// to the lowest walked price of the next window `W` (the horizon, at least
/// a bar).
fn coverage_on(
    history: &SplitPath,
    setup: &Setup,
    chosen: Candidate,
    confidence: f64,
) -> Result<Coverage> {
    let train = bar_opens(&history.train);
    let test = bar_opens(&history.test);
    let whole: Vec<Tick> = train.iter().chain(&test).copied().collect();
    let prices = PricePath::new(&whole, &setup.collateral)?;
    let c = chosen.calibration;
    let fast = ewma_path(&prices, c.fast_half_life_secs, prices.listed_fast)?;
    let slow = ewma_path(&prices, c.slow_half_life_secs, prices.listed_slow)?;
    let window_secs = u32::try_from(bar_interval_secs(&history.test))
        .unwrap_or(u32::MAX)
        .max(c.horizon_secs);
    let z = f64::from(c.quantile_z_milli) / 1_000.0;
    let path = &history.test;
    let last_time = path.times[path.times.len() - 1];
    let mut windows = Vec::with_capacity(test.len());
    for (k, open) in test.iter().enumerate() {
        let end_time = open.time + i64::from(window_secs);
        if end_time > last_time {
            break;
        }
        let i = train.len() + k;
        let variance = effective_variance(fast[i], slow[i]);
        let sigma = sigma_over_horizon(variance, u64::from(window_secs))
            .map_err(|e| anyhow::anyhow!("sigma at the open of bar {k}: {e:?}"))?
            .to_num::<f64>();
        if sigma <= 0.0 {
            continue;
        }
        let from = path.first_tick[k] + 1;
        let to = path.times.partition_point(|&t| t <= end_time);
        let low = path.min_price(from, to);
        windows.push(Window {
            buffer: z * sigma,
            loss: (open.price / low).ln().max(0.0),
        });
    }
    Ok(coverage::test(&windows, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_highest_clean_level() {
        let levels: Vec<u16> = (40..=95).map(|p| p * 100).collect();
        let calls = std::cell::Cell::new(0);
        let below = |limit: u16| move |bps: u16| -> Result<bool> { Ok(bps <= limit) };
        let counted = |bps: u16| {
            calls.set(calls.get() + 1);
            below(8_300)(bps)
        };
        assert_eq!(highest_clean(&levels, &counted).unwrap(), Some(8_300));
        assert!(calls.get() <= 8, "{} runs", calls.get());
        assert_eq!(highest_clean(&levels, &below(9_900)).unwrap(), Some(9_500));
        assert_eq!(highest_clean(&levels, &below(3_000)).unwrap(), None);
        assert_eq!(highest_clean(&levels, &below(4_000)).unwrap(), Some(4_000));
        assert_eq!(highest_clean(&[], &below(4_000)).unwrap(), None);
    }
}
