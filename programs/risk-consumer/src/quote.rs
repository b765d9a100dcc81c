//! The one rule both instructions apply: when a reserve's threshold may be
//! used, and what of it.

use anchor_lang::prelude::*;

use crate::error::ConsumerError;
use crate::risk_engine::accounts::Reserve;
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
    /// Clock time of the calibration.
    pub calibrated_at_ts: i64,
    /// From this clock time the engine calls the calibration stale.
    pub stale_from_ts: i64,
}

/// The reserve's threshold at `now`, if a careful consumer may act on it:
/// of the layout this consumer reads, calibrated at least once, not stale by the engine's own rule (after
/// `stale_from_ts` the engine lets the threshold in use decline toward
/// its minimum; a consumer copying the stored value would miss that), and
/// calibrated within `max_age_secs`.
pub fn fresh_quote(reserve: &Reserve, now: i64, max_age_secs: u32) -> Result<ThresholdQuote> {
    require!(
        reserve.version == ENGINE_ACCOUNT_VERSION,
        ConsumerError::UnsupportedReserveVersion
    );
    let calibrated = &reserve.calibrated;
    require!(
        calibrated.last_calibration_ts != 0,
        ConsumerError::NotCalibrated
    );
    require!(
        now <= reserve.stale_from_ts,
        ConsumerError::CalibrationStale
    );
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
        calibrated_at_ts: calibrated.last_calibration_ts,
        stale_from_ts: reserve.stale_from_ts,
    })
}
