//! Parameter sets for a major asset (SOL- or ETH-like), used by the fixture.

use risk_engine::constants::VERIFICATION_FULL;
use risk_engine::state::*;

pub fn oracle(feed_id: [u8; 32]) -> OracleConfig {
    OracleConfig {
        feed_id,
        max_age_secs: 60,
        max_confidence_bps: 200,
        min_verification: VERIFICATION_FULL,
        _padding: 0,
        liquidation_max_age_secs: 15,
        _padding1: [0; 4],
    }
}

pub fn bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 7_500,
        lt_max_bps: 8_800,
        max_tighten_bps_per_hour: 200,
        max_loosen_bps_per_hour: 25,
        bonus_min_bps: 500,
        bonus_max_bps: 1_000,
        ltv_buffer_bps: 500,
        _padding: 0,
    }
}

pub fn calibration() -> CalibrationParams {
    CalibrationParams {
        reference_liquidation_quote: 250_000,
        min_depth_quote: 1_000_000,
        horizon_secs: 86_400,
        quantile_z_milli: 2_326,
        fast_half_life_secs: 6 * 3_600,
        slow_half_life_secs: 14 * 86_400,
        calibration_max_age_secs: 3_600,
        depth_max_age_secs: 86_400,
        max_slippage_bps: 300,
        size_weight_bps: 10_000,
        sample_interval_secs: 900,
    }
}

pub fn interest() -> InterestModel {
    InterestModel {
        supply_cap: u64::MAX,
        borrow_cap: u64::MAX,
        base_rate_bps: 0,
        slope1_bps: 700,
        slope2_bps: 30_000,
        kink_utilization_bps: 8_000,
        reserve_factor_bps: 1_000,
    }
}

pub fn liquidation() -> LiquidationConfig {
    LiquidationConfig {
        dust_value_quote_e6: 1_000_000,
        close_factor_bps: 5_000,
        full_liquidation_health_bps: 9_500,
        protocol_fee_share_bps: 1_000,
        _padding: 0,
    }
}
