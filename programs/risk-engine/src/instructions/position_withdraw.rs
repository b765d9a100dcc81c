use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use crate::constants::PAUSE_LENDING;
use crate::error::RiskError;
use crate::events::CollateralWithdrawn;
use crate::lending;
use crate::oracle::pyth;
use crate::state::{Market, Position, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawCollateral<'info> {
    pub owner: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        has_one = market @ RiskError::WrongMarket,
        has_one = collateral_reserve @ RiskError::WrongReserve,
        has_one = debt_reserve @ RiskError::WrongReserve,
    )]
    pub position: AccountLoader<'info, Position>,
    #[account(
        mut,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    #[account(mut)]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub collateral_price: Account<'info, PriceUpdateV2>,
    pub debt_price: Account<'info, PriceUpdateV2>,
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, constraint = owner_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub owner_token_account: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl WithdrawCollateral<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LENDING),
            RiskError::LendingPaused
        );
        Ok(())
    }

    /// Takes collateral back. With debt outstanding the position must stay
    /// within the collateral's max LTV at conservative prices; without debt
    /// no price is read, so a debt-free owner can always leave.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
        require!(amount > 0, RiskError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let collateral_amount = {
            let mut collateral = ctx.accounts.collateral_reserve.load_mut()?;
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            lending::accrue_interest(&mut collateral, now)?;
            lending::accrue_interest(&mut debt, now)?;
            require!(
                amount <= position.collateral_amount,
                RiskError::InsufficientCollateral
            );
            position.collateral_amount -= amount;
            collateral.lending.total_collateral -= amount;
            if position.debt_shares > 0 {
                let collateral_price =
                    pyth::load_price(&ctx.accounts.collateral_price, &collateral.oracle, now)?;
                let debt_price = pyth::load_price(&ctx.accounts.debt_price, &debt.oracle, now)?;
                lending::require_within_max_ltv(
                    &position,
                    &collateral,
                    &collateral_price,
                    &debt,
                    &debt_price,
                )?;
            }
            collateral.invariant()?;
            position.collateral_amount
        };
        let reserve = ctx.accounts.collateral_reserve.load()?;
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.owner_token_account.to_account_info(),
            decimals: reserve.mint_decimals,
        }
        .out_of_vault(
            &ctx.accounts.collateral_reserve.to_account_info(),
            &reserve,
            amount,
        )?;
        drop(reserve);
        emit_cpi!(CollateralWithdrawn {
            position: ctx.accounts.position.key(),
            amount,
            collateral_amount,
        });
        Ok(())
    }
}
