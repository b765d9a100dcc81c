//! Governance-owned configuration blocks. Each block validates itself in
//! full (`validate`), so a setter either stores a consistent block or
//! nothing at all.

use anchor_lang::prelude::*;

use crate::constants::*;
use crate::error::RiskError;

/// How a reserve reads its Pyth feed.
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
pub struct OracleConfig {
    /// Pyth price feed id (the 32-byte id, not an account address).
    pub feed_id: [u8; 32],
    /// Oldest acceptable `publish_time`, in seconds before the clock.
    pub max_age_secs: u32,
    /// Widest acceptable `conf / price`, in bps.
    pub max_confidence_bps: u16,
    /// Minimum verification level: `MIN_VERIFICATION_SIGNATURES..=254`
    /// partial signatures, 255 = Full.
    pub min_verification: u8,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: u8,
    /// Oldest acceptable `publish_time` for a liquidation, in seconds before
    /// the clock: shorter than `max_age_secs`, so a liquidator cannot pick
    /// the lowest print of a long window.
    pub liquidation_max_age_secs: u32,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding1: [u8; 4],
}

impl OracleConfig {
    pub fn validate(&self) -> Result<()> {
        require!(self.feed_id != [0u8; 32], RiskError::FeedIdMissing);
        require!(
            (1..=MAX_ORACLE_AGE_SECS).contains(&self.max_age_secs),
            RiskError::OracleMaxAgeOutOfRange
        );
        require!(
            (1..=MAX_ORACLE_CONFIDENCE_BPS).contains(&self.max_confidence_bps),
            RiskError::ConfidenceLimitOutOfRange
        );
        require!(
            self.min_verification >= MIN_VERIFICATION_SIGNATURES,
            RiskError::VerificationLevelOutOfRange
        );
        require!(
            (1..=self.max_age_secs).contains(&self.liquidation_max_age_secs),
            RiskError::LiquidationMaxAgeOutOfRange
        );
        Ok(())
    }
}

/// Bounds inside which automation may move a reserve's risk parameters.
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
pub struct RiskBounds {
    pub lt_min_bps: u16,
    pub lt_max_bps: u16,
    /// Fastest the threshold may fall, in bps per hour.
    pub max_tighten_bps_per_hour: u16,
    /// Fastest the threshold may rise, in bps per hour.
    pub max_loosen_bps_per_hour: u16,
    pub bonus_min_bps: u16,
    pub bonus_max_bps: u16,
    /// `max_ltv = LT - ltv_buffer`, in bps of collateral value.
    pub ltv_buffer_bps: u16,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: u16,
}

impl RiskBounds {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.lt_min_bps > 0
                && self.lt_min_bps <= self.lt_max_bps
                && self.lt_max_bps <= MAX_LIQUIDATION_THRESHOLD_BPS,
            RiskError::ThresholdBoundsInvalid
        );
        require!(
            (1..=MAX_TIGHTEN_BPS_PER_HOUR).contains(&self.max_tighten_bps_per_hour)
                && (1..=BPS_DENOMINATOR).contains(&self.max_loosen_bps_per_hour),
            RiskError::RateLimitOutOfRange
        );
        require!(
            self.bonus_min_bps <= self.bonus_max_bps
                && self.bonus_max_bps <= MAX_LIQUIDATION_BONUS_BPS,
            RiskError::BonusBoundsInvalid
        );
        // Checked at the extremes so it holds for every (LT, bonus) inside.
        require!(
            threshold_times_bonus_fits(self.lt_max_bps, self.bonus_max_bps),
            RiskError::ThresholdTimesBonusAboveOne
        );
        // max_ltv < LT needs a positive buffer; max_ltv > 0 needs it below lt_min.
        require!(
            self.ltv_buffer_bps > 0 && self.ltv_buffer_bps < self.lt_min_bps,
            RiskError::LtvBufferOutOfRange
        );
        Ok(())
    }

    /// Moves a threshold into `[lt_min, lt_max]`.
    pub fn clamp_threshold_bps(&self, threshold_bps: u16) -> u16 {
        threshold_bps.clamp(self.lt_min_bps, self.lt_max_bps)
    }

    /// Moves a bonus into `[bonus_min, bonus_max]`.
    pub fn clamp_bonus_bps(&self, bonus_bps: u16) -> u16 {
        bonus_bps.clamp(self.bonus_min_bps, self.bonus_max_bps)
    }
}

/// `LT * (1 + bonus) <= 1`: seizing the bonus on a position at its threshold
/// never takes more than all of its collateral.
pub fn threshold_times_bonus_fits(threshold_bps: u16, bonus_bps: u16) -> bool {
    let denominator = u64::from(BPS_DENOMINATOR);
    u64::from(threshold_bps) * (denominator + u64::from(bonus_bps)) <= denominator * denominator
}

/// Inputs of the VaR threshold formula.
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
pub struct CalibrationParams {
    /// Size `Q` of the liquidation the slippage term is computed for, in
    /// whole quote units (USD).
    pub reference_liquidation_quote: u64,
    /// Depth assumed when the reported one is stale, in whole quote units
    /// absorbable at 1 % price impact.
    pub min_depth_quote: u64,
    /// VaR horizon `T`: liquidation delay plus oracle latency.
    pub horizon_secs: u32,
    /// Quantile `z` in thousandths (2,326 = 99 % one-sided).
    pub quantile_z_milli: u32,
    pub fast_half_life_secs: u32,
    pub slow_half_life_secs: u32,
    /// A calibration older than this is stale: from then on the threshold
    /// that liquidation, borrowing and withdrawal use declines toward
    /// `lt_min` at `max_tighten_bps_per_hour`.
    pub calibration_max_age_secs: u32,
    /// A depth report older than this counts as `min_depth_quote`.
    pub depth_max_age_secs: u32,
    /// Cap on the slippage term `s`, and on the impact a position's own
    /// size is charged (`size_weight_bps`).
    pub max_slippage_bps: u16,
    /// How much of a position's own size, beyond the reference liquidation,
    /// lowers its threshold (`calibration::position_threshold_bps`), bps:
    /// 0 gives every position the reserve's threshold, 10,000 charges the
    /// square-root law's whole impact.
    pub size_weight_bps: u16,
    /// The calibration counts at most one return per slot of this length
    /// (slots start at multiples of it since the unix epoch): the first
    /// price published in the slot's first `sample_window_secs`.
    pub sample_interval_secs: u32,
}

impl CalibrationParams {
    pub fn validate(&self) -> Result<()> {
        require!(
            (MIN_HORIZON_SECS..=MAX_HORIZON_SECS).contains(&self.horizon_secs),
            RiskError::HorizonOutOfRange
        );
        require!(
            (MIN_QUANTILE_Z_MILLI..=MAX_QUANTILE_Z_MILLI).contains(&self.quantile_z_milli),
            RiskError::QuantileOutOfRange
        );
        let half_life_range = MIN_HALF_LIFE_SECS..=MAX_HALF_LIFE_SECS;
        require!(
            half_life_range.contains(&self.fast_half_life_secs)
                && half_life_range.contains(&self.slow_half_life_secs),
            RiskError::HalfLifeOutOfRange
        );
        require!(
            self.fast_half_life_secs <= self.slow_half_life_secs,
            RiskError::HalfLivesInverted
        );
        let staleness_range = 1..=MAX_STALENESS_SECS;
        require!(
            staleness_range.contains(&self.calibration_max_age_secs)
                && staleness_range.contains(&self.depth_max_age_secs),
            RiskError::StalenessLimitOutOfRange
        );
        require!(
            self.max_slippage_bps <= MAX_SLIPPAGE_BPS,
            RiskError::SlippageOutOfRange
        );
        require!(
            self.size_weight_bps <= BPS_DENOMINATOR,
            RiskError::SizeWeightOutOfRange
        );
        require!(
            self.min_depth_quote > 0 && self.reference_liquidation_quote > 0,
            RiskError::DepthParamsOutOfRange
        );
        // Slots line up with UTC days, so daily and hourly histories land on
        // slot starts; a calibration outlives one missed slot before it is stale.
        require!(
            (MIN_SAMPLE_INTERVAL_SECS..=MAX_SAMPLE_INTERVAL_SECS)
                .contains(&self.sample_interval_secs)
                && SECONDS_PER_DAY % self.sample_interval_secs == 0
                && u64::from(self.calibration_max_age_secs)
                    >= 2 * u64::from(self.sample_interval_secs),
            RiskError::SampleIntervalOutOfRange
        );
        Ok(())
    }

    /// How long after its slot's start a price may be and still count:
    /// a sixtieth of the slot, at least one second. The poster's choice of
    /// which price counts is confined to this window (see `calibration`).
    pub fn sample_window_secs(&self) -> u32 {
        (self.sample_interval_secs / SAMPLE_WINDOW_DIVISOR).max(1)
    }
}

/// Kinked borrow-rate curve and caps of a reserve. Rates are per year.
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
pub struct InterestModel {
    /// Most tokens (base units) that may be supplied; `u64::MAX` for none.
    pub supply_cap: u64,
    /// Most tokens (base units) that may be borrowed; `u64::MAX` for none.
    pub borrow_cap: u64,
    pub base_rate_bps: u32,
    /// Rate added from 0 to the kink.
    pub slope1_bps: u32,
    /// Rate added from the kink to full utilization.
    pub slope2_bps: u32,
    pub kink_utilization_bps: u16,
    /// Share of interest that goes to the protocol.
    pub reserve_factor_bps: u16,
}

impl InterestModel {
    pub fn validate(&self) -> Result<()> {
        let max_rate_bps =
            u64::from(self.base_rate_bps) + u64::from(self.slope1_bps) + u64::from(self.slope2_bps);
        require!(
            max_rate_bps <= u64::from(MAX_BORROW_RATE_BPS),
            RiskError::InterestRateOutOfRange
        );
        require!(
            (1..BPS_DENOMINATOR).contains(&self.kink_utilization_bps),
            RiskError::KinkOutOfRange
        );
        require!(
            self.reserve_factor_bps <= BPS_DENOMINATOR,
            RiskError::ReserveFactorOutOfRange
        );
        Ok(())
    }
}

/// Market-wide liquidation rules.
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
pub struct LiquidationConfig {
    /// Below this value (quote units × 10^-6) a side counts as dust.
    pub dust_value_quote_e6: u64,
    /// Share of the debt one liquidation may repay while health is above
    /// `full_liquidation_health_bps`.
    pub close_factor_bps: u16,
    /// Health factor (bps of 1.0) under which the whole debt may be repaid.
    pub full_liquidation_health_bps: u16,
    /// Share of the liquidation bonus that goes to the treasury.
    pub protocol_fee_share_bps: u16,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: u16,
}

impl LiquidationConfig {
    pub fn validate(&self) -> Result<()> {
        require!(
            (1..=BPS_DENOMINATOR).contains(&self.close_factor_bps),
            RiskError::CloseFactorOutOfRange
        );
        require!(
            (1..=BPS_DENOMINATOR).contains(&self.full_liquidation_health_bps),
            RiskError::FullLiquidationHealthOutOfRange
        );
        require!(
            self.protocol_fee_share_bps <= BPS_DENOMINATOR,
            RiskError::ProtocolFeeShareOutOfRange
        );
        Ok(())
    }
}

const _: () = assert!(core::mem::size_of::<OracleConfig>() == 48);
const _: () = assert!(core::mem::size_of::<RiskBounds>() == 16);
const _: () = assert!(core::mem::size_of::<CalibrationParams>() == 48);
const _: () = assert!(core::mem::size_of::<InterestModel>() == 32);
const _: () = assert!(core::mem::size_of::<LiquidationConfig>() == 16);
