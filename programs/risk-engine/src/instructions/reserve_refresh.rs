use anchor_lang::prelude::*;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use crate::calibration::{self, RefreshOutcome};
use crate::constants::PAUSE_REFRESH;
use crate::error::RiskError;
use crate::events::*;
use crate::math::volatility::annualised_sigma_bps;
use crate::oracle::pyth::{self, PriceUse};
use crate::state::{Market, Reserve};

#[event_cpi]
#[derive(Accounts)]
pub struct RefreshReserve<'info> {
    #[account(constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ RiskError::WrongMarket, constraint = reserve.load()?.is_at(&reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub reserve: AccountLoader<'info, Reserve>,
    /// Owner (Pyth receiver) and type are checked by `Account`; the feed,
    /// age, confidence and verification by the oracle adapter.
    pub price_update: Account<'info, PriceUpdateV2>,
}

impl RefreshReserve<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_REFRESH),
            RiskError::RefreshPaused
        );
        Ok(())
    }

    /// Permissionless crank: oracle adapter, then volatility, then
    /// calibration (see `calibration::apply_price`). The price must not be
    /// older than the newest the reserve accepted; it counts into the
    /// variance only as its sample slot's price (`calibration::take_price`).
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<RefreshReserve>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let reserve_key = ctx.accounts.reserve.key();
        let paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        let (outcome, price, state) = {
            let mut reserve = ctx.accounts.reserve.load_mut()?;
            reserve.follow_refresh_pauses(paused_secs);
            let price = pyth::load_price(
                &ctx.accounts.price_update,
                &reserve.oracle,
                now,
                PriceUse::Calibration,
            )?;
            reserve.accept_price_time(
                price.publish_time,
                PriceUse::Calibration.lag_tolerance_secs(),
            )?;
            let outcome = calibration::apply_price(&mut reserve, &price, now)?;
            reserve.invariant()?;
            (outcome, price, reserve.calibrated)
        };
        match outcome {
            RefreshOutcome::Skipped {
                last_publish_time,
                reason,
            } => {
                msg!("price not counted: {:?}", reason);
                emit_cpi!(ReserveRefreshSkipped {
                    reserve: reserve_key,
                    publish_time: price.publish_time,
                    last_publish_time,
                    reason,
                });
            }
            RefreshOutcome::Seeded => {
                emit_cpi!(ReservePriceSeeded {
                    reserve: reserve_key,
                    price: price.price.into(),
                    publish_time: price.publish_time,
                });
            }
            RefreshOutcome::Calibrated(calibration) => {
                emit_cpi!(ReserveRefreshed {
                    reserve: reserve_key,
                    price: price.price.into(),
                    conf: price.conf.into(),
                    publish_time: price.publish_time,
                    fast_sigma_bps: annualised_sigma_bps(state.fast_variance_per_year.into()),
                    slow_sigma_bps: annualised_sigma_bps(state.slow_variance_per_year.into()),
                    slippage_bps: calibration.slippage_bps,
                    target_threshold_bps: calibration.target_threshold_bps,
                    liquidation_threshold_bps: state.liquidation_threshold_bps,
                    max_ltv_bps: state.max_ltv_bps,
                });
                if calibration.old_threshold_bps != state.liquidation_threshold_bps {
                    emit_cpi!(ThresholdChanged {
                        reserve: reserve_key,
                        old_threshold_bps: calibration.old_threshold_bps,
                        new_threshold_bps: state.liquidation_threshold_bps,
                        target_threshold_bps: calibration.target_threshold_bps,
                        max_ltv_bps: state.max_ltv_bps,
                    });
                }
            }
        }
        Ok(())
    }
}
