use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use super::reserve_tokens::*;
use crate::constants::PAUSE_LIQUIDATIONS;
use crate::error::RiskError;
use crate::events::Liquidated;
use crate::liquidation;
use crate::oracle::pyth::{self, PriceUse};
use crate::state::{Market, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct Liquidate<'info> {
    pub liquidator: Signer<'info>,
    #[account(constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ RiskError::WrongMarket,
        constraint = position.load()?.collateral_reserve == collateral.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.debt_reserve == debt.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// The collateral reserve, its vault and the liquidator's account of it.
    pub collateral: ReserveTokens<'info>,
    /// The debt reserve, its vault and the liquidator's account of it.
    pub debt: ReserveTokens<'info>,
    pub collateral_price: Box<Account<'info, PriceUpdateV2>>,
    pub debt_price: Box<Account<'info, PriceUpdateV2>>,
    #[account(
        mut,
        constraint = treasury_collateral_account.owner == market.load()?.treasury @ RiskError::WrongTreasury,
        constraint = treasury_collateral_account.mint == collateral.mint.key() @ RiskError::WrongMint,
    )]
    pub treasury_collateral_account: Box<InterfaceAccount<'info, TokenAccount>>,
}

impl Liquidate<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LIQUIDATIONS),
            RiskError::LiquidationsPaused
        );
        require_keys_neq!(
            self.position.load()?.owner,
            self.liquidator.key(),
            RiskError::SelfLiquidation
        );
        Ok(())
    }

    /// Repays up to `max_repay` of an unhealthy position's debt and takes
    /// its collateral with the bonus (see `liquidation::liquidate`); the
    /// treasury's share of the bonus goes to its account, the rest to the
    /// liquidator, who receives at least `min_collateral_out` or nothing.
    /// Prices must be within the oracle's `liquidation_max_age_secs` and at
    /// most `LIQUIDATION_PRICE_LAG_TOLERANCE_SECS` older than the newest each
    /// reserve accepted: the liquidator cannot pick the lowest print of a
    /// window, and a borrower cannot void a pending liquidation by refreshing
    /// a slightly newer price ahead of it.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Liquidate>, max_repay: u64, min_collateral_out: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let (rules, paused_secs) = {
            let market = ctx.accounts.market.load()?;
            (market.liquidation, market.refresh_paused_secs_at(now))
        };
        let (outcome, collateral_price, debt_price) = {
            let mut collateral = ctx.accounts.collateral.reserve.load_mut()?;
            let mut debt = ctx.accounts.debt.reserve.load_mut()?;
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
            let outcome = liquidation::liquidate(
                &mut position,
                &mut collateral,
                &collateral_price,
                &mut debt,
                &debt_price,
                &rules,
                max_repay,
                now,
            )?;
            collateral.invariant()?;
            debt.invariant()?;
            position.invariant()?;
            (outcome, collateral_price, debt_price)
        };
        require!(
            outcome.split.to_liquidator >= min_collateral_out,
            RiskError::CollateralOutBelowMinimum
        );
        let accounts = &ctx.accounts;
        accounts
            .debt
            .into_vault(&accounts.liquidator.to_account_info(), outcome.repaid)?;
        accounts
            .collateral
            .out_of_vault(outcome.split.to_liquidator)?;
        let treasury = accounts.treasury_collateral_account.to_account_info();
        accounts
            .collateral
            .out_of_vault_to(treasury, outcome.split.protocol_fee)?;
        emit_cpi!(Liquidated {
            position: ctx.accounts.position.key(),
            liquidator: ctx.accounts.liquidator.key(),
            collateral_price: collateral_price.liquidation_collateral_price().into(),
            collateral_conf: collateral_price.conf.into(),
            debt_price: debt_price.liquidation_debt_price().into(),
            debt_conf: debt_price.conf.into(),
            threshold_bps: outcome.threshold_bps,
            health_before: outcome.health_before.into(),
            health_after: outcome.health_after.into(),
            repaid: outcome.repaid,
            seized: outcome.seized,
            bonus: outcome.split.bonus,
            protocol_fee: outcome.split.protocol_fee,
            to_liquidator: outcome.split.to_liquidator,
            deficit: outcome.deficit,
            deficit_absorbed_by_fees: outcome.deficit_absorbed_by_fees,
        });
        Ok(())
    }
}
