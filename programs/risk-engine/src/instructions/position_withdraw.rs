use anchor_lang::prelude::*;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use super::reserve_tokens::*;
use crate::constants::{PAUSE_LENDING, PAUSE_LIQUIDATIONS};
use crate::error::RiskError;
use crate::events::CollateralWithdrawn;
use crate::lending;
use crate::oracle::pyth::{self, PriceUse};
use crate::state::{Market, Position, Reserve};

#[event_cpi]
#[derive(Accounts)]
pub struct WithdrawCollateral<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        has_one = market @ RiskError::WrongMarket,
        has_one = debt_reserve @ RiskError::WrongReserve,
        constraint = position.load()?.collateral_reserve == collateral.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// The collateral reserve, its vault and the owner's token account.
    pub collateral: ReserveTokens<'info>,
    #[account(mut, constraint = debt_reserve.load()?.is_at(&debt_reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub collateral_price: Box<Account<'info, PriceUpdateV2>>,
    pub debt_price: Box<Account<'info, PriceUpdateV2>>,
}

impl WithdrawCollateral<'_> {
    /// A position in debt may not take collateral out while lending is
    /// paused, nor while liquidations are (that adds risk nobody may
    /// manage). A debt-free owner always may: it is their own tokens.
    pub fn validate(&self) -> Result<()> {
        if self.position.load()?.debt_shares == 0 {
            return Ok(());
        }
        let market = self.market.load()?;
        require!(!market.is_paused(PAUSE_LENDING), RiskError::LendingPaused);
        require!(
            !market.is_paused(PAUSE_LIQUIDATIONS),
            RiskError::RiskIncreaseWhileLiquidationsPaused
        );
        Ok(())
    }

    /// Takes collateral back. With debt outstanding the position must stay
    /// within the collateral's max LTV at conservative prices; without debt
    /// no price is read and no pause applies, so a debt-free owner can
    /// always leave.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
        require!(amount > 0, RiskError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        let collateral_amount = {
            let mut collateral = ctx.accounts.collateral.reserve.load_mut()?;
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            collateral.follow_refresh_pauses(paused_secs);
            lending::accrue_interest(&mut collateral, now)?;
            lending::accrue_interest(&mut debt, now)?;
            require!(
                amount <= position.collateral_amount,
                RiskError::InsufficientCollateral
            );
            position.collateral_amount -= amount;
            collateral.lending.total_collateral -= amount;
            if position.debt_shares > 0 {
                let (collateral_price, debt_price) = pyth::accept_position_prices(
                    &mut collateral,
                    &ctx.accounts.collateral_price,
                    &mut debt,
                    &ctx.accounts.debt_price,
                    now,
                    PriceUse::Lending,
                )?;
                lending::require_within_max_ltv(
                    &position,
                    &collateral,
                    &collateral_price,
                    &debt,
                    &debt_price,
                    now,
                )?;
            }
            collateral.invariant()?;
            debt.invariant()?;
            position.invariant()?;
            position.collateral_amount
        };
        ctx.accounts.collateral.out_of_vault(amount)?;
        emit_cpi!(CollateralWithdrawn {
            position: ctx.accounts.position.key(),
            amount,
            collateral_amount,
        });
        Ok(())
    }
}
