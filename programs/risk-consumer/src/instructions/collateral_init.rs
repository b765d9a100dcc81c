use anchor_lang::prelude::*;

use crate::error::ConsumerError;
use crate::risk_engine::accounts::Reserve;
use crate::state::{CollateralConfig, COLLATERAL_SEED, ENGINE_ACCOUNT_VERSION, MAX_AGE_SECS_LIMIT};

#[derive(Accounts)]
pub struct InitCollateral<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    /// The risk engine reserve this collateral follows; checked as in
    /// `read_threshold`. Anyone can create a market on the engine: whether
    /// this reserve's market is one to trust is the admin's decision, made
    /// here once (its market is recorded in the config).
    pub risk_reserve: AccountLoader<'info, Reserve>,
    #[account(
        init,
        payer = admin,
        space = 8 + CollateralConfig::INIT_SPACE,
        seeds = [COLLATERAL_SEED, admin.key().as_ref(), risk_reserve.key().as_ref()],
        bump,
    )]
    pub collateral: Account<'info, CollateralConfig>,
    pub system_program: Program<'info, System>,
}

impl InitCollateral<'_> {
    pub fn handler(ctx: Context<Self>, max_age_secs: u32) -> Result<()> {
        require!(
            (1..=MAX_AGE_SECS_LIMIT).contains(&max_age_secs),
            ConsumerError::InvalidMaxAge
        );
        let reserve = ctx.accounts.risk_reserve.load()?;
        require!(
            reserve.version == ENGINE_ACCOUNT_VERSION,
            ConsumerError::UnsupportedReserveVersion
        );
        ctx.accounts.collateral.set_inner(CollateralConfig {
            admin: ctx.accounts.admin.key(),
            risk_reserve: ctx.accounts.risk_reserve.key(),
            risk_market: reserve.market,
            mint: reserve.mint,
            max_age_secs,
            liquidation_threshold_bps: 0,
            max_ltv_bps: 0,
            liquidation_bonus_bps: 0,
            calibrated_at_ts: 0,
            stale_from_ts: 0,
            synced_at_ts: 0,
            bump: ctx.bumps.collateral,
            lt_min_bps: 0,
            max_tighten_bps_per_hour: 0,
        });
        Ok(())
    }
}
