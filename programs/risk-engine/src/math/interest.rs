//! Kinked borrow-rate curve and index accrual.
//!
//! Interest compounds at every accrual: within one accrual it is linear
//! (`index × (1 + rate × dt / year)`), so a reserve touched often compounds
//! almost continuously and one left alone slightly undercharges, never
//! overcharges, its borrowers.

use fixed::types::I80F48;

use super::fixed_point::checked_div;
use super::volatility::SECONDS_PER_YEAR;
use super::{MathError, MathResult};

const BPS: u32 = 10_000;

/// The curve's parameters, rates per year in bps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateCurve {
    pub base_rate_bps: u32,
    pub slope1_bps: u32,
    pub slope2_bps: u32,
    /// In 1..10,000.
    pub kink_utilization_bps: u16,
}

/// Borrowed share of all lent-out and available liquidity, as a fraction in [0, 1].
pub fn utilization(borrowed: I80F48, available: I80F48) -> MathResult<I80F48> {
    let total = borrowed.checked_add(available).ok_or(MathError::Overflow)?;
    if total <= 0 {
        return Ok(I80F48::ZERO);
    }
    Ok(checked_div(borrowed, total)
        .ok_or(MathError::Overflow)?
        .clamp(I80F48::ZERO, I80F48::ONE))
}

/// Borrow rate per year (a fraction) at `utilization`:
/// `base + slope1 × u / kink` up to the kink, then
/// `base + slope1 + slope2 × (u - kink) / (1 - kink)`.
pub fn borrow_rate(curve: &RateCurve, utilization: I80F48) -> MathResult<I80F48> {
    let bps = i128::from(BPS);
    let kink = I80F48::from_num(curve.kink_utilization_bps) / bps;
    if kink <= 0 || kink >= 1 {
        return Err(MathError::Domain);
    }
    let u = utilization.clamp(I80F48::ZERO, I80F48::ONE);
    let base = I80F48::from_num(curve.base_rate_bps) / bps;
    let slope1 = I80F48::from_num(curve.slope1_bps) / bps;
    let slope2 = I80F48::from_num(curve.slope2_bps) / bps;
    let overflow = || MathError::Overflow;
    let sloped = if u <= kink {
        checked_div(slope1.checked_mul(u).ok_or_else(overflow)?, kink)
    } else {
        slope2
            .checked_mul(u - kink)
            .and_then(|rise| checked_div(rise, I80F48::ONE - kink))
            .and_then(|rise| rise.checked_add(slope1))
    };
    sloped
        .and_then(|rate| rate.checked_add(base))
        .ok_or_else(overflow)
}

/// Result of accruing interest over one gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accrual {
    pub borrow_index: I80F48,
    pub borrowed: I80F48,
    /// Interest added to the debt over the gap, base units.
    pub interest: I80F48,
    /// The protocol's share of `interest` (reserve factor), base units.
    pub protocol_fee: I80F48,
}

/// Grows the borrow index and the total debt by `rate × elapsed / year`,
/// and splits the interest between suppliers and the protocol.
pub fn accrue(
    borrow_index: I80F48,
    borrowed: I80F48,
    rate_per_year: I80F48,
    elapsed_secs: u64,
    reserve_factor_bps: u16,
) -> MathResult<Accrual> {
    let elapsed = I80F48::checked_from_num(elapsed_secs).ok_or(MathError::Overflow)?;
    let growth = rate_per_year
        .checked_mul(elapsed / i128::from(SECONDS_PER_YEAR))
        .ok_or(MathError::Overflow)?;
    let factor = I80F48::ONE.checked_add(growth).ok_or(MathError::Overflow)?;
    let new_index = borrow_index
        .checked_mul(factor)
        .ok_or(MathError::Overflow)?;
    let new_borrowed = borrowed.checked_mul(factor).ok_or(MathError::Overflow)?;
    let interest = new_borrowed
        .checked_sub(borrowed)
        .ok_or(MathError::Overflow)?;
    let protocol_fee = interest
        .checked_mul(I80F48::from_num(reserve_factor_bps))
        .ok_or(MathError::Overflow)?
        / i128::from(BPS);
    Ok(Accrual {
        borrow_index: new_index,
        borrowed: new_borrowed,
        interest,
        protocol_fee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CURVE: RateCurve = RateCurve {
        base_rate_bps: 0,
        slope1_bps: 400,
        slope2_bps: 30_000,
        kink_utilization_bps: 8_000,
    };

    fn f(x: I80F48) -> f64 {
        x.to_num()
    }

    /// L2: an index or a debt past `I80F48` fails as `Overflow`, never wraps.
    #[test]
    fn an_accrual_past_the_type_overflows_cleanly() {
        let huge = I80F48::MAX / 2;
        assert_eq!(
            accrue(huge, I80F48::ONE, I80F48::from_num(10), 31_536_000, 1_000),
            Err(MathError::Overflow)
        );
        assert_eq!(
            accrue(I80F48::ONE, huge, I80F48::from_num(10), 31_536_000, 1_000),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn the_curve_bends_at_the_kink() {
        let at = |u: f64| f(borrow_rate(&CURVE, I80F48::from_num(u)).unwrap());
        assert!((at(0.0) - 0.0).abs() < 1e-12);
        assert!((at(0.4) - 0.02).abs() < 1e-12);
        assert!((at(0.8) - 0.04).abs() < 1e-12);
        assert!((at(0.9) - (0.04 + 1.5)).abs() < 1e-12);
        assert!((at(1.0) - 3.04).abs() < 1e-12);
    }

    #[test]
    fn utilization_of_an_empty_reserve_is_zero() {
        assert_eq!(utilization(I80F48::ZERO, I80F48::ZERO).unwrap(), 0);
        let u = utilization(I80F48::from_num(30), I80F48::from_num(70)).unwrap();
        assert!((f(u) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn a_year_at_ten_percent_grows_debt_by_ten_percent() {
        let accrual = accrue(
            I80F48::ONE,
            I80F48::from_num(1_000),
            I80F48::from_num(0.1),
            SECONDS_PER_YEAR,
            1_000,
        )
        .unwrap();
        assert!((f(accrual.borrowed) - 1_100.0).abs() < 1e-9);
        assert!((f(accrual.borrow_index) - 1.1).abs() < 1e-12);
        assert!((f(accrual.interest) - 100.0).abs() < 1e-9);
        assert!((f(accrual.protocol_fee) - 10.0).abs() < 1e-9);
    }

    proptest! {
        #[test]
        fn accrual_matches_f64_and_never_shrinks_debt(
            borrowed in 0.0f64..1e12,
            rate in 0.0f64..10.0,
            elapsed in 0u64..SECONDS_PER_YEAR,
        ) {
            let accrual = accrue(I80F48::ONE, I80F48::from_num(borrowed), I80F48::from_num(rate), elapsed, 1_000).unwrap();
            let expected = borrowed * (1.0 + rate * elapsed as f64 / SECONDS_PER_YEAR as f64);
            prop_assert!((f(accrual.borrowed) - expected).abs() <= 1e-9 * expected.max(1.0));
            prop_assert!(accrual.borrowed >= I80F48::from_num(borrowed));
            prop_assert!(accrual.protocol_fee <= accrual.interest);
        }
    }
}
