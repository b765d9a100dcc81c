use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::calibration;
use crate::events::OracleConfigUpdated;
use crate::state::{OracleConfig, WrappedI80F48};

/// Replaces how the reserve reads Pyth. A new feed id starts a new price
/// series: the last price is forgotten so that the first refresh on the new
/// feed seeds it instead of counting a jump between two feeds as a return.
/// The variance estimates are kept, which errs on the side of caution, and so
/// is the newest accepted publish time: the new feed prices the same asset
/// on the same clock, and no instruction may go back in time on it either.
/// Like every other governance change (`calibration::govern`) it moves
/// nothing by itself: a stale threshold stays where its decline brought it,
/// and seeding the new feed restarts no staleness clock (only a first
/// calibration does), so pointing a reserve at a new feed in an outage
/// cannot revive a threshold calibrated before it.
pub fn set_oracle_config(ctx: Context<GovernReserve>, config: OracleConfig) -> Result<()> {
    config.validate()?;
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        let old = reserve.oracle;
        let price_history_reset = old.feed_id != config.feed_id;
        let now = Clock::get()?.unix_timestamp;
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        calibration::govern(&mut reserve, now, paused_secs, |reserve| {
            if price_history_reset {
                reserve.calibrated.last_price = WrappedI80F48::default();
                reserve.calibrated.last_publish_time = 0;
            }
            reserve.oracle = config;
        });
        reserve.invariant()?;
        OracleConfigUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: config,
            price_history_reset,
        }
    };
    emit_cpi!(event);
    Ok(())
}
