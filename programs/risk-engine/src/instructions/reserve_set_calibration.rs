use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::calibration;
use crate::events::CalibrationParamsUpdated;
use crate::state::CalibrationParams;

/// Replaces the inputs of the threshold formula. The variance estimates are
/// kept: new half-lives apply from the next refresh on. A new max age or
/// rate does not move the threshold in use by itself (`calibration::govern`).
pub fn set_calibration_params(
    ctx: Context<GovernReserve>,
    params: CalibrationParams,
) -> Result<()> {
    params.validate()?;
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        let old = reserve.calibration;
        let now = Clock::get()?.unix_timestamp;
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        calibration::govern(&mut reserve, now, paused_secs, |reserve| {
            reserve.calibration = params
        });
        reserve.invariant()?;
        CalibrationParamsUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: params,
        }
    };
    emit_cpi!(event);
    Ok(())
}
