//! Liquidation math: health, close factor, seized collateral and the split
//! of the bonus. Amounts are base units; prices are quote units per whole
//! token (spot prices that passed the oracle adapter).

use fixed::types::I80F48;

use super::fixed_point::checked_div;
use super::health::token_value;
use super::{MathError, MathResult};

const BPS: u64 = 10_000;

/// One side of a position: amount, its mint's decimals and its price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    pub amount: u64,
    pub decimals: u8,
    pub price: I80F48,
}

impl Side {
    pub fn value(&self) -> MathResult<I80F48> {
        token_value(self.amount, self.decimals, self.price)
    }
}

/// `HF = collateral_value × LT / debt_value`; no debt is infinitely healthy.
pub fn health_factor(collateral: &Side, debt: &Side, threshold_bps: u16) -> MathResult<I80F48> {
    let debt_value = debt.value()?;
    if debt_value <= 0 {
        return Ok(I80F48::MAX);
    }
    let weighted = collateral
        .value()?
        .checked_mul(I80F48::from_num(threshold_bps))
        .ok_or(MathError::Overflow)?
        / i128::from(BPS);
    checked_div(weighted, debt_value).ok_or(MathError::Overflow)
}

/// `HF < 1`, decided exactly: `debt_value × 10,000 > collateral_value × LT`.
pub fn is_liquidatable(collateral: &Side, debt: &Side, threshold_bps: u16) -> MathResult<bool> {
    let limit = collateral
        .value()?
        .checked_mul(I80F48::from_num(threshold_bps))
        .ok_or(MathError::Overflow)?;
    let used = debt
        .value()?
        .checked_mul(I80F48::from_num(BPS))
        .ok_or(MathError::Overflow)?;
    Ok(used > limit)
}

/// Market rules for one liquidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseRules {
    pub close_factor_bps: u16,
    /// Health (bps of 1.0) at or under which the whole debt may be repaid.
    pub full_liquidation_health_bps: u16,
    /// Below this value (quote units × 10^-6) a side counts as dust.
    pub dust_value_quote_e6: u64,
    pub bonus_bps: u16,
}

impl CloseRules {
    /// The dust value in quote units.
    pub fn dust_value(&self) -> I80F48 {
        I80F48::from_num(self.dust_value_quote_e6) / 1_000_000i128
    }
}

/// Most debt (base units) one liquidation may repay: the close factor while
/// health is above the full-liquidation level and the largest partial
/// liquidation would leave more than dust on both sides; otherwise all of it.
///
/// The full-liquidation level is governance's `full_liquidation_health`,
/// raised to `LT × (1 + bonus)` when that is higher: below it, repaying `R`
/// and seizing `R × (1 + b)` leaves `HF' = (C - R(1+b)) LT / (D - R)`, which
/// is below `HF = C × LT / D` exactly when `C < D (1 + b)`, i.e. when
/// `HF < LT (1 + b)`. A partial liquidation there only makes the position
/// sicker (the toxic spiral), so the whole debt may go at once.
pub fn max_repay(
    collateral: &Side,
    debt: &Side,
    threshold_bps: u16,
    rules: &CloseRules,
) -> MathResult<u64> {
    let health = health_factor(collateral, debt, threshold_bps)?;
    if health <= full_liquidation_level(threshold_bps, rules) {
        return Ok(debt.amount);
    }
    let close_factor = I80F48::from_num(rules.close_factor_bps) / i128::from(BPS);
    let debt_value = debt.value()?;
    let repaid_value = debt_value
        .checked_mul(close_factor)
        .ok_or(MathError::Overflow)?;
    let debt_left = debt_value - repaid_value;
    let seized_value = repaid_value
        .checked_mul(bonus_multiplier(rules.bonus_bps))
        .ok_or(MathError::Overflow)?;
    let collateral_left = collateral
        .value()?
        .checked_sub(seized_value)
        .ok_or(MathError::Overflow)?;
    let dust = rules.dust_value();
    if debt_left < dust || collateral_left < dust {
        return Ok(debt.amount);
    }
    let capped = u128::from(debt.amount) * u128::from(rules.close_factor_bps) / u128::from(BPS);
    Ok(capped as u64)
}

/// Health at or under which the whole debt may be repaid:
/// `max(full_liquidation_health, LT × (1 + bonus))` (see `max_repay`).
pub fn full_liquidation_level(threshold_bps: u16, rules: &CloseRules) -> I80F48 {
    let governed = I80F48::from_num(rules.full_liquidation_health_bps) / i128::from(BPS);
    let spiral = I80F48::from_num(u64::from(threshold_bps) * (BPS + u64::from(rules.bonus_bps)))
        / i128::from(BPS * BPS);
    governed.max(spiral)
}

fn bonus_multiplier(bonus_bps: u16) -> I80F48 {
    I80F48::from_num(BPS + u64::from(bonus_bps)) / i128::from(BPS)
}

/// Collateral (base units) seized for repaying `repay` base units of debt:
/// `repay × P_d / P_c × (1 + bonus)`, rounded down.
pub fn seize_for_repay(
    repay: u64,
    debt: &Side,
    collateral: &Side,
    bonus_bps: u16,
) -> MathResult<u64> {
    let seized = convert(
        repay,
        [debt.price, I80F48::from_num(BPS + u64::from(bonus_bps))],
        collateral.decimals,
        [collateral.price, I80F48::from_num(BPS)],
        debt.decimals,
    )?;
    seized.floor().checked_to_num().ok_or(MathError::Overflow)
}

/// Debt (base units) that buys `seize` base units of collateral with the
/// bonus: the inverse of `seize_for_repay`, rounded up.
pub fn repay_for_seize(
    seize: u64,
    debt: &Side,
    collateral: &Side,
    bonus_bps: u16,
) -> MathResult<u64> {
    let repay = convert(
        seize,
        [collateral.price, I80F48::from_num(BPS)],
        debt.decimals,
        [debt.price, I80F48::from_num(BPS + u64::from(bonus_bps))],
        collateral.decimals,
    )?;
    repay.ceil().checked_to_num().ok_or(MathError::Overflow)
}

/// `amount × Π up × 10^up_decimals / (Π down × 10^down_decimals)`.
/// Multiplying everything first keeps round prices exact (the worked checks
/// come out to the unit); amounts too large for that take the order that
/// divides as it goes, exact to about 1e-14 relative.
fn convert(
    amount: u64,
    up: [I80F48; 2],
    up_decimals: u8,
    down: [I80F48; 2],
    down_decimals: u8,
) -> MathResult<I80F48> {
    let amount = I80F48::from_num(amount);
    let up_scale = pow10(up_decimals).ok_or(MathError::Overflow)?;
    let down_scale = pow10(down_decimals).ok_or(MathError::Overflow)?;
    let exact = amount
        .checked_mul(up[0])
        .and_then(|v| v.checked_mul(up[1]))
        .and_then(|v| v.checked_mul(up_scale))
        .and_then(|numerator| {
            let denominator = down[0].checked_mul(down[1])?.checked_mul(down_scale)?;
            checked_div(numerator, denominator)
        });
    if let Some(value) = exact {
        return Ok(value);
    }
    checked_div(amount, down_scale)
        .zip(checked_div(up[0], down[0]))
        .and_then(|(v, ratio)| v.checked_mul(ratio))
        .zip(checked_div(up[1], down[1]))
        .and_then(|(v, ratio)| v.checked_mul(ratio))
        .and_then(|v| v.checked_mul(up_scale))
        .ok_or(MathError::Overflow)
}

fn pow10(decimals: u8) -> Option<I80F48> {
    10u64
        .checked_pow(u32::from(decimals))
        .and_then(I80F48::checked_from_num)
}

/// How seized collateral is shared: the bonus part is
/// `seize × bonus / (1 + bonus)`, the protocol takes its share of that
/// (rounded up), the liquidator the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeizeSplit {
    pub to_liquidator: u64,
    pub protocol_fee: u64,
    pub bonus: u64,
}

pub fn split_seized(seize: u64, bonus_bps: u16, protocol_share_bps: u16) -> SeizeSplit {
    let bonus = u128::from(seize) * u128::from(bonus_bps) / u128::from(BPS + u64::from(bonus_bps));
    let protocol_fee = (bonus * u128::from(protocol_share_bps)).div_ceil(u128::from(BPS));
    SeizeSplit {
        to_liquidator: seize - protocol_fee as u64,
        protocol_fee: protocol_fee as u64,
        bonus: bonus as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULES: CloseRules = CloseRules {
        close_factor_bps: 5_000,
        full_liquidation_health_bps: 9_500,
        dust_value_quote_e6: 1_000_000,
        bonus_bps: 500,
    };

    fn side(amount: u64, decimals: u8, price: f64) -> Side {
        Side {
            amount,
            decimals,
            price: I80F48::from_num(price),
        }
    }

    /// L2: products past `I80F48` fail as `Overflow`, never wrap.
    #[test]
    fn extreme_values_overflow_cleanly() {
        let whale = side(u64::MAX, 0, 1e12);
        let debt = side(u64::MAX, 0, 1e12);
        assert_eq!(
            max_repay(&whale, &debt, 8_300, &RULES),
            Err(MathError::Overflow)
        );
        // A huge debt price over a tiny collateral price: the exact order
        // overflows, and so does the one that divides as it goes.
        let dear = side(1, 0, 1e15);
        let cheap = Side {
            amount: 1,
            decimals: 18,
            price: I80F48::DELTA,
        };
        assert_eq!(
            seize_for_repay(u64::MAX, &dear, &cheap, 500),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn aave_style_worked_check() {
        // 10 WETH at $2,000, 17,000 USDC debt, LT 83 %, bonus 5 %, share 10 %.
        let collateral = side(10_000_000_000, 9, 2_000.0);
        let debt = side(17_000_000_000, 6, 1.0);
        let hf = health_factor(&collateral, &debt, 8_300)
            .unwrap()
            .to_num::<f64>();
        assert!((hf - 0.9765).abs() < 0.0001);
        assert!(is_liquidatable(&collateral, &debt, 8_300).unwrap());
        let repay = max_repay(&collateral, &debt, 8_300, &RULES).unwrap();
        assert_eq!(repay, 8_500_000_000);
        let seize = seize_for_repay(repay, &debt, &collateral, 500).unwrap();
        assert_eq!(seize, 4_462_500_000);
        let split = split_seized(seize, 500, 1_000);
        assert_eq!(split.protocol_fee, 21_250_000);
        assert_eq!(split.to_liquidator, 4_441_250_000);
        let after = health_factor(
            &side(10_000_000_000 - seize, 9, 2_000.0),
            &side(8_500_000_000, 6, 1.0),
            8_300,
        )
        .unwrap()
        .to_num::<f64>();
        assert!((after - 1.0814).abs() < 0.0001);
        assert_eq!(
            repay_for_seize(seize, &debt, &collateral, 500).unwrap(),
            repay
        );
    }

    #[test]
    fn deep_or_dusty_positions_may_be_closed_in_full() {
        let debt = side(17_000_000_000, 6, 1.0);
        // HF 0.88 < 0.95: everything.
        assert_eq!(
            max_repay(&side(9_000_000_000, 9, 2_000.0), &debt, 8_300, &RULES).unwrap(),
            debt.amount
        );
        // $1.50 of debt: half would leave $0.75, under the $1 dust.
        let small_debt = side(1_500_000, 6, 1.0);
        let small_collateral = side(1_000_000, 9, 1_760.0);
        assert_eq!(
            max_repay(&small_collateral, &small_debt, 8_300, &RULES).unwrap(),
            small_debt.amount
        );
    }

    /// The toxic-spiral guard: LT 90 %, bonus 10 %, so below HF 0.99 a
    /// partial liquidation lowers health. At HF 0.97 (above governance's
    /// 0.95) the whole debt may go; the close factor returns above 0.99.
    #[test]
    fn below_lt_times_one_plus_bonus_the_whole_debt_may_go() {
        let rules = CloseRules {
            bonus_bps: 1_000,
            ..RULES
        };
        let level = full_liquidation_level(9_000, &rules).to_num::<f64>();
        assert!((level - 0.99).abs() < 1e-12, "level {level}");
        let debt = side(10_000_000_000, 6, 1.0);
        // $10,000 of debt; HF = C × 0.9 / 10,000.
        let at_health = |hf: f64| side(1_000_000_000, 9, hf * 10_000.0 / 0.9);
        assert_eq!(
            max_repay(&at_health(0.97), &debt, 9_000, &rules).unwrap(),
            debt.amount
        );
        assert_eq!(
            max_repay(&at_health(0.995), &debt, 9_000, &rules).unwrap(),
            debt.amount / 2
        );
        // Where governance's level is the higher, it still rules.
        assert_eq!(
            full_liquidation_level(8_300, &RULES),
            I80F48::from_num(9_500) / 10_000i128
        );
    }

    proptest! {
        /// Whatever the rules, a liquidation the close factor limits (not a
        /// full one) never lowers the position's health.
        #[test]
        fn a_partial_liquidation_never_lowers_health(
            collateral_amount in 1_000_000u64..1_000_000_000_000,
            collateral_price in 0.01f64..10_000.0,
            health in 0.3f64..1.0,
            threshold_bps in 5_000u16..9_500,
            bonus_share in 0.0f64..1.0,
            full_health_bps in 1u16..10_000,
        ) {
            // Any bonus that fits the threshold: LT × (1 + b) <= 1.
            let max_bonus = 100_000_000 / u64::from(threshold_bps) - 10_000;
            let bonus_bps = ((max_bonus.min(1_500) as f64) * bonus_share) as u16;
            let rules = CloseRules {
                close_factor_bps: 5_000,
                full_liquidation_health_bps: full_health_bps,
                dust_value_quote_e6: 1_000_000,
                bonus_bps,
            };
            let collateral = side(collateral_amount, 9, collateral_price);
            let collateral_value = collateral.value().unwrap().to_num::<f64>();
            let debt_value = collateral_value * f64::from(threshold_bps) / 1e4 / health;
            let debt = side((debt_value * 1e6) as u64, 6, 1.0);
            let repay = max_repay(&collateral, &debt, threshold_bps, &rules).unwrap();
            if repay == debt.amount {
                // A full liquidation: nothing is left to be sicker.
                return Ok(());
            }
            let seize = seize_for_repay(repay, &debt, &collateral, bonus_bps).unwrap();
            prop_assert!(seize < collateral_amount);
            let before = health_factor(&collateral, &debt, threshold_bps).unwrap();
            let after = health_factor(
                &side(collateral_amount - seize, 9, collateral_price),
                &side(debt.amount - repay, 6, 1.0),
                threshold_bps,
            ).unwrap();
            prop_assert!(after >= before - I80F48::from_num(1e-9), "HF {before} -> {after}");
        }

        #[test]
        fn a_solvent_liquidation_never_lowers_health_nor_overpays(
            collateral_amount in 1_000_000u64..1_000_000_000_000,
            collateral_price in 0.01f64..10_000.0,
            ltv in 0.5f64..0.99,
            threshold_bps in 5_000u16..9_000,
            bonus_bps in 0u16..1_000,
            repay_share in 0.01f64..1.0,
        ) {
            let collateral = side(collateral_amount, 9, collateral_price);
            let collateral_value = collateral.value().unwrap().to_num::<f64>();
            // Solvent: debt below the collateral's value net of the bonus.
            let debt_amount = (collateral_value * ltv / (1.0 + bonus_bps as f64 / 1e4) * 1e6) as u64;
            prop_assume!(debt_amount > 0);
            let debt = side(debt_amount, 6, 1.0);
            prop_assume!(u64::from(threshold_bps) * (10_000 + u64::from(bonus_bps)) <= 100_000_000);
            let repay = ((debt_amount as f64 * repay_share) as u64).max(1);
            let seize = seize_for_repay(repay, &debt, &collateral, bonus_bps).unwrap();
            prop_assume!(seize <= collateral_amount);
            let before = health_factor(&collateral, &debt, threshold_bps).unwrap();
            let after = health_factor(
                &side(collateral_amount - seize, 9, collateral_price),
                &side(debt_amount - repay, 6, 1.0),
                threshold_bps,
            ).unwrap();
            prop_assert!(after >= before - I80F48::from_num(1e-9), "HF {before} -> {after}");
            // Never more than the promised bonus: seize value <= repay value × (1 + b).
            let seized_value = seize as f64 / 1e9 * collateral_price;
            let promised = repay as f64 / 1e6 * (1.0 + bonus_bps as f64 / 1e4);
            prop_assert!(seized_value <= promised * (1.0 + 1e-12), "{seized_value} > {promised}");
        }
    }
}
