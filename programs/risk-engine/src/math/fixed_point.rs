//! `ln`, `exp2`, and fast exact division and square root on `I80F48`.
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
    let y = div(m - I80F48::ONE, m + I80F48::ONE);
    let y_squared = y * y;
    let mut power = y;
    let mut series = I80F48::ZERO;
    // y^(2n+1) / (2n+1) < 3^-(2n+1): 17 terms reach below 2^-48.
    for n in 0..17i32 {
        series += div_by_whole(power, 2 * n.unsigned_abs() + 1);
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
        term = div_by_whole(term * t, k.unsigned_abs());
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

/// `x / divisor`: the bits dividing by the same whole number as `I80F48`
/// gives (rounded toward zero), at a fraction of the cost; one 64-bit
/// division when `x` is non-negative and below 2^16, as series terms are.
#[inline]
fn div_by_whole(x: I80F48, divisor: u32) -> I80F48 {
    match u64::try_from(x.to_bits()) {
        Ok(bits) => I80F48::from_bits(i128::from(bits / u64::from(divisor))),
        Err(_) => x / i128::from(divisor),
    }
}

/// Below this magnitude of its bits, a dividend shifted by the 48
/// fraction bits still fits `i128`.
const NATIVE_DIVIDEND_LIMIT: u128 = 1 << 79;
/// Below this value of its bits, a radicand shifted by 48 fits `u128`.
const NATIVE_RADICAND_LIMIT: i128 = 1 << 80;

/// `a / b` in one native 128-bit division when `a` leaves room for the
/// shift, which holds for every amount and price this program handles;
/// `None` otherwise (and for a zero divisor).
#[inline]
fn native_quotient(a: I80F48, b: I80F48) -> Option<I80F48> {
    let (a, b) = (a.to_bits(), b.to_bits());
    if b == 0 || a.unsigned_abs() >= NATIVE_DIVIDEND_LIMIT {
        return None;
    }
    Some(I80F48::from_bits((a << 48) / b))
}

/// `a / b` with exactly the bits of `I80F48`'s own division (rounded
/// toward zero; a zero divisor panics), which divides in 256 bits: here one
/// 128-bit division does it whenever the dividend allows. Like the crate's
/// `/`, an overflow wraps in release builds, so it serves only operands
/// bounded by construction (the VaR target, `ln`); everything else on an
/// instruction path divides with `checked_div`.
#[inline]
pub fn div(a: I80F48, b: I80F48) -> I80F48 {
    native_quotient(a, b).unwrap_or_else(|| a / b)
}

/// `a.checked_div(b)`, bit for bit, as fast as `div`.
#[inline]
pub fn checked_div(a: I80F48, b: I80F48) -> Option<I80F48> {
    native_quotient(a, b).or_else(|| a.checked_div(b))
}

/// `x.checked_sqrt()`, bit for bit (rounded down; `None` below zero): for
/// `x` below 2^32 an integer Newton iteration on the bits, some times
/// faster than the crate's digit-by-digit method.
pub fn checked_sqrt(x: I80F48) -> Option<I80F48> {
    let bits = x.to_bits();
    if bits < 0 {
        return None;
    }
    if bits >= NATIVE_RADICAND_LIMIT {
        return x.checked_sqrt();
    }
    // sqrt(bits × 2^-48) × 2^48 = sqrt(bits × 2^48).
    let root = integer_sqrt((bits as u128) << 48);
    Some(I80F48::from_bits(root as i128))
}

/// `floor(sqrt(n))`: Newton's iteration from above, which falls
/// monotonically onto the floor.
fn integer_sqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let bits = 128 - n.leading_zeros();
    // 2^ceil(bits / 2) squared is at least 2^bits > n.
    let mut root = 1u128 << bits.div_ceil(2);
    loop {
        let next = (root + n / root) >> 1;
        if next >= root {
            return root;
        }
        root = next;
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

    /// The formulas as first written, with the crate's division: the fast
    /// versions must give the same bits.
    fn ln_reference(x: I80F48) -> I80F48 {
        let k = x.int_log2();
        let m = if k >= 0 {
            x >> k.unsigned_abs()
        } else {
            x << k.unsigned_abs()
        };
        let y = (m - I80F48::ONE) / (m + I80F48::ONE);
        let (y_squared, mut power, mut series) = (y * y, y, I80F48::ZERO);
        for n in 0..17i32 {
            series += power / I80F48::from_num(2 * n + 1);
            power *= y_squared;
        }
        LN_2 * I80F48::from_num(k) + series * 2
    }

    fn exp2_reference(x: I80F48) -> I80F48 {
        let whole = x.floor();
        let n: i32 = whole.to_num();
        let t = (x - whole) * LN_2;
        let (mut term, mut sum) = (I80F48::ONE, I80F48::ONE);
        for k in 1..22i32 {
            term = term * t / I80F48::from_num(k);
            sum += term;
        }
        if n >= 0 {
            sum << n.unsigned_abs()
        } else {
            sum >> n.unsigned_abs()
        }
    }

    #[test]
    fn division_and_square_root_at_their_edges() {
        let big = I80F48::from_bits(i128::MAX);
        let edge = I80F48::from_bits(NATIVE_DIVIDEND_LIMIT as i128);
        for (a, b) in [
            (big, I80F48::from_num(3)),
            (edge, I80F48::DELTA),
            (edge - I80F48::DELTA, I80F48::from_num(-7)),
            (-edge, I80F48::from_num(0.5)),
            (I80F48::from_num(-1), I80F48::from_num(3)),
            (I80F48::ZERO, I80F48::from_num(5)),
        ] {
            assert_eq!(checked_div(a, b), a.checked_div(b), "{a} / {b}");
        }
        assert_eq!(checked_div(I80F48::ONE, I80F48::ZERO), None);
        let radicand_edge = I80F48::from_bits(NATIVE_RADICAND_LIMIT);
        for x in [
            I80F48::ZERO,
            I80F48::DELTA,
            I80F48::ONE,
            I80F48::from_num(2),
            radicand_edge - I80F48::DELTA,
            radicand_edge,
            big,
        ] {
            assert_eq!(checked_sqrt(x), x.checked_sqrt(), "sqrt {x}");
        }
        assert_eq!(checked_sqrt(-I80F48::DELTA), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn division_gives_the_crates_bits(
            a in any::<i128>(),
            shift in 0u32..127,
            b in any::<i128>(),
            b_shift in 0u32..127,
        ) {
            // Dividends and divisors of every magnitude, both signs.
            let (a, b) = (I80F48::from_bits(a >> shift), I80F48::from_bits(b >> b_shift));
            prop_assert_eq!(checked_div(a, b), a.checked_div(b));
            if let Some(quotient) = a.checked_div(b) {
                prop_assert_eq!(div(a, b), quotient);
            }
        }

        #[test]
        fn dividing_by_a_whole_number_gives_the_bits_of_dividing_by_it_as_fixed(
            a in any::<i128>(),
            shift in 0u32..127,
            k in 1i128..1_000_000_000_000_000_000,
        ) {
            let a = I80F48::from_bits(a >> shift);
            prop_assert_eq!(Some(a / k), a.checked_div(I80F48::from_num(k)));
        }

        #[test]
        fn square_root_gives_the_crates_bits(bits in 0i128..=i128::MAX, shift in 0u32..127) {
            let x = I80F48::from_bits(bits >> shift);
            prop_assert_eq!(checked_sqrt(x), x.checked_sqrt());
        }

        #[test]
        fn ln_and_exp2_give_the_bits_of_their_first_formulas(
            bits in 1i128..=i128::MAX,
            shift in 0u32..127,
            x in -49.0f64..78.0,
        ) {
            let positive = I80F48::from_bits((bits >> shift).max(1));
            prop_assert_eq!(ln(positive).unwrap(), ln_reference(positive));
            let x = I80F48::from_num(x);
            prop_assert_eq!(exp2(x).unwrap(), exp2_reference(x));
        }

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
