//! Stress tests of one parameter set: paths rebuilt from each history's
//! own returns, correlated crashes across several assets, and named crash
//! windows. Reports each case and the worst.

use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::Serialize;

use super::{Candidate, History};
use crate::backtest::{self, kernel, Setup, Threshold};
use crate::history::random::Random;
use crate::history::Tick;

#[derive(Debug, Clone)]
pub struct StressConfig {
    /// Paths per history rebuilt from blocks of its own log returns.
    pub bootstrap_paths: usize,
    /// Consecutive returns kept together, so volatility clusters survive.
    pub block_len: usize,
    /// Joint scenarios over all histories under `correlation`.
    pub correlated_scenarios: usize,
    /// Correlation of the histories' returns, one row per history.
    pub correlation: Option<Vec<Vec<f64>>>,
    pub windows: Vec<CrashWindow>,
    pub seed: u64,
}

/// A named stretch of history: unix seconds, inclusive.
#[derive(Debug, Clone, Serialize)]
pub struct CrashWindow {
    pub name: String,
    pub from: i64,
    pub to: i64,
}

/// Crashes inside the development data (see its README).
pub fn known_crash_windows() -> Vec<CrashWindow> {
    let day = |y, m, d| crate::report::chart::days_from_civil(y, m, d) * 86_400;
    let window = |name: &str, from, to| CrashWindow {
        name: name.into(),
        from,
        to,
    };
    vec![
        window("2011 bubble burst", day(2011, 6, 1), day(2011, 11, 30)),
        window("2018 bear market", day(2018, 1, 1), day(2018, 12, 31)),
        window("March 2020", day(2020, 2, 15), day(2020, 4, 15)),
        window("May 2021", day(2021, 4, 20), day(2021, 6, 30)),
    ]
}

#[derive(Debug, Clone, Serialize)]
pub struct StressCase {
    pub kind: String,
    pub name: String,
    pub bad_debt_usd: f64,
    pub liquidations: u64,
    pub min_max_ltv_bps: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct StressReport {
    pub cases: Vec<StressCase>,
    /// The case with the most bad debt.
    pub worst: Option<StressCase>,
}

/// A case to replay: its kind, its name and its path, and for a leg of a
/// correlated scenario, the scenario's number.
struct Job {
    kind: &'static str,
    name: String,
    path: Vec<Tick>,
    scenario: Option<usize>,
}

pub fn stress(
    histories: &[History],
    setup: &Setup,
    candidate: &Candidate,
    config: &StressConfig,
) -> Result<StressReport> {
    let mut setup = setup.clone();
    setup.collateral = candidate.apply(&setup.collateral);
    // Every path is drawn first, in order, so the cases do not depend on
    // the order the parallel replays finish in.
    let mut random = Random::new(config.seed);
    let mut jobs = Vec::new();
    for history in histories {
        for i in 0..config.bootstrap_paths {
            jobs.push(Job {
                kind: "bootstrap",
                name: format!("{} #{}", history.name, i + 1),
                path: bootstrap(&history.path, config.block_len.max(1), &mut random),
                scenario: None,
            });
        }
        for window in &config.windows {
            let inside: Vec<Tick> = history
                .path
                .iter()
                .copied()
                .filter(|t| (window.from..=window.to).contains(&t.time))
                .collect();
            if inside.len() >= 10 {
                jobs.push(Job {
                    kind: "crash window",
                    name: format!("{}: {}", history.name, window.name),
                    path: inside,
                    scenario: None,
                });
            }
        }
    }
    let singles = jobs.len();
    if let Some(matrix) = &config.correlation {
        let factor = cholesky(matrix, histories.len())?;
        for i in 0..config.correlated_scenarios {
            let paths = correlated(histories, &factor, &mut random);
            for (history, path) in histories.iter().zip(paths) {
                jobs.push(Job {
                    kind: "correlated leg",
                    name: format!("scenario {} {}", i + 1, history.name),
                    path,
                    scenario: Some(i + 1),
                });
            }
        }
    }
    let (bonus_bps, slippage_bps) = kernel::table_key(&setup.collateral);
    let table = kernel::TargetTable::new(bonus_bps, slippage_bps);
    let ran: Vec<StressCase> = jobs
        .par_iter()
        .map(|job| run_case(job, &setup, &table))
        .collect::<Result<_>>()?;
    let mut cases = ran[..singles].to_vec();
    // Each scenario: the sum over its legs, then the legs.
    let per_scenario = histories.len().max(1);
    let scenarios = jobs[singles..].chunks(per_scenario);
    for (legs, jobs) in ran[singles..].chunks(per_scenario).zip(scenarios) {
        let scenario = jobs[0].scenario.unwrap_or_default();
        cases.push(StressCase {
            kind: "correlated".into(),
            name: format!("scenario {scenario} (all assets)"),
            bad_debt_usd: legs.iter().map(|l| l.bad_debt_usd).sum(),
            liquidations: legs.iter().map(|l| l.liquidations).sum(),
            min_max_ltv_bps: legs.iter().map(|l| l.min_max_ltv_bps).min().unwrap_or(0),
        });
        cases.extend_from_slice(legs);
    }
    let worst = cases
        .iter()
        .max_by(|a, b| a.bad_debt_usd.total_cmp(&b.bad_debt_usd))
        .cloned();
    Ok(StressReport { cases, worst })
}

/// One case on paths of its own, shared as a sweep shares them (the same
/// results as a full replay).
fn run_case(job: &Job, setup: &Setup, table: &kernel::TargetTable) -> Result<StressCase> {
    let prices = kernel::PricePath::new(&job.path, &setup.collateral)?;
    let prepared = kernel::PreparedPaths::with_table(&prices, &setup.collateral, table)?;
    let shared = prepared.shared(&prices);
    let metrics = backtest::run_with(
        &job.path,
        None,
        setup,
        Threshold::Dynamic,
        false,
        Some(&shared),
    )?
    .metrics;
    Ok(StressCase {
        kind: job.kind.into(),
        name: job.name.clone(),
        bad_debt_usd: metrics.bad_debt_usd,
        liquidations: metrics.liquidations,
        min_max_ltv_bps: metrics.min_max_ltv_bps,
    })
}

fn log_returns(path: &[Tick]) -> Vec<f64> {
    path.windows(2)
        .map(|w| (w[1].price / w[0].price).ln())
        .collect()
}

/// The history's timestamps with prices rebuilt from random blocks of its
/// own log returns.
pub fn bootstrap(path: &[Tick], block_len: usize, random: &mut Random) -> Vec<Tick> {
    let returns = log_returns(path);
    let mut out = Vec::with_capacity(path.len());
    out.push(path[0]);
    let mut log_price = path[0].price.ln();
    while out.len() < path.len() {
        let start = random.below(returns.len());
        for r in returns.iter().cycle().skip(start).take(block_len) {
            if out.len() == path.len() {
                break;
            }
            log_price += r;
            out.push(Tick {
                time: path[out.len()].time,
                price: log_price.exp(),
            });
        }
    }
    out
}

/// Lower-triangular `L` with `L Lᵀ = matrix`; the matrix must be a
/// symmetric correlation matrix (unit diagonal) of `size` rows.
pub fn cholesky(matrix: &[Vec<f64>], size: usize) -> Result<Vec<Vec<f64>>> {
    if matrix.len() != size || matrix.iter().any(|row| row.len() != size) {
        bail!("the correlation matrix must be {size}×{size}, one row and column per --prices file");
    }
    for (i, row) in matrix.iter().enumerate() {
        if (row[i] - 1.0).abs() > 1e-9 {
            bail!("correlation matrix: the diagonal must be 1 (row {})", i + 1);
        }
        for (j, value) in row.iter().enumerate() {
            if (value - matrix[j][i]).abs() > 1e-9 || value.abs() > 1.0 {
                bail!("correlation matrix: entries must be symmetric and within [-1, 1] (row {}, column {})", i + 1, j + 1);
            }
        }
    }
    let mut l = vec![vec![0.0; size]; size];
    for i in 0..size {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = matrix[i][i] - sum;
                if d <= 0.0 {
                    bail!("correlation matrix is not positive definite");
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (matrix[i][j] - sum) / l[j][j];
            }
        }
    }
    Ok(l)
}

/// One joint scenario: each asset's standardised returns resampled from
/// its own history (fat tails kept), then mixed by `factor` so they move
/// together as the matrix says, and scaled back by the asset's volatility.
fn correlated(histories: &[History], factor: &[Vec<f64>], random: &mut Random) -> Vec<Vec<Tick>> {
    let len = histories.iter().map(|h| h.path.len()).min().unwrap_or(0);
    let stats: Vec<(Vec<f64>, f64, f64)> = histories
        .iter()
        .map(|h| {
            let returns = log_returns(&h.path);
            let n = returns.len().max(1) as f64;
            let mean = returns.iter().sum::<f64>() / n;
            let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n)
                .sqrt()
                .max(1e-12);
            let standardised = returns.iter().map(|r| (r - mean) / sd).collect();
            (standardised, mean, sd)
        })
        .collect();
    let mut paths: Vec<Vec<Tick>> = histories.iter().map(|h| vec![h.path[0]]).collect();
    let mut log_prices: Vec<f64> = histories.iter().map(|h| h.path[0].price.ln()).collect();
    let mut draws = vec![0.0; histories.len()];
    for step in 1..len {
        for (draw, (standardised, _, _)) in draws.iter_mut().zip(&stats) {
            *draw = standardised[random.below(standardised.len())];
        }
        for (i, history) in histories.iter().enumerate() {
            let mixed: f64 = (0..=i).map(|k| factor[i][k] * draws[k]).sum();
            log_prices[i] += stats[i].1 + stats[i].2 * mixed;
            paths[i].push(Tick {
                time: history.path[step].time,
                price: log_prices[i].exp(),
            });
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_factors_a_correlation_matrix_and_refuses_bad_ones() {
        let m = vec![vec![1.0, 0.6], vec![0.6, 1.0]];
        let l = cholesky(&m, 2).unwrap();
        assert!((l[1][0] - 0.6).abs() < 1e-12 && (l[1][1] - 0.8).abs() < 1e-12);
        assert!(cholesky(&m, 3).is_err());
        assert!(cholesky(&[vec![1.0, 0.6], vec![0.5, 1.0]], 2).is_err());
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]], 2)
            .unwrap_err()
            .to_string()
            .contains("positive definite"));
    }

    #[test]
    fn a_bootstrap_keeps_the_times_and_draws_only_the_history_s_returns() {
        let path: Vec<Tick> = (0..50)
            .map(|i| Tick {
                time: i * 60,
                price: 100.0 * (1.0 + 0.01 * (i % 7) as f64),
            })
            .collect();
        let returns = log_returns(&path);
        let rebuilt = bootstrap(&path, 5, &mut Random::new(1));
        assert_eq!(rebuilt.len(), path.len());
        assert!(rebuilt.iter().zip(&path).all(|(a, b)| a.time == b.time));
        for r in log_returns(&rebuilt) {
            assert!(
                returns.iter().any(|h| (h - r).abs() < 1e-9),
                "{r} is not a historical return"
            );
        }
    }
}
