//! Out of sample by construction: parameters are chosen on the history up
//! to a date (`--train-until`), optionally cut into folds that must each be
//! free of bad debt, and judged only on what came after, beside the two
//! static thresholds a risk team would compare them with.

use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::Serialize;

use super::History;
use crate::backtest::{self, RunMetrics, Setup, Threshold};
use crate::history::Tick;

/// Bad debt that counts as none: under 0.001 % of the peak debt (0.1 bps).
pub const NEGLIGIBLE_BAD_DEBT_BPS_OF_PEAK: f64 = 0.1;

/// Whether a run left no bad debt worth the name.
pub fn is_clean(metrics: &RunMetrics) -> bool {
    metrics.bad_debt_bps_of_peak_debt < NEGLIGIBLE_BAD_DEBT_BPS_OF_PEAK
}

/// One history cut at the training date.
#[derive(Debug, Clone)]
pub struct Split {
    pub name: String,
    pub train: Vec<Tick>,
    pub test: Vec<Tick>,
}

/// Cuts every history at `until` (unix seconds, exclusive): what comes
/// before is for choosing, what comes after for judging.
pub fn split(histories: &[History], until: i64) -> Result<Vec<Split>> {
    histories
        .iter()
        .map(|history| {
            let cut = history.path.partition_point(|tick| tick.time < until);
            let (train, test) = history.path.split_at(cut);
            if train.len() < 2 || test.len() < 2 {
                bail!(
                    "{}: the training date leaves {} prices before it and {} after; each side needs 2",
                    history.name,
                    train.len(),
                    test.len()
                );
            }
            Ok(Split {
                name: history.name.clone(),
                train: train.to_vec(),
                test: test.to_vec(),
            })
        })
        .collect()
}

/// How much rougher than its own history a chosen set must still handle:
/// every training part is also replayed with each log return scaled by
/// this factor. A set that is clean only on the path it was fitted to
/// fails there; one with room to spare passes.
pub const ROUGHER_BY: f64 = 1.2;

/// `path` with every log return scaled by `factor`, from the same first price.
pub fn rougher(path: &[Tick], factor: f64) -> Vec<Tick> {
    let mut level = path[0].price.ln();
    let mut out = vec![path[0]];
    for pair in path.windows(2) {
        level += (pair[1].price / pair[0].price).ln() * factor;
        out.push(Tick {
            time: pair[1].time,
            price: level.exp(),
        });
    }
    out
}

/// The histories a choice is made on: each training part whole, the same
/// part `ROUGHER_BY` rougher, and, with `folds` above 1, the part cut into
/// that many consecutive folds, each run on its own, so that a set must
/// stay free of bad debt on the worst of them.
pub fn selection_histories(splits: &[Split], folds: usize) -> Vec<History> {
    let mut histories = Vec::new();
    for split in splits {
        histories.push(History {
            name: split.name.clone(),
            path: split.train.clone(),
        });
        histories.push(History {
            name: format!("{} ×{ROUGHER_BY} returns", split.name),
            path: rougher(&split.train, ROUGHER_BY),
        });
        if folds < 2 {
            continue;
        }
        let size = split.train.len().div_ceil(folds);
        for (k, fold) in split.train.chunks(size).enumerate() {
            if fold.len() >= 2 {
                histories.push(History {
                    name: format!("{} fold {}/{folds}", split.name, k + 1),
                    path: fold.to_vec(),
                });
            }
        }
    }
    histories
}

/// Static thresholds compared: 20 % to 95 % by whole percents.
pub fn static_grid() -> Vec<u16> {
    (20..=95).map(|percent| percent * 100).collect()
}

/// A static threshold and its run.
#[derive(Debug, Clone, Serialize)]
pub struct StaticRun {
    pub threshold_bps: u16,
    pub metrics: RunMetrics,
}

/// Every static threshold of the grid on `path` (those the setup's bounds
/// rules refuse are left out).
fn statics_on(path: &[Tick], setup: &Setup) -> Vec<StaticRun> {
    static_grid()
        .into_par_iter()
        .filter_map(|bps| {
            let run = backtest::run(path, None, setup, Threshold::Static(bps), false).ok()?;
            Some(StaticRun {
                threshold_bps: bps,
                metrics: run.metrics,
            })
        })
        .collect()
}

/// The highest static threshold free of bad debt on every path, with its
/// run on each: what a team without calibration would deploy after
/// looking at those paths.
pub fn highest_clean_static(paths: &[&[Tick]], setup: &Setup) -> Option<(u16, Vec<RunMetrics>)> {
    let per_path: Vec<Vec<StaticRun>> = paths.iter().map(|path| statics_on(path, setup)).collect();
    static_grid().into_iter().rev().find_map(|bps| {
        let runs: Option<Vec<RunMetrics>> = per_path
            .iter()
            .map(|runs| {
                runs.iter()
                    .find(|r| r.threshold_bps == bps)
                    .map(|r| r.metrics.clone())
            })
            .collect();
        let runs = runs?;
        runs.iter().all(is_clean).then_some((bps, runs))
    })
}

/// How the chosen set did on one history's test part, beside (a) the
/// highest static threshold free of bad debt in training and (b) the best
/// static threshold in hindsight on the test part.
#[derive(Debug, Clone, Serialize)]
pub struct OutOfSample {
    pub name: String,
    pub dynamic: RunMetrics,
    pub safe_in_training: Option<StaticRun>,
    pub best_in_hindsight: Option<StaticRun>,
}

impl OutOfSample {
    /// Mean max LTV of the dynamic threshold less a static one's, points.
    pub fn margin_points(&self, other: Option<&StaticRun>) -> Option<f64> {
        other.map(|o| (self.dynamic.avg_max_ltv_bps - o.metrics.avg_max_ltv_bps) / 100.0)
    }
}

/// Judges `chosen` (the setup with the recommended set) on every test
/// part: the dynamic threshold warmed up on the training part, then run
/// with a fresh book; (a) the highest static threshold clean on every
/// training part; (b) the highest clean on the test part itself. The
/// static thresholds keep everything else of the chosen set (its bonus at
/// `bonus_min`, its buffer), so only the threshold differs.
pub fn judge(splits: &[Split], chosen: &Setup) -> Result<Vec<OutOfSample>> {
    let setup = chosen;
    let trains: Vec<&[Tick]> = splits.iter().map(|s| s.train.as_slice()).collect();
    let safe_bps = highest_clean_static(&trains, setup).map(|(bps, _)| bps);
    splits
        .par_iter()
        .map(|split| {
            let dynamic =
                backtest::run_after(&split.train, &split.test, chosen, Threshold::Dynamic, false)?;
            let safe_in_training = match safe_bps {
                Some(bps) => Some(StaticRun {
                    threshold_bps: bps,
                    metrics: backtest::run(
                        &split.test,
                        None,
                        setup,
                        Threshold::Static(bps),
                        false,
                    )?
                    .metrics,
                }),
                None => None,
            };
            let best_in_hindsight =
                highest_clean_static(&[&split.test], setup).map(|(bps, mut runs)| StaticRun {
                    threshold_bps: bps,
                    metrics: runs.remove(0),
                });
            Ok(OutOfSample {
                name: split.name.clone(),
                dynamic: dynamic.metrics,
                safe_in_training,
                best_in_hindsight,
            })
        })
        .collect()
}
