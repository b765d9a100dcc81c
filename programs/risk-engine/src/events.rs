//! Events for every state change a bot or an indexer would want. They are
//! emitted with `emit_cpi!` so that they survive log truncation.

use anchor_lang::prelude::*;

use crate::state::*;

/// A market was created.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MarketInitialized {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub market_id: u64,
    pub quote_currency: [u8; 8],
    pub liquidation: LiquidationConfig,
}

/// A mint was listed as a reserve of a market.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReserveAdded {
    pub market: Pubkey,
    pub reserve: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
    pub feed_id: [u8; 32],
    pub liquidation_threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub liquidation_bonus_bps: u16,
}

/// Governance replaced a reserve's bounds; the threshold and bonus snapped into them.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RiskBoundsUpdated {
    pub reserve: Pubkey,
    pub old: RiskBounds,
    pub new: RiskBounds,
    pub old_threshold_bps: u16,
    pub new_threshold_bps: u16,
    pub old_bonus_bps: u16,
    pub new_bonus_bps: u16,
    pub max_ltv_bps: u16,
}

/// Governance replaced a reserve's calibration inputs.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CalibrationParamsUpdated {
    pub reserve: Pubkey,
    pub old: CalibrationParams,
    pub new: CalibrationParams,
}

/// Governance replaced how a reserve reads Pyth.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct OracleConfigUpdated {
    pub reserve: Pubkey,
    pub old: OracleConfig,
    pub new: OracleConfig,
    /// True when the feed changed and the price history was reset.
    pub price_history_reset: bool,
}

/// Governance replaced a reserve's interest model and caps.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InterestModelUpdated {
    pub reserve: Pubkey,
    pub old: InterestModel,
    pub new: InterestModel,
}

/// Governance changed the key that reports a reserve's depth.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DepthReporterUpdated {
    pub reserve: Pubkey,
    pub old: Pubkey,
    pub new: Pubkey,
}

/// Governance replaced the market's liquidation rules.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LiquidationConfigUpdated {
    pub market: Pubkey,
    pub old: LiquidationConfig,
    pub new: LiquidationConfig,
}

/// A new market authority was proposed.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AuthorityProposed {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub old_pending: Pubkey,
    pub new_pending: Pubkey,
}

/// The proposed authority took over the market.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AuthorityAccepted {
    pub market: Pubkey,
    pub old_authority: Pubkey,
    pub new_authority: Pubkey,
}

/// The market's guardian changed.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GuardianUpdated {
    pub market: Pubkey,
    pub old: Pubkey,
    pub new: Pubkey,
}

/// The market's treasury changed.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TreasuryUpdated {
    pub market: Pubkey,
    pub old: Pubkey,
    pub new: Pubkey,
}

/// The market's pause flags changed.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PauseFlagsUpdated {
    pub market: Pubkey,
    pub signer: Pubkey,
    pub old: u8,
    pub new: u8,
}

/// A refresh that counted a new price. Sigmas are annualised, in bps.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReserveRefreshed {
    pub reserve: Pubkey,
    /// Spot price and confidence, quote units per whole token.
    pub price: WrappedI80F48,
    pub conf: WrappedI80F48,
    pub publish_time: i64,
    pub fast_sigma_bps: u64,
    pub slow_sigma_bps: u64,
    pub slippage_bps: u16,
    pub target_threshold_bps: u16,
    pub liquidation_threshold_bps: u16,
    pub max_ltv_bps: u16,
}

/// The first price of a series: stored, nothing calibrated yet.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReservePriceSeeded {
    pub reserve: Pubkey,
    pub price: WrappedI80F48,
    pub publish_time: i64,
}

/// A refresh with a price not newer than the last one: nothing changed.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReserveRefreshSkipped {
    pub reserve: Pubkey,
    pub publish_time: i64,
    /// The last price counted into the calibration series.
    pub last_publish_time: i64,
    pub reason: crate::calibration::SkipReason,
}

/// A refresh moved a reserve's liquidation threshold.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ThresholdChanged {
    pub reserve: Pubkey,
    pub old_threshold_bps: u16,
    pub new_threshold_bps: u16,
    pub target_threshold_bps: u16,
    pub max_ltv_bps: u16,
}

/// The depth reporter recorded a reserve's liquidity depth.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DepthReported {
    pub reserve: Pubkey,
    pub reporter: Pubkey,
    pub old_depth_quote: u64,
    pub new_depth_quote: u64,
}

/// Tokens were supplied for supply shares.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Supplied {
    pub reserve: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub shares_minted: u64,
}

/// Supplied tokens were taken back, burning supply shares.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SupplyWithdrawn {
    pub reserve: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub shares_burned: u64,
}

/// A position was opened.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PositionOpened {
    pub position: Pubkey,
    pub owner: Pubkey,
    pub position_id: u64,
    pub collateral_reserve: Pubkey,
    pub debt_reserve: Pubkey,
}

/// Collateral was added to a position.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CollateralDeposited {
    pub position: Pubkey,
    pub amount: u64,
    pub collateral_amount: u64,
}

/// Collateral was taken back from a position.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CollateralWithdrawn {
    pub position: Pubkey,
    pub amount: u64,
    pub collateral_amount: u64,
}

/// A position borrowed from its debt reserve.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Borrowed {
    pub position: Pubkey,
    pub amount: u64,
    pub debt_shares_minted: u64,
    pub debt_owed: u64,
}

/// A position's debt was repaid, by its owner or anyone.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repaid {
    pub position: Pubkey,
    pub payer: Pubkey,
    pub amount: u64,
    pub debt_shares_burned: u64,
    pub debt_owed: u64,
}

/// An empty position was closed and its rent returned.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PositionClosed {
    pub position: Pubkey,
    pub owner: Pubkey,
}

/// An empty lender position was closed and its rent returned.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LenderPositionClosed {
    pub lender_position: Pubkey,
    pub reserve: Pubkey,
    pub owner: Pubkey,
}

/// Protocol fees went to the treasury's token account.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProtocolFeesClaimed {
    pub reserve: Pubkey,
    pub treasury_token_account: Pubkey,
    pub amount: u64,
}

/// Everything an indexer needs about one liquidation. Prices are those the
/// position was valued at, in quote units per whole token: spot, or the
/// band's edge (`price - conf` for collateral, `price + conf` for debt)
/// when a band was wider than its reserve allows. Health factors are plain
/// ratios.
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Liquidated {
    pub position: Pubkey,
    pub liquidator: Pubkey,
    pub collateral_price: WrappedI80F48,
    pub collateral_conf: WrappedI80F48,
    pub debt_price: WrappedI80F48,
    pub debt_conf: WrappedI80F48,
    /// Threshold the health was measured with (declining toward `lt_min`
    /// while the calibration is stale).
    pub threshold_bps: u16,
    pub health_before: WrappedI80F48,
    pub health_after: WrappedI80F48,
    /// Debt repaid by the liquidator, debt base units.
    pub repaid: u64,
    /// Collateral taken from the position, collateral base units.
    pub seized: u64,
    /// Bonus part of `seized`.
    pub bonus: u64,
    /// Part of `seized` sent to the treasury.
    pub protocol_fee: u64,
    pub to_liquidator: u64,
    /// Debt written off, debt base units: first against the protocol's
    /// unclaimed fees (`deficit_absorbed_by_fees`), the rest against suppliers.
    pub deficit: u64,
    pub deficit_absorbed_by_fees: u64,
}

/// A position's debt written off with no collateral value left to
/// liquidate (`write_off_bad_debt`).
#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BadDebtWrittenOff {
    pub position: Pubkey,
    /// Spot prices, or the band's edges when a band was wider than its
    /// reserve allows, in quote units per whole token.
    pub collateral_price: WrappedI80F48,
    pub debt_price: WrappedI80F48,
    /// Threshold the position was found unhealthy at.
    pub threshold_bps: u16,
    /// The collateral left (worth less than the dust value), sent to the
    /// treasury, collateral base units.
    pub collateral_to_treasury: u64,
    /// Debt written off, debt base units: first against the protocol's
    /// unclaimed fees (`deficit_absorbed_by_fees`), the rest against
    /// suppliers, which later fees pay back.
    pub deficit: u64,
    pub deficit_absorbed_by_fees: u64,
}

#[event]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MinBorrowValueUpdated {
    pub reserve: Pubkey,
    /// Whole quote units; 0 for none.
    pub old: u64,
    pub new: u64,
}
