use anchor_lang::prelude::*;

/// A collateral config took a new quote from the risk engine.
#[event]
pub struct ThresholdSynced {
    pub collateral: Pubkey,
    pub risk_reserve: Pubkey,
    pub previous_threshold_bps: u16,
    pub liquidation_threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub liquidation_bonus_bps: u16,
    /// Clock time of the engine's calibration the values come from.
    pub calibrated_at_ts: i64,
}
