//! Risk consumer: how a lending protocol takes the liquidation thresholds
//! the risk engine calibrates, knowing the engine only through its
//! committed IDL (`declare_program!`), as any program outside this
//! repository would.
//!
//! Two ways in: `read_threshold` answers one transaction with a fresh
//! quote (return data, for a program that CPIs into this one or simulates
//! it); `sync_threshold` copies the quote into this program's own
//! `CollateralConfig`, which its lending logic reads like any parameter.
//! Both refuse what a risk engine's user must never act on: a reserve not
//! owned by the risk engine, a reserve that never calibrated, and a
//! calibration the engine itself calls stale or that is older than the
//! consumer accepts.

use anchor_lang::prelude::*;

mod engine_pod;
pub mod error;
pub mod events;
pub mod instructions;
pub mod quote;
pub mod state;

use instructions::*;
use quote::ThresholdQuote;

declare_id!("RiskConsumer1111111111111111111111111111111");

// The risk engine's accounts, types, errors and CPI helpers, generated from
// `idls/risk_engine.json` (a link to the committed `idl/risk_engine.json`).
declare_program!(risk_engine);

#[program]
pub mod risk_consumer {
    use super::*;

    /// Returns the reserve's calibrated threshold if it is no older than `max_age_secs` and the engine does not call it stale.
    pub fn read_threshold(
        ctx: Context<ReadThreshold>,
        max_age_secs: u32,
    ) -> Result<ThresholdQuote> {
        ReadThreshold::handler(ctx, max_age_secs)
    }
    /// Creates this protocol's collateral config for one risk-engine reserve; the signer becomes its admin.
    pub fn init_collateral(ctx: Context<InitCollateral>, max_age_secs: u32) -> Result<()> {
        InitCollateral::handler(ctx, max_age_secs)
    }
    /// Permissionless: copies the reserve's fresh threshold, max LTV and bonus into the collateral config.
    pub fn sync_threshold(ctx: Context<SyncThreshold>) -> Result<()> {
        SyncThreshold::handler(ctx)
    }
}
