//! `ln` and `exp2` on `I80F48`.
//!
//! Error bounds, checked against f64 by the property tests below:
//! - `ln(x)`: absolute error at most 1e-12 for every positive `x`;
//! - `exp2(x)`: error at most `1e-12 × 2^x + 1e-14`, i.e. relative 1e-12
//!   for large results and absolute 1e-14 for tiny ones (I80F48's
//!   resolution is 2^-48 ≈ 3.6e-15).

use fixed::types::I80F48;

use super::{MathError, MathResult};

const LN_2: I80F48 = I80F48::LN_2;

/// Natural logarithm.
///
/// `x = m × 2^k` with `m` in [1, 2), then `ln x = k ln 2 + 2 atanh(y)`
/// with `y = (m - 1) / (m + 1)` in [0, 1/3], whose odd power series
/// converges by a factor 9 per term.
pub fn ln(x: I80F48) -> MathResult<I80F48> {
    if x <= 0 {
        return Err(MathError::Domain);
    }
    let k = x.int_log2();
    let m = if k >= 0 {
        x >> k.unsigned_abs()
    } else {
        x << k.unsigned_abs()
    };
    let y = (m - I80F48::ONE) / (m + I80F48::ONE);
    let y_squared = y * y;
    let mut power = y;
    let mut series = I80F48::ZERO;
    // y^(2n+1) / (2n+1) < 3^-(2n+1): 17 terms reach below 2^-48.
    for n in 0..17i32 {
        series += power / I80F48::from_num(2 * n + 1);
        power *= y_squared;
    }
    Ok(LN_2 * I80F48::from_num(k) + series * 2)
}

/// `2^x`. Results below I80F48's resolution are 0; results above its range
/// are `Overflow`.
pub fn exp2(x: I80F48) -> MathResult<I80F48> {
    let whole = x.floor();
    let fraction = x - whole; // in [0, 1)
    let n: i32 = whole.checked_to_num().ok_or(MathError::Overflow)?;
    if n < -49 {
        return Ok(I80F48::ZERO);
    }
    if n > 78 {
        return Err(MathError::Overflow);
    }
    // 2^f = e^(f ln 2), f ln 2 < 0.7: 22 Taylor terms reach below 2^-48.
    let t = fraction * LN_2;
    let mut term = I80F48::ONE;
    let mut sum = I80F48::ONE;
    for k in 1..22i32 {
        term = term * t / I80F48::from_num(k);
        sum += term;
    }
    if n >= 0 {
        let shifted = sum << n.unsigned_abs();
        // `<<` wraps silently; undo it to detect overflow.
        if shifted >> n.unsigned_abs() != sum {
            return Err(MathError::Overflow);
        }
        Ok(shifted)
    } else {
        Ok(sum >> n.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f(x: I80F48) -> f64 {
        x.to_num()
    }

    #[test]
    fn known_values() {
        assert_eq!(ln(I80F48::ONE).unwrap(), 0);
        assert!((f(ln(I80F48::from_num(2)).unwrap()) - 2f64.ln()).abs() < 1e-14);
        assert_eq!(exp2(I80F48::ZERO).unwrap(), 1);
        assert_eq!(exp2(I80F48::from_num(-2)).unwrap(), I80F48::from_num(0.25));
        assert_eq!(exp2(I80F48::from_num(10)).unwrap(), 1024);
        assert_eq!(ln(I80F48::ZERO), Err(MathError::Domain));
        assert_eq!(ln(I80F48::from_num(-1)), Err(MathError::Domain));
        assert_eq!(exp2(I80F48::from_num(-60)).unwrap(), 0);
        assert_eq!(exp2(I80F48::from_num(80)), Err(MathError::Overflow));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn ln_matches_f64_over_the_whole_range(bits in 1i128..=i128::MAX) {
            let x = I80F48::from_bits(bits);
            let expected = f(x).ln();
            prop_assert!((f(ln(x).unwrap()) - expected).abs() <= 1e-12, "ln({x})");
        }

        #[test]
        fn ln_matches_f64_near_one(x in 0.5f64..2.0) {
            let x = I80F48::from_num(x);
            prop_assert!((f(ln(x).unwrap()) - f(x).ln()).abs() <= 1e-12);
        }

        #[test]
        fn exp2_matches_f64(x in -60.0f64..78.0) {
            let fixed_x = I80F48::from_num(x);
            let expected = f(fixed_x).exp2();
            let got = f(exp2(fixed_x).unwrap());
            prop_assert!((got - expected).abs() <= 1e-12 * expected + 1e-14, "exp2({x})");
        }
    }
}
