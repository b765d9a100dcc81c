use anchor_lang::prelude::*;

use crate::account_creation::{init_zero_copy, update_zero_copy, NewPda};
use crate::constants::*;
use crate::error::RiskError;
use crate::events::Supplied;
use crate::lending;
use crate::state::{LenderPosition, Market};

use super::reserve_tokens::*;

#[event_cpi]
#[derive(Accounts)]
pub struct Supply<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(constraint = tokens.reserve.load()?.market == market.key() @ RiskError::WrongMarket, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    /// The reserve supplied to, its vault and the owner's token account.
    pub tokens: ReserveTokens<'info>,
    /// CHECK: the supplier's `LenderPosition` PDA, created on first supply.
    #[account(mut, seeds = [LENDER_SEED, tokens.reserve.key().as_ref(), owner.key().as_ref()], bump)]
    pub lender_position: UncheckedAccount<'info>,
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
    /// `amount × (total_shares + V) / (pool_value + V)`, rounded down (see
    /// `math::shares`), and no fewer than `min_shares_out`.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Supply>, amount: u64, min_shares_out: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let minted = {
            let mut reserve = ctx.accounts.tokens.reserve.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let minted = lending::supply(&mut reserve, amount, min_shares_out)?;
            reserve.invariant()?;
            minted
        };
        ctx.accounts
            .tokens
            .into_vault(&ctx.accounts.owner.to_account_info(), amount)?;
        ctx.accounts
            .credit_lender(ctx.bumps.lender_position, minted)?;
        emit_cpi!(Supplied {
            reserve: ctx.accounts.tokens.reserve.key(),
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
        let (reserve, owner) = (self.tokens.reserve.key(), self.owner.key());
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
            lender.invariant()?;
            lender.supply_shares = lender
                .supply_shares
                .checked_add(shares)
                .ok_or(RiskError::MathOverflow)?;
            Ok(())
        })
    }
}
