//! The program's configuration blocks as named values in human units: for
//! diffs before a deploy, and for `show`.

use anchor_lang::prelude::Pubkey;
use risk_engine::constants::VERIFICATION_FULL;
use risk_engine::state::*;

use crate::config::units::{fmt_bps, fmt_secs, fmt_tokens, fmt_usd};

/// (name, value with unit) pairs, in a stable order.
pub type Described = Vec<(&'static str, String)>;

pub fn oracle(config: &OracleConfig) -> Described {
    vec![
        ("feed_id", hex(&config.feed_id)),
        ("max_age", fmt_secs(config.max_age_secs.into())),
        (
            "liquidation_max_age",
            fmt_secs(config.liquidation_max_age_secs.into()),
        ),
        ("max_confidence", fmt_bps(config.max_confidence_bps.into())),
        ("min_verification", verification(config.min_verification)),
    ]
}

pub fn bounds(bounds: &RiskBounds) -> Described {
    vec![
        ("lt_min", fmt_bps(bounds.lt_min_bps.into())),
        ("lt_max", fmt_bps(bounds.lt_max_bps.into())),
        (
            "max_tighten_per_hour",
            fmt_bps(bounds.max_tighten_bps_per_hour.into()),
        ),
        (
            "max_loosen_per_hour",
            fmt_bps(bounds.max_loosen_bps_per_hour.into()),
        ),
        ("bonus_min", fmt_bps(bounds.bonus_min_bps.into())),
        ("bonus_max", fmt_bps(bounds.bonus_max_bps.into())),
        ("ltv_buffer", fmt_bps(bounds.ltv_buffer_bps.into())),
    ]
}

pub fn calibration(params: &CalibrationParams) -> Described {
    vec![
        (
            "reference_liquidation",
            usd_whole(params.reference_liquidation_quote),
        ),
        ("min_depth", usd_whole(params.min_depth_quote)),
        ("horizon", fmt_secs(params.horizon_secs.into())),
        (
            "quantile_z",
            format!("{}", params.quantile_z_milli as f64 / 1_000.0),
        ),
        (
            "fast_half_life",
            fmt_secs(params.fast_half_life_secs.into()),
        ),
        (
            "slow_half_life",
            fmt_secs(params.slow_half_life_secs.into()),
        ),
        (
            "calibration_max_age",
            fmt_secs(params.calibration_max_age_secs.into()),
        ),
        ("depth_max_age", fmt_secs(params.depth_max_age_secs.into())),
        ("max_slippage", fmt_bps(params.max_slippage_bps.into())),
        (
            "sample_interval",
            fmt_secs(params.sample_interval_secs.into()),
        ),
    ]
}

pub fn interest(model: &InterestModel, decimals: u8, symbol: &str) -> Described {
    let cap = |cap: u64| {
        if cap == u64::MAX {
            "none".to_string()
        } else {
            format!("{} {symbol}", fmt_tokens(cap, decimals))
        }
    };
    vec![
        ("supply_cap", cap(model.supply_cap)),
        ("borrow_cap", cap(model.borrow_cap)),
        (
            "base_rate",
            format!("{}/year", fmt_bps(model.base_rate_bps.into())),
        ),
        (
            "slope1",
            format!("{}/year", fmt_bps(model.slope1_bps.into())),
        ),
        (
            "slope2",
            format!("{}/year", fmt_bps(model.slope2_bps.into())),
        ),
        (
            "kink_utilization",
            fmt_bps(model.kink_utilization_bps.into()),
        ),
        ("reserve_factor", fmt_bps(model.reserve_factor_bps.into())),
    ]
}

pub fn liquidation(config: &LiquidationConfig) -> Described {
    vec![
        ("close_factor", fmt_bps(config.close_factor_bps.into())),
        (
            "full_liquidation_below_health",
            format!("{}", config.full_liquidation_health_bps as f64 / 10_000.0),
        ),
        (
            "protocol_fee_share",
            fmt_bps(config.protocol_fee_share_bps.into()),
        ),
        (
            "dust_value",
            fmt_usd(config.dust_value_quote_e6 as f64 / 1e6),
        ),
    ]
}

pub fn key(key: &Pubkey) -> String {
    if *key == Pubkey::default() {
        "none".to_string()
    } else {
        key.to_string()
    }
}

fn usd_whole(value: u64) -> String {
    format!("{} USD", fmt_tokens(value, 0))
}

fn verification(level: u8) -> String {
    if level == VERIFICATION_FULL {
        "full".to_string()
    } else {
        format!("{level} signatures")
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lines "name: old -> new" for every value that differs.
pub fn diff(before: &Described, after: &Described) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((name, old), (_, new))| format!("{name}: {old} -> {new}"))
        .collect()
}
