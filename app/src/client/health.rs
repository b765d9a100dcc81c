//! A position's health and borrowing room, computed the way the program
//! computes them: the program's own functions, run on copies of the
//! accounts, with interest accrued to the moment asked about. Front ends
//! and bots show these; the TypeScript client's `health` module must give
//! the same numbers (its tests compare them with these).

use anchor_lang::prelude::Result;
use fixed::types::I80F48;
use risk_engine::calibration::{following_pauses, position_max_ltv_bps, position_threshold_bps};
use risk_engine::lending;
use risk_engine::liquidation::position_sides;
use risk_engine::math::health::token_value;
use risk_engine::math::liquidation::{health_factor, is_liquidatable};
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::{Market, Position, Reserve};

/// What a position looks like to the program at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionHealth {
    /// Debt with interest accrued to the moment, base units of the debt
    /// mint, rounded up as the program rounds it.
    pub debt_owed: u64,
    /// The threshold liquidation uses for this position (declining once the
    /// calibration is stale, lowered for the position's size), bps.
    pub threshold_bps: u16,
    /// The most a borrow or a withdrawal may leave: threshold minus the
    /// LTV buffer, bps.
    pub max_ltv_bps: u16,
    /// `collateral × P_c × LT / (debt × P_d)` at the prices liquidation
    /// values at (spot, or the band's edge when a band is wider than its
    /// reserve allows); `None` with no debt.
    pub health_factor: Option<I80F48>,
    /// Whether `liquidate` would accept the position now.
    pub liquidatable: bool,
    /// The largest `borrow` amount the program accepts now, base units of
    /// the debt mint: within max LTV at conservative prices (collateral at
    /// `min(spot, EMA)`, debt at `max(spot, EMA)`), the reserve's liquidity
    /// and its borrow cap; 0 when even that would leave the position's debt
    /// under the debt reserve's minimum borrow value.
    pub max_borrow: u64,
}

/// The position's health at `now` from its accounts (the collateral
/// reserve's `market` gives the refresh-pause clock the threshold in use
/// follows) and both prices as the oracle adapter accepted them.
pub fn position_health(
    position: &Position,
    collateral: &Reserve,
    collateral_price: &OraclePrice,
    debt: &Reserve,
    debt_price: &OraclePrice,
    market: &Market,
    now: i64,
) -> Result<PositionHealth> {
    let collateral = &following_pauses(collateral, market, now);
    let mut debt = *debt;
    lending::accrue_interest(&mut debt, now)?;
    let (collateral_side, debt_side) =
        position_sides(position, collateral, collateral_price, &debt, debt_price)?;
    let threshold_bps = position_threshold_bps(collateral, collateral_side.value()?, now);
    let health = (debt_side.amount > 0)
        .then(|| health_factor(&collateral_side, &debt_side, threshold_bps))
        .transpose()?;
    let liquidatable =
        debt_side.amount > 0 && is_liquidatable(&collateral_side, &debt_side, threshold_bps)?;
    let fits = |amount: u64| {
        borrow_fits(
            position,
            collateral,
            collateral_price,
            &debt,
            debt_price,
            now,
            amount,
        )
    };
    // Each unit more borrowed only adds debt: the accepted amounts are
    // 0..=max, so a binary search finds max.
    let (mut accepted, mut refused) = (0u64, debt.lending.available_liquidity.saturating_add(1));
    while refused - accepted > 1 {
        let middle = accepted + (refused - accepted) / 2;
        if fits(middle) {
            accepted = middle;
        } else {
            refused = middle;
        }
    }
    // The minimum borrow value refuses small amounts, not large ones: the
    // largest that fits the rest is the one to ask it of.
    if accepted > 0 && !meets_min_borrow(position, &debt, debt_price, accepted) {
        accepted = 0;
    }
    Ok(PositionHealth {
        debt_owed: debt_side.amount,
        threshold_bps,
        max_ltv_bps: position_max_ltv_bps(
            collateral,
            token_value(
                position.collateral_amount,
                collateral.mint_decimals,
                collateral_price.price.max(collateral_price.ema_price),
            )?,
            now,
        ),
        health_factor: health,
        liquidatable,
        max_borrow: accepted,
    })
}

/// Whether a position owing its debt plus `amount` meets the debt reserve's
/// minimum borrow value (`lending::require_min_borrow_value`).
fn meets_min_borrow(
    position: &Position,
    accrued_debt: &Reserve,
    debt_price: &OraclePrice,
    amount: u64,
) -> bool {
    let mut debt = *accrued_debt;
    let mut position = *position;
    let Ok(minted) = lending::borrow(&mut debt, amount) else {
        return false;
    };
    position.debt_shares = position.debt_shares.saturating_add(minted);
    lending::require_min_borrow_value(&position, &debt, debt_price).is_ok()
}

/// Whether `borrow(amount)` passes the program's checks, run on copies:
/// the reserve's (liquidity, cap) and the position's max LTV.
fn borrow_fits(
    position: &Position,
    collateral: &Reserve,
    collateral_price: &OraclePrice,
    accrued_debt: &Reserve,
    debt_price: &OraclePrice,
    now: i64,
    amount: u64,
) -> bool {
    let mut debt = *accrued_debt;
    let mut position = *position;
    let Ok(minted) = lending::borrow(&mut debt, amount) else {
        return false;
    };
    let Some(shares) = position.debt_shares.checked_add(minted) else {
        return false;
    };
    position.debt_shares = shares;
    lending::require_within_max_ltv(
        &position,
        collateral,
        collateral_price,
        &debt,
        debt_price,
        now,
    )
    .is_ok()
}
