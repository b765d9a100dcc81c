use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RiskError;
use crate::events::CollateralDeposited;
use crate::lending;
use crate::state::{Position, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct DepositCollateral<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        has_one = collateral_reserve @ RiskError::WrongReserve,
    )]
    pub position: AccountLoader<'info, Position>,
    #[account(
        mut,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, constraint = owner_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub owner_token_account: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl DepositCollateral<'_> {
    /// Adds collateral. Needs no price and stays open while lending is
    /// paused: adding collateral only ever makes a position safer.
    pub fn handler(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
        require!(amount > 0, RiskError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let (collateral_amount, decimals) = {
            let mut reserve = ctx.accounts.collateral_reserve.load_mut()?;
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
            (position.collateral_amount, reserve.mint_decimals)
        };
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.owner_token_account.to_account_info(),
            decimals,
        }
        .into_vault(&ctx.accounts.owner.to_account_info(), amount)?;
        emit_cpi!(CollateralDeposited {
            position: ctx.accounts.position.key(),
            amount,
            collateral_amount,
        });
        Ok(())
    }
}
