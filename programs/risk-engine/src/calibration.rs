//! What `refresh_reserve` does to a reserve, apart from loading accounts:
//! count one new price into the volatility estimates and move the threshold
//! toward its VaR target.

use anchor_lang::prelude::*;
use fixed::types::I80F48;

use crate::math::threshold::{self, ThresholdLimits};
use crate::math::volatility;
use crate::oracle::pyth::OraclePrice;
use crate::state::Reserve;

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The price was not newer than the last one: nothing counted twice.
    Skipped { last_publish_time: i64 },
    /// First price of the series: stored, no return yet, threshold untouched.
    Seeded,
    /// A return was counted and the threshold recalibrated.
    Calibrated(Calibration),
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
    /// Not newer than the last one: nothing was stored.
    Skipped { last_publish_time: i64 },
    /// The first price of the series: stored, no return yet.
    Seeded,
    /// Stored; the return from `previous_price` over `dt_secs` counts.
    Counted {
        previous_price: I80F48,
        dt_secs: u64,
    },
}

/// The first step of a refresh: stores a price newer than the last one
/// and says whether it yields a return. Nothing else is touched.
pub fn take_price(reserve: &mut Reserve, price: &OraclePrice) -> PriceTaken {
    let state = reserve.calibrated;
    if price.publish_time <= state.last_publish_time {
        return PriceTaken::Skipped {
            last_publish_time: state.last_publish_time,
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

/// Applies one oracle price at clock time `now`.
///
/// With `r = ln(p / p_prev)` over `dt = publish_time - prev_publish_time`:
/// `var_fast, var_slow ← EWMA(r² / dt)`; `var = max(fast, slow)`;
/// `LT* = (1 - z·sqrt(var·T) - s) / (1 + b)`, clamped to the bounds and
/// rate limited; `max_ltv = LT - buffer`.
pub fn apply_price(reserve: &mut Reserve, price: &OraclePrice, now: i64) -> Result<RefreshOutcome> {
    let state = reserve.calibrated;
    let (previous_price, dt_secs) = match take_price(reserve, price) {
        PriceTaken::Skipped { last_publish_time } => {
            return Ok(RefreshOutcome::Skipped { last_publish_time })
        }
        PriceTaken::Seeded => return Ok(RefreshOutcome::Seeded),
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
/// threshold before the move.
pub fn move_threshold(reserve: &mut Reserve, target_threshold_bps: u16, now: i64) -> u16 {
    let old_threshold_bps = reserve.calibrated.liquidation_threshold_bps;
    let moved = threshold::move_toward_target(
        old_threshold_bps,
        reserve.calibrated.rate_limit_anchor_ts,
        target_threshold_bps,
        now,
        &threshold_limits(reserve),
    );
    reserve.calibrated.liquidation_threshold_bps = moved.threshold_bps;
    reserve.calibrated.rate_limit_anchor_ts = moved.rate_limit_anchor_ts;
    reserve.calibrated.max_ltv_bps =
        threshold::max_ltv_bps(moved.threshold_bps, reserve.bounds.ltv_buffer_bps);
    reserve.calibrated.last_calibration_ts = now;
    old_threshold_bps
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
    }
}
