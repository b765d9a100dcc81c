use anchor_lang::prelude::*;

use crate::constants::*;
use crate::error::RiskError;
use crate::events::SupplyWithdrawn;
use crate::lending;
use crate::state::{LenderPosition, Market};

use super::reserve_tokens::*;

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawSupply<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = tokens.reserve.load()?.market == market.key() @ RiskError::WrongMarket, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    /// The reserve withdrawn from, its vault and the owner's token account.
    pub tokens: ReserveTokens<'info>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        constraint = lender_position.load()?.reserve == tokens.reserve.key() @ RiskError::WrongReserve,
        constraint = lender_position.load()?.is_at(&lender_position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub lender_position: AccountLoader<'info, LenderPosition>,
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
    /// are worth, as far as liquidity not lent out allows, burning every
    /// share when it does: `lending::withdraw_all`), burning
    /// `amount × (total_shares + V) / (pool_value + V)` shares rounded up,
    /// and pays out no less than `min_amount_out`.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<WithdrawSupply>, amount: u64, min_amount_out: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (amount, burned) = {
            let mut reserve = ctx.accounts.tokens.reserve.load_mut()?;
            let mut lender = ctx.accounts.lender_position.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let (amount, burned) = if amount == u64::MAX {
                lending::withdraw_all(&mut reserve, lender.supply_shares)?
            } else {
                let burned = lending::withdraw_supply(&mut reserve, lender.supply_shares, amount)?;
                (amount, burned)
            };
            require!(amount >= min_amount_out, RiskError::AmountOutBelowMinimum);
            lender.supply_shares -= burned;
            lender.invariant()?;
            reserve.invariant()?;
            (amount, burned)
        };
        ctx.accounts.tokens.out_of_vault(amount)?;
        emit_cpi!(SupplyWithdrawn {
            reserve: ctx.accounts.tokens.reserve.key(),
            owner: ctx.accounts.owner.key(),
            amount,
            shares_burned: burned,
        });
        Ok(())
    }
}
