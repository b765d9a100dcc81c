use anchor_lang::prelude::*;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use super::reserve_tokens::*;
use crate::constants::PAUSE_LIQUIDATIONS;
use crate::error::RiskError;
use crate::events::BadDebtWrittenOff;
use crate::liquidation;
use crate::oracle::pyth::{self, PriceUse};
use crate::state::{Market, Position, Reserve};

#[event_cpi]
#[derive(Accounts)]
pub struct WriteOffBadDebt<'info> {
    #[account(
        constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress,
        constraint = collateral.user_token_account.owner == market.load()?.treasury @ RiskError::WrongTreasury,
    )]
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ RiskError::WrongMarket,
        has_one = debt_reserve @ RiskError::WrongReserve,
        constraint = position.load()?.collateral_reserve == collateral.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// The collateral reserve, its vault and the treasury's account of it,
    /// which receives whatever dust of collateral is left.
    pub collateral: ReserveTokens<'info>,
    #[account(mut, constraint = debt_reserve.load()?.is_at(&debt_reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub collateral_price: Box<Account<'info, PriceUpdateV2>>,
    pub debt_price: Box<Account<'info, PriceUpdateV2>>,
}

impl WriteOffBadDebt<'_> {
    /// A write-off is a liquidation's last step: paused with liquidations.
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LIQUIDATIONS),
            RiskError::LiquidationsPaused
        );
        Ok(())
    }

    /// Permissionless: writes off the debt of an unhealthy position whose
    /// collateral is worth less than the market's dust value (see
    /// `liquidation::write_off`), at the prices a liquidation would read.
    /// The dust of collateral goes to the treasury.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<WriteOffBadDebt>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (rules, paused_secs) = {
            let market = ctx.accounts.market.load()?;
            (market.liquidation, market.refresh_paused_secs_at(now))
        };
        let (outcome, collateral_price, debt_price) = {
            let mut collateral = ctx.accounts.collateral.reserve.load_mut()?;
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            collateral.follow_refresh_pauses(paused_secs);
            let (collateral_price, debt_price) = pyth::accept_position_prices(
                &mut collateral,
                &ctx.accounts.collateral_price,
                &mut debt,
                &ctx.accounts.debt_price,
                now,
                PriceUse::Liquidation,
            )?;
            let outcome = liquidation::write_off(
                &mut position,
                &mut collateral,
                &collateral_price,
                &mut debt,
                &debt_price,
                &rules,
                now,
            )?;
            collateral.invariant()?;
            debt.invariant()?;
            position.invariant()?;
            (outcome, collateral_price, debt_price)
        };
        ctx.accounts
            .collateral
            .out_of_vault(outcome.collateral_left)?;
        emit_cpi!(BadDebtWrittenOff {
            position: ctx.accounts.position.key(),
            collateral_price: collateral_price.liquidation_collateral_price().into(),
            debt_price: debt_price.liquidation_debt_price().into(),
            threshold_bps: outcome.threshold_bps,
            collateral_to_treasury: outcome.collateral_left,
            deficit: outcome.deficit,
            deficit_absorbed_by_fees: outcome.deficit_absorbed_by_fees,
        });
        Ok(())
    }
}
