//! `riskctl backtest`: what a set of parameters would have done on a price
//! history. The collateral reserve is calibrated tick by tick with the
//! program's own `refresh_reserve` logic, a synthetic book borrows and is
//! liquidated with the program's lending and liquidation code, and the
//! same path is replayed with static thresholds for comparison.

use anyhow::{bail, Result};
use risk_engine::calibration::skip_reason;
use risk_engine::math::volatility::annualised_sigma_bps;
use risk_engine::state::{LiquidationConfig, Reserve};
use serde::Serialize;

use crate::config::resolve::checked;
use crate::config::ReserveSpec;
use crate::history::Tick;

pub mod book;
pub mod kernel;
pub mod market;
pub mod metrics;
pub mod range_index;
pub mod replay;
pub mod report;

pub use book::BookConfig;
pub use metrics::{RunMetrics, Step};

/// Everything a run needs besides the path.
#[derive(Debug, Clone)]
pub struct Setup {
    pub collateral: ReserveSpec,
    pub debt: ReserveSpec,
    pub rules: LiquidationConfig,
    pub book: BookConfig,
    /// Rolling window of the tail-loss percentiles.
    pub window_secs: i64,
    /// Kept steps (for charts and JSON) at most this often, besides every
    /// step where the book acted; 0 keeps them all. A path walked inside
    /// its bars has far more ticks than a chart has points.
    pub record_every_secs: i64,
}

impl Setup {
    /// The `asset` and `debt` reserves and the liquidation rules of a
    /// deployment file.
    pub fn from_deployment(
        deployment: &crate::config::Deployment,
        asset: &str,
        debt: &str,
        book: BookConfig,
        window_secs: i64,
    ) -> Result<Self> {
        let reserve = |symbol: &str| {
            deployment
                .reserves
                .iter()
                .find(|spec| spec.symbol == symbol)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = deployment
                        .reserves
                        .iter()
                        .map(|r| r.symbol.as_str())
                        .collect();
                    anyhow::anyhow!(
                        "no reserve \"{symbol}\" in the deployment file; it lists {known:?}"
                    )
                })
        };
        Ok(Self {
            collateral: reserve(asset)?,
            debt: reserve(debt)?,
            rules: deployment.liquidation,
            book,
            window_secs,
            record_every_secs: 0,
        })
    }
}

/// The threshold a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Threshold {
    /// Calibrated by the program inside the reserve's bounds.
    Dynamic,
    /// Pinned at this many bps (bonus pinned at `bonus_min`).
    Static(u16),
}

impl Threshold {
    pub fn label(&self) -> String {
        match self {
            Threshold::Dynamic => "dynamic".into(),
            Threshold::Static(bps) => {
                format!("static {}", crate::config::units::fmt_bps((*bps).into()))
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub threshold: Threshold,
    pub metrics: RunMetrics,
    pub steps: Vec<Step>,
}

/// The collateral's configuration under `threshold`, checked as governance
/// would be.
pub fn collateral_spec(setup: &Setup, threshold: Threshold) -> Result<ReserveSpec> {
    let mut spec = setup.collateral.clone();
    if let Threshold::Static(bps) = threshold {
        spec.bounds.lt_min_bps = bps;
        spec.bounds.lt_max_bps = bps;
        spec.bounds.bonus_max_bps = spec.bounds.bonus_min_bps;
    }
    checked(
        spec.bounds.validate(),
        &format!("{} threshold", threshold.label()),
    )?;
    Ok(spec)
}

/// The collateral as a replay lists it. A replay counts every tick as a
/// keeper's refresh on time: a gap in the data (a day between daily
/// closes) is not an outage, so the calibration must not go stale between
/// ticks. `calibration_max_age` is raised to `largest_gap_secs`, the
/// history's largest gap (`PathFacts`), at most the program's limit, which
/// the program's own `validate()` accepts.
pub(crate) fn without_outages(mut spec: ReserveSpec, largest_gap_secs: i64) -> ReserveSpec {
    let gap_secs = u32::try_from(largest_gap_secs)
        .unwrap_or(u32::MAX)
        .min(risk_engine::constants::MAX_STALENESS_SECS);
    let calibration = &mut spec.calibration;
    calibration.calibration_max_age_secs = calibration.calibration_max_age_secs.max(gap_secs);
    spec
}

/// What a run reads off its whole path before its first tick: one pass
/// each, which a sweep takes once per history (`PricePath::facts`) rather
/// than once per candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathFacts {
    /// The longest time between two prices the calibration samples
    /// (`largest_sample_gap`), seconds.
    pub sample_gap_secs: i64,
    /// The longest time between two ticks, seconds.
    pub largest_gap_secs: i64,
    /// The highest price of the run's own ticks, USD.
    pub highest_price_usd: f64,
}

impl PathFacts {
    /// For a reserve listed as `spec`: gaps over `gaps_of` (a warm-up and
    /// the path, or the path alone), the highest price over `path`.
    pub fn of(spec: &ReserveSpec, gaps_of: &[Tick], path: &[Tick]) -> Self {
        Self {
            sample_gap_secs: largest_sample_gap(spec, gaps_of),
            largest_gap_secs: largest_gap_secs(gaps_of),
            highest_price_usd: path.iter().map(|tick| tick.price).fold(0.0, f64::max),
        }
    }
}

/// The longest time between two ticks of `path`, seconds.
pub(crate) fn largest_gap_secs(path: &[Tick]) -> i64 {
    path.windows(2)
        .map(|pair| pair[1].time - pair[0].time)
        .max()
        .unwrap_or(0)
}

/// The longest time between two prices the program would count as samples
/// (`calibration::skip_reason` passes them: the first price in the window
/// at the start of a slot not sampled yet). The gap that counts is between
/// prices the calibration takes (on its sample grid): a path walked inside
/// its bars has ticks between them that only move the price.
pub(crate) fn largest_sample_gap(spec: &ReserveSpec, path: &[Tick]) -> i64 {
    let Some(first) = path.first() else { return 0 };
    let mut reserve = replay::listed_reserve(spec, first.time);
    let mut largest = 0;
    for tick in path {
        if skip_reason(&reserve, tick.time).is_none() {
            let last = reserve.calibrated.last_publish_time;
            if last != 0 {
                largest = largest.max(tick.time - last);
            }
            reserve.calibrated.last_publish_time = tick.time;
        }
    }
    largest
}

/// The debt price at `time`: the last one at or before it, else the first.
fn debt_price_at(debt_path: Option<&[Tick]>, cursor: &mut usize, time: i64) -> f64 {
    let Some(path) = debt_path else { return 1.0 };
    while *cursor + 1 < path.len() && path[*cursor + 1].time <= time {
        *cursor += 1;
    }
    path[*cursor].price
}

/// One run over `path`; `keep_steps` keeps every step for charts.
pub fn run(
    path: &[Tick],
    debt_path: Option<&[Tick]>,
    setup: &Setup,
    threshold: Threshold,
    keep_steps: bool,
) -> Result<Run> {
    run_with(path, debt_path, setup, threshold, keep_steps, None)
}

/// `run`, with the collateral refreshed from paths shared between
/// candidates when `shared` is given (see `kernel`); the results are the
/// same either way. With shared paths and the debt at $1, the book only
/// runs at its events; steps between them, when kept, come from the
/// threshold path.
pub fn run_with(
    path: &[Tick],
    debt_path: Option<&[Tick]>,
    setup: &Setup,
    threshold: Threshold,
    keep_steps: bool,
    shared: Option<&kernel::SharedPaths>,
) -> Result<Run> {
    run_inner(&[], path, debt_path, setup, threshold, keep_steps, shared)
}

/// One run over `path` whose collateral reserve has first calibrated on
/// `warm_up`, the history just before it, where no book acts: an
/// out-of-sample test starts from the state a reserve listed earlier would
/// be in, while its book and its metrics start with `path`.
pub fn run_after(
    warm_up: &[Tick],
    path: &[Tick],
    setup: &Setup,
    threshold: Threshold,
    keep_steps: bool,
) -> Result<Run> {
    run_inner(warm_up, path, None, setup, threshold, keep_steps, None)
}

#[allow(clippy::too_many_arguments)]
fn run_inner(
    warm_up: &[Tick],
    path: &[Tick],
    debt_path: Option<&[Tick]>,
    setup: &Setup,
    threshold: Threshold,
    keep_steps: bool,
    shared: Option<&kernel::SharedPaths>,
) -> Result<Run> {
    if path.len() < 2 {
        bail!("the price path has fewer than 2 prices");
    }
    let whole: Vec<Tick>;
    let gaps_of = if warm_up.is_empty() {
        path
    } else {
        whole = warm_up.iter().chain(path).copied().collect();
        &whole[..]
    };
    let spec = collateral_spec(setup, threshold)?;
    // What the path alone decides, read off the shared prices when a sweep
    // has them (the same values: candidates share the sampling settings).
    let facts = match shared {
        Some(shared) if warm_up.is_empty() => shared.prices.facts,
        _ => PathFacts::of(&spec, gaps_of, path),
    };
    let sample_gap = facts.sample_gap_secs;
    let spec = without_outages(spec, facts.largest_gap_secs.max(sample_gap));
    let start = gaps_of[0].time;
    let mut collateral: Reserve = replay::listed_reserve(&spec, start);
    for tick in warm_up {
        replay::refresh(&mut collateral, tick.price, tick.time)?;
    }
    let mut debt: Reserve = replay::listed_reserve(&setup.debt, path[0].time);
    // Suppliers far larger than the book: liquidity never limits it.
    debt.lending.available_liquidity = u64::MAX / 4;
    // The kernel traces the threshold as refreshes move it. A calibration
    // that goes stale between two samples (a gap longer than the program
    // lets it age) declines with time instead, which only a replay tick by
    // tick follows.
    let may_go_stale = sample_gap > i64::from(spec.calibration.calibration_max_age_secs);
    let shared = shared.filter(|_| !may_go_stale);
    let traced = shared.map(|shared| (shared, kernel::ThresholdPath::trace(shared, &collateral)));
    // Only the book's events are replayed, the rest counted in bulk; a
    // debt path moves the book at every tick.
    let by_events = traced.is_some() && debt_path.is_none();
    let mut book = book::Book::new(setup.book.clone(), setup.rules);
    // Size penalties are bounded at the highest price of the path.
    book.set_price_ceiling(facts.highest_price_usd);
    let mut steps = StepRecord::new(keep_steps, path.len(), setup.record_every_secs);
    let (lt_min_bps, lt_max_bps) = (spec.bounds.lt_min_bps, spec.bounds.lt_max_bps);
    let mut accumulator = if by_events {
        metrics::Accumulator::events_only(setup.window_secs)
    } else {
        metrics::Accumulator::new(lt_min_bps, lt_max_bps, setup.window_secs)
    };
    let mut cursor = 0;
    let mut debt_price = None;
    let mut index = 0;
    while index < path.len() {
        let tick = &path[index];
        let collateral_price = match &traced {
            Some((shared, threshold_path)) => threshold_path.apply(shared, &mut collateral, index),
            None => replay::refresh(&mut collateral, tick.price, tick.time)?,
        };
        // A debt asset held at $1 needs its price read once: liquidation and
        // borrowing take the price as given, only refreshes check its age.
        if debt_path.is_some() || debt_price.is_none() {
            let debt_usd = debt_price_at(debt_path, &mut cursor, tick.time);
            debt_price = Some(replay::refresh(&mut debt, debt_usd, tick.time)?);
        }
        let debt_price = debt_price.expect("read at the first tick");
        let outcome = book.tick(
            &mut collateral,
            &collateral_price,
            &mut debt,
            &debt_price,
            tick.time,
            None,
        )?;
        let state = &collateral.calibrated;
        // Volatility is for charts; its square root is not free (with
        // shared paths it is filled in at the end, in parallel).
        let sigma = |variance: risk_engine::state::WrappedI80F48| {
            if keep_steps && traced.is_none() {
                annualised_sigma_bps(variance.into())
            } else {
                0
            }
        };
        let step = Step {
            time: tick.time,
            price_usd: tick.price,
            sigma_fast_bps_per_year: sigma(state.fast_variance_per_year),
            sigma_slow_bps_per_year: sigma(state.slow_variance_per_year),
            threshold_bps: state.liquidation_threshold_bps,
            max_ltv_bps: state.max_ltv_bps,
            liquidations: outcome.liquidations,
            repaid_usd: outcome.repaid_usd,
            bonus_paid_usd: outcome.bonus_paid_usd,
            bad_debt_usd: outcome.bad_debt_usd,
            debt_usd: book.debt_usd(&debt, &debt_price),
            unprofitable: outcome.unprofitable,
            borrowed_usd: outcome.borrowed_usd,
            sold_usd: outcome.sold_usd,
        };
        accumulator.push(&step);
        steps.push(step, index);
        index += 1;
        if let (true, Some((shared, threshold_path))) = (by_events, &traced) {
            let screen = book.screen(&collateral, &debt, &debt_price, tick.time);
            if let (Some(screen), Some(until)) = (screen, book.next_relever()) {
                let next = threshold_path.next_event(shared, index, until, &screen);
                accumulator.push_quiet(&shared.prices.times[index..next]);
                if keep_steps {
                    let quiet = quiet_steps(threshold_path, &path[index..next], index, step);
                    for (offset, quiet_step) in quiet.enumerate() {
                        steps.push(quiet_step, index + offset);
                    }
                }
                index = next;
            }
        }
    }
    let (mut steps, tick_of_step) = (steps.steps, steps.ticks);
    if let (Some((shared, _)), true) = (&traced, keep_steps) {
        use rayon::prelude::*;
        // The estimates change only where a price is sampled, so most
        // steps repeat the last one's: its square root is taken again only
        // when it changed.
        const CHUNK: usize = 1 << 14;
        steps
            .par_chunks_mut(CHUNK)
            .zip(tick_of_step.par_chunks(CHUNK))
            .for_each(|(steps, ticks)| {
                let mut fast = SigmaOf::default();
                let mut slow = SigmaOf::default();
                for (step, &index) in steps.iter_mut().zip(ticks) {
                    step.sigma_fast_bps_per_year = fast.of(shared.fast[index]);
                    step.sigma_slow_bps_per_year = slow.of(shared.slow[index]);
                }
            });
    }
    let metrics = match (&traced, by_events) {
        (Some((_, threshold_path)), true) => accumulator.finish_with(threshold_path.weights),
        _ => accumulator.finish(),
    };
    Ok(Run {
        threshold,
        metrics,
        steps,
    })
}

/// `annualised_sigma_bps` of a run of variances, remembering the last.
#[derive(Default)]
struct SigmaOf {
    last: Option<(fixed::types::I80F48, u64)>,
}

impl SigmaOf {
    fn of(&mut self, variance: fixed::types::I80F48) -> u64 {
        match self.last {
            Some((last, sigma)) if last == variance => sigma,
            _ => {
                let sigma = annualised_sigma_bps(variance);
                self.last = Some((variance, sigma));
                sigma
            }
        }
    }
}

/// The steps a run keeps, each with the index of its tick.
pub(crate) struct StepRecord {
    pub(crate) keep: bool,
    every_secs: i64,
    pub(crate) steps: Vec<Step>,
    pub(crate) ticks: Vec<usize>,
}

impl StepRecord {
    pub(crate) fn new(keep: bool, ticks: usize, every_secs: i64) -> Self {
        let capacity = if keep && every_secs == 0 { ticks } else { 0 };
        Self {
            keep,
            every_secs,
            steps: Vec::with_capacity(capacity),
            ticks: Vec::with_capacity(capacity),
        }
    }

    /// Whether a quiet step at `time` would be kept.
    pub(crate) fn wants_quiet(&self, time: i64) -> bool {
        self.keep
            && self
                .steps
                .last()
                .is_none_or(|last| time - last.time >= self.every_secs)
    }

    /// Keeps `step` unless records are thinned and it is a quiet step too
    /// soon after the last one kept.
    pub(crate) fn push(&mut self, step: Step, tick: usize) {
        if !self.keep {
            return;
        }
        let acted = step.liquidations > 0 || step.borrowed_usd > 0.0 || step.unprofitable > 0;
        let due = self
            .steps
            .last()
            .is_none_or(|last| step.time - last.time >= self.every_secs);
        if acted || due {
            self.steps.push(step);
            self.ticks.push(tick);
        }
    }
}

/// The steps of `ticks` (from tick `from` on) after `last`, where only the
/// clock and the threshold move: nothing liquidated or borrowed, the same
/// debt.
fn quiet_steps<'a>(
    threshold_path: &'a kernel::ThresholdPath,
    ticks: &'a [Tick],
    from: usize,
    last: Step,
) -> impl Iterator<Item = Step> + 'a {
    let thresholds = threshold_path.each(from, from + ticks.len());
    thresholds
        .zip(ticks)
        .map(move |((threshold_bps, max_ltv_bps), tick)| {
            Step::quiet(last, tick.time, tick.price, threshold_bps, max_ltv_bps)
        })
}

/// The dynamic threshold and each static one on the same path, in
/// parallel, on paths shared between them (statics pin the threshold but
/// keep the calibration, bonus and slippage of the dynamic set).
pub fn compare(
    path: &[Tick],
    debt_path: Option<&[Tick]>,
    setup: &Setup,
    statics: &[u16],
) -> Result<Vec<Run>> {
    let prices = kernel::PricePath::new(path, &setup.collateral)?;
    compare_on(&prices, path, debt_path, setup, statics)
}

/// `compare` on prices already read.
pub fn compare_on(
    prices: &kernel::PricePath,
    path: &[Tick],
    debt_path: Option<&[Tick]>,
    setup: &Setup,
    statics: &[u16],
) -> Result<Vec<Run>> {
    use rayon::prelude::*;
    let prepared = kernel::PreparedPaths::new(prices, &setup.collateral)?;
    let shared = prepared.shared(prices);
    let thresholds: Vec<Threshold> = std::iter::once(Threshold::Dynamic)
        .chain(statics.iter().map(|bps| Threshold::Static(*bps)))
        .collect();
    thresholds
        .par_iter()
        .map(|threshold| run_with(path, debt_path, setup, *threshold, true, Some(&shared)))
        .collect()
}
