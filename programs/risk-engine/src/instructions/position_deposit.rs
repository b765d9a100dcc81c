use anchor_lang::prelude::*;

use super::reserve_tokens::*;
use crate::error::RiskError;
use crate::events::CollateralDeposited;
use crate::lending;
use crate::state::Position;

#[event_cpi]
#[derive(Accounts)]
pub struct DepositCollateral<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        constraint = position.load()?.collateral_reserve == collateral.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// The collateral reserve, its vault and the owner's token account.
    pub collateral: ReserveTokens<'info>,
}

impl DepositCollateral<'_> {
    /// Adds collateral. Needs no price and stays open while lending is
    /// paused: adding collateral only ever makes a position safer.
    pub fn handler(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
        require!(amount > 0, RiskError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let collateral_amount = {
            let mut reserve = ctx.accounts.collateral.reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            position.collateral_amount = position
                .collateral_amount
                .checked_add(amount)
                .ok_or(RiskError::MathOverflow)?;
            reserve.lending.total_collateral = reserve
                .lending
                .total_collateral
                .checked_add(amount)
                .ok_or(RiskError::MathOverflow)?;
            reserve.invariant()?;
            position.invariant()?;
            position.collateral_amount
        };
        ctx.accounts
            .collateral
            .into_vault(&ctx.accounts.owner.to_account_info(), amount)?;
        emit_cpi!(CollateralDeposited {
            position: ctx.accounts.position.key(),
            amount,
            collateral_amount,
        });
        Ok(())
    }
}
