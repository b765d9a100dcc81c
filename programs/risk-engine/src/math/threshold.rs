//! Threshold calibration: the VaR target, then bounds and rate limits.

use fixed::types::I80F48;

use super::fixed_point::{checked_sqrt, div};
use super::volatility::SECONDS_PER_YEAR;
use super::{MathError, MathResult};

const BPS: u64 = 10_000;
const SECONDS_PER_HOUR: u64 = 3_600;

/// Price impact of selling `size_quote` into markets that absorb
/// `depth_1pct_quote` at 1 %, by the square-root law of market impact
/// (Tóth et al., Phys. Rev. X 1, 021006, 2011; on Bitcoin, Donier and
/// Bonart, 2015): `1 % × sqrt(size / depth)`, in bps, rounded up (a larger
/// impact is the conservative side) and capped at `max_impact_bps`. No
/// depth means the cap. Exact in integers: the least `s` with
/// `s² × depth >= 10,000 × size`, from the integer square root of the
/// quotient, which is below `cap²` (so under 2^32) once the cap is ruled
/// out, and a 64-bit division where the product fits one: a 128-bit
/// square root and division cost far more, on chain and in replays alike.
pub fn impact_bps(size_quote: u64, depth_1pct_quote: u64, max_impact_bps: u16) -> u16 {
    if depth_1pct_quote == 0 {
        return max_impact_bps;
    }
    let scaled = u128::from(size_quote) * 10_000;
    let depth = u128::from(depth_1pct_quote);
    let quotient = match u64::try_from(scaled) {
        Ok(scaled) => u128::from(scaled / depth_1pct_quote),
        Err(_) => scaled / depth,
    };
    let cap = u32::from(max_impact_bps);
    if quotient >= u128::from(cap * cap) {
        return max_impact_bps;
    }
    // Below cap² <= 65,535², so it fits a u32; its root rounds down.
    let mut impact = (quotient as u32).isqrt();
    while u128::from(impact) * u128::from(impact) * depth < scaled {
        impact += 1;
    }
    impact.min(cap) as u16
}

/// The slippage term of the threshold formula: the impact of the
/// reference liquidation `Q` (`impact_bps`).
pub fn slippage_bps(
    reference_size_quote: u64,
    depth_1pct_quote: u64,
    max_slippage_bps: u16,
) -> u16 {
    impact_bps(reference_size_quote, depth_1pct_quote, max_slippage_bps)
}

/// How much lower a position's threshold is than its reserve's, in bps:
/// the impact its own liquidation would have beyond the reference one the
/// reserve's threshold allows for, times `size_weight_bps`, through the
/// bonus as in the formula (`LT = (1 - delta - s) / (1 + b)`, so `s` more
/// is `s / (1 + b)` less). Rounded up.
pub fn size_penalty_bps(
    position_impact_bps: u16,
    reference_impact_bps: u16,
    size_weight_bps: u16,
    bonus_bps: u16,
) -> u16 {
    let excess = u64::from(position_impact_bps.saturating_sub(reference_impact_bps));
    let weighted = (excess * u64::from(size_weight_bps)).div_ceil(BPS);
    let penalty = (weighted * BPS).div_ceil(BPS + u64::from(bonus_bps));
    // At most the excess, which came from a u16.
    penalty as u16
}

/// `sigma × sqrt(T)`: the standard deviation of the price move over the
/// horizon, with `sigma² × T = variance_per_year × T / year`.
pub fn sigma_over_horizon(variance_per_year: I80F48, horizon_secs: u64) -> MathResult<I80F48> {
    let horizon_years = I80F48::checked_from_num(horizon_secs).ok_or(MathError::Overflow)?
        / i128::from(SECONDS_PER_YEAR);
    let horizon_variance = variance_per_year
        .max(I80F48::ZERO)
        .checked_mul(horizon_years)
        .ok_or(MathError::Overflow)?;
    checked_sqrt(horizon_variance).ok_or(MathError::Domain)
}

/// The quantile `z` from thousandths.
pub fn quantile(quantile_z_milli: u32) -> I80F48 {
    I80F48::from_num(quantile_z_milli) / 1_000i128
}

/// The VaR price move over the horizon: `delta = z × sigma × sqrt(T)`.
pub fn var_move(
    variance_per_year: I80F48,
    horizon_secs: u64,
    quantile_z_milli: u32,
) -> MathResult<I80F48> {
    sigma_over_horizon(variance_per_year, horizon_secs)?
        .checked_mul(quantile(quantile_z_milli))
        .ok_or(MathError::Overflow)
}

/// Target threshold `LT* = (1 - delta - s) / (1 + b)` in bps, rounded down
/// (a lower threshold is the conservative side), and never below 0.
pub fn target_threshold_bps(
    variance_per_year: I80F48,
    horizon_secs: u64,
    quantile_z_milli: u32,
    bonus_bps: u16,
    slippage_bps: u16,
) -> MathResult<u16> {
    let delta = var_move(variance_per_year, horizon_secs, quantile_z_milli)?;
    Ok(threshold_for_move(delta, bonus_bps, slippage_bps))
}

/// `LT* = (1 - delta - s) / (1 + b)` in bps for a given VaR move `delta`,
/// rounded down, never below 0.
pub fn threshold_for_move(delta: I80F48, bonus_bps: u16, slippage_bps: u16) -> u16 {
    let bps = I80F48::from_num(BPS);
    let room = I80F48::ONE - delta - I80F48::from_num(slippage_bps) / i128::from(BPS);
    if room <= 0 {
        return 0;
    }
    let target = div(
        room * bps,
        I80F48::ONE + I80F48::from_num(bonus_bps) / i128::from(BPS),
    );
    // room <= 1, so the target is at most 10,000 bps and fits u16.
    target.floor().to_num::<u16>()
}

/// Rate limits of the threshold, in bps per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThresholdLimits {
    pub lt_min_bps: u16,
    pub lt_max_bps: u16,
    pub max_tighten_bps_per_hour: u16,
    pub max_loosen_bps_per_hour: u16,
    /// Most elapsed time one move's loosening counts, in seconds: a long
    /// gap since the rate limit started stores up no more than this.
    pub max_loosen_elapsed_secs: u64,
}

/// Moves `current` toward `target` (clamped to the bounds) by at most the
/// rate limit times the elapsed time, each rounded down so a move never
/// exceeds its limit. A `current` outside the bounds is brought inside.
#[inline]
pub fn rate_limited_threshold_bps(
    current_bps: u16,
    target_bps: u16,
    elapsed_secs: u64,
    limits: &ThresholdLimits,
) -> u16 {
    let target = target_bps.clamp(limits.lt_min_bps, limits.lt_max_bps);
    // Saturating in u64: a product past u64::MAX (after 58 million years)
    // still caps at u16::MAX below, and u64 division is cheap on SBF.
    let max_step = |rate_bps_per_hour: u16| -> u16 {
        let step = u64::from(rate_bps_per_hour).saturating_mul(elapsed_secs) / SECONDS_PER_HOUR;
        step.min(u64::from(u16::MAX)) as u16
    };
    let moved = if target < current_bps {
        current_bps
            .saturating_sub(max_step(limits.max_tighten_bps_per_hour))
            .max(target)
    } else {
        let loosen_secs = elapsed_secs.min(limits.max_loosen_elapsed_secs);
        let step = u64::from(limits.max_loosen_bps_per_hour).saturating_mul(loosen_secs)
            / SECONDS_PER_HOUR;
        current_bps
            .saturating_add(step.min(u64::from(u16::MAX)) as u16)
            .min(target)
    };
    moved.clamp(limits.lt_min_bps, limits.lt_max_bps)
}

/// A threshold after one calibration, and when its rate limit counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThresholdMove {
    pub threshold_bps: u16,
    pub rate_limit_anchor_ts: i64,
}

/// One calibration's move of `current_bps` toward `target_bps` at `now`,
/// the rate limit counted from `anchor_ts`: when the threshold moves or
/// sits at its (clamped) target, the limit counts afresh from `now`, so a
/// keeper refreshing every few minutes still moves it at the full rate.
#[inline]
pub fn move_toward_target(
    current_bps: u16,
    anchor_ts: i64,
    target_bps: u16,
    now: i64,
    limits: &ThresholdLimits,
) -> ThresholdMove {
    let clamped = target_bps.clamp(limits.lt_min_bps, limits.lt_max_bps);
    if clamped == current_bps {
        return ThresholdMove {
            threshold_bps: current_bps,
            rate_limit_anchor_ts: now,
        };
    }
    let elapsed_secs = now.saturating_sub(anchor_ts).max(0).unsigned_abs();
    let moved = rate_limited_threshold_bps(current_bps, target_bps, elapsed_secs, limits);
    let anchor_ts = if moved != current_bps || moved == clamped {
        now
    } else {
        anchor_ts
    };
    ThresholdMove {
        threshold_bps: moved,
        rate_limit_anchor_ts: anchor_ts,
    }
}

/// `max_ltv = LT - buffer`, never below 0.
#[inline]
pub fn max_ltv_bps(threshold_bps: u16, ltv_buffer_bps: u16) -> u16 {
    threshold_bps.saturating_sub(ltv_buffer_bps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: ThresholdLimits = ThresholdLimits {
        lt_min_bps: 7_000,
        lt_max_bps: 9_000,
        max_tighten_bps_per_hour: 200,
        max_loosen_bps_per_hour: 50,
        max_loosen_elapsed_secs: 7_200,
    };

    #[test]
    fn design_worked_check() {
        // sigma 60 %/yr, T 1 day, z 2.326, b 5 %, s 0: delta 7.30 %, LT* 88.3 %.
        let variance = I80F48::from_num(0.36);
        let delta = var_move(variance, 86_400, 2_326).unwrap().to_num::<f64>();
        assert!((delta - 0.0730).abs() < 0.0005, "delta {delta}");
        let target = target_threshold_bps(variance, 86_400, 2_326, 500, 0).unwrap();
        assert!((8_825..=8_835).contains(&target), "LT* {target}");
    }

    #[test]
    fn impact_follows_the_square_root_law_rounds_up_and_is_capped() {
        // At the depth: 1 %; a quarter of it: 0.5 %; 100 times: 10 %.
        assert_eq!(impact_bps(1_000_000, 1_000_000, 5_000), 100);
        assert_eq!(impact_bps(250_000, 1_000_000, 5_000), 50);
        assert_eq!(impact_bps(100_000_000, 1_000_000, 5_000), 1_000);
        // sqrt(1/3) × 100 = 57.7: 58.
        assert_eq!(impact_bps(1, 3, 5_000), 58);
        assert_eq!(impact_bps(1_000_000, 10_000_000, 5_000), 32);
        // Capped, and no depth is the cap.
        assert_eq!(impact_bps(1_000_000, 1_000, 500), 500);
        assert_eq!(impact_bps(1_000_000, 0, 300), 300);
        assert_eq!(impact_bps(u64::MAX, 1, 5_000), 5_000);
        assert_eq!(impact_bps(0, 1_000, 5_000), 0);
    }

    #[test]
    fn a_position_larger_than_the_reference_is_penalised_through_the_bonus() {
        // A whale whose sale moves the price 25 % against a reference of
        // 0.5 %, full weight, 5 % bonus: (2,500 - 50) / 1.05 = 2,333.3, so 2,334.
        assert_eq!(size_penalty_bps(2_500, 50, 10_000, 500), 2_334);
        // Half the weight: 1,225 / 1.05 = 1,166.7, so 1,167.
        assert_eq!(size_penalty_bps(2_500, 50, 5_000, 500), 1_167);
        // No larger than the reference, or no weight: nothing.
        assert_eq!(size_penalty_bps(40, 50, 10_000, 500), 0);
        assert_eq!(size_penalty_bps(2_500, 50, 0, 500), 0);
    }

    proptest! {
        #[test]
        fn impact_is_the_least_whole_bps_at_or_above_the_law(
            size in 0u64..u64::MAX / 2,
            depth in 1u64..u64::MAX / 2,
        ) {
            let got = impact_bps(size, depth, 5_000);
            let exact = 100.0 * (size as f64 / depth as f64).sqrt();
            prop_assert!(f64::from(got) >= exact.min(5_000.0) - 1e-6);
            if got < 5_000 {
                prop_assert!(f64::from(got) < exact + 1.0 + 1e-6, "{got} vs {exact}");
            }
        }

        /// What `calibration::size_penalty_bps` relies on to skip both
        /// impacts for a position no larger than the reference.
        #[test]
        fn a_position_no_larger_than_the_reference_has_no_penalty(
            size in 0u64..=u64::MAX,
            larger_by in 0u64..=u64::MAX,
            depth in 0u64..=u64::MAX,
            cap in 0u16..=u16::MAX,
            weight in 0u16..=10_000,
            bonus in 0u16..=5_000,
        ) {
            let reference = size.saturating_add(larger_by);
            let position = impact_bps(size, depth, cap);
            let reference = impact_bps(reference, depth, cap);
            prop_assert!(position <= reference);
            prop_assert_eq!(size_penalty_bps(position, reference, weight, bonus), 0);
        }

        #[test]
        fn impact_is_exactly_the_least_integer_reaching_the_law_or_the_cap(
            size in 0u64..=u64::MAX,
            depth in 1u64..=u64::MAX,
            cap in 0u16..=u16::MAX,
        ) {
            let got = impact_bps(size, depth, cap);
            let (scaled, depth) = (u128::from(size) * 10_000, u128::from(depth));
            let reaches = |impact: u16| u128::from(impact).pow(2) * depth >= scaled;
            prop_assert!(got <= cap);
            if got < cap {
                prop_assert!(reaches(got));
            }
            if got > 0 {
                prop_assert!(!reaches(got - 1));
            }
        }
    }

    #[test]
    fn extreme_volatility_floors_the_target_at_zero() {
        assert_eq!(
            target_threshold_bps(I80F48::from_num(1_000), 86_400, 3_000, 500, 0).unwrap(),
            0
        );
    }

    #[test]
    fn tightening_and_loosening_respect_their_rates() {
        // One hour: down by at most 200, up by at most 50.
        assert_eq!(
            rate_limited_threshold_bps(8_500, 7_000, 3_600, &LIMITS),
            8_300
        );
        assert_eq!(
            rate_limited_threshold_bps(8_000, 9_000, 3_600, &LIMITS),
            8_050
        );
        // Close targets are reached exactly.
        assert_eq!(
            rate_limited_threshold_bps(8_500, 8_450, 3_600, &LIMITS),
            8_450
        );
        // Less than a whole bps of allowance: no move.
        assert_eq!(rate_limited_threshold_bps(8_000, 9_000, 60, &LIMITS), 8_000);
        // Targets outside the bounds are clamped first.
        assert_eq!(
            rate_limited_threshold_bps(7_100, 1_000, 36_000, &LIMITS),
            7_000
        );
        assert_eq!(
            rate_limited_threshold_bps(8_990, 9_900, 36_000, &LIMITS),
            9_000
        );
        // A current value outside new bounds is brought inside at once.
        assert_eq!(rate_limited_threshold_bps(9_500, 9_500, 0, &LIMITS), 9_000);
        assert_eq!(max_ltv_bps(8_000, 500), 7_500);
        assert_eq!(max_ltv_bps(100, 500), 0);
    }

    #[test]
    fn one_move_loosens_over_the_window_at_most_and_tightens_over_all_the_gap() {
        // Thirty days since the rate limit started: loosening counts two
        // hours (100 bps), tightening the whole gap (down to the bound).
        let thirty_days = 30 * 86_400;
        assert_eq!(
            rate_limited_threshold_bps(7_500, 9_000, thirty_days, &LIMITS),
            7_600
        );
        assert_eq!(
            rate_limited_threshold_bps(8_900, 7_000, thirty_days, &LIMITS),
            7_000
        );
        // Within the window nothing changes.
        assert_eq!(
            rate_limited_threshold_bps(7_500, 9_000, 5_400, &LIMITS),
            7_575
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn target_matches_f64(
            sigma in 0.0f64..3.0,
            horizon in 60u64..30 * 86_400,
            z_milli in 500u32..10_000,
            bonus in 0u16..5_000,
            slippage in 0u16..5_000,
        ) {
            let variance = I80F48::from_num(sigma * sigma);
            let got = target_threshold_bps(variance, horizon, z_milli, bonus, slippage).unwrap();
            let delta = z_milli as f64 / 1_000.0 * sigma * (horizon as f64 / SECONDS_PER_YEAR as f64).sqrt();
            let expected = ((1.0 - delta - slippage as f64 / 1e4) / (1.0 + bonus as f64 / 1e4) * 1e4).max(0.0);
            // Rounded down; 1 bps of slack for f64 ties at an integer.
            prop_assert!(f64::from(got) <= expected + 1e-6 && f64::from(got) >= expected.floor() - 1.0,
                "{got} vs {expected}");
        }

        #[test]
        fn rate_limit_never_leaves_bounds_nor_exceeds_rates(
            current in 7_000u16..=9_000,
            target in 0u16..=10_000,
            elapsed in 0u64..100_000,
        ) {
            let next = rate_limited_threshold_bps(current, target, elapsed, &LIMITS);
            prop_assert!((LIMITS.lt_min_bps..=LIMITS.lt_max_bps).contains(&next));
            // Moved bps × 3,600 s/h <= rate × elapsed, in integers.
            if next < current {
                prop_assert!(u64::from(current - next) * 3_600 <= 200 * elapsed);
            } else {
                let counted = elapsed.min(LIMITS.max_loosen_elapsed_secs);
                prop_assert!(u64::from(next - current) * 3_600 <= 50 * counted);
            }
        }
    }
}
