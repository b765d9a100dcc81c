use anchor_lang::prelude::*;

/// Every way an instruction can refuse. Append only: the codes are part of
/// the interface bots and front ends match on.
#[error_code]
pub enum RiskError {
    // Signers and account relations.
    #[msg("Signer is not the market authority")]
    NotMarketAuthority,
    #[msg("Signer is not the pending authority of this market")]
    NotPendingAuthority,
    #[msg("The market has no pending authority to accept")]
    NoPendingAuthority,
    #[msg("Signer is neither the market authority nor its guardian")]
    NotAuthorityOrGuardian,
    #[msg("The guardian may only pause, never unpause")]
    GuardianCannotUnpause,
    #[msg("Reserve belongs to another market")]
    WrongMarket,
    #[msg("Vault account does not match the reserve's vault")]
    WrongVault,
    #[msg("Mint does not match the reserve's mint")]
    WrongMint,
    #[msg("Token program does not match the mint's owner")]
    WrongTokenProgram,
    #[msg("Account layout version is not supported by this program")]
    UnsupportedAccountVersion,

    // Risk bounds.
    #[msg("Liquidation threshold bounds must satisfy 0 < min <= max <= 99 %")]
    ThresholdBoundsInvalid,
    #[msg("Rate limits must be at least 1 bps per hour, tightening at most 1,000 and loosening at most 10,000")]
    RateLimitOutOfRange,
    #[msg("Liquidation bonus bounds must satisfy min <= max <= 50 %")]
    BonusBoundsInvalid,
    #[msg("Threshold times (1 + bonus) must not exceed 100 %")]
    ThresholdTimesBonusAboveOne,
    #[msg("LTV buffer must be positive and below the minimum threshold")]
    LtvBufferOutOfRange,

    // Calibration parameters.
    #[msg("VaR horizon must be between 60 s and 30 days")]
    HorizonOutOfRange,
    #[msg("Quantile z must be between 0.5 and 10.0")]
    QuantileOutOfRange,
    #[msg("EWMA half-lives must be between 60 s and 365 days")]
    HalfLifeOutOfRange,
    #[msg("Fast half-life must not be longer than the slow one")]
    HalfLivesInverted,
    #[msg("Calibration and depth max ages must be between 1 s and 30 days")]
    StalenessLimitOutOfRange,
    #[msg("Maximum slippage must be at most 50 %")]
    SlippageOutOfRange,
    #[msg("Minimum depth and reference liquidation size must be positive")]
    DepthParamsOutOfRange,

    // Oracle configuration.
    #[msg("Pyth feed id must not be all zeros")]
    FeedIdMissing,
    #[msg("Oracle max age must be between 1 s and 3,600 s")]
    OracleMaxAgeOutOfRange,
    #[msg("Oracle confidence limit must be between 1 and 1,000 bps")]
    ConfidenceLimitOutOfRange,
    #[msg("Minimum verification level must be 13..=254 signatures (the Wormhole quorum) or 255 (Full)")]
    VerificationLevelOutOfRange,

    // Interest model.
    #[msg("Borrow rates must not exceed 1,000 % a year at full utilization")]
    InterestRateOutOfRange,
    #[msg("Kink utilization must be between 1 and 9,999 bps")]
    KinkOutOfRange,
    #[msg("Reserve factor must be at most 10,000 bps")]
    ReserveFactorOutOfRange,

    // Market configuration.
    #[msg("Close factor must be between 1 and 10,000 bps")]
    CloseFactorOutOfRange,
    #[msg("Full-liquidation health factor must be between 1 and 10,000 bps")]
    FullLiquidationHealthOutOfRange,
    #[msg("Protocol share of the liquidation bonus must be at most 10,000 bps")]
    ProtocolFeeShareOutOfRange,
    #[msg("Unknown pause flag bits")]
    UnknownPauseFlags,
    #[msg("Mint decimals must be at most 18")]
    MintDecimalsOutOfRange,
    #[msg("Token-2022 mint has an extension that breaks vault accounting")]
    UnsupportedMintExtension,

    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("A market with this authority and id already exists")]
    MarketAlreadyExists,
    #[msg("This mint is already listed in this market")]
    ReserveAlreadyExists,

    // Oracle adapter: one variant per way a Pyth price can be unusable.
    #[msg("Pyth price update is for another feed than the reserve's")]
    OracleFeedMismatch,
    #[msg("Pyth price update is less verified than the reserve requires")]
    OracleVerificationTooLow,
    #[msg("Pyth price is older than the reserve's max age")]
    OraclePriceStale,
    #[msg("Pyth price or EMA price is zero or negative")]
    OraclePriceNotPositive,
    #[msg("Pyth confidence interval is wider than the reserve allows")]
    OracleConfidenceTooWide,
    #[msg("Pyth exponent is outside -18..=12 or the scaled price overflows")]
    OracleExponentOutOfRange,

    // Calibration.
    #[msg("Reserve refreshes are paused")]
    RefreshPaused,
    #[msg("Signer is not the reserve's depth reporter")]
    NotDepthReporter,
    #[msg("Reported depth must be positive and at most 10^12 quote units")]
    DepthOutOfRange,
    #[msg("A math function got an input outside its domain")]
    MathDomain,

    // Lending.
    #[msg("Amount must be positive")]
    ZeroAmount,
    #[msg("Lending is paused: no supply, supply withdrawal, borrow, or collateral withdrawal from a position in debt")]
    LendingPaused,
    #[msg("Deposit would exceed the reserve's supply cap")]
    SupplyCapExceeded,
    #[msg("Borrow would exceed the reserve's borrow cap")]
    BorrowCapExceeded,
    #[msg("Not enough liquidity in the reserve")]
    InsufficientLiquidity,
    #[msg("Withdrawal exceeds the supplier's balance")]
    InsufficientSupplyBalance,
    #[msg("Withdrawal exceeds the position's collateral")]
    InsufficientCollateral,
    #[msg("Position would exceed the collateral's maximum LTV")]
    MaxLtvExceeded,
    #[msg("Collateral and debt must be different reserves")]
    SameCollateralAndDebtReserve,
    #[msg("Signer does not own this position")]
    NotPositionOwner,
    #[msg("Reserve is not the one this position uses")]
    WrongReserve,
    #[msg("Position still holds collateral or debt")]
    PositionNotEmpty,
    #[msg("Position has no debt to repay")]
    NothingToRepay,
    #[msg("Supply shares are worth nothing: deposits would be given away")]
    SupplyPoolWorthless,
    #[msg("Token account is not owned by the market's treasury")]
    WrongTreasury,
    #[msg("No protocol fees can be claimed now")]
    NothingToClaim,

    // Liquidation.
    #[msg("Liquidations are paused")]
    LiquidationsPaused,
    #[msg("Position is healthy: health factor is at least 1")]
    PositionHealthy,
    #[msg("A position's owner cannot liquidate it")]
    SelfLiquidation,
    #[msg("Collateral to the liquidator is below its min_collateral_out")]
    CollateralOutBelowMinimum,
    #[msg("This partial liquidation would leave dust; repay more or all of the debt")]
    LiquidationLeavesDust,

    // Price choice, sampling and slippage guards.
    #[msg("Pyth price is older than the newest price this reserve has accepted")]
    OraclePriceOlderThanAccepted,
    #[msg("Pyth publish time is more than 10 s ahead of the cluster clock")]
    OraclePublishTimeInFuture,
    #[msg("Liquidation max age must be between 1 s and the oracle max age")]
    LiquidationMaxAgeOutOfRange,
    #[msg("Sample interval must divide a day, be 60 s to 1 day, and at most half the calibration max age")]
    SampleIntervalOutOfRange,
    #[msg("Supply would mint fewer shares than min_shares_out")]
    SharesOutBelowMinimum,
    #[msg("Withdrawal would pay out less than min_amount_out")]
    AmountOutBelowMinimum,
    #[msg("Lender position still holds supply shares")]
    LenderPositionNotEmpty,
    #[msg("Account is not at the program address its own seeds and bump give")]
    AccountNotAtItsAddress,
    #[msg("This owner already has a position with this id in this market")]
    PositionAlreadyExists,

    // Second review: pauses, stale data and bad debt.
    #[msg("Liquidations are paused: no borrow or collateral withdrawal may add risk meanwhile")]
    RiskIncreaseWhileLiquidationsPaused,
    #[msg("The position's debt would be worth less than the debt reserve's minimum borrow value")]
    BorrowBelowMinimum,
    #[msg("Minimum borrow value must be at most 1,000,000 quote units")]
    MinBorrowValueOutOfRange,
    #[msg("Position still has collateral worth at least the dust value: liquidate it instead")]
    CollateralLeftToLiquidate,
    #[msg("Position has no debt to write off")]
    NothingToWriteOff,
    #[msg("Size weight must be at most 10,000 bps")]
    SizeWeightOutOfRange,
}

impl RiskError {
    /// The newest variant: clients map codes `6000..=6000 + LAST` back to
    /// names and messages. Move it when a variant is appended.
    pub const LAST: RiskError = RiskError::SizeWeightOutOfRange;

    /// The variant of a custom error code, when the code is one of ours.
    pub fn from_code(code: u32) -> Option<RiskError> {
        let index = code.checked_sub(anchor_lang::error::ERROR_CODE_OFFSET)?;
        if index > RiskError::LAST as u32 {
            return None;
        }
        // SAFETY: `#[error_code]` makes the enum `repr(u32)` with unit
        // variants numbered from 0, and `index` is at most the last one.
        Some(unsafe { core::mem::transmute::<u32, RiskError>(index) })
    }
}

impl From<crate::math::MathError> for anchor_lang::error::Error {
    fn from(error: crate::math::MathError) -> Self {
        match error {
            crate::math::MathError::Overflow => RiskError::MathOverflow.into(),
            crate::math::MathError::Domain => RiskError::MathDomain.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_back_to_their_variants() {
        let first = RiskError::from_code(6000).expect("first code");
        assert_eq!(u32::from(first), 6000);
        let last_code = u32::from(RiskError::LAST);
        let last = RiskError::from_code(last_code).expect("last code");
        assert_eq!(last.name(), "SizeWeightOutOfRange");
        assert!(RiskError::from_code(last_code + 1).is_none());
        assert!(RiskError::from_code(2040).is_none());
    }
}
