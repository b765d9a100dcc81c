use anchor_lang::prelude::*;

use super::config::*;
use super::fixed_wrapper::WrappedI80F48;
use crate::constants::*;
use crate::error::RiskError;

/// The risk state that `refresh_reserve` keeps up to date.
#[repr(C)]
#[derive(
    Copy,
    Clone,
    bytemuck::Pod,
    bytemuck::Zeroable,
    AnchorSerialize,
    AnchorDeserialize,
    Debug,
    PartialEq,
    Eq,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CalibratedState {
    /// EWMA variance of log returns, annualised, fast half-life.
    pub fast_variance_per_year: WrappedI80F48,
    /// EWMA variance of log returns, annualised, slow half-life.
    pub slow_variance_per_year: WrappedI80F48,
    /// Last accepted price, quote units per whole token.
    pub last_price: WrappedI80F48,
    /// `publish_time` of the last price counted into the variance (one per
    /// sample slot); 0 before the first one.
    pub last_publish_time: i64,
    /// Clock time of the last calibration; 0 before the first. Once it is
    /// older than `calibration_max_age_secs` (from `Reserve::stale_from_ts`)
    /// the threshold in use declines (see `calibration::effective_threshold_bps`).
    pub last_calibration_ts: i64,
    /// Start of the time the rate limit counts from: reset when the
    /// threshold moves or reaches its target, kept while moves round to 0 bps
    /// so frequent refreshes still add up to the allowed rate.
    pub rate_limit_anchor_ts: i64,
    /// Depth absorbable at 1 % price impact, in whole quote units.
    pub reported_depth_quote: u64,
    pub depth_updated_ts: i64,
    /// Applied liquidation threshold.
    pub liquidation_threshold_bps: u16,
    /// `liquidation_threshold - ltv_buffer`: most a borrow may reach.
    pub max_ltv_bps: u16,
    /// Applied liquidation bonus.
    pub liquidation_bonus_bps: u16,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: u16,
}

/// Supply and borrow accounting of a reserve.
#[repr(C)]
#[derive(
    Copy,
    Clone,
    bytemuck::Pod,
    bytemuck::Zeroable,
    AnchorSerialize,
    AnchorDeserialize,
    Debug,
    PartialEq,
    Eq,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LendingState {
    /// Tokens in the vault that belong to suppliers and are not lent out.
    pub available_liquidity: u64,
    /// Tokens in the vault held as collateral by positions.
    pub total_collateral: u64,
    pub supply_shares: u64,
    pub debt_shares: u64,
    /// Debt written off by liquidations and taken from suppliers, base units.
    pub deficit: u64,
    pub last_accrual_ts: i64,
    /// Total debt owed by borrowers, base units, with interest.
    pub borrowed_amount: WrappedI80F48,
    /// Debt per debt share; starts at 1.
    pub borrow_index: WrappedI80F48,
    /// Interest owed to the treasury and not yet claimed, base units.
    pub protocol_fees: WrappedI80F48,
}

impl LendingState {
    /// Sets the outstanding debt shares and the total debt they stand for
    /// (`shares × borrow index`), which is kept only as a derived cache.
    pub fn set_debt_shares(&mut self, debt_shares: u64) -> Result<()> {
        let index = fixed::types::I80F48::from(self.borrow_index);
        let borrowed = fixed::types::I80F48::from_num(debt_shares)
            .checked_mul(index)
            .ok_or(RiskError::MathOverflow)?;
        self.debt_shares = debt_shares;
        self.borrowed_amount = borrowed.into();
        Ok(())
    }
}

/// One asset of a market and its risk configuration.
/// PDA `["reserve", market, mint]`.
#[account(zero_copy)]
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reserve {
    pub market: Pubkey,
    pub mint: Pubkey,
    /// Token account `["vault", reserve]` owned by this reserve's PDA.
    pub vault: Pubkey,
    /// SPL Token or Token-2022: the program that owns `mint`.
    pub token_program: Pubkey,
    /// Key allowed to call `report_depth`.
    pub depth_reporter: Pubkey,
    pub oracle: OracleConfig,
    pub bounds: RiskBounds,
    pub calibration: CalibrationParams,
    pub interest: InterestModel,
    pub calibrated: CalibratedState,
    pub lending: LendingState,
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    pub mint_decimals: u8,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding0: [u8; 4],
    /// `publish_time` of the newest price any instruction has accepted for
    /// this reserve: no instruction accepts an older one, so nobody picks a
    /// print from the past. Apart from `last_publish_time`, which only
    /// moves once per sample slot, so the returns stay on their grid.
    pub newest_price_publish_time: i64,
    /// From when the threshold in use declines (`calibration`): the last
    /// calibration (or the first price) plus `calibration_max_age_secs`,
    /// or the moment governance changed the parameters of a stale one.
    /// 0 before the first price.
    pub stale_from_ts: i64,
    /// The market's refresh-pause clock (`Market::refresh_paused_secs_at`)
    /// when `stale_from_ts` last followed it: the pause time since then is
    /// still to be added (`follow_refresh_pauses`).
    pub refresh_paused_secs_seen: u64,
    /// The part of `lending.deficit` that suppliers bore and protocol fees
    /// have not yet paid back, base units. Fees accrued later pay it first
    /// (`lending::accrue_interest`); only the rest can be claimed.
    pub deficit_uncovered: u64,
    /// Least a position's debt in this reserve may be worth after a
    /// borrow, in whole quote units; 0 for none. Dust debt is not worth a
    /// liquidator's fee and would sit unliquidated, accruing interest.
    pub min_borrow_value_quote: u64,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: [u64; 58],
}

pub const RESERVE_SIZE: usize = 32 * 5 + 48 + 16 + 48 + 32 + 96 + 96 + 8 + 8 + 8 + 8 * 3 + 8 * 58;
const _: () = assert!(core::mem::size_of::<CalibratedState>() == 96);
const _: () = assert!(core::mem::size_of::<LendingState>() == 96);
const _: () = assert!(core::mem::size_of::<Reserve>() == RESERVE_SIZE);

impl Reserve {
    pub const SPACE: usize = 8 + RESERVE_SIZE;

    /// The risk and lending state a new listing starts from, once its
    /// configuration blocks are set: threshold at `lt_min` and bonus at
    /// `bonus_min` until calibration earns more, a borrow index of 1.
    /// `refresh_paused_secs` is the market's refresh-pause clock now.
    pub fn start_listing(&mut self, now: i64, refresh_paused_secs: u64) {
        self.refresh_paused_secs_seen = refresh_paused_secs;
        self.calibrated.liquidation_threshold_bps = self.bounds.lt_min_bps;
        self.calibrated.liquidation_bonus_bps = self.bounds.bonus_min_bps;
        self.apply_bounds();
        self.calibrated.rate_limit_anchor_ts = now;
        self.lending.borrow_index = fixed::types::I80F48::ONE.into();
        self.lending.last_accrual_ts = now;
    }

    /// Whether the reserve lives at `["reserve", market, mint]`.
    pub fn is_at(&self, address: &Pubkey) -> bool {
        crate::pda::is_at(
            address,
            &[RESERVE_SEED, self.market.as_ref(), self.mint.as_ref()],
            self.bump,
        )
    }

    /// Records that an instruction uses a price published at
    /// `publish_time`, which must not be older than the newest one this
    /// reserve has accepted by more than `lag_tolerance_secs` (0 but for a
    /// liquidation: `LIQUIDATION_PRICE_LAG_TOLERANCE_SECS`). The newest
    /// accepted time never goes back.
    pub fn accept_price_time(&mut self, publish_time: i64, lag_tolerance_secs: i64) -> Result<()> {
        require!(
            publish_time.saturating_add(lag_tolerance_secs) >= self.newest_price_publish_time,
            RiskError::OraclePriceOlderThanAccepted
        );
        self.newest_price_publish_time = self.newest_price_publish_time.max(publish_time);
        Ok(())
    }

    /// Moves the staleness clock past the time refreshes spent paused by
    /// governance since it last looked (`paused_secs_now` is the market's
    /// `refresh_paused_secs_at(now)`): a calibration neither goes stale nor
    /// declines while nobody is allowed to refresh it. Every instruction
    /// that reads or moves the threshold in use calls this first.
    pub fn follow_refresh_pauses(&mut self, paused_secs_now: u64) {
        let unseen = paused_secs_now.saturating_sub(self.refresh_paused_secs_seen);
        if unseen > 0 && self.stale_from_ts > 0 {
            let unseen = i64::try_from(unseen).unwrap_or(i64::MAX);
            self.stale_from_ts = self.stale_from_ts.saturating_add(unseen);
        }
        self.refresh_paused_secs_seen = self.refresh_paused_secs_seen.max(paused_secs_now);
    }

    /// Puts the applied threshold and bonus back inside the bounds after the
    /// bounds changed, and keeps `max_ltv = LT - buffer`. Governance is
    /// authoritative: the snap is immediate, not rate limited.
    pub fn apply_bounds(&mut self) {
        let state = &mut self.calibrated;
        state.liquidation_threshold_bps = self
            .bounds
            .clamp_threshold_bps(state.liquidation_threshold_bps);
        state.liquidation_bonus_bps = self.bounds.clamp_bonus_bps(state.liquidation_bonus_bps);
        state.max_ltv_bps = crate::math::threshold::max_ltv_bps(
            state.liquidation_threshold_bps,
            self.bounds.ltv_buffer_bps,
        );
    }

    /// What every instruction that mutates a reserve checks at its end.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION,
            RiskError::UnsupportedAccountVersion
        );
        self.oracle.validate()?;
        self.bounds.validate()?;
        self.calibration.validate()?;
        self.interest.validate()?;
        require!(
            self.min_borrow_value_quote <= MAX_MIN_BORROW_VALUE_QUOTE,
            RiskError::MinBorrowValueOutOfRange
        );
        let state = &self.calibrated;
        require!(
            (self.bounds.lt_min_bps..=self.bounds.lt_max_bps)
                .contains(&state.liquidation_threshold_bps),
            RiskError::ThresholdBoundsInvalid
        );
        require!(
            (self.bounds.bonus_min_bps..=self.bounds.bonus_max_bps)
                .contains(&state.liquidation_bonus_bps),
            RiskError::BonusBoundsInvalid
        );
        require!(
            state.max_ltv_bps < state.liquidation_threshold_bps,
            RiskError::LtvBufferOutOfRange
        );
        require!(
            threshold_times_bonus_fits(
                state.liquidation_threshold_bps,
                state.liquidation_bonus_bps
            ),
            RiskError::ThresholdTimesBonusAboveOne
        );
        Ok(())
    }
}
