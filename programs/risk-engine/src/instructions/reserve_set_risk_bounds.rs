use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::calibration;
use crate::events::RiskBoundsUpdated;
use crate::state::RiskBounds;

/// Replaces a reserve's bounds. The applied threshold and bonus snap into
/// the new bounds at once (governance is not rate limited), and
/// `max_ltv = LT - buffer` is recomputed; a stale decline is not recomputed
/// under the new rates (`calibration::govern`).
pub fn set_risk_bounds(ctx: Context<GovernReserve>, bounds: RiskBounds) -> Result<()> {
    bounds.validate()?;
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        let old = reserve.bounds;
        let old_threshold_bps = reserve.calibrated.liquidation_threshold_bps;
        let old_bonus_bps = reserve.calibrated.liquidation_bonus_bps;
        let now = Clock::get()?.unix_timestamp;
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        calibration::govern(&mut reserve, now, paused_secs, |reserve| {
            reserve.bounds = bounds
        });
        reserve.invariant()?;
        RiskBoundsUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: bounds,
            old_threshold_bps,
            new_threshold_bps: reserve.calibrated.liquidation_threshold_bps,
            old_bonus_bps,
            new_bonus_bps: reserve.calibrated.liquidation_bonus_bps,
            max_ltv_bps: reserve.calibrated.max_ltv_bps,
        }
    };
    emit_cpi!(event);
    Ok(())
}
