use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RiskError;
use crate::events::Repaid;
use crate::lending;
use crate::state::{Position, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct Repay<'info> {
    /// Anyone may repay any position.
    pub payer: Signer<'info>,
    #[account(mut, has_one = debt_reserve @ RiskError::WrongReserve)]
    pub position: AccountLoader<'info, Position>,
    #[account(
        mut,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, constraint = payer_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub payer_token_account: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl Repay<'_> {
    /// Repays up to `max_amount`; more than owed takes only what is owed.
    /// Needs no price and stays open while lending is paused.
    pub fn handler(ctx: Context<Repay>, max_amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (repayment, debt_owed, decimals) = {
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            lending::accrue_interest(&mut debt, now)?;
            let repayment = lending::repay(&mut debt, position.debt_shares, max_amount)?;
            position.debt_shares -= repayment.shares_burned;
            debt.invariant()?;
            (
                repayment,
                lending::position_debt(&debt, &position)?,
                debt.mint_decimals,
            )
        };
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.payer_token_account.to_account_info(),
            decimals,
        }
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
