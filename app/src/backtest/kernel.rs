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

use super::range_index::RangeIndex;
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
    /// Spot prices as floats, for the book's screen.
    spot: RangeIndex<f64>,
    times: Vec<i64>,
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
            spot: RangeIndex::new(Vec::new()),
            times: path.iter().map(|t| t.time).collect(),
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
        out.spot = RangeIndex::new(out.prices.iter().map(|p| p.price.to_num::<f64>()).collect());
        Ok(out)
    }

    /// `sigma × sqrt(T)` after each tick, for one horizon.
    pub fn sigma_over(&self, horizon_secs: u32) -> Result<RangeIndex<I80F48>> {
        let sigma: Vec<I80F48> = self
            .fast
            .iter()
            .zip(&self.slow)
            .map(|(fast, slow)| {
                sigma_over_horizon(effective_variance(*fast, *slow), horizon_secs.into())
                    .map_err(|error| program(error.into()))
            })
            .collect::<Result<_>>()?;
        Ok(RangeIndex::new(sigma))
    }
}

/// What candidates of one horizon and half-life pair share on one path,
/// and the target table of their bonus and slippage.
pub struct SharedPaths<'a> {
    pub variance: &'a VariancePath,
    pub sigma: &'a RangeIndex<I80F48>,
    pub targets: &'a TargetTable,
}

/// `threshold_for_move` for one bonus and slippage, as a table: for each
/// threshold `v` in bps, the largest VaR move whose target is at least
/// `v`. The target falls as the move grows, so the target of a move is
/// the largest `v` whose edge the move does not pass: a search over the
/// table instead of three fixed-point divisions per tick.
pub struct TargetTable {
    /// `None` where even no move reaches `v`.
    edges: Vec<Option<I80F48>>,
    pub bonus_bps: u16,
    pub slippage_bps: u16,
}

impl TargetTable {
    pub fn new(bonus_bps: u16, slippage_bps: u16) -> Self {
        let edges = (0..=BPS)
            .map(|v| last_delta_where(|t| t >= v, bonus_bps, slippage_bps))
            .collect();
        Self {
            edges,
            bonus_bps,
            slippage_bps,
        }
    }

    /// `threshold_for_move(delta)` clamped to `[lt_min, lt_max]`.
    fn clamped_target(&self, delta: I80F48, lt_min_bps: u16, lt_max_bps: u16) -> u16 {
        let reaches = |v: u16| self.edges[usize::from(v)].is_some_and(|edge| delta <= edge);
        if !reaches(lt_min_bps) {
            return lt_min_bps;
        }
        let (mut low, mut high) = (lt_min_bps, lt_max_bps);
        // `reaches(low)` holds; find the last v in [low, high] where it does.
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            if reaches(middle) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        low
    }
}

const BPS: u16 = 10_000;

/// One candidate's refresh from shared paths: its own `z`, bonus,
/// slippage, bounds and rate limits on top.
pub struct CandidateRefresh<'a> {
    shared: &'a SharedPaths<'a>,
    z: I80F48,
    lt_min_bps: u16,
    lt_max_bps: u16,
    /// Up to this VaR move the target is at or above `lt_max`.
    at_or_above_max: Option<I80F48>,
    /// From this VaR move on the target is at or below `lt_min`.
    at_or_below_min: Option<I80F48>,
    /// The least `sigma × sqrt(T)` whose move takes the target below
    /// `lt_max`, and the least that keeps it at or below `lt_min`.
    leaves_max_from: Option<I80F48>,
    stays_min_from: Option<I80F48>,
}

/// The least non-negative `sigma` with `holds(sigma × z)`, for a `holds`
/// that fails at 0 side and holds from some point on (multiplication by a
/// positive `z` keeps the order).
fn least_sigma_where(holds: impl Fn(I80F48) -> bool, z: I80F48) -> Option<I80F48> {
    let at = |bits: i128| I80F48::from_bits(bits).checked_mul(z).is_some_and(&holds);
    let (mut low, mut high) = (0i128, I80F48::from_num(1_000).to_bits());
    if at(low) {
        return Some(I80F48::ZERO);
    }
    if !at(high) {
        return None;
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if at(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    Some(I80F48::from_bits(high))
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
        assert_eq!(
            (shared.targets.bonus_bps, shared.targets.slippage_bps),
            (bonus_bps, slippage_bps),
            "the target table of another bonus or slippage"
        );
        // threshold_for_move falls as the move grows, so two searches mark
        // where the target leaves each bound; between them it is computed.
        let at_or_above_max = last_delta_where(|t| t >= bounds.lt_max_bps, bonus_bps, slippage_bps);
        let above_min = last_delta_where(|t| t > bounds.lt_min_bps, bonus_bps, slippage_bps);
        let at_or_below_min = Some(above_min.map_or(I80F48::ZERO, |d| d + I80F48::DELTA));
        let z = quantile(reserve.calibration.quantile_z_milli);
        let leaves_max_from =
            at_or_above_max.and_then(|edge| least_sigma_where(|delta| delta > edge, z));
        let stays_min_from =
            at_or_below_min.and_then(|edge| least_sigma_where(|delta| delta >= edge, z));
        Self {
            shared,
            z,
            lt_min_bps: bounds.lt_min_bps,
            lt_max_bps: bounds.lt_max_bps,
            at_or_above_max,
            at_or_below_min,
            leaves_max_from,
            stays_min_from,
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
            self.shared
                .targets
                .clamped_target(delta, self.lt_min_bps, self.lt_max_bps)
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
        let delta = self.shared.sigma.values()[index]
            .checked_mul(self.z)
            .ok_or_else(|| anyhow!("the VaR move overflows at tick {index}"))?;
        move_threshold(reserve, self.target(delta), now);
        Ok(price)
    }
}

impl CandidateRefresh<'_> {
    /// After tick `index`, the first later tick where anything but the
    /// clock can change: the threshold sits at a bound its target keeps it
    /// at, every price stays above `price_floor` (the book's screen), and
    /// nothing is due before `until` (the next re-lever). Ticks between are
    /// quiet; `None` when there are none.
    pub fn quiet_until(
        &self,
        reserve: &Reserve,
        index: usize,
        price_floor: f64,
        until: i64,
    ) -> Option<usize> {
        let from = index + 1;
        let variance = self.shared.variance;
        let times = &variance.times;
        if from >= times.len() {
            return None;
        }
        // Each search stops at the earliest end found so far.
        let mut end = times[from..].partition_point(|t| *t < until) + from;
        let threshold = reserve.calibrated.liquidation_threshold_bps;
        let sigma = self.shared.sigma;
        let sigma_end = if threshold == self.lt_max_bps {
            sigma.first_at_least(from, end, self.leaves_max_from?)
        } else if threshold == self.lt_min_bps {
            sigma.first_below(from, end, self.stays_min_from?)
        } else {
            return None;
        };
        end = sigma_end.unwrap_or(end);
        end = variance
            .spot
            .first_at_most(from, end, price_floor)
            .unwrap_or(end);
        let calibrated = variance.counted[from..end]
            .iter()
            .all(|c| *c == Counted::Calibrated);
        (end > from + 1 && calibrated).then_some(end)
    }

    /// Whether the threshold sits at a bound, where stretches can be quiet.
    pub fn at_a_bound(&self, reserve: &Reserve) -> bool {
        let threshold = reserve.calibrated.liquidation_threshold_bps;
        threshold == self.lt_max_bps || threshold == self.lt_min_bps
    }

    /// The reserve after the quiet ticks up to `last`, as their refreshes
    /// leave it: the latest price and estimates, the threshold where it
    /// was, the rate-limit anchor and calibration stamped at `last`.
    pub fn skip_to(&self, reserve: &mut Reserve, last: usize) {
        let variance = self.shared.variance;
        let (price, time) = (variance.prices[last], variance.times[last]);
        reserve.calibrated.last_price = price.price.into();
        reserve.calibrated.last_publish_time = price.publish_time;
        reserve.calibrated.fast_variance_per_year = variance.fast[last].into();
        reserve.calibrated.slow_variance_per_year = variance.slow[last].into();
        reserve.calibrated.rate_limit_anchor_ts = time;
        reserve.calibrated.last_calibration_ts = time;
    }

    pub fn times(&self) -> &[i64] {
        &self.shared.variance.times
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
