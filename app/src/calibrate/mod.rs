//! `riskctl calibrate`: sweeps calibration parameters and bounds over one
//! or several histories in parallel, each candidate a full backtest with
//! the program's own code, and recommends the set with zero bad debt and
//! the most capital offered to borrowers.

use std::collections::HashMap;

use anyhow::Result;
use fixed::types::I80F48;
use rayon::prelude::*;
use serde::Serialize;

use crate::backtest::kernel::{SharedPaths, TargetTable, VariancePath};
use crate::backtest::range_index::RangeIndex;
use crate::backtest::{self, RunMetrics, Setup, Threshold};
use crate::history::Tick;
use risk_engine::calibration::slippage_now_bps;

pub mod grid;
pub mod report;
pub mod stress;

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

/// Per history, what candidates share: variance paths by half-life pair,
/// and `sigma × sqrt(T)` by pair and horizon.
struct Shared {
    variance: HashMap<(u32, u32), VariancePath>,
    sigma: HashMap<(u32, u32, u32), RangeIndex<I80F48>>,
}

/// Target tables by (bonus, slippage), shared by every history.
fn target_tables(setup: &Setup, candidates: &[Candidate]) -> HashMap<(u16, u16), TargetTable> {
    let mut keys: Vec<(u16, u16)> = candidates
        .iter()
        .map(|c| {
            let spec = c.apply(&setup.collateral);
            let reserve = backtest::replay::listed_reserve(&spec, 0);
            (
                reserve.calibrated.liquidation_bonus_bps,
                slippage_now_bps(&reserve, 0),
            )
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.par_iter()
        .map(|&(bonus, slippage)| ((bonus, slippage), TargetTable::new(bonus, slippage)))
        .collect()
}

fn shared(history: &History, setup: &Setup, candidates: &[Candidate]) -> Result<Shared> {
    let mut pairs: Vec<(u32, u32)> = candidates
        .iter()
        .map(|c| {
            (
                c.calibration.fast_half_life_secs,
                c.calibration.slow_half_life_secs,
            )
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let variance = pairs
        .par_iter()
        .map(|&(fast, slow)| {
            let mut spec = setup.collateral.clone();
            spec.calibration.fast_half_life_secs = fast;
            spec.calibration.slow_half_life_secs = slow;
            VariancePath::new(&history.path, &spec).map(|path| ((fast, slow), path))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    let mut keys: Vec<(u32, u32, u32)> = candidates
        .iter()
        .map(|c| {
            (
                c.calibration.fast_half_life_secs,
                c.calibration.slow_half_life_secs,
                c.calibration.horizon_secs,
            )
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let sigma = keys
        .par_iter()
        .map(|&(fast, slow, horizon)| {
            variance[&(fast, slow)]
                .sigma_over(horizon)
                .map(|s| ((fast, slow, horizon), s))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    Ok(Shared { variance, sigma })
}

/// Runs every candidate over every history; `on_done` is called once per
/// finished candidate (from any thread), for progress.
pub fn sweep(
    histories: &[History],
    setup: &Setup,
    candidates: &[Candidate],
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Scored>> {
    let shared: Vec<Shared> = histories
        .iter()
        .map(|history| self::shared(history, setup, candidates))
        .collect::<Result<_>>()?;
    let tables = target_tables(setup, candidates);
    candidates
        .par_iter()
        .map(|candidate| {
            let scored = score_shared(histories, &shared, &tables, setup, candidate);
            on_done();
            scored
        })
        .collect()
}

fn score_shared(
    histories: &[History],
    shared: &[Shared],
    tables: &HashMap<(u16, u16), TargetTable>,
    setup: &Setup,
    candidate: &Candidate,
) -> Result<Scored> {
    let mut candidate_setup = setup.clone();
    candidate_setup.collateral = candidate.apply(&setup.collateral);
    let listed = backtest::replay::listed_reserve(&candidate_setup.collateral, 0);
    let targets = &tables[&(
        listed.calibrated.liquidation_bonus_bps,
        slippage_now_bps(&listed, 0),
    )];
    let c = candidate.calibration;
    let per_history = histories
        .iter()
        .zip(shared)
        .map(|(history, shared)| {
            let refresh = SharedPaths {
                targets,
                variance: &shared.variance[&(c.fast_half_life_secs, c.slow_half_life_secs)],
                sigma: &shared.sigma
                    [&(c.fast_half_life_secs, c.slow_half_life_secs, c.horizon_secs)],
            };
            backtest::run_with(
                &history.path,
                None,
                &candidate_setup,
                Threshold::Dynamic,
                false,
                Some(&refresh),
            )
            .map(|run| run.metrics)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(scored(candidate, per_history))
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
