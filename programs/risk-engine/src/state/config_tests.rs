use super::config::*;
use crate::constants::*;
use crate::error::RiskError;
use anchor_lang::error::Error;
use anchor_lang::prelude::*;

/// The error code a validation returned, so that a test names the exact check.
fn error_code(result: Result<()>) -> Option<u32> {
    match result {
        Ok(()) => None,
        Err(Error::AnchorError(error)) => Some(error.error_code_number),
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

fn code(error: RiskError) -> Option<u32> {
    Some(error.into())
}

/// A named way to break a valid value, and the error validation must give.
type Case<T> = (&'static str, fn(&mut T), RiskError);

/// Checks that `good` validates and that each case breaks it with its error.
fn assert_each_breaks<T: Copy>(good: T, validate: fn(&T) -> Result<()>, cases: Vec<Case<T>>) {
    assert_eq!(error_code(validate(&good)), None);
    for (name, break_it, expected) in cases {
        let mut broken = good;
        break_it(&mut broken);
        assert_eq!(error_code(validate(&broken)), code(expected), "{name}");
    }
}

pub fn sample_bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 9_000,
        max_tighten_bps_per_hour: 200,
        max_loosen_bps_per_hour: 50,
        bonus_min_bps: 300,
        bonus_max_bps: 800,
        ltv_buffer_bps: 500,
        _padding: 0,
    }
}

#[test]
fn risk_bounds_accept_the_sample_and_reject_each_broken_rule() {
    let cases: Vec<Case<RiskBounds>> = vec![
        (
            "min zero",
            |b| b.lt_min_bps = 0,
            RiskError::ThresholdBoundsInvalid,
        ),
        (
            "min above max",
            |b| b.lt_min_bps = 9_100,
            RiskError::ThresholdBoundsInvalid,
        ),
        (
            "max above 99 %",
            |b| b.lt_max_bps = 9_901,
            RiskError::ThresholdBoundsInvalid,
        ),
        (
            "tighten zero",
            |b| b.max_tighten_bps_per_hour = 0,
            RiskError::RateLimitOutOfRange,
        ),
        (
            "tighten a cliff: over 10 %/hour",
            |b| b.max_tighten_bps_per_hour = 1_001,
            RiskError::RateLimitOutOfRange,
        ),
        (
            "loosen too big",
            |b| b.max_loosen_bps_per_hour = 10_001,
            RiskError::RateLimitOutOfRange,
        ),
        (
            "bonus inverted",
            |b| b.bonus_min_bps = 900,
            RiskError::BonusBoundsInvalid,
        ),
        (
            "bonus too big",
            |b| b.bonus_max_bps = 5_001,
            RiskError::BonusBoundsInvalid,
        ),
        (
            "LT*(1+b) > 1",
            |b| b.bonus_max_bps = 1_200,
            RiskError::ThresholdTimesBonusAboveOne,
        ),
        (
            "buffer zero",
            |b| b.ltv_buffer_bps = 0,
            RiskError::LtvBufferOutOfRange,
        ),
        (
            "buffer >= min",
            |b| b.ltv_buffer_bps = 7_000,
            RiskError::LtvBufferOutOfRange,
        ),
    ];
    assert_each_breaks(sample_bounds(), RiskBounds::validate, cases);
}

#[test]
fn threshold_times_bonus_is_exact_at_the_edge() {
    // 9,000 * 1.1111 = 9,999.9 <= 10,000 ; 9,091 * 1.1 = 10,000.1 > 10,000.
    assert!(threshold_times_bonus_fits(9_000, 1_111));
    assert!(!threshold_times_bonus_fits(9_091, 1_000));
    assert!(threshold_times_bonus_fits(10_000, 0));
}

#[test]
fn clamps_keep_values_inside_bounds() {
    let bounds = sample_bounds();
    assert_eq!(bounds.clamp_threshold_bps(6_000), 7_000);
    assert_eq!(bounds.clamp_threshold_bps(9_500), 9_000);
    assert_eq!(bounds.clamp_threshold_bps(8_000), 8_000);
    assert_eq!(bounds.clamp_bonus_bps(0), 300);
    assert_eq!(bounds.clamp_bonus_bps(1_000), 800);
}

pub fn sample_calibration() -> CalibrationParams {
    CalibrationParams {
        reference_liquidation_quote: 1_000_000,
        min_depth_quote: 500_000,
        horizon_secs: 86_400,
        quantile_z_milli: 2_326,
        fast_half_life_secs: 6 * 3_600,
        slow_half_life_secs: 7 * 86_400,
        calibration_max_age_secs: 3_600,
        depth_max_age_secs: 86_400,
        max_slippage_bps: 500,
        size_weight_bps: 10_000,
        sample_interval_secs: 900,
    }
}

#[test]
fn calibration_params_reject_each_broken_rule() {
    let cases: Vec<Case<CalibrationParams>> = vec![
        (
            "horizon short",
            |c| c.horizon_secs = 59,
            RiskError::HorizonOutOfRange,
        ),
        (
            "horizon long",
            |c| c.horizon_secs = 31 * 86_400,
            RiskError::HorizonOutOfRange,
        ),
        (
            "z small",
            |c| c.quantile_z_milli = 499,
            RiskError::QuantileOutOfRange,
        ),
        (
            "z big",
            |c| c.quantile_z_milli = 10_001,
            RiskError::QuantileOutOfRange,
        ),
        (
            "fast zero",
            |c| c.fast_half_life_secs = 0,
            RiskError::HalfLifeOutOfRange,
        ),
        (
            "slow too long",
            |c| c.slow_half_life_secs = 366 * 86_400,
            RiskError::HalfLifeOutOfRange,
        ),
        (
            "inverted",
            |c| c.fast_half_life_secs = 8 * 86_400,
            RiskError::HalfLivesInverted,
        ),
        (
            "calibration age 0",
            |c| c.calibration_max_age_secs = 0,
            RiskError::StalenessLimitOutOfRange,
        ),
        (
            "depth age long",
            |c| c.depth_max_age_secs = 31 * 86_400,
            RiskError::StalenessLimitOutOfRange,
        ),
        (
            "slippage",
            |c| c.max_slippage_bps = 5_001,
            RiskError::SlippageOutOfRange,
        ),
        (
            "size weight over 100 %",
            |c| c.size_weight_bps = 10_001,
            RiskError::SizeWeightOutOfRange,
        ),
        (
            "min depth 0",
            |c| c.min_depth_quote = 0,
            RiskError::DepthParamsOutOfRange,
        ),
        (
            "reference 0",
            |c| c.reference_liquidation_quote = 0,
            RiskError::DepthParamsOutOfRange,
        ),
        (
            "sample interval under a minute",
            |c| c.sample_interval_secs = 59,
            RiskError::SampleIntervalOutOfRange,
        ),
        (
            "sample interval over a day",
            |c| c.sample_interval_secs = 2 * 86_400,
            RiskError::SampleIntervalOutOfRange,
        ),
        (
            "sample interval not dividing a day",
            |c| c.sample_interval_secs = 7 * 60,
            RiskError::SampleIntervalOutOfRange,
        ),
        (
            "calibration stale after one missed slot",
            |c| c.sample_interval_secs = 2_400,
            RiskError::SampleIntervalOutOfRange,
        ),
    ];
    assert_each_breaks(sample_calibration(), CalibrationParams::validate, cases);
    let mut daily = sample_calibration();
    daily.sample_interval_secs = 86_400;
    daily.calibration_max_age_secs = 2 * 86_400;
    assert!(daily.validate().is_ok());
    assert_eq!(daily.sample_window_secs(), 1_440);
    assert_eq!(sample_calibration().sample_window_secs(), 15);
}

#[test]
fn oracle_config_rejects_each_broken_rule() {
    let good = OracleConfig {
        feed_id: [7; 32],
        max_age_secs: 60,
        max_confidence_bps: 200,
        min_verification: VERIFICATION_FULL,
        _padding: 0,
        liquidation_max_age_secs: 15,
        _padding1: [0; 4],
    };
    let cases: Vec<Case<OracleConfig>> = vec![
        (
            "zero feed",
            |o| o.feed_id = [0; 32],
            RiskError::FeedIdMissing,
        ),
        (
            "age 0",
            |o| o.max_age_secs = 0,
            RiskError::OracleMaxAgeOutOfRange,
        ),
        (
            "age > 1 h",
            |o| o.max_age_secs = 3_601,
            RiskError::OracleMaxAgeOutOfRange,
        ),
        (
            "conf 0",
            |o| o.max_confidence_bps = 0,
            RiskError::ConfidenceLimitOutOfRange,
        ),
        (
            "conf > 10 %",
            |o| o.max_confidence_bps = 1_001,
            RiskError::ConfidenceLimitOutOfRange,
        ),
        (
            "verification 0",
            |o| o.min_verification = 0,
            RiskError::VerificationLevelOutOfRange,
        ),
        (
            "L4: one guardian signature",
            |o| o.min_verification = 1,
            RiskError::VerificationLevelOutOfRange,
        ),
        (
            "L4: one short of the Wormhole quorum",
            |o| o.min_verification = 12,
            RiskError::VerificationLevelOutOfRange,
        ),
        (
            "liquidation age 0",
            |o| o.liquidation_max_age_secs = 0,
            RiskError::LiquidationMaxAgeOutOfRange,
        ),
        (
            "liquidation age above the max age",
            |o| o.liquidation_max_age_secs = 61,
            RiskError::LiquidationMaxAgeOutOfRange,
        ),
    ];
    let mut quorum = good;
    quorum.min_verification = 13;
    assert!(quorum.validate().is_ok());
    assert_each_breaks(good, OracleConfig::validate, cases);
}

#[test]
fn interest_model_rejects_each_broken_rule() {
    let good = InterestModel {
        supply_cap: u64::MAX,
        borrow_cap: u64::MAX,
        base_rate_bps: 0,
        slope1_bps: 400,
        slope2_bps: 30_000,
        kink_utilization_bps: 8_000,
        reserve_factor_bps: 1_000,
    };
    let cases: Vec<Case<InterestModel>> = vec![
        (
            "rate too high",
            |m| m.slope2_bps = 100_000,
            RiskError::InterestRateOutOfRange,
        ),
        (
            "kink 0",
            |m| m.kink_utilization_bps = 0,
            RiskError::KinkOutOfRange,
        ),
        (
            "kink 100 %",
            |m| m.kink_utilization_bps = 10_000,
            RiskError::KinkOutOfRange,
        ),
        (
            "factor",
            |m| m.reserve_factor_bps = 10_001,
            RiskError::ReserveFactorOutOfRange,
        ),
    ];
    assert_each_breaks(good, InterestModel::validate, cases);
}

#[test]
fn liquidation_config_rejects_each_broken_rule() {
    let good = LiquidationConfig {
        dust_value_quote_e6: 1_000_000,
        close_factor_bps: 5_000,
        full_liquidation_health_bps: 9_500,
        protocol_fee_share_bps: 1_000,
        _padding: 0,
    };
    let cases: Vec<Case<LiquidationConfig>> = vec![
        (
            "close 0",
            |c| c.close_factor_bps = 0,
            RiskError::CloseFactorOutOfRange,
        ),
        (
            "close > 100 %",
            |c| c.close_factor_bps = 10_001,
            RiskError::CloseFactorOutOfRange,
        ),
        (
            "hf 0",
            |c| c.full_liquidation_health_bps = 0,
            RiskError::FullLiquidationHealthOutOfRange,
        ),
        (
            "fee share",
            |c| c.protocol_fee_share_bps = 10_001,
            RiskError::ProtocolFeeShareOutOfRange,
        ),
    ];
    assert_each_breaks(good, LiquidationConfig::validate, cases);
}
