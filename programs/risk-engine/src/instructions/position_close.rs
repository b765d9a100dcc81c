use anchor_lang::prelude::*;

use crate::error::RiskError;
use crate::events::PositionClosed;
use crate::state::Position;

#[event_cpi]
#[derive(Accounts)]
pub struct ClosePosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, close = owner, has_one = owner @ RiskError::NotPositionOwner, constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress)]
    pub position: AccountLoader<'info, Position>,
}

impl ClosePosition<'_> {
    pub fn validate(&self) -> Result<()> {
        let position = self.position.load()?;
        position.invariant()?;
        require!(
            position.collateral_amount == 0 && position.debt_shares == 0,
            RiskError::PositionNotEmpty
        );
        Ok(())
    }

    /// Closes an empty position and returns its rent to the owner.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<ClosePosition>) -> Result<()> {
        emit_cpi!(PositionClosed {
            position: ctx.accounts.position.key(),
            owner: ctx.accounts.owner.key(),
        });
        Ok(())
    }
}
