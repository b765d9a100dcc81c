use anchor_lang::prelude::*;

use super::govern_market::*;
use crate::events::LiquidationConfigUpdated;
use crate::state::LiquidationConfig;

/// Replaces the close factor, the full-liquidation health level, the dust
/// value and the protocol's share of the bonus.
pub fn set_liquidation_config(ctx: Context<GovernMarket>, config: LiquidationConfig) -> Result<()> {
    config.validate()?;
    let event = {
        let mut market = ctx.accounts.market.load_mut()?;
        let old = market.liquidation;
        market.liquidation = config;
        market.invariant()?;
        LiquidationConfigUpdated {
            market: ctx.accounts.market.key(),
            old,
            new: config,
        }
    };
    emit_cpi!(event);
    Ok(())
}
