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

/// What candidates of one horizon and half-life pair share on one path.
pub struct SharedPaths<'a> {
    pub variance: &'a VariancePath,
    pub sigma: &'a [I80F48],
}

/// One candidate's refresh from shared paths: its own `z`, bonus,
/// slippage, bounds and rate limits on top.
pub struct CandidateRefresh<'a> {
    shared: &'a SharedPaths<'a>,
    z: I80F48,
    bonus_bps: u16,
    slippage_bps: u16,
    lt_min_bps: u16,
    lt_max_bps: u16,
    /// Up to this VaR move the target is at or above `lt_max`.
    at_or_above_max: Option<I80F48>,
    /// From this VaR move on the target is at or below `lt_min`.
    at_or_below_min: Option<I80F48>,
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

impl<'a> CandidateRefresh<'a> {
    /// For a reserve as listed, before its first tick. Depth is never
    /// reported in a backtest, so the slippage term is the one of the
    /// governance minimum depth throughout.
    pub fn new(shared: &'a SharedPaths<'a>, reserve: &Reserve) -> Self {
        let (bonus_bps, bounds) = (reserve.calibrated.liquidation_bonus_bps, reserve.bounds);
        let slippage_bps = slippage_now_bps(reserve, 0);
        // threshold_for_move falls as the move grows, so two searches mark
        // where the target leaves each bound; between them it is computed.
        let at_or_above_max = last_delta_where(|t| t >= bounds.lt_max_bps, bonus_bps, slippage_bps);
        let above_min = last_delta_where(|t| t > bounds.lt_min_bps, bonus_bps, slippage_bps);
        Self {
            shared,
            z: quantile(reserve.calibration.quantile_z_milli),
            bonus_bps,
            slippage_bps,
            lt_min_bps: bounds.lt_min_bps,
            lt_max_bps: bounds.lt_max_bps,
            at_or_above_max,
            at_or_below_min: Some(above_min.map_or(I80F48::ZERO, |d| d + I80F48::DELTA)),
        }
    }

    /// The target of a VaR move, or a bound it clamps to: equal for
    /// `move_threshold`, which clamps first.
    fn target(&self, delta: I80F48) -> u16 {
        if self.at_or_above_max.is_some_and(|edge| delta <= edge) {
            self.lt_max_bps
        } else if self.at_or_below_min.is_some_and(|edge| delta >= edge) {
            self.lt_min_bps
        } else {
            threshold_for_move(delta, self.bonus_bps, self.slippage_bps)
        }
    }

    /// What `apply_price` leaves in the reserve after tick `index`.
    pub fn refresh(&self, reserve: &mut Reserve, index: usize, now: i64) -> Result<OraclePrice> {
        let variance = self.shared.variance;
        let price = variance.prices[index];
        let counted = variance.counted[index];
        if counted == Counted::Skipped {
            return Ok(price);
        }
        reserve.calibrated.last_price = price.price.into();
        reserve.calibrated.last_publish_time = price.publish_time;
        if counted == Counted::Seeded {
            return Ok(price);
        }
        reserve.calibrated.fast_variance_per_year = variance.fast[index].into();
        reserve.calibrated.slow_variance_per_year = variance.slow[index].into();
        let delta = self.shared.sigma[index]
            .checked_mul(self.z)
            .ok_or_else(|| anyhow!("the VaR move overflows at tick {index}"))?;
        move_threshold(reserve, self.target(delta), now);
        Ok(price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_edges_agree_with_threshold_for_move() {
        let (bonus, slippage) = (500, 25);
        let edge = last_delta_where(|t| t >= 8_800, bonus, slippage).unwrap();
        assert!(threshold_for_move(edge, bonus, slippage) >= 8_800);
        assert!(threshold_for_move(edge + I80F48::DELTA, bonus, slippage) < 8_800);
        assert_eq!(
            last_delta_where(|t| t >= 9_600, bonus, slippage),
            None,
            "out of reach even at no move"
        );
    }
}
