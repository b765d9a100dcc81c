use anchor_lang::prelude::*;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use super::reserve_tokens::*;
use crate::constants::{PAUSE_LENDING, PAUSE_LIQUIDATIONS};
use crate::error::RiskError;
use crate::events::Borrowed;
use crate::lending;
use crate::oracle::pyth::{self, PriceUse};
use crate::state::{Market, Position, Reserve};

#[event_cpi]
#[derive(Accounts)]
pub struct Borrow<'info> {
    pub owner: Signer<'info>,
    #[account(constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = owner @ RiskError::NotPositionOwner,
        has_one = market @ RiskError::WrongMarket,
        has_one = collateral_reserve @ RiskError::WrongReserve,
        constraint = position.load()?.debt_reserve == debt.reserve.key() @ RiskError::WrongReserve,
        constraint = position.load()?.is_at(&position.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub position: AccountLoader<'info, Position>,
    /// Writable: it records the newest price accepted (`accept_price_time`).
    #[account(mut, constraint = collateral_reserve.load()?.is_at(&collateral_reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    /// The debt reserve, its vault and the owner's token account.
    pub debt: ReserveTokens<'info>,
    pub collateral_price: Box<Account<'info, PriceUpdateV2>>,
    pub debt_price: Box<Account<'info, PriceUpdateV2>>,
}

impl Borrow<'_> {
    /// Closed while lending is paused, and while liquidations are: a borrow
    /// nobody may liquidate is risk nobody manages.
    pub fn validate(&self) -> Result<()> {
        let market = self.market.load()?;
        require!(!market.is_paused(PAUSE_LENDING), RiskError::LendingPaused);
        require!(
            !market.is_paused(PAUSE_LIQUIDATIONS),
            RiskError::RiskIncreaseWhileLiquidationsPaused
        );
        Ok(())
    }

    /// Borrows `amount` of the debt asset against the position's collateral:
    /// debt shares `ceil(amount / index)`, then
    /// `debt × max(P_d, ema_d) <= collateral × min(P_c, ema_c) × max_ltv`,
    /// `max_ltv` from the threshold liquidation would use now, and the
    /// position's debt worth at least the debt reserve's minimum borrow value.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Borrow>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        let (minted, debt_owed) = {
            let mut collateral = ctx.accounts.collateral_reserve.load_mut()?;
            let mut debt = ctx.accounts.debt.reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            collateral.follow_refresh_pauses(paused_secs);
            let (collateral_price, debt_price) = pyth::accept_position_prices(
                &mut collateral,
                &ctx.accounts.collateral_price,
                &mut debt,
                &ctx.accounts.debt_price,
                now,
                PriceUse::Lending,
            )?;
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
                now,
            )?;
            lending::require_min_borrow_value(&position, &debt, &debt_price)?;
            collateral.invariant()?;
            debt.invariant()?;
            position.invariant()?;
            (minted, lending::position_debt(&debt, &position)?)
        };
        ctx.accounts.debt.out_of_vault(amount)?;
        emit_cpi!(Borrowed {
            position: ctx.accounts.position.key(),
            amount,
            debt_shares_minted: minted,
            debt_owed,
        });
        Ok(())
    }
}
