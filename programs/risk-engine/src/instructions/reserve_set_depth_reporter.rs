use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::events::DepthReporterUpdated;

/// Rotates the key allowed to report the reserve's liquidity depth.
pub fn set_depth_reporter(ctx: Context<GovernReserve>, depth_reporter: Pubkey) -> Result<()> {
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        let old = reserve.depth_reporter;
        reserve.depth_reporter = depth_reporter;
        reserve.invariant()?;
        DepthReporterUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: depth_reporter,
        }
    };
    emit_cpi!(event);
    Ok(())
}
