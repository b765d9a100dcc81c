//! Conversions between token amounts and shares, each rounded in the
//! protocol's favour: shares minted round down, shares burned round up,
//! debt owed rounds up.

use fixed::types::I80F48;

use super::fixed_point::div;
use super::{MathError, MathResult};

/// Supply shares minted for depositing `amount` into a pool worth
/// `pool_value` base units backed by `total_shares`. Rounds down (with the
/// pool value rounded up). An empty pool mints one share per base unit.
pub fn supply_shares_to_mint(
    amount: u64,
    total_shares: u64,
    pool_value: I80F48,
) -> MathResult<u64> {
    if total_shares == 0 {
        return Ok(amount);
    }
    let value = whole_units(pool_value.ceil())?;
    if value == 0 {
        // Every share is worth nothing: a deposit would be given away.
        return Err(MathError::Domain);
    }
    let minted = u128::from(amount) * u128::from(total_shares) / value;
    u64::try_from(minted).map_err(|_| MathError::Overflow)
}

/// Supply shares burned to withdraw `amount` base units. Rounds up (with
/// the pool value rounded down).
pub fn supply_shares_to_burn(
    amount: u64,
    total_shares: u64,
    pool_value: I80F48,
) -> MathResult<u64> {
    let value = whole_units(pool_value.floor())?;
    if value == 0 {
        return Err(MathError::Domain);
    }
    let burned = (u128::from(amount) * u128::from(total_shares)).div_ceil(value);
    u64::try_from(burned).map_err(|_| MathError::Overflow)
}

/// Value of `shares` supply shares, base units. Rounds down.
pub fn supply_value(shares: u64, total_shares: u64, pool_value: I80F48) -> MathResult<u64> {
    if total_shares == 0 {
        return Ok(0);
    }
    let value = whole_units(pool_value.floor())?;
    let worth = u128::from(shares) * value / u128::from(total_shares);
    u64::try_from(worth).map_err(|_| MathError::Overflow)
}

/// A non-negative whole number of base units as `u128`, so products of two
/// `u64` amounts stay exact.
fn whole_units(value: I80F48) -> MathResult<u128> {
    value
        .max(I80F48::ZERO)
        .checked_to_num::<u128>()
        .ok_or(MathError::Overflow)
}

/// Debt shares created by borrowing `amount` at `borrow_index`. Rounds up.
pub fn debt_shares_to_mint(amount: u64, borrow_index: I80F48) -> MathResult<u64> {
    if borrow_index <= 0 {
        return Err(MathError::Domain);
    }
    let shares = div(I80F48::from_num(amount), borrow_index);
    shares.ceil().checked_to_num().ok_or(MathError::Overflow)
}

/// Debt owed for `shares` at `borrow_index`, base units. Rounds up.
pub fn debt_owed(shares: u64, borrow_index: I80F48) -> MathResult<u64> {
    let owed = I80F48::from_num(shares)
        .checked_mul(borrow_index)
        .ok_or(MathError::Overflow)?;
    owed.ceil().checked_to_num().ok_or(MathError::Overflow)
}

/// Debt shares a payment of `amount` retires. Rounds down.
pub fn debt_shares_to_burn(amount: u64, borrow_index: I80F48) -> MathResult<u64> {
    if borrow_index <= 0 {
        return Err(MathError::Domain);
    }
    let shares = div(I80F48::from_num(amount), borrow_index);
    shares.floor().checked_to_num().ok_or(MathError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_pool_mints_one_share_per_unit() {
        assert_eq!(
            supply_shares_to_mint(1_000, 0, I80F48::ZERO).unwrap(),
            1_000
        );
    }

    #[test]
    fn a_worthless_pool_refuses_deposits() {
        assert_eq!(
            supply_shares_to_mint(1_000, 10, I80F48::ZERO),
            Err(MathError::Domain)
        );
    }

    #[test]
    fn rounding_favours_the_protocol() {
        let value = I80F48::from_num(1_000);
        // 3 units into 1,000 value / 999 shares: 2.997 shares → 2.
        assert_eq!(supply_shares_to_mint(3, 999, value).unwrap(), 2);
        // Withdrawing 3 units burns 2.997 → 3 shares.
        assert_eq!(supply_shares_to_burn(3, 999, value).unwrap(), 3);
        let index = I80F48::from_num(1.5);
        assert_eq!(debt_shares_to_mint(10, index).unwrap(), 7); // 6.67 → 7
        assert_eq!(debt_owed(7, index).unwrap(), 11); // 10.5 → 11
        assert_eq!(debt_shares_to_burn(10, index).unwrap(), 6); // 6.67 → 6
    }

    proptest! {
        #[test]
        fn a_round_trip_never_creates_value(
            amount in 1u64..10_000_000_000_000_000,
            total_shares in 1u64..10_000_000_000_000_000,
            value_per_share in 0.5f64..3.0,
        ) {
            let pool_value = I80F48::from_num(total_shares as f64 * value_per_share);
            let minted = supply_shares_to_mint(amount, total_shares, pool_value).unwrap();
            let worth = supply_value(minted, total_shares + minted, pool_value + I80F48::from_num(amount)).unwrap();
            prop_assert!(worth <= amount, "deposit {amount} came back as {worth}");
        }

        #[test]
        fn borrowing_then_repaying_owes_at_least_the_loan(
            amount in 1u64..1_000_000_000_000,
            index in 1.0f64..5.0,
        ) {
            let index = I80F48::from_num(index);
            let shares = debt_shares_to_mint(amount, index).unwrap();
            prop_assert!(debt_owed(shares, index).unwrap() >= amount);
        }
    }
}
