use anchor_lang::prelude::*;

use crate::error::RiskError;
use crate::events::LenderPositionClosed;
use crate::state::LenderPosition;

#[event_cpi]
#[derive(Accounts)]
pub struct CloseLenderPosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, close = owner, has_one = owner @ RiskError::NotPositionOwner, constraint = lender_position.load()?.is_at(&lender_position.key()) @ RiskError::AccountNotAtItsAddress)]
    pub lender_position: AccountLoader<'info, LenderPosition>,
}

impl CloseLenderPosition<'_> {
    pub fn validate(&self) -> Result<()> {
        self.lender_position.load()?.invariant()?;
        require!(
            self.lender_position.load()?.supply_shares == 0,
            RiskError::LenderPositionNotEmpty
        );
        Ok(())
    }

    /// Closes a supplier's position that holds no shares and returns its
    /// rent to the owner; the next supply creates it afresh.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<CloseLenderPosition>) -> Result<()> {
        let reserve = ctx.accounts.lender_position.load()?.reserve;
        emit_cpi!(LenderPositionClosed {
            lender_position: ctx.accounts.lender_position.key(),
            reserve,
            owner: ctx.accounts.owner.key(),
        });
        Ok(())
    }
}
