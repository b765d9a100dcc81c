//! `riskctl calibrate`: sweeps calibration parameters and bounds over one
//! or several histories in parallel, each candidate a full backtest with
//! the program's own code, and recommends the set with zero bad debt and
//! the most capital offered to borrowers.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{bail, Result};
use fixed::types::I80F48;
use rayon::prelude::*;
use serde::Serialize;

use crate::backtest::kernel::{
    ewma_path, sigma_path, table_key, target_path, PricePath, ReferencePath, SharedPaths,
    TargetTable,
};
use crate::backtest::{self, RunMetrics, Setup, Threshold};
use crate::history::Tick;
use risk_engine::math::threshold::ThresholdLimits;

pub mod coverage;
pub mod frontier;
pub mod grid;
pub mod market_cases;
pub mod market_report;
pub mod report;
pub mod stress;
pub mod tails;
pub mod walk_forward;

pub use grid::{Candidate, Grid};

/// A named price history.
#[derive(Debug, Clone)]
pub struct History {
    pub name: String,
    pub path: Vec<Tick>,
}

/// A candidate's results over every history.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    pub candidate: Candidate,
    /// Bad debt summed over the histories, USD.
    pub bad_debt_usd: f64,
    /// Mean over the histories of the time-weighted mean max LTV, bps.
    pub avg_max_ltv_bps: f64,
    pub liquidations: u64,
    pub per_history: Vec<RunMetrics>,
}

impl Scored {
    /// Bad debt below a cent counts as none (rounding of base units).
    pub fn has_bad_debt(&self) -> bool {
        self.bad_debt_usd >= 0.01
    }
}

/// The best set, the next one, and how far apart they are.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub best: Scored,
    pub runner_up: Option<Scored>,
    /// Mean max LTV of the best less the runner-up's, bps.
    pub margin_bps: Option<f64>,
    /// False when every candidate left bad debt: the best is then the one
    /// with the least.
    pub zero_bad_debt: bool,
}

/// Target tables by (bonus, slippage), shared by every history.
fn target_tables(setup: &Setup, candidates: &[Candidate]) -> HashMap<(u16, u16), TargetTable> {
    let mut keys: Vec<(u16, u16)> = candidates
        .iter()
        .map(|c| table_key(&c.apply(&setup.collateral)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|(bonus, slippage)| ((bonus, slippage), TargetTable::new(bonus, slippage)))
        .collect()
}

/// Candidates that share a `sigma × sqrt(T)` path (half-lives, horizon),
/// then a target path (`z`, bonus, slippage): indexes into the candidates.
type Groups = BTreeMap<(u32, u32, u32), BTreeMap<(u32, u16, u16), Vec<usize>>>;

fn groups(setup: &Setup, candidates: &[Candidate]) -> Groups {
    let mut groups = Groups::new();
    for (index, candidate) in candidates.iter().enumerate() {
        let c = candidate.calibration;
        let (bonus, slippage) = table_key(&candidate.apply(&setup.collateral));
        groups
            .entry((c.fast_half_life_secs, c.slow_half_life_secs, c.horizon_secs))
            .or_default()
            .entry((c.quantile_z_milli, bonus, slippage))
            .or_default()
            .push(index);
    }
    groups
}

/// Runs every candidate over every history; `on_done` is called once per
/// finished run of a candidate on a history (from any thread), for
/// progress.
pub fn sweep(
    histories: &[History],
    setup: &Setup,
    candidates: &[Candidate],
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Scored>> {
    let prices = read_prices(histories, setup)?;
    sweep_on(histories, &prices, setup, candidates, on_done)
}

/// Each history's prices as the collateral reserve reads them, which
/// every candidate and the report's runs share.
pub fn read_prices(histories: &[History], setup: &Setup) -> Result<Vec<PricePath>> {
    histories
        .iter()
        .map(|history| {
            if history.path.len() < 2 {
                bail!("{}: the price path has fewer than 2 prices", history.name);
            }
            PricePath::new(&history.path, &setup.collateral)
        })
        .collect()
}

/// `sweep` on prices already read (`read_prices`).
pub fn sweep_on(
    histories: &[History],
    prices: &[PricePath],
    setup: &Setup,
    candidates: &[Candidate],
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Scored>> {
    let tables = target_tables(setup, candidates);
    let groups = groups(setup, candidates);
    let mut per_candidate: Vec<Vec<RunMetrics>> = vec![Vec::new(); candidates.len()];
    for (history, prices) in histories.iter().zip(prices) {
        let metrics = sweep_history(
            history, prices, setup, candidates, &groups, &tables, on_done,
        )?;
        for (runs, metrics) in per_candidate.iter_mut().zip(metrics) {
            runs.push(metrics);
        }
    }
    Ok(candidates
        .iter()
        .zip(per_candidate)
        .map(|(candidate, per_history)| scored(candidate, per_history))
        .collect())
}

/// Every candidate on one history, in candidate order. Shared paths are
/// built as their groups come up and dropped after them, so memory holds
/// only the groups in flight.
fn sweep_history(
    history: &History,
    prices: &PricePath,
    setup: &Setup,
    candidates: &[Candidate],
    groups: &Groups,
    tables: &HashMap<(u16, u16), TargetTable>,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<RunMetrics>> {
    let (fast, slow) = variance_paths(prices, groups)?;
    let runs: Vec<Vec<(usize, RunMetrics)>> = groups
        .par_iter()
        .map(|(&(fast_half_life, slow_half_life, horizon), by_target)| {
            let (fast, slow) = (&fast[&fast_half_life], &slow[&slow_half_life]);
            let sigma = sigma_path(fast, slow, horizon)?;
            let runs: Vec<Vec<(usize, RunMetrics)>> = by_target
                .par_iter()
                .map(|(&(z, bonus, slippage), members)| {
                    let targets = target_path(&sigma, z, &tables[&(bonus, slippage)])?;
                    let shared = SharedPaths {
                        prices,
                        fast,
                        slow,
                        targets: &targets,
                        reference: None,
                    };
                    sweep_target_group(history, setup, candidates, members, &shared, on_done)
                })
                .collect::<Result<_>>()?;
            Ok(runs.concat())
        })
        .collect::<Result<_>>()?;
    let mut metrics = vec![RunMetrics::default(); candidates.len()];
    for (index, run) in runs.into_iter().flatten() {
        metrics[index] = run;
    }
    Ok(metrics)
}

/// The variance estimates of every fast and every slow half-life swept.
type ByHalfLife = HashMap<u32, Vec<I80F48>>;

fn variance_paths(prices: &PricePath, groups: &Groups) -> Result<(ByHalfLife, ByHalfLife)> {
    let half_lives =
        |pick: fn(&(u32, u32, u32)) -> u32| -> BTreeSet<u32> { groups.keys().map(pick).collect() };
    let paths = |half_lives: BTreeSet<u32>, listed: I80F48| -> Result<ByHalfLife> {
        half_lives
            .into_par_iter()
            .map(|half_life| ewma_path(prices, half_life, listed).map(|path| (half_life, path)))
            .collect()
    };
    let (fast, slow) = rayon::join(
        || paths(half_lives(|key| key.0), prices.listed_fast),
        || paths(half_lives(|key| key.1), prices.listed_slow),
    );
    Ok((fast?, slow?))
}

/// The candidates of one target group: those of each pair of rate limits
/// follow one reference trace.
fn sweep_target_group(
    history: &History,
    setup: &Setup,
    candidates: &[Candidate],
    members: &[usize],
    shared: &SharedPaths,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<(usize, RunMetrics)>> {
    let listed = backtest::replay::listed_reserve(&setup.collateral, history.path[0].time);
    let loosen_window = risk_engine::calibration::loosen_window_secs(&listed.calibration);
    let runs: Vec<Vec<(usize, RunMetrics)>> = by_rates(candidates, members, loosen_window)
        .par_iter()
        .map(|(limits, members)| {
            let reference = ReferencePath::trace(shared, *limits, &listed);
            let shared = SharedPaths {
                reference: Some(&reference),
                ..*shared
            };
            members
                .par_iter()
                .map(|&index| {
                    let metrics = run_candidate(history, setup, &candidates[index], &shared)?;
                    on_done();
                    Ok((index, metrics))
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok(runs.concat())
}

/// Members of a target group by rate limits, each with the widest bounds
/// among them: the limits of the reference they follow.
fn by_rates(
    candidates: &[Candidate],
    members: &[usize],
    max_loosen_elapsed_secs: u64,
) -> Vec<(ThresholdLimits, Vec<usize>)> {
    let mut groups: BTreeMap<(u16, u16), (ThresholdLimits, Vec<usize>)> = BTreeMap::new();
    for &index in members {
        let b = candidates[index].bounds;
        let rates = (b.max_tighten_bps_per_hour, b.max_loosen_bps_per_hour);
        let (limits, members) = groups.entry(rates).or_insert((
            ThresholdLimits {
                lt_min_bps: b.lt_min_bps,
                lt_max_bps: b.lt_max_bps,
                max_tighten_bps_per_hour: rates.0,
                max_loosen_bps_per_hour: rates.1,
                max_loosen_elapsed_secs,
            },
            Vec::new(),
        ));
        limits.lt_min_bps = limits.lt_min_bps.min(b.lt_min_bps);
        limits.lt_max_bps = limits.lt_max_bps.max(b.lt_max_bps);
        members.push(index);
    }
    groups.into_values().collect()
}

fn run_candidate(
    history: &History,
    setup: &Setup,
    candidate: &Candidate,
    shared: &SharedPaths,
) -> Result<RunMetrics> {
    let mut candidate_setup = setup.clone();
    candidate_setup.collateral = candidate.apply(&setup.collateral);
    backtest::run_with(
        &history.path,
        None,
        &candidate_setup,
        Threshold::Dynamic,
        false,
        Some(shared),
    )
    .map(|run| run.metrics)
}

fn scored(candidate: &Candidate, per_history: Vec<RunMetrics>) -> Scored {
    let count = per_history.len().max(1) as f64;
    Scored {
        candidate: *candidate,
        bad_debt_usd: per_history.iter().map(|m| m.bad_debt_usd).sum(),
        avg_max_ltv_bps: per_history.iter().map(|m| m.avg_max_ltv_bps).sum::<f64>() / count,
        liquidations: per_history.iter().map(|m| m.liquidations).sum(),
        per_history,
    }
}

/// One candidate over every history, replayed in full (no sharing).
pub fn score(histories: &[History], setup: &Setup, candidate: &Candidate) -> Result<Scored> {
    let mut candidate_setup = setup.clone();
    candidate_setup.collateral = candidate.apply(&setup.collateral);
    let per_history = histories
        .iter()
        .map(|history| {
            backtest::run(
                &history.path,
                None,
                &candidate_setup,
                Threshold::Dynamic,
                false,
            )
            .map(|run| run.metrics)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(scored(candidate, per_history))
}

/// Ranks candidates: no bad debt first, then the highest mean max LTV,
/// then the least bad debt.
pub fn rank(scored: &mut [Scored]) {
    scored.sort_by(|a, b| {
        a.has_bad_debt()
            .cmp(&b.has_bad_debt())
            .then(b.avg_max_ltv_bps.total_cmp(&a.avg_max_ltv_bps))
            .then(a.bad_debt_usd.total_cmp(&b.bad_debt_usd))
    });
}

/// The first of the ranking, and the next one with its margin; when every
/// candidate left bad debt, the one with the least instead.
pub fn recommend(scored: &[Scored]) -> Option<Recommendation> {
    let mut ranked = scored.to_vec();
    if ranked.iter().all(Scored::has_bad_debt) {
        ranked.sort_by(|a, b| a.bad_debt_usd.total_cmp(&b.bad_debt_usd));
    } else {
        rank(&mut ranked);
    }
    let mut ranked = ranked.into_iter();
    let best = ranked.next()?;
    let runner_up = ranked.next();
    Some(Recommendation {
        margin_bps: runner_up
            .as_ref()
            .map(|r| best.avg_max_ltv_bps - r.avg_max_ltv_bps),
        zero_bad_debt: !best.has_bad_debt(),
        best,
        runner_up,
    })
}
