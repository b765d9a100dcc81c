//! The replay kernel of a sweep: what a refresh computes, split by what it
//! depends on, so that candidates sharing half-lives or a horizon share
//! that work.
//!
//! `apply_price` reads the price, updates both variance estimates (they
//! depend only on the path and the half-lives), takes `sigma × sqrt(T)`
//! (path, half-lives, horizon), multiplies by `z`, and moves the threshold
//! (`threshold_for_move`, `move_threshold`). Here the first two are
//! computed once per path and half-life pair, the third once per horizon,
//! and a candidate only does the last steps, with the same program
//! functions in the same order, so its thresholds equal a full replay's.

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use risk_engine::calibration::{apply_price, move_threshold, slippage_now_bps, RefreshOutcome};
use risk_engine::math::threshold::{quantile, sigma_over_horizon, threshold_for_move};
use risk_engine::math::volatility::effective_variance;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::Reserve;

use super::replay;
use crate::config::resolve::program_reason;
use crate::config::ReserveSpec;
use crate::history::Tick;

/// How the refresh of one tick ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// The first price: stored, nothing calibrated.
    Seeded,
    /// Not newer than the last one: nothing changed.
    Skipped,
    Calibrated,
}

/// Prices and variance estimates along a path for one pair of half-lives.
pub struct VariancePath {
    prices: Vec<OraclePrice>,
    fast: Vec<I80F48>,
    slow: Vec<I80F48>,
    counted: Vec<Counted>,
}

fn program(error: anchor_lang::error::Error) -> anyhow::Error {
    anyhow!(program_reason(&error))
}

impl VariancePath {
    /// Replays `path` once with `spec`'s oracle and half-lives.
    pub fn new(path: &[Tick], spec: &ReserveSpec) -> Result<Self> {
        let mut reserve = replay::listed_reserve(spec, path[0].time);
        let mut out = Self {
            prices: Vec::with_capacity(path.len()),
            fast: Vec::with_capacity(path.len()),
            slow: Vec::with_capacity(path.len()),
            counted: Vec::with_capacity(path.len()),
        };
        for tick in path {
            let price = replay::oracle_price(&reserve, tick.price, tick.time)?;
            let outcome = apply_price(&mut reserve, &price, tick.time).map_err(program)?;
            out.prices.push(price);
            out.fast
                .push(reserve.calibrated.fast_variance_per_year.into());
            out.slow
                .push(reserve.calibrated.slow_variance_per_year.into());
            out.counted.push(match outcome {
                RefreshOutcome::Seeded => Counted::Seeded,
                RefreshOutcome::Skipped { .. } => Counted::Skipped,
                RefreshOutcome::Calibrated(_) => Counted::Calibrated,
            });
        }
        Ok(out)
    }

    /// `sigma × sqrt(T)` after each tick, for one horizon.
    pub fn sigma_over(&self, horizon_secs: u32) -> Result<Vec<I80F48>> {
        self.fast
            .iter()
            .zip(&self.slow)
            .map(|(fast, slow)| {
                sigma_over_horizon(effective_variance(*fast, *slow), horizon_secs.into())
                    .map_err(|error| program(error.into()))
            })
            .collect()
    }
}

/// Refreshes a reserve tick by tick from shared paths: the candidate's own
/// `z`, bonus, slippage, bounds and rate limits on top.
pub struct SharedRefresh<'a> {
    pub variance: &'a VariancePath,
    pub sigma: &'a [I80F48],
}

impl SharedRefresh<'_> {
    /// What `apply_price` leaves in the reserve after tick `index`.
    pub fn refresh(&self, reserve: &mut Reserve, index: usize, now: i64) -> Result<OraclePrice> {
        let price = self.variance.prices[index];
        let counted = self.variance.counted[index];
        if counted == Counted::Skipped {
            return Ok(price);
        }
        reserve.calibrated.last_price = price.price.into();
        reserve.calibrated.last_publish_time = price.publish_time;
        if counted == Counted::Seeded {
            return Ok(price);
        }
        reserve.calibrated.fast_variance_per_year = self.variance.fast[index].into();
        reserve.calibrated.slow_variance_per_year = self.variance.slow[index].into();
        let delta = self.sigma[index]
            .checked_mul(quantile(reserve.calibration.quantile_z_milli))
            .ok_or_else(|| anyhow!("the VaR move overflows at tick {index}"))?;
        let target = threshold_for_move(
            delta,
            reserve.calibrated.liquidation_bonus_bps,
            slippage_now_bps(reserve, now),
        );
        move_threshold(reserve, target, now);
        Ok(price)
    }
}
