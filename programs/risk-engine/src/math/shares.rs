//! Conversions between token amounts and shares, each rounded in the
//! protocol's favour: shares minted round down, shares burned round up,
//! debt owed rounds up.
//!
//! Supply shares are priced with virtual shares and assets, as ERC-4626
//! vaults and Morpho Blue do: `price = (A + V) / (S + V)` for a pool worth
//! `A` base units backed by `S` shares, with `V = VIRTUAL_SUPPLY`. Every
//! conversion rounds in the pool's favour, and that rounding is all an
//! attacker alone in a pool can push the share price up with: one share's
//! worth per operation, a relative rise of at most `1 / (S + V) <= 1e-6`.
//! Without `V` a pool of one share doubles its price per round (supply 2,
//! withdraw 1 unit burning a whole share) and after 30 rounds takes a
//! quarter of the next deposit. With it, a million operations are needed
//! to double the price, and a deposit loses less than one share's worth plus
//! one unit of rounding. Chosen over a locked seed deposit at listing (as
//! Kamino does) because it needs no tokens and no extra accounts to list an
//! asset, and keeps one share per base unit, so `u64` shares hold any `u64`
//! amount.
//!
//! Virtual assets must never claim value that does not exist: while the pool
//! is worth less than its shares (`A < S`, after bad debt), they are valued
//! at the real price, `V × A / S`, so the price is plainly `A / S` and the
//! shares' claims never exceed `A`. The two formulas meet at `A = S`.

use fixed::types::I80F48;

use super::fixed_point::checked_div;
use super::{MathError, MathResult};

/// Virtual shares, and virtual base units at one per share, in every supply
/// share price.
pub const VIRTUAL_SUPPLY: u128 = 1_000_000;

/// The share price as a fraction `(value, shares)` of whole numbers, with
/// the virtual shares and assets (see the module's doc).
fn share_price(total_shares: u64, pool_value: u128) -> (u128, u128) {
    let shares = u128::from(total_shares);
    if pool_value >= shares {
        (pool_value + VIRTUAL_SUPPLY, shares + VIRTUAL_SUPPLY)
    } else {
        (pool_value, shares)
    }
}

/// Supply shares minted for depositing `amount` into a pool worth
/// `pool_value` base units backed by `total_shares`:
/// `amount × (S + V) / (A + V)`, rounded down (with the pool value rounded
/// up). An empty pool mints one share per base unit.
pub fn supply_shares_to_mint(
    amount: u64,
    total_shares: u64,
    pool_value: I80F48,
) -> MathResult<u64> {
    let (value, shares) = share_price(total_shares, whole_units(pool_value.ceil())?);
    if value == 0 {
        // Every share is worth nothing: a deposit would be given away.
        return Err(MathError::Domain);
    }
    let minted = u128::from(amount) * shares / value;
    u64::try_from(minted).map_err(|_| MathError::Overflow)
}

/// Supply shares burned to withdraw `amount` base units:
/// `amount × (S + V) / (A + V)`, rounded up (with the pool value rounded
/// down).
pub fn supply_shares_to_burn(
    amount: u64,
    total_shares: u64,
    pool_value: I80F48,
) -> MathResult<u64> {
    let (value, shares) = share_price(total_shares, whole_units(pool_value.floor())?);
    if value == 0 {
        return Err(MathError::Domain);
    }
    let burned = (u128::from(amount) * shares).div_ceil(value);
    u64::try_from(burned).map_err(|_| MathError::Overflow)
}

/// Value of `shares` supply shares, base units:
/// `shares × (A + V) / (S + V)`, rounded down.
pub fn supply_value(shares: u64, total_shares: u64, pool_value: I80F48) -> MathResult<u64> {
    if total_shares == 0 {
        return Ok(0);
    }
    let (value, all_shares) = share_price(total_shares, whole_units(pool_value.floor())?);
    let worth = u128::from(shares) * value / all_shares;
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
    let shares = checked_div(I80F48::from_num(amount), borrow_index).ok_or(MathError::Overflow)?;
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
    let shares = checked_div(I80F48::from_num(amount), borrow_index).ok_or(MathError::Overflow)?;
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

    /// H1 at the level of the formulas: alone in a pool, "supply ceil(p),
    /// withdraw 1 unit" raises the share price by at most 1e-6 a round.
    #[test]
    fn rounding_rounds_cannot_inflate_the_share_price() {
        let (mut shares, mut value) = (2u64, 3u64); // supplied 2, 1 unit of interest
        for _ in 0..30 {
            let price = (value as f64 + 1e6) / (shares as f64 + 1e6);
            let deposit = price.ceil() as u64;
            shares += supply_shares_to_mint(deposit, shares, I80F48::from_num(value)).unwrap();
            value += deposit;
            shares -= supply_shares_to_burn(1, shares, I80F48::from_num(value)).unwrap();
            value -= 1;
        }
        let price = (value as f64 + 1e6) / (shares as f64 + 1e6);
        assert!(price < 1.0001, "share price {price}");
        // A victim's deposit keeps all but its rounding.
        let deposit = 1_999u64;
        let minted = supply_shares_to_mint(deposit, shares, I80F48::from_num(value)).unwrap();
        let worth =
            supply_value(minted, shares + minted, I80F48::from_num(value + deposit)).unwrap();
        assert!(deposit - worth <= 2, "deposit {deposit} worth {worth}");
    }

    #[test]
    fn under_water_the_price_is_the_real_one() {
        // 1,000 shares backed by 500 units after bad debt: 0.5 a share.
        let value = I80F48::from_num(500);
        assert_eq!(supply_value(1_000, 1_000, value).unwrap(), 500);
        assert_eq!(supply_shares_to_mint(100, 1_000, value).unwrap(), 200);
        // At A = S both formulas give 1.
        assert_eq!(
            supply_value(10, 1_000, I80F48::from_num(1_000)).unwrap(),
            10
        );
    }

    proptest! {
        /// However the pool stands, its shares never claim more than it holds.
        #[test]
        fn claims_never_exceed_the_pool(
            total_shares in 1u64..10_000_000_000_000_000,
            value in 0u64..30_000_000_000_000_000,
            held in 0.0f64..1.0,
        ) {
            let pool = I80F48::from_num(value);
            let first = (total_shares as f64 * held) as u64;
            let claims = supply_value(first, total_shares, pool).unwrap()
                + supply_value(total_shares - first, total_shares, pool).unwrap();
            prop_assert!(claims <= value, "{claims} > {value}");
        }

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
