//! What `refresh_reserve` does to a reserve, apart from loading accounts:
//! count one new price into the volatility estimates and move the threshold
//! toward its VaR target.

use anchor_lang::prelude::*;
use fixed::types::I80F48;

use crate::math::threshold::{self, ThresholdLimits};
use crate::math::volatility;
use crate::oracle::pyth::OraclePrice;
use crate::state::{CalibrationParams, Market, Reserve};

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The price does not enter the series: nothing counted twice, and at
    /// most one price per sample slot.
    Skipped {
        last_publish_time: i64,
        reason: SkipReason,
    },
    /// First price of the series: stored, no return yet, threshold untouched.
    Seeded,
    /// A return was counted and the threshold recalibrated.
    Calibrated(Calibration),
}

/// Why a price did not enter the calibration series.
#[derive(AnchorSerialize, AnchorDeserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum SkipReason {
    /// Not newer than the last price counted.
    NotNewer,
    /// Its sample slot already has its price.
    SlotAlreadySampled,
    /// Published after the first `sample_window_secs` of its slot.
    AfterSampleWindow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calibration {
    pub slippage_bps: u16,
    pub target_threshold_bps: u16,
    pub old_threshold_bps: u16,
}

/// How a new price enters the series, before any estimate is updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceTaken {
    /// Not taken: nothing was stored.
    Skipped {
        last_publish_time: i64,
        reason: SkipReason,
    },
    /// The first price of the series: stored, no return yet.
    Seeded,
    /// Stored; the return from `previous_price` over `dt_secs` counts.
    Counted {
        previous_price: I80F48,
        dt_secs: u64,
    },
}

/// The first step of a refresh: stores a price that opens a new sample
/// slot and says whether it yields a return. Nothing else is touched.
///
/// Who posts, and which of the many genuine updates, must not decide the
/// estimate. So returns are counted on a fixed grid: slots of
/// `sample_interval_secs` from the unix epoch, and in each slot only a price
/// published within the slot's first `sample_window_secs` (1/60 of it), the
/// first one posted. Posting every second adds nothing over posting each
/// slot's start. What is left to a poster:
/// - racing an honest keeper that posts each slot's start, only the prices
///   of the seconds before the keeper's lands;
/// - alone, which price of the window counts (with hindsight, up to the
///   oracle's max age) and which slots are sampled at all. The window is
///   1/60 of the slot, so the move a choice adds is about sqrt(1/60) = 13 %
///   of a return's own scale; skipping slots is bounded by staleness (after
///   `calibration_max_age_secs` the threshold declines anyway). On a path of
///   60 %/year with 1 bp of noise this moves the volatility estimate by at
///   most about a quarter of itself (measured over 30 days, three paths:
///   choosing in the window +5 .. +10 % and -7 .. -9 %, posting each
///   minute's extreme +3 .. +22 %), the VaR target by at most about
///   0.25 × z·σ·√T / (1 + b), 175 bps for a major asset, and the applied
///   threshold no faster than its rate limits. The bank test
///   `program::sampling` posts one path in each of these ways.
///
/// A slot nobody samples in time just widens the next gap, which the
/// EWMA's `r² / dt` accounts for.
pub fn take_price(reserve: &mut Reserve, price: &OraclePrice) -> PriceTaken {
    let state = reserve.calibrated;
    if let Some(reason) = skip_reason(reserve, price.publish_time) {
        return PriceTaken::Skipped {
            last_publish_time: state.last_publish_time,
            reason,
        };
    }
    reserve.calibrated.last_price = price.price.into();
    reserve.calibrated.last_publish_time = price.publish_time;
    if state.last_publish_time == 0 {
        return PriceTaken::Seeded;
    }
    PriceTaken::Counted {
        previous_price: state.last_price.into(),
        dt_secs: (price.publish_time - state.last_publish_time).unsigned_abs(),
    }
}

/// Why a price published at `publish_time` would not enter the series, or
/// `None` when it would: a keeper asks this before paying for a refresh.
pub fn skip_reason(reserve: &Reserve, publish_time: i64) -> Option<SkipReason> {
    let last = reserve.calibrated.last_publish_time;
    if publish_time <= last {
        return Some(SkipReason::NotNewer);
    }
    let interval = i64::from(reserve.calibration.sample_interval_secs.max(1));
    let slot_start = publish_time - publish_time.rem_euclid(interval);
    if last != 0 && slot_start <= last {
        return Some(SkipReason::SlotAlreadySampled);
    }
    if publish_time - slot_start > i64::from(reserve.calibration.sample_window_secs()) {
        return Some(SkipReason::AfterSampleWindow);
    }
    None
}

/// Applies one oracle price at clock time `now`.
///
/// With `r = ln(p / p_prev)` over `dt = publish_time - prev_publish_time`:
/// `var_fast, var_slow ← EWMA(r² / dt)`; `var = max(fast, slow)`;
/// `LT* = (1 - z·sqrt(var·T) - s) / (1 + b)`, clamped to the bounds and
/// rate limited; `max_ltv = LT - buffer`.
pub fn apply_price(reserve: &mut Reserve, price: &OraclePrice, now: i64) -> Result<RefreshOutcome> {
    let state = reserve.calibrated;
    let (previous_price, dt_secs) = match take_price(reserve, price) {
        PriceTaken::Skipped {
            last_publish_time,
            reason,
        } => {
            return Ok(RefreshOutcome::Skipped {
                last_publish_time,
                reason,
            })
        }
        PriceTaken::Seeded => {
            // A first series starts the rate limit and the staleness clock:
            // a first calibration long after the listing loosens no more
            // than one long after the last calibration would. A series
            // started again (a new feed) starts neither: the calibration it
            // follows keeps ageing, and declining once stale, until a
            // return of the new feed calibrates it afresh.
            if state.last_calibration_ts == 0 {
                reserve.calibrated.rate_limit_anchor_ts = now;
                reserve.stale_from_ts = grace_end(reserve, now);
            }
            return Ok(RefreshOutcome::Seeded);
        }
        PriceTaken::Counted {
            previous_price,
            dt_secs,
        } => (previous_price, dt_secs),
    };
    let log_return = volatility::log_return(price.price, previous_price)?;
    let params = reserve.calibration;
    let fast = volatility::ewma_variance_update(
        state.fast_variance_per_year.into(),
        log_return,
        dt_secs,
        u64::from(params.fast_half_life_secs),
    )?;
    let slow = volatility::ewma_variance_update(
        state.slow_variance_per_year.into(),
        log_return,
        dt_secs,
        u64::from(params.slow_half_life_secs),
    )?;
    reserve.calibrated.fast_variance_per_year = fast.into();
    reserve.calibrated.slow_variance_per_year = slow.into();

    let slippage_bps = slippage_now_bps(reserve, now);
    let target_threshold_bps = threshold::target_threshold_bps(
        volatility::effective_variance(fast, slow),
        u64::from(params.horizon_secs),
        params.quantile_z_milli,
        state.liquidation_bonus_bps,
        slippage_bps,
    )?;
    let old_threshold_bps = move_threshold(reserve, target_threshold_bps, now);
    Ok(RefreshOutcome::Calibrated(Calibration {
        slippage_bps,
        target_threshold_bps,
        old_threshold_bps,
    }))
}

/// The slippage term at `now`, from the effective depth.
pub fn slippage_now_bps(reserve: &Reserve, now: i64) -> u16 {
    let params = &reserve.calibration;
    threshold::slippage_bps(
        params.reference_liquidation_quote,
        effective_depth_quote(reserve, now),
        params.max_slippage_bps,
    )
}

/// Moves the applied threshold toward `target_threshold_bps` within the
/// bounds and rate limits (`threshold::move_toward_target`), keeps
/// `max_ltv = LT - buffer`, and stamps the calibration time. Returns the
/// threshold before the move (the one in use, `effective_threshold_bps`).
///
/// The first calibration moves from `lt_min`, where an uncalibrated reserve
/// lends, the rate limit counted from the first price. After a stale stretch the move
/// starts from where the decline brought the
/// threshold, with the rate limit counted from now: the decline used the
/// tightening the elapsed time allowed, and a calibration that comes back
/// must not loosen at once what the decline took. And one refresh loosens
/// by at most `max_loosen_bps_per_hour` over `loosen_window_secs` (the max
/// age, from an hour to a day), however long ago the rate limit started: a
/// long gap does not store up a large loosening for whoever refreshes
/// first.
pub fn move_threshold(reserve: &mut Reserve, target_threshold_bps: u16, now: i64) -> u16 {
    let in_use_bps = effective_threshold_bps(reserve, now);
    let went_stale = reserve.stale_from_ts > 0 && now > reserve.stale_from_ts;
    let state = &mut reserve.calibrated;
    if went_stale {
        state.liquidation_threshold_bps = in_use_bps;
        state.rate_limit_anchor_ts = now;
    } else if state.last_calibration_ts == 0 {
        // Before its first calibration a reserve lends at `lt_min`, whatever
        // new bounds left stored: the first move starts from there.
        state.liquidation_threshold_bps = in_use_bps;
    }
    let moved = threshold::move_toward_target(
        state.liquidation_threshold_bps,
        state.rate_limit_anchor_ts,
        target_threshold_bps,
        now,
        &threshold_limits(reserve),
    );
    let state = &mut reserve.calibrated;
    state.liquidation_threshold_bps = moved.threshold_bps;
    state.rate_limit_anchor_ts = moved.rate_limit_anchor_ts;
    state.max_ltv_bps = threshold::max_ltv_bps(moved.threshold_bps, reserve.bounds.ltv_buffer_bps);
    state.last_calibration_ts = now;
    reserve.stale_from_ts = grace_end(reserve, now);
    in_use_bps
}

/// When a calibration (or a first price) at `at` goes stale.
fn grace_end(reserve: &Reserve, at: i64) -> i64 {
    at.saturating_add(i64::from(reserve.calibration.calibration_max_age_secs))
}

/// Applies a governance change to a reserve's bounds or calibration
/// parameters (`change`) without letting it move the threshold in use by
/// itself: a stale decline is recomputed from the live parameters, so a new
/// `max_tighten`, `calibration_max_age` or bound would otherwise jump it at
/// once. Before the change, a stale threshold is fixed where the old
/// parameters brought it and declines from now on under the new ones;
/// after it, a fresh calibration keeps its grace under the new max age, but
/// never one that ended in the past. The bounds still snap the threshold
/// into themselves (`Reserve::apply_bounds`): governance is authoritative.
///
/// `refresh_paused_secs` is the market's refresh-pause clock at `now`
/// (`Reserve::follow_refresh_pauses`), followed first. A fresh
/// calibration's grace moves by the change of max age only, so the time it
/// spent under a refresh pause still does not count against it.
pub fn govern<T>(
    reserve: &mut Reserve,
    now: i64,
    refresh_paused_secs: u64,
    change: impl FnOnce(&mut Reserve) -> T,
) -> T {
    reserve.follow_refresh_pauses(refresh_paused_secs);
    let calibrated = reserve.calibrated.last_calibration_ts > 0;
    if calibrated && now > reserve.stale_from_ts {
        reserve.calibrated.liquidation_threshold_bps = effective_threshold_bps(reserve, now);
        reserve.calibrated.rate_limit_anchor_ts = now;
        reserve.stale_from_ts = now;
    }
    let old_max_age = i64::from(reserve.calibration.calibration_max_age_secs);
    let changed = change(reserve);
    if calibrated && reserve.stale_from_ts > now {
        let new_max_age = i64::from(reserve.calibration.calibration_max_age_secs);
        reserve.stale_from_ts = reserve
            .stale_from_ts
            .saturating_add(new_max_age - old_max_age)
            .max(now);
    }
    reserve.apply_bounds();
    changed
}

/// The threshold liquidation, borrowing and withdrawal use at `now`.
///
/// While the calibration is fresh, the calibrated one. Once it is older
/// than `calibration_max_age_secs` (an oracle outage, a confidence band too
/// wide for an hour, the guardian pausing refreshes), it declines from the
/// calibrated value toward `lt_min` at `max_tighten_bps_per_hour`, counted
/// from the moment it went stale (`Reserve::stale_from_ts`): no data is treated as a crash would be,
/// and never faster, so no position falls from healthy to liquidatable in
/// one slot. Before the first calibration it is `lt_min`, where a new
/// listing starts anyway.
pub fn effective_threshold_bps(reserve: &Reserve, now: i64) -> u16 {
    let state = &reserve.calibrated;
    let bounds = &reserve.bounds;
    if state.last_calibration_ts == 0 {
        return bounds.lt_min_bps;
    }
    let stale_since = reserve.stale_from_ts;
    if now <= stale_since {
        return state.liquidation_threshold_bps;
    }
    let stale_secs = now.saturating_sub(stale_since).unsigned_abs();
    let decline_bps = u64::from(bounds.max_tighten_bps_per_hour).saturating_mul(stale_secs)
        / crate::constants::SECONDS_PER_HOUR;
    let declined = u64::from(state.liquidation_threshold_bps).saturating_sub(decline_bps);
    // `declined` is below the stored u16 threshold, so it fits.
    (declined as u16).max(bounds.lt_min_bps)
}

/// The threshold in use at `now` as an instruction would find it, from
/// accounts as they are stored: the reserve after following its market's
/// refresh pauses (`Reserve::follow_refresh_pauses`), without writing
/// anything. What clients, bots and checks read; instructions follow the
/// pauses on the account itself first and call `effective_threshold_bps`.
pub fn threshold_in_use_bps(reserve: &Reserve, market: &Market, now: i64) -> u16 {
    effective_threshold_bps(&following_pauses(reserve, market, now), now)
}

/// `effective_max_ltv_bps` from stored accounts, as `threshold_in_use_bps`.
pub fn max_ltv_in_use_bps(reserve: &Reserve, market: &Market, now: i64) -> u16 {
    effective_max_ltv_bps(&following_pauses(reserve, market, now), now)
}

/// A copy of `reserve` that has followed `market`'s refresh pauses to `now`.
pub fn following_pauses(reserve: &Reserve, market: &Market, now: i64) -> Reserve {
    let mut copy = *reserve;
    copy.follow_refresh_pauses(market.refresh_paused_secs_at(now));
    copy
}

/// The threshold a position whose collateral is worth `collateral_value`
/// (quote units) faces at `now`: the reserve's threshold in use, lowered
/// by what its own liquidation would cost beyond the reference one
/// (`threshold::size_penalty_bps`). A position too large for its market
/// gets a lower threshold than a small one, as Drift's size-discounted
/// asset weights and Mango's deposit-scaled ones do; here with the same
/// square-root law the slippage term uses. The depth it is measured
/// against is never below governance's `min_depth`, so a depth report
/// alone cannot push large positions into liquidation beyond what
/// governance allowed for.
pub fn position_threshold_bps(reserve: &Reserve, collateral_value: I80F48, now: i64) -> u16 {
    effective_threshold_bps(reserve, now).saturating_sub(size_penalty_bps(
        reserve,
        collateral_value,
        now,
    ))
}

/// `position_threshold_bps - ltv_buffer`: the most a borrow or a
/// collateral withdrawal may leave a position of that size.
pub fn position_max_ltv_bps(reserve: &Reserve, collateral_value: I80F48, now: i64) -> u16 {
    threshold::max_ltv_bps(
        position_threshold_bps(reserve, collateral_value, now),
        reserve.bounds.ltv_buffer_bps,
    )
}

/// How much lower than the reserve's a position's threshold is, bps.
pub fn size_penalty_bps(reserve: &Reserve, collateral_value: I80F48, now: i64) -> u16 {
    let params = &reserve.calibration;
    if params.size_weight_bps == 0 {
        return 0;
    }
    let depth = effective_depth_quote(reserve, now).max(params.min_depth_quote);
    let size: u64 = collateral_value
        .max(I80F48::ZERO)
        .checked_to_num()
        .unwrap_or(u64::MAX);
    // Impact grows with size, so a position no larger than the reference
    // liquidation has no excess over it: no penalty, and no square roots.
    if size <= params.reference_liquidation_quote {
        return 0;
    }
    threshold::size_penalty_bps(
        threshold::impact_bps(size, depth, params.max_slippage_bps),
        threshold::impact_bps(
            params.reference_liquidation_quote,
            depth,
            params.max_slippage_bps,
        ),
        params.size_weight_bps,
        reserve.calibrated.liquidation_bonus_bps,
    )
}

/// The most a borrow or a collateral withdrawal may reach at `now`:
/// `effective_threshold - ltv_buffer`, the same threshold liquidation uses.
pub fn effective_max_ltv_bps(reserve: &Reserve, now: i64) -> u16 {
    threshold::max_ltv_bps(
        effective_threshold_bps(reserve, now),
        reserve.bounds.ltv_buffer_bps,
    )
}

/// The reported depth while fresh; the governance minimum once stale.
pub fn effective_depth_quote(reserve: &Reserve, now: i64) -> u64 {
    let state = &reserve.calibrated;
    let age_secs = now.saturating_sub(state.depth_updated_ts);
    let fresh =
        state.depth_updated_ts > 0 && age_secs <= i64::from(reserve.calibration.depth_max_age_secs);
    if fresh {
        state.reported_depth_quote
    } else {
        reserve.calibration.min_depth_quote
    }
}

pub fn threshold_limits(reserve: &Reserve) -> ThresholdLimits {
    let bounds = &reserve.bounds;
    ThresholdLimits {
        lt_min_bps: bounds.lt_min_bps,
        lt_max_bps: bounds.lt_max_bps,
        max_tighten_bps_per_hour: bounds.max_tighten_bps_per_hour,
        max_loosen_bps_per_hour: bounds.max_loosen_bps_per_hour,
        max_loosen_elapsed_secs: loosen_window_secs(&reserve.calibration),
    }
}

/// Most time one refresh's loosening may count: the calibration's max age
/// (refreshes further apart leave it stale, and the decline restarts the
/// rate limit anyway), at least an hour so that every allowed rate (1 bps
/// per hour and up) still adds up to a whole basis point, and at most a
/// day, whatever max age governance allows.
pub fn loosen_window_secs(params: &CalibrationParams) -> u64 {
    u64::from(params.calibration_max_age_secs).clamp(
        crate::constants::SECONDS_PER_HOUR,
        u64::from(crate::constants::SECONDS_PER_DAY),
    )
}
