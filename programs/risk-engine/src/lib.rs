//! Risk Engine: liquidation thresholds calibrated to market risk.
//!
//! This file is a table of contents: one line per instruction, each
//! delegating to its own file under `instructions/`.

use anchor_lang::prelude::*;

pub mod account_creation;
pub mod calibration;
pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod lending;
#[cfg(test)]
mod lending_tests;
pub mod liquidation;
pub mod math;
pub mod oracle;
pub mod pda;
pub mod state;
pub mod token_flow;

use instructions::*;
use state::*;

declare_id!("RiskEng1ne111111111111111111111111111111111");

#[program]
pub mod risk_engine {
    use super::*;

    // Market governance.
    pub fn init_market(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        InitMarket::handler(ctx, args)
    }
    pub fn propose_authority(ctx: Context<GovernMarket>, new_authority: Pubkey) -> Result<()> {
        market_set_keys::propose_authority(ctx, new_authority)
    }
    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        AcceptAuthority::handler(ctx)
    }
    pub fn set_guardian(ctx: Context<GovernMarket>, guardian: Pubkey) -> Result<()> {
        market_set_keys::set_guardian(ctx, guardian)
    }
    pub fn set_treasury(ctx: Context<GovernMarket>, treasury: Pubkey) -> Result<()> {
        market_set_keys::set_treasury(ctx, treasury)
    }
    pub fn set_liquidation_config(
        ctx: Context<GovernMarket>,
        config: LiquidationConfig,
    ) -> Result<()> {
        market_set_liquidation::set_liquidation_config(ctx, config)
    }
    pub fn set_pause(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
        SetPause::handler(ctx, pause_flags)
    }

    // Reserve governance.
    pub fn add_reserve(ctx: Context<AddReserve>, args: AddReserveArgs) -> Result<()> {
        AddReserve::handler(ctx, args)
    }
    pub fn set_risk_bounds(ctx: Context<GovernReserve>, bounds: RiskBounds) -> Result<()> {
        reserve_set_risk_bounds::set_risk_bounds(ctx, bounds)
    }
    pub fn set_calibration_params(
        ctx: Context<GovernReserve>,
        params: CalibrationParams,
    ) -> Result<()> {
        reserve_set_calibration::set_calibration_params(ctx, params)
    }
    pub fn set_oracle_config(ctx: Context<GovernReserve>, config: OracleConfig) -> Result<()> {
        reserve_set_oracle::set_oracle_config(ctx, config)
    }
    pub fn set_interest_model(ctx: Context<GovernReserve>, model: InterestModel) -> Result<()> {
        reserve_set_interest::set_interest_model(ctx, model)
    }
    pub fn set_depth_reporter(ctx: Context<GovernReserve>, depth_reporter: Pubkey) -> Result<()> {
        reserve_set_depth_reporter::set_depth_reporter(ctx, depth_reporter)
    }

    // Calibration (permissionless crank and the depth reporter).
    pub fn refresh_reserve(ctx: Context<RefreshReserve>) -> Result<()> {
        RefreshReserve::handler(ctx)
    }
    pub fn report_depth(ctx: Context<ReportDepth>, depth_quote: u64) -> Result<()> {
        ReportDepth::handler(ctx, depth_quote)
    }

    // Protocol fees (permissionless, paid only to the treasury).
    pub fn claim_protocol_fees(ctx: Context<ClaimProtocolFees>) -> Result<()> {
        ClaimProtocolFees::handler(ctx)
    }

    // Suppliers.
    pub fn supply(ctx: Context<Supply>, amount: u64, min_shares_out: u64) -> Result<()> {
        Supply::handler(ctx, amount, min_shares_out)
    }
    pub fn withdraw_supply(
        ctx: Context<WithdrawSupply>,
        amount: u64,
        min_amount_out: u64,
    ) -> Result<()> {
        WithdrawSupply::handler(ctx, amount, min_amount_out)
    }
    pub fn close_lender_position(ctx: Context<CloseLenderPosition>) -> Result<()> {
        CloseLenderPosition::handler(ctx)
    }

    // Borrowers.
    pub fn open_position(ctx: Context<OpenPosition>, position_id: u64) -> Result<()> {
        OpenPosition::handler(ctx, position_id)
    }
    pub fn deposit_collateral(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
        DepositCollateral::handler(ctx, amount)
    }
    pub fn withdraw_collateral(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
        WithdrawCollateral::handler(ctx, amount)
    }
    pub fn borrow(ctx: Context<Borrow>, amount: u64) -> Result<()> {
        Borrow::handler(ctx, amount)
    }
    pub fn repay(ctx: Context<Repay>, max_amount: u64) -> Result<()> {
        Repay::handler(ctx, max_amount)
    }
    pub fn close_position(ctx: Context<ClosePosition>) -> Result<()> {
        ClosePosition::handler(ctx)
    }

    // Liquidators.
    pub fn liquidate(
        ctx: Context<Liquidate>,
        max_repay: u64,
        min_collateral_out: u64,
    ) -> Result<()> {
        Liquidate::handler(ctx, max_repay, min_collateral_out)
    }
}
