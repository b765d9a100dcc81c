//! The one rule both instructions apply: when a reserve's threshold may be
//! used, and what of it.

use anchor_lang::prelude::*;

use crate::error::ConsumerError;
use crate::risk_engine::accounts::{Market, Reserve};
use crate::state::ENGINE_ACCOUNT_VERSION;

/// What a consumer takes from a risk engine reserve.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThresholdQuote {
    pub market: Pubkey,
    pub mint: Pubkey,
    /// Calibrated liquidation threshold, basis points of collateral value.
    pub liquidation_threshold_bps: u16,
    /// Most a borrow may reach: threshold minus the engine's LTV buffer, bps.
    pub max_ltv_bps: u16,
    pub liquidation_bonus_bps: u16,
    /// Governance bounds the threshold moves within, bps.
    pub lt_min_bps: u16,
    pub lt_max_bps: u16,
    /// How fast the engine's threshold in use declines once stale, bps/hour.
    pub max_tighten_bps_per_hour: u16,
    /// Clock time of the calibration.
    pub calibrated_at_ts: i64,
    /// From this clock time the engine calls the calibration stale (with
    /// the time refreshes spent paused by the market's governance until
    /// now added, as the engine adds it).
    pub stale_from_ts: i64,
}

/// The reserve's threshold at `now`, if a careful consumer may act on it:
/// of the layout this consumer reads, calibrated at least once, not stale by the engine's own rule (after
/// `stale_from_ts` the engine lets the threshold in use decline toward
/// its minimum; a consumer copying the stored value would miss that), and
/// calibrated within `max_age_secs`.
pub fn fresh_quote(
    reserve: &Reserve,
    market: &Market,
    now: i64,
    max_age_secs: u32,
) -> Result<ThresholdQuote> {
    require!(
        reserve.version == ENGINE_ACCOUNT_VERSION,
        ConsumerError::UnsupportedReserveVersion
    );
    let calibrated = &reserve.calibrated;
    require!(
        calibrated.last_calibration_ts != 0,
        ConsumerError::NotCalibrated
    );
    let stale_from_ts = engine_stale_from_ts(reserve, market, now);
    require!(now <= stale_from_ts, ConsumerError::CalibrationStale);
    let age_secs = now.saturating_sub(calibrated.last_calibration_ts);
    require!(
        age_secs <= i64::from(max_age_secs),
        ConsumerError::CalibrationTooOld
    );
    Ok(ThresholdQuote {
        market: reserve.market,
        mint: reserve.mint,
        liquidation_threshold_bps: calibrated.liquidation_threshold_bps,
        max_ltv_bps: calibrated.max_ltv_bps,
        liquidation_bonus_bps: calibrated.liquidation_bonus_bps,
        lt_min_bps: reserve.bounds.lt_min_bps,
        lt_max_bps: reserve.bounds.lt_max_bps,
        max_tighten_bps_per_hour: reserve.bounds.max_tighten_bps_per_hour,
        calibrated_at_ts: calibrated.last_calibration_ts,
        stale_from_ts,
    })
}

/// The engine's rule for when a calibration goes stale: the reserve's
/// `stale_from_ts`, moved past the time refreshes have spent paused by the
/// market's governance since the reserve last looked (the engine's
/// `Reserve::follow_refresh_pauses`; its `Market::refresh_paused_secs_at`).
pub fn engine_stale_from_ts(reserve: &Reserve, market: &Market, now: i64) -> i64 {
    let running = if market.refresh_paused_since_ts > 0 {
        now.saturating_sub(market.refresh_paused_since_ts).max(0) as u64
    } else {
        0
    };
    let paused_secs = market.refresh_paused_secs.saturating_add(running);
    let unseen = paused_secs.saturating_sub(reserve.refresh_paused_secs_seen);
    if unseen == 0 || reserve.stale_from_ts == 0 {
        return reserve.stale_from_ts;
    }
    reserve
        .stale_from_ts
        .saturating_add(i64::try_from(unseen).unwrap_or(i64::MAX))
}

/// The engine's threshold in use at `now` for a calibrated `threshold_bps`
/// that goes stale at `stale_from_ts`: unchanged until then, then declining
/// toward `lt_min_bps` at `max_tighten_bps_per_hour` (the engine's
/// `calibration::effective_threshold_bps`).
pub fn declined_threshold_bps(
    threshold_bps: u16,
    stale_from_ts: i64,
    lt_min_bps: u16,
    max_tighten_bps_per_hour: u16,
    now: i64,
) -> u16 {
    if now <= stale_from_ts {
        return threshold_bps;
    }
    let stale_secs = now.saturating_sub(stale_from_ts).unsigned_abs();
    let decline_bps = u64::from(max_tighten_bps_per_hour).saturating_mul(stale_secs) / 3_600;
    let declined = u64::from(threshold_bps).saturating_sub(decline_bps);
    (declined as u16).max(lt_min_bps)
}
