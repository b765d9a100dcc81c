use anchor_lang::prelude::*;

use crate::error::ConsumerError;
use crate::events::ThresholdSynced;
use crate::quote::fresh_quote;
use crate::risk_engine::accounts::{Market, Reserve};
use crate::state::CollateralConfig;

#[derive(Accounts)]
pub struct SyncThreshold<'info> {
    /// Owner and discriminator checked by `Account`: only this program
    /// writes configs, and only at their address.
    #[account(mut, has_one = risk_reserve @ ConsumerError::WrongReserve)]
    pub collateral: Account<'info, CollateralConfig>,
    pub risk_reserve: AccountLoader<'info, Reserve>,
    /// The reserve's market, for its refresh-pause clock.
    #[account(constraint = risk_reserve.load()?.market == risk_market.key() @ ConsumerError::WrongMarket)]
    pub risk_market: AccountLoader<'info, Market>,
}

impl SyncThreshold<'_> {
    /// Permissionless, like the engine's refresh: anyone may carry a fresh
    /// threshold over, nobody can carry a stale one.
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let reserve = ctx.accounts.risk_reserve.load()?;
        let market = ctx.accounts.risk_market.load()?;
        let collateral = &mut ctx.accounts.collateral;
        let quote = fresh_quote(&reserve, &market, now, collateral.max_age_secs)?;
        let previous_threshold_bps = collateral.liquidation_threshold_bps;
        collateral.liquidation_threshold_bps = quote.liquidation_threshold_bps;
        collateral.max_ltv_bps = quote.max_ltv_bps;
        collateral.liquidation_bonus_bps = quote.liquidation_bonus_bps;
        collateral.calibrated_at_ts = quote.calibrated_at_ts;
        collateral.stale_from_ts = quote.stale_from_ts;
        collateral.lt_min_bps = quote.lt_min_bps;
        collateral.max_tighten_bps_per_hour = quote.max_tighten_bps_per_hour;
        collateral.synced_at_ts = now;
        emit!(ThresholdSynced {
            collateral: collateral.key(),
            risk_reserve: collateral.risk_reserve,
            previous_threshold_bps,
            liquidation_threshold_bps: quote.liquidation_threshold_bps,
            max_ltv_bps: quote.max_ltv_bps,
            liquidation_bonus_bps: quote.liquidation_bonus_bps,
            calibrated_at_ts: quote.calibrated_at_ts,
        });
        Ok(())
    }
}
