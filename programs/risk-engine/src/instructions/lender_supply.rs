use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::account_creation::{init_zero_copy, update_zero_copy, NewPda};
use crate::constants::*;
use crate::error::RiskError;
use crate::events::Supplied;
use crate::lending;
use crate::state::{LenderPosition, Market, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct Supply<'info> {
    #[account(mut)]
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
    /// CHECK: the supplier's `LenderPosition` PDA, created on first supply.
    #[account(mut, seeds = [LENDER_SEED, reserve.key().as_ref(), owner.key().as_ref()], bump)]
    pub lender_position: UncheckedAccount<'info>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl Supply<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LENDING),
            RiskError::LendingPaused
        );
        Ok(())
    }

    /// Lends `amount` to the reserve for supply shares
    /// `amount × total_shares / pool_value`, rounded down.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Supply>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (minted, decimals) = {
            let mut reserve = ctx.accounts.reserve.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let minted = lending::supply(&mut reserve, amount)?;
            reserve.invariant()?;
            (minted, reserve.mint_decimals)
        };
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.owner_token_account.to_account_info(),
            decimals,
        }
        .into_vault(&ctx.accounts.owner.to_account_info(), amount)?;
        ctx.accounts
            .credit_lender(ctx.bumps.lender_position, minted)?;
        emit_cpi!(Supplied {
            reserve: ctx.accounts.reserve.key(),
            owner: ctx.accounts.owner.key(),
            amount,
            shares_minted: minted,
        });
        Ok(())
    }
}

impl Supply<'_> {
    /// Adds `shares` to the supplier's position, creating it the first time.
    fn credit_lender(&self, bump: u8, shares: u64) -> Result<()> {
        let info = self.lender_position.to_account_info();
        let (reserve, owner) = (self.reserve.key(), self.owner.key());
        if info.data_is_empty() {
            NewPda {
                payer: &self.owner.to_account_info(),
                target: &info,
                system_program: &self.system_program.to_account_info(),
                owner: &crate::ID,
                space: LenderPosition::SPACE,
                seeds: &[LENDER_SEED, reserve.as_ref(), owner.as_ref(), &[bump]],
            }
            .create(anchor_lang::error::ErrorCode::AccountNotSystemOwned)?;
            return init_zero_copy(&info, |lender: &mut LenderPosition| {
                lender.reserve = reserve;
                lender.owner = owner;
                lender.supply_shares = shares;
                lender.version = ACCOUNT_VERSION;
                lender.bump = bump;
                Ok(())
            });
        }
        // The PDA seeds already bind it to this reserve and owner.
        update_zero_copy(&info, |lender: &mut LenderPosition| {
            lender.supply_shares = lender
                .supply_shares
                .checked_add(shares)
                .ok_or(RiskError::MathOverflow)?;
            Ok(())
        })
    }
}
