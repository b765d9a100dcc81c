use anchor_lang::prelude::*;

/// This protocol's parameters for one collateral, taken from one risk
/// engine reserve. PDA `["collateral", risk_reserve]`.
#[account]
#[derive(InitSpace)]
pub struct CollateralConfig {
    /// May change nothing here yet; kept so a protocol can add its own
    /// governance (a cap on how far one sync may move, say).
    pub admin: Pubkey,
    /// The only risk engine reserve this config takes thresholds from.
    pub risk_reserve: Pubkey,
    /// The market and mint of that reserve, copied at creation so a reader
    /// sees what it trusts without loading the reserve.
    pub risk_market: Pubkey,
    pub mint: Pubkey,
    /// Oldest calibration `sync_threshold` accepts, in seconds.
    pub max_age_secs: u32,
    /// 0 until the first sync: no borrowing against this collateral before.
    pub liquidation_threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub liquidation_bonus_bps: u16,
    /// Clock time of the engine's calibration the values come from.
    pub calibrated_at_ts: i64,
    /// Clock time of the last sync.
    pub synced_at_ts: i64,
    pub bump: u8,
}

pub const COLLATERAL_SEED: &[u8] = b"collateral";
/// Most a consumer may tolerate: a week-old risk measurement is no measurement.
pub const MAX_AGE_SECS_LIMIT: u32 = 7 * 24 * 3600;
