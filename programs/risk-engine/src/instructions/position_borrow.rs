use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use crate::constants::PAUSE_LENDING;
use crate::error::RiskError;
use crate::events::Borrowed;
use crate::lending;
use crate::oracle::pyth;
use crate::state::{Market, Position, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct Borrow<'info> {
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
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    #[account(
        mut,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub collateral_price: Account<'info, PriceUpdateV2>,
    pub debt_price: Account<'info, PriceUpdateV2>,
    /// The debt mint.
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, constraint = owner_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub owner_token_account: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl Borrow<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LENDING),
            RiskError::LendingPaused
        );
        Ok(())
    }

    /// Borrows `amount` of the debt asset against the position's collateral:
    /// debt shares `ceil(amount / index)`, then
    /// `debt × max(P_d, ema_d) <= collateral × min(P_c, ema_c) × max_ltv`.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Borrow>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (minted, debt_owed) = {
            let collateral = ctx.accounts.collateral_reserve.load()?;
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            let collateral_price =
                pyth::load_price(&ctx.accounts.collateral_price, &collateral.oracle, now)?;
            let debt_price = pyth::load_price(&ctx.accounts.debt_price, &debt.oracle, now)?;
            lending::accrue_interest(&mut debt, now)?;
            let minted = lending::borrow(&mut debt, amount)?;
            position.debt_shares = position
                .debt_shares
                .checked_add(minted)
                .ok_or(RiskError::MathOverflow)?;
            lending::require_within_max_ltv(
                &position,
                &collateral,
                &collateral_price,
                &debt,
                &debt_price,
            )?;
            debt.invariant()?;
            (minted, lending::position_debt(&debt, &position)?)
        };
        let reserve = ctx.accounts.debt_reserve.load()?;
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.owner_token_account.to_account_info(),
            decimals: reserve.mint_decimals,
        }
        .out_of_vault(
            &ctx.accounts.debt_reserve.to_account_info(),
            &reserve,
            amount,
        )?;
        drop(reserve);
        emit_cpi!(Borrowed {
            position: ctx.accounts.position.key(),
            amount,
            debt_shares_minted: minted,
            debt_owed,
        });
        Ok(())
    }
}
