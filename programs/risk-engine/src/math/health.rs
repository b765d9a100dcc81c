//! Values and loan-to-value checks. Prices are quote units per whole token;
//! amounts are base units of a mint with `decimals` decimals.

use fixed::types::I80F48;

use super::{MathError, MathResult};

const BPS: u32 = 10_000;

/// Quote value of `amount` base units: `amount / 10^decimals × price`.
pub fn token_value(amount: u64, decimals: u8, price: I80F48) -> MathResult<I80F48> {
    let scale = 10u64
        .checked_pow(u32::from(decimals))
        .ok_or(MathError::Overflow)?;
    // Dividing by the whole number gives the bits of dividing by it as
    // `I80F48`, for a fraction of the cost.
    let whole_tokens = I80F48::from_num(amount) / i128::from(scale);
    whole_tokens.checked_mul(price).ok_or(MathError::Overflow)
}

/// `debt_value <= collateral_value × ltv_bps / 10,000`, the check every
/// borrow and collateral withdrawal must pass at `max_ltv`.
pub fn within_ltv(collateral_value: I80F48, debt_value: I80F48, ltv_bps: u16) -> MathResult<bool> {
    let limit = collateral_value
        .checked_mul(I80F48::from_num(ltv_bps))
        .ok_or(MathError::Overflow)?;
    let used = debt_value
        .checked_mul(I80F48::from_num(BPS))
        .ok_or(MathError::Overflow)?;
    Ok(used <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_scale_by_decimals() {
        let value = token_value(1_500_000_000, 9, I80F48::from_num(150)).unwrap();
        assert_eq!(value, I80F48::from_num(225));
        assert_eq!(token_value(17_000_000_000, 6, I80F48::ONE).unwrap(), 17_000);
    }

    #[test]
    fn the_ltv_limit_is_inclusive() {
        let collateral = I80F48::from_num(20_000);
        assert!(within_ltv(collateral, I80F48::from_num(15_000), 7_500).unwrap());
        assert!(!within_ltv(collateral, I80F48::from_num(15_000) + I80F48::DELTA, 7_500).unwrap());
    }
}
