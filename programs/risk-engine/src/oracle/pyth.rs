//! The only code that reads a Pyth `PriceUpdateV2`.

use anchor_lang::prelude::*;
use fixed::types::I80F48;
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};

use crate::constants::*;
use crate::error::RiskError;
use crate::state::OracleConfig;

/// Pyth exponents accepted: wide enough for any listed asset, narrow enough
/// that `i64 × 10^exponent` fits `I80F48` with precision to spare.
pub const MIN_PYTH_EXPONENT: i32 = -18;
pub const MAX_PYTH_EXPONENT: i32 = 12;

/// A price that passed every check, in quote units per whole token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OraclePrice {
    pub price: I80F48,
    pub conf: I80F48,
    pub ema_price: I80F48,
    pub ema_conf: I80F48,
    pub publish_time: i64,
    /// Whether the spot band `conf / price` is within the reserve's
    /// `max_confidence_bps`. Only a liquidation accepts one that is not,
    /// and then values at the band's edge (`liquidation_*_price`).
    pub band_within_limit: bool,
}

impl OraclePrice {
    /// Collateral side of a conservative valuation: the lower of spot and EMA.
    pub fn collateral_price(&self) -> I80F48 {
        self.price.min(self.ema_price)
    }

    /// Debt side of a conservative valuation: the higher of spot and EMA.
    pub fn debt_price(&self) -> I80F48 {
        self.price.max(self.ema_price)
    }

    /// What a liquidation values collateral at: spot, or `price - conf`
    /// when the band is wider than the reserve allows (a crash's
    /// uncertainty is borne by the position, not by the suppliers).
    pub fn liquidation_collateral_price(&self) -> I80F48 {
        if self.band_within_limit {
            self.price
        } else {
            self.price - self.conf
        }
    }

    /// What a liquidation values debt at: spot, or `price + conf` when the
    /// band is wider than the reserve allows.
    pub fn liquidation_debt_price(&self) -> I80F48 {
        if self.band_within_limit {
            self.price
        } else {
            self.price.saturating_add(self.conf)
        }
    }
}

/// What a price is read for: each use asks for exactly the checks it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceUse {
    /// `refresh_reserve`: within `max_age_secs`, spot band within the limit
    /// (the EMA is not used).
    Calibration,
    /// Borrowing and collateral withdrawal: as fresh as a liquidation's
    /// (`liquidation_max_age_secs`), so a borrower cannot pick an older
    /// message and its older EMA; spot and EMA bands within the limit.
    Lending,
    /// `liquidate` and `write_off_bad_debt`: within
    /// `liquidation_max_age_secs`; a spot band up to
    /// `MAX_ORACLE_CONFIDENCE_BPS` is accepted, valued at its edge when wider
    /// than the reserve's limit, since a crash widens bands exactly when
    /// liquidations matter; the EMA is not used and not checked.
    Liquidation,
}

impl PriceUse {
    pub fn max_age_secs(self, config: &OracleConfig) -> u32 {
        match self {
            PriceUse::Calibration => config.max_age_secs,
            PriceUse::Lending | PriceUse::Liquidation => config.liquidation_max_age_secs,
        }
    }

    /// How much older than the reserve's newest accepted price this use may
    /// read (`Reserve::accept_price_time`).
    pub fn lag_tolerance_secs(self) -> i64 {
        match self {
            PriceUse::Calibration | PriceUse::Lending => 0,
            PriceUse::Liquidation => LIQUIDATION_PRICE_LAG_TOLERANCE_SECS,
        }
    }
}

/// Reads a price from a Pyth receiver account for a reserve.
///
/// The caller passes `Account<PriceUpdateV2>`, which already guarantees the
/// account is owned by the Pyth receiver program and carries the
/// `PriceUpdateV2` discriminator. On top of that, a returned price
/// guarantees:
/// - its feed id is the reserve's (`OracleFeedMismatch`);
/// - it was verified at least at the reserve's minimum level, `Full` by
///   default (`OracleVerificationTooLow`);
/// - `publish_time` is at most the use's max age before `now`
///   (`OraclePriceStale`: `max_age_secs` for calibration,
///   `liquidation_max_age_secs` for lending and liquidation) and at most
///   `MAX_PUBLISH_TIME_SKEW_SECS` after it (`OraclePublishTimeInFuture`);
/// - spot and EMA prices are strictly positive (`OraclePriceNotPositive`);
/// - `conf / price` within `max_confidence_bps` (`OracleConfidenceTooWide`)
///   for the spot band, and for lending the EMA band too; a liquidation
///   accepts a spot band up to `MAX_ORACLE_CONFIDENCE_BPS` and says whether
///   it was within the reserve's limit (`OraclePrice::band_within_limit`);
/// - the exponent is in `MIN_PYTH_EXPONENT..=MAX_PYTH_EXPONENT` and every
///   value is scaled once, here, to quote units per whole token
///   (`OracleExponentOutOfRange`).
///
/// Not checked here, since it needs the reserve's state: that the price is
/// not older than the newest one the reserve accepted
/// (`Reserve::accept_price_time`, which every instruction calls).
pub fn load_price(
    update: &PriceUpdateV2,
    config: &OracleConfig,
    now: i64,
    price_use: PriceUse,
) -> Result<OraclePrice> {
    let message = &update.price_message;
    require!(
        message.feed_id == config.feed_id,
        RiskError::OracleFeedMismatch
    );
    require!(
        verification_rank(update.verification_level) >= config.min_verification,
        RiskError::OracleVerificationTooLow
    );
    let age_secs = now.saturating_sub(message.publish_time);
    require!(
        age_secs <= i64::from(price_use.max_age_secs(config)),
        RiskError::OraclePriceStale
    );
    require!(
        age_secs >= -MAX_PUBLISH_TIME_SKEW_SECS,
        RiskError::OraclePublishTimeInFuture
    );
    require!(
        message.price > 0 && message.ema_price > 0,
        RiskError::OraclePriceNotPositive
    );
    let band_within_limit =
        confidence_within(message.price, message.conf, config.max_confidence_bps);
    let bands_acceptable = match price_use {
        PriceUse::Calibration => band_within_limit,
        PriceUse::Lending => {
            band_within_limit
                && confidence_within(
                    message.ema_price,
                    message.ema_conf,
                    config.max_confidence_bps,
                )
        }
        PriceUse::Liquidation => {
            confidence_within(message.price, message.conf, MAX_ORACLE_CONFIDENCE_BPS)
        }
    };
    require!(bands_acceptable, RiskError::OracleConfidenceTooWide);
    let exponent = message.exponent;
    require!(
        (MIN_PYTH_EXPONENT..=MAX_PYTH_EXPONENT).contains(&exponent),
        RiskError::OracleExponentOutOfRange
    );
    let scale = |mantissa: i128| scale_by_exponent(mantissa, exponent);
    let price = OraclePrice {
        price: scale(i128::from(message.price))?,
        conf: scale(i128::from(message.conf))?,
        ema_price: scale(i128::from(message.ema_price))?,
        ema_conf: scale(i128::from(message.ema_conf))?,
        publish_time: message.publish_time,
        band_within_limit,
    };
    // A price below I80F48's resolution would read as zero.
    require!(
        price.price > 0 && price.ema_price > 0,
        RiskError::OracleExponentOutOfRange
    );
    Ok(price)
}

/// Reads a position's two prices for `price_use` and records each as
/// accepted by its reserve (no older than the newest it accepted, but for a
/// liquidation's few seconds of tolerance): what borrowing, collateral
/// withdrawal and liquidation all do before valuing a position.
pub fn accept_position_prices(
    collateral: &mut crate::state::Reserve,
    collateral_update: &PriceUpdateV2,
    debt: &mut crate::state::Reserve,
    debt_update: &PriceUpdateV2,
    now: i64,
    price_use: PriceUse,
) -> Result<(OraclePrice, OraclePrice)> {
    let collateral_price = load_price(collateral_update, &collateral.oracle, now, price_use)?;
    let debt_price = load_price(debt_update, &debt.oracle, now, price_use)?;
    let tolerance = price_use.lag_tolerance_secs();
    collateral.accept_price_time(collateral_price.publish_time, tolerance)?;
    debt.accept_price_time(debt_price.publish_time, tolerance)?;
    Ok((collateral_price, debt_price))
}

/// Verification levels in one byte where larger is stricter (see
/// `VERIFICATION_FULL`).
pub fn verification_rank(level: VerificationLevel) -> u8 {
    match level {
        VerificationLevel::Full => VERIFICATION_FULL,
        VerificationLevel::Partial { num_signatures } => num_signatures.min(VERIFICATION_FULL - 1),
    }
}

/// `conf / price <= max_bps / 10_000`, exactly, in integers.
fn confidence_within(price: i64, conf: u64, max_bps: u16) -> bool {
    u128::from(conf) * u128::from(BPS_DENOMINATOR)
        <= price.unsigned_abs() as u128 * u128::from(max_bps)
}

/// `mantissa × 10^exponent` as `I80F48`.
fn scale_by_exponent(mantissa: i128, exponent: i32) -> Result<I80F48> {
    let overflow = || error!(RiskError::OracleExponentOutOfRange);
    let power = 10i128
        .checked_pow(exponent.unsigned_abs())
        .ok_or_else(overflow)?;
    if exponent >= 0 {
        let value = mantissa.checked_mul(power).ok_or_else(overflow)?;
        I80F48::checked_from_num(value).ok_or_else(overflow)
    } else {
        // Divide in I80F48 so the fraction survives; the mantissa fits since
        // it came from an i64.
        // Dividing by the whole number gives the bits of dividing by it as
        // `I80F48`, for a fraction of the cost.
        let value = I80F48::checked_from_num(mantissa).ok_or_else(overflow)?;
        value.checked_div_int(power).ok_or_else(overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_negative_and_positive_exponents() {
        assert_eq!(
            scale_by_exponent(15_000_000_000, -8).unwrap(),
            I80F48::from_num(150)
        );
        assert_eq!(scale_by_exponent(3, 2).unwrap(), I80F48::from_num(300));
        assert_eq!(scale_by_exponent(5, 0).unwrap(), I80F48::from_num(5));
        let tiny = scale_by_exponent(1_234, -10).unwrap();
        assert!((tiny.to_num::<f64>() - 1.234e-7).abs() < 1e-13);
    }

    #[test]
    fn refuses_values_that_overflow() {
        assert!(scale_by_exponent(i128::from(i64::MAX), 12).is_err());
    }

    #[test]
    fn confidence_limit_is_inclusive_and_exact() {
        assert!(confidence_within(10_000, 200, 200));
        assert!(!confidence_within(10_000, 201, 200));
    }

    #[test]
    fn verification_ranks_full_above_every_partial() {
        assert_eq!(verification_rank(VerificationLevel::Full), 255);
        assert_eq!(
            verification_rank(VerificationLevel::Partial {
                num_signatures: 255
            }),
            254
        );
        assert_eq!(
            verification_rank(VerificationLevel::Partial { num_signatures: 3 }),
            3
        );
    }
}
