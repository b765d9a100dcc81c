use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::*;
use crate::error::RiskError;
use crate::events::SupplyWithdrawn;
use crate::lending;
use crate::math::shares;
use crate::state::{LenderPosition, Market, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawSupply<'info> {
    pub owner: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ RiskError::WrongMarket,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, constraint = owner_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub owner_token_account: InterfaceAccount<'info, TokenAccount>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        has_one = reserve @ RiskError::WrongReserve,
    )]
    pub lender_position: AccountLoader<'info, LenderPosition>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl WithdrawSupply<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LENDING),
            RiskError::LendingPaused
        );
        Ok(())
    }

    /// Takes `amount` of liquidity back (`u64::MAX`: everything the shares
    /// are worth), burning `amount × total_shares / pool_value` shares
    /// rounded up. Limited by the liquidity not lent out.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<WithdrawSupply>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (amount, burned, decimals) = {
            let mut reserve = ctx.accounts.reserve.load_mut()?;
            let mut lender = ctx.accounts.lender_position.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let amount = if amount == u64::MAX {
                let pool_value = lending::supply_pool_value(&reserve);
                shares::supply_value(
                    lender.supply_shares,
                    reserve.lending.supply_shares,
                    pool_value,
                )?
            } else {
                amount
            };
            let burned = lending::withdraw_supply(&mut reserve, lender.supply_shares, amount)?;
            lender.supply_shares -= burned;
            reserve.invariant()?;
            (amount, burned, reserve.mint_decimals)
        };
        let reserve = ctx.accounts.reserve.load()?;
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.owner_token_account.to_account_info(),
            decimals,
        }
        .out_of_vault(&ctx.accounts.reserve.to_account_info(), &reserve, amount)?;
        drop(reserve);
        emit_cpi!(SupplyWithdrawn {
            reserve: ctx.accounts.reserve.key(),
            owner: ctx.accounts.owner.key(),
            amount,
            shares_burned: burned,
        });
        Ok(())
    }
}
