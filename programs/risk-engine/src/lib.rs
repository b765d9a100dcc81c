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
    /// Creates a market PDA `["market", authority, id]`; the signer becomes its authority.
    pub fn init_market(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        InitMarket::handler(ctx, args)
    }
    /// Proposes a new market authority; it has no power until it accepts.
    pub fn propose_authority(ctx: Context<GovernMarket>, new_authority: Pubkey) -> Result<()> {
        market_set_keys::propose_authority(ctx, new_authority)
    }
    /// The proposed authority takes over the market (second step of the hand-over).
    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        AcceptAuthority::handler(ctx)
    }
    /// Sets the key that may pause the market (never unpause).
    pub fn set_guardian(ctx: Context<GovernMarket>, guardian: Pubkey) -> Result<()> {
        market_set_keys::set_guardian(ctx, guardian)
    }
    /// Sets the owner of the token accounts that receive protocol fees.
    pub fn set_treasury(ctx: Context<GovernMarket>, treasury: Pubkey) -> Result<()> {
        market_set_keys::set_treasury(ctx, treasury)
    }
    /// Sets the close factor, full-liquidation health, dust value and protocol share of the bonus.
    pub fn set_liquidation_config(
        ctx: Context<GovernMarket>,
        config: LiquidationConfig,
    ) -> Result<()> {
        market_set_liquidation::set_liquidation_config(ctx, config)
    }
    /// Sets pause flags: the authority any, the guardian only more of them.
    pub fn set_pause(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
        SetPause::handler(ctx, pause_flags)
    }

    // Reserve governance.
    /// Lists a mint (SPL Token or Token-2022) with its Pyth feed and risk configuration, creating the reserve PDA and its vault.
    pub fn add_reserve(ctx: Context<AddReserve>, args: AddReserveArgs) -> Result<()> {
        AddReserve::handler(ctx, args)
    }
    /// Replaces a reserve's threshold and bonus bounds, rate limits and LTV buffer.
    pub fn set_risk_bounds(ctx: Context<GovernReserve>, bounds: RiskBounds) -> Result<()> {
        reserve_set_risk_bounds::set_risk_bounds(ctx, bounds)
    }
    /// Replaces a reserve's VaR horizon, quantile, half-lives, staleness limits, slippage inputs and sample interval.
    pub fn set_calibration_params(
        ctx: Context<GovernReserve>,
        params: CalibrationParams,
    ) -> Result<()> {
        reserve_set_calibration::set_calibration_params(ctx, params)
    }
    /// Replaces how a reserve reads Pyth: feed id, max ages, confidence, verification.
    pub fn set_oracle_config(ctx: Context<GovernReserve>, config: OracleConfig) -> Result<()> {
        reserve_set_oracle::set_oracle_config(ctx, config)
    }
    /// Replaces a reserve's rate curve, reserve factor and caps.
    pub fn set_interest_model(ctx: Context<GovernReserve>, model: InterestModel) -> Result<()> {
        reserve_set_interest::set_interest_model(ctx, model)
    }
    /// Sets the least a position's debt in a reserve may be worth after a borrow (whole quote units; 0 for none).
    pub fn set_min_borrow_value(
        ctx: Context<GovernReserve>,
        min_borrow_value_quote: u64,
    ) -> Result<()> {
        reserve_set_min_borrow::set_min_borrow_value(ctx, min_borrow_value_quote)
    }
    /// Sets the key allowed to report a reserve's liquidity depth.
    pub fn set_depth_reporter(ctx: Context<GovernReserve>, depth_reporter: Pubkey) -> Result<()> {
        reserve_set_depth_reporter::set_depth_reporter(ctx, depth_reporter)
    }

    // Calibration (permissionless crank and the depth reporter).
    /// Permissionless: reads the reserve's Pyth price, updates the volatility on its sample grid and moves the threshold toward its VaR target.
    pub fn refresh_reserve(ctx: Context<RefreshReserve>) -> Result<()> {
        RefreshReserve::handler(ctx)
    }
    /// The depth reporter records the value (quote units) the asset's markets absorb at 1 % price impact.
    pub fn report_depth(ctx: Context<ReportDepth>, depth_quote: u64) -> Result<()> {
        ReportDepth::handler(ctx, depth_quote)
    }

    // Protocol fees (permissionless, paid only to the treasury).
    /// Permissionless: sends a reserve's unclaimed protocol fees to the treasury's token account.
    pub fn claim_protocol_fees(ctx: Context<ClaimProtocolFees>) -> Result<()> {
        ClaimProtocolFees::handler(ctx)
    }

    // Suppliers.
    /// Lends tokens to a reserve for supply shares, no fewer than `min_shares_out`.
    pub fn supply(ctx: Context<Supply>, amount: u64, min_shares_out: u64) -> Result<()> {
        Supply::handler(ctx, amount, min_shares_out)
    }
    /// Takes supplied tokens back (`u64::MAX`: all the shares are worth), no less than `min_amount_out`.
    pub fn withdraw_supply(
        ctx: Context<WithdrawSupply>,
        amount: u64,
        min_amount_out: u64,
    ) -> Result<()> {
        WithdrawSupply::handler(ctx, amount, min_amount_out)
    }
    /// Closes a lender position holding no shares and returns its rent.
    pub fn close_lender_position(ctx: Context<CloseLenderPosition>) -> Result<()> {
        CloseLenderPosition::handler(ctx)
    }

    // Borrowers.
    /// Opens an isolated position: one collateral reserve, one debt reserve.
    pub fn open_position(ctx: Context<OpenPosition>, position_id: u64) -> Result<()> {
        OpenPosition::handler(ctx, position_id)
    }
    /// Adds collateral to a position.
    pub fn deposit_collateral(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
        DepositCollateral::handler(ctx, amount)
    }
    /// Takes collateral back, within the max LTV while debt is outstanding.
    pub fn withdraw_collateral(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
        WithdrawCollateral::handler(ctx, amount)
    }
    /// Borrows against a position's collateral, within its max LTV at conservative prices.
    pub fn borrow(ctx: Context<Borrow>, amount: u64) -> Result<()> {
        Borrow::handler(ctx, amount)
    }
    /// Anyone repays a position's debt, at most what is owed.
    pub fn repay(ctx: Context<Repay>, max_amount: u64) -> Result<()> {
        Repay::handler(ctx, max_amount)
    }
    /// Closes an empty position and returns its rent.
    pub fn close_position(ctx: Context<ClosePosition>) -> Result<()> {
        ClosePosition::handler(ctx)
    }

    // Liquidators.
    /// Anyone but the owner repays part of an unhealthy position's debt for its collateral and the bonus.
    pub fn liquidate(
        ctx: Context<Liquidate>,
        max_repay: u64,
        min_collateral_out: u64,
    ) -> Result<()> {
        Liquidate::handler(ctx, max_repay, min_collateral_out)
    }
    /// Permissionless: writes off an unhealthy position's debt once its collateral is worth less than the dust value, recording the deficit; the dust goes to the treasury.
    pub fn write_off_bad_debt(ctx: Context<WriteOffBadDebt>) -> Result<()> {
        WriteOffBadDebt::handler(ctx)
    }
}
