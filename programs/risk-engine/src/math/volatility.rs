//! EWMA variance of log returns with irregular gaps.
//!
//! Variance is kept annualised (per 365-day year) rather than per second:
//! the same number, scaled by 31,536,000, keeps about 25 more bits of
//! precision in `I80F48` for calm assets whose per-second variance would
//! sit near the type's resolution.

use fixed::types::I80F48;

use super::fixed_point::{checked_sqrt, exp2, ln};
use super::{MathError, MathResult};

/// Seconds in a 365-day year.
pub const SECONDS_PER_YEAR: u64 = 31_536_000;

/// `ln(price / prev_price)`; both prices must be positive.
pub fn log_return(price: I80F48, prev_price: I80F48) -> MathResult<I80F48> {
    Ok(log_return_of_logs(ln_price(price)?, ln_price(prev_price)?))
}

/// The logarithm a log return takes of a price; the price must be
/// positive. A replay of a series takes it once per price.
pub fn ln_price(price: I80F48) -> MathResult<I80F48> {
    if price <= 0 {
        return Err(MathError::Domain);
    }
    ln(price)
}

/// `log_return` from the logarithms of both prices (`ln_price`).
pub fn log_return_of_logs(ln_price: I80F48, ln_prev_price: I80F48) -> I80F48 {
    ln_price - ln_prev_price
}

/// One EWMA step over a gap of `dt_secs`:
/// `var' = var × d + (r² / dt) × (1 - d)` with `d = 2^(-dt / half_life)`,
/// where `var` and `r² / dt` are both annualised. A zero gap changes nothing
/// (there is no return to count).
pub fn ewma_variance_update(
    variance_per_year: I80F48,
    log_return: I80F48,
    dt_secs: u64,
    half_life_secs: u64,
) -> MathResult<I80F48> {
    match EwmaGap::new(dt_secs, half_life_secs)? {
        Some(gap) => gap.update(variance_per_year, log_return),
        None => Ok(variance_per_year),
    }
}

/// The part of an EWMA step that depends only on the gap and the half-life,
/// so that a replay of a regular series computes it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EwmaGap {
    /// `d = 2^(-dt / half_life)`.
    decay: I80F48,
    /// `year / dt`, which annualises `r²`.
    per_year: I80F48,
}

impl EwmaGap {
    /// `None` for a zero gap, which counts nothing.
    pub fn new(dt_secs: u64, half_life_secs: u64) -> MathResult<Option<Self>> {
        if dt_secs == 0 {
            return Ok(None);
        }
        if half_life_secs == 0 {
            return Err(MathError::Domain);
        }
        let dt = I80F48::checked_from_num(dt_secs).ok_or(MathError::Overflow)?;
        // Divisions by whole numbers: the bits of dividing by them as
        // `I80F48`, for a fraction of the cost.
        Ok(Some(Self {
            decay: exp2(-(dt / i128::from(half_life_secs)))?,
            per_year: I80F48::from_num(SECONDS_PER_YEAR) / i128::from(dt_secs),
        }))
    }

    /// `var × d + r² × (year / dt) × (1 - d)`.
    pub fn update(&self, variance_per_year: I80F48, log_return: I80F48) -> MathResult<I80F48> {
        // r² × (year / dt): the division first keeps the product in range.
        let sample = log_return
            .checked_mul(log_return)
            .and_then(|r2| r2.checked_mul(self.per_year))
            .ok_or(MathError::Overflow)?;
        let kept = variance_per_year
            .checked_mul(self.decay)
            .ok_or(MathError::Overflow)?;
        let added = sample
            .checked_mul(I80F48::ONE - self.decay)
            .ok_or(MathError::Overflow)?;
        kept.checked_add(added).ok_or(MathError::Overflow)
    }
}

/// The variance that drives the threshold: the larger of fast and slow, so
/// thresholds tighten as fast as the fast estimate rises and loosen only as
/// fast as the slow one falls.
pub fn effective_variance(fast_per_year: I80F48, slow_per_year: I80F48) -> I80F48 {
    fast_per_year.max(slow_per_year)
}

/// Annualised volatility in bps (`sqrt(var) × 10,000`), for display and events.
pub fn annualised_sigma_bps(variance_per_year: I80F48) -> u64 {
    let sigma = checked_sqrt(variance_per_year.max(I80F48::ZERO)).unwrap_or(I80F48::ZERO);
    sigma
        .checked_mul(I80F48::from_num(10_000))
        .and_then(|bps| bps.round().checked_to_num())
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f(x: I80F48) -> f64 {
        x.to_num()
    }

    #[test]
    fn a_gap_of_two_half_lives_keeps_a_quarter() {
        let variance = I80F48::from_num(0.36);
        let updated = ewma_variance_update(variance, I80F48::ZERO, 7_200, 3_600).unwrap();
        assert!((f(updated) - 0.09).abs() < 1e-12);
    }

    #[test]
    fn a_zero_gap_changes_nothing() {
        let variance = I80F48::from_num(0.5);
        assert_eq!(
            ewma_variance_update(variance, I80F48::from_num(0.1), 0, 60).unwrap(),
            variance
        );
    }

    #[test]
    fn a_constant_return_rate_converges_to_its_variance() {
        // 1 % every day for long enough: variance → 0.01² × 365.
        let mut variance = I80F48::ZERO;
        let r = ln(I80F48::from_num(1.01)).unwrap();
        for _ in 0..200 {
            variance = ewma_variance_update(variance, r, 86_400, 7 * 86_400).unwrap();
        }
        let expected = f(r) * f(r) * 365.0;
        assert!((f(variance) - expected).abs() < 1e-9 * expected.max(1.0));
        assert_eq!(annualised_sigma_bps(I80F48::from_num(0.36)), 6_000);
    }

    #[test]
    fn effective_variance_is_the_larger() {
        let (a, b) = (I80F48::from_num(0.1), I80F48::from_num(0.2));
        assert_eq!(effective_variance(a, b), b);
        assert_eq!(effective_variance(b, a), b);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn ewma_step_matches_f64(
            variance in 0.0f64..100.0,
            ratio in 0.5f64..2.0,
            dt in 1u64..30 * 86_400,
            half_life in 60u64..365 * 86_400,
        ) {
            let r = log_return(I80F48::from_num(ratio), I80F48::ONE).unwrap();
            let got = f(ewma_variance_update(I80F48::from_num(variance), r, dt, half_life).unwrap());
            let d = (-(dt as f64) / half_life as f64).exp2();
            let rf = ratio.ln();
            let expected = variance * d + rf * rf * (SECONDS_PER_YEAR as f64 / dt as f64) * (1.0 - d);
            prop_assert!((got - expected).abs() <= 1e-9 * expected.max(1.0), "{got} vs {expected}");
        }
    }
}
