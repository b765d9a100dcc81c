use anchor_lang::prelude::*;

use super::reserve_tokens::*;
use crate::error::RiskError;
use crate::events::Repaid;
use crate::lending;
use crate::state::Position;

#[event_cpi]
#[derive(Accounts)]
pub struct Repay<'info> {
    /// Anyone may repay any position.
    pub payer: Signer<'info>,
    #[account(
        mut,
        constraint = position.load()?.debt_reserve == debt.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// The debt reserve, its vault and the payer's token account.
    pub debt: ReserveTokens<'info>,
}

impl Repay<'_> {
    /// Repays up to `max_amount`; more than owed takes only what is owed.
    /// Needs no price and stays open while lending is paused.
    pub fn handler(ctx: Context<Repay>, max_amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (repayment, debt_owed) = {
            let mut debt = ctx.accounts.debt.reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            lending::accrue_interest(&mut debt, now)?;
            let repayment = lending::repay(&mut debt, position.debt_shares, max_amount)?;
            position.debt_shares -= repayment.shares_burned;
            debt.invariant()?;
            position.invariant()?;
            (repayment, lending::position_debt(&debt, &position)?)
        };
        ctx.accounts
            .debt
            .into_vault(&ctx.accounts.payer.to_account_info(), repayment.amount)?;
        emit_cpi!(Repaid {
            position: ctx.accounts.position.key(),
            payer: ctx.accounts.payer.key(),
            amount: repayment.amount,
            debt_shares_burned: repayment.shares_burned,
            debt_owed,
        });
        Ok(())
    }
}
