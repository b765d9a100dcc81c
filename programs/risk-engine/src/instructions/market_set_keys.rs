//! Setters of the market's keys: guardian, treasury, and the first step of
//! an authority hand-over.

use anchor_lang::prelude::*;

use super::govern_market::*;
use crate::events::{AuthorityProposed, GuardianUpdated, TreasuryUpdated};

/// Step one of a hand-over: names the next authority. It has no power until
/// it signs `accept_authority`; `Pubkey::default()` withdraws the proposal.
pub fn propose_authority(ctx: Context<GovernMarket>, new_authority: Pubkey) -> Result<()> {
    let event = {
        let mut market = ctx.accounts.market.load_mut()?;
        let old_pending = market.pending_authority;
        market.pending_authority = new_authority;
        market.invariant()?;
        AuthorityProposed {
            market: ctx.accounts.market.key(),
            authority: market.authority,
            old_pending,
            new_pending: new_authority,
        }
    };
    emit_cpi!(event);
    Ok(())
}

/// Names the guardian; `Pubkey::default()` leaves the market without one.
pub fn set_guardian(ctx: Context<GovernMarket>, guardian: Pubkey) -> Result<()> {
    let event = {
        let mut market = ctx.accounts.market.load_mut()?;
        let old = market.guardian;
        market.guardian = guardian;
        market.invariant()?;
        GuardianUpdated {
            market: ctx.accounts.market.key(),
            old,
            new: guardian,
        }
    };
    emit_cpi!(event);
    Ok(())
}

/// Names the owner of the token accounts that receive protocol fees.
pub fn set_treasury(ctx: Context<GovernMarket>, treasury: Pubkey) -> Result<()> {
    let event = {
        let mut market = ctx.accounts.market.load_mut()?;
        let old = market.treasury;
        market.treasury = treasury;
        market.invariant()?;
        TreasuryUpdated {
            market: ctx.accounts.market.key(),
            old,
            new: treasury,
        }
    };
    emit_cpi!(event);
    Ok(())
}
