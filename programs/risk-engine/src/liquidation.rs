//! What `liquidate` does to a position and its two reserves, apart from
//! loading accounts and moving tokens.

use anchor_lang::prelude::*;
use fixed::types::I80F48;

use crate::calibration::position_threshold_bps;
use crate::error::RiskError;
use crate::lending;
use crate::math::liquidation::{self as math, CloseRules, SeizeSplit, Side};
use crate::math::shares;
use crate::oracle::pyth::OraclePrice;
use crate::state::{LiquidationConfig, Position, Reserve};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiquidationOutcome {
    pub threshold_bps: u16,
    pub health_before: I80F48,
    pub health_after: I80F48,
    /// Debt the liquidator pays, debt base units.
    pub repaid: u64,
    /// Collateral taken from the position, collateral base units.
    pub seized: u64,
    pub split: SeizeSplit,
    /// Debt left without collateral, written off: first against the
    /// protocol's unclaimed fees, the rest against suppliers.
    pub deficit: u64,
    /// The part of `deficit` the protocol's unclaimed fees absorbed.
    pub deficit_absorbed_by_fees: u64,
}

/// A position's two sides as liquidation measures them: its collateral, and
/// its debt with interest (rounded up), at spot prices, or at the band's
/// edges when a band is wider than its reserve allows
/// (`OraclePrice::liquidation_collateral_price`).
pub fn position_sides(
    position: &Position,
    collateral: &Reserve,
    collateral_price: &OraclePrice,
    debt: &Reserve,
    debt_price: &OraclePrice,
) -> Result<(Side, Side)> {
    let index: I80F48 = debt.lending.borrow_index.into();
    let collateral_side = Side {
        amount: position.collateral_amount,
        decimals: collateral.mint_decimals,
        price: collateral_price.liquidation_collateral_price(),
    };
    let debt_side = Side {
        amount: shares::debt_owed(position.debt_shares, index)?,
        decimals: debt.mint_decimals,
        price: debt_price.liquidation_debt_price(),
    };
    Ok((collateral_side, debt_side))
}

/// Liquidates up to `max_repay` of a position's debt.
///
/// `HF = C × P_c × LT / (D × P_d)` must be below 1, `LT` the position's
/// threshold (the reserve's, lowered for its size:
/// `calibration::position_threshold_bps`). Repay is capped by the
/// close factor (see `math::liquidation::max_repay`); seized collateral is
/// `repay × P_d / P_c × (1 + bonus)`, capped at the position's collateral
/// (repay then shrinks to match). Debt left with no collateral becomes the
/// debt reserve's deficit: its shares are burned, the protocol's unclaimed
/// fees absorb it first (whole units, as far as they go) and the suppliers'
/// pool value falls by the rest. Fees are junior to suppliers: the treasury
/// is paid only from what the suppliers are not owed.
#[allow(clippy::too_many_arguments)]
pub fn liquidate(
    position: &mut Position,
    collateral: &mut Reserve,
    collateral_price: &OraclePrice,
    debt: &mut Reserve,
    debt_price: &OraclePrice,
    rules: &LiquidationConfig,
    max_repay: u64,
    now: i64,
) -> Result<LiquidationOutcome> {
    require!(max_repay > 0, RiskError::ZeroAmount);
    lending::accrue_interest(collateral, now)?;
    lending::accrue_interest(debt, now)?;
    let index: I80F48 = debt.lending.borrow_index.into();
    let (collateral_side, debt_side) =
        position_sides(position, collateral, collateral_price, debt, debt_price)?;
    let threshold_bps = position_threshold_bps(collateral, collateral_side.value()?, now);
    let owed = debt_side.amount;
    require!(
        owed > 0 && math::is_liquidatable(&collateral_side, &debt_side, threshold_bps)?,
        RiskError::PositionHealthy
    );
    let health_before = math::health_factor(&collateral_side, &debt_side, threshold_bps)?;
    let bonus_bps = collateral.calibrated.liquidation_bonus_bps;
    let close_rules = CloseRules {
        close_factor_bps: rules.close_factor_bps,
        full_liquidation_health_bps: rules.full_liquidation_health_bps,
        dust_value_quote_e6: rules.dust_value_quote_e6,
        bonus_bps,
    };
    let requested = max_repay.min(math::max_repay(
        &collateral_side,
        &debt_side,
        threshold_bps,
        &close_rules,
    )?);

    // Debt retired in whole shares; the liquidator pays what they are worth.
    let (mut shares_burned, mut repaid) =
        retire(position.debt_shares, owed, requested, index, false)?;
    let mut seized = math::seize_for_repay(repaid, &debt_side, &collateral_side, bonus_bps)?;
    if seized >= position.collateral_amount {
        seized = position.collateral_amount;
        let needed = math::repay_for_seize(seized, &debt_side, &collateral_side, bonus_bps)?;
        (shares_burned, repaid) =
            retire(position.debt_shares, owed, needed.min(repaid), index, true)?;
    }
    require!(shares_burned > 0 && repaid > 0, RiskError::ZeroAmount);

    let shares_left = position.debt_shares - shares_burned;
    let collateral_left = position.collateral_amount - seized;
    let mut deficit = 0;
    if shares_left > 0 && collateral_left == 0 {
        deficit = shares::debt_owed(shares_left, index)?;
    } else if shares_left > 0 {
        let dust = close_rules.dust_value();
        let debt_left = Side {
            amount: shares::debt_owed(shares_left, index)?,
            ..debt_side
        };
        let collateral_left_side = Side {
            amount: collateral_left,
            ..collateral_side
        };
        require!(
            debt_left.value()? >= dust && collateral_left_side.value()? >= dust,
            RiskError::LiquidationLeavesDust
        );
    }

    // Books: the debt reserve gets the repayment and loses every retired
    // share (written-off ones included); the collateral reserve lets go of
    // what was seized.
    let written_off_shares = if deficit > 0 { shares_left } else { 0 };
    let lending_state = &mut debt.lending;
    let debt_shares = lending_state
        .debt_shares
        .checked_sub(shares_burned + written_off_shares)
        .ok_or(RiskError::MathOverflow)?;
    lending_state.set_debt_shares(debt_shares)?;
    lending_state.available_liquidity = lending_state
        .available_liquidity
        .checked_add(repaid)
        .ok_or(RiskError::MathOverflow)?;
    let deficit_absorbed_by_fees = lending::recognise_deficit(debt, deficit)?;
    collateral.lending.total_collateral = collateral
        .lending
        .total_collateral
        .checked_sub(seized)
        .ok_or(RiskError::MathOverflow)?;
    position.collateral_amount = collateral_left;
    position.debt_shares = shares_left - written_off_shares;

    let health_after = math::health_factor(
        &Side {
            amount: collateral_left,
            ..collateral_side
        },
        &Side {
            amount: shares::debt_owed(position.debt_shares, index)?,
            ..debt_side
        },
        threshold_bps,
    )?;
    Ok(LiquidationOutcome {
        threshold_bps,
        health_before,
        health_after,
        repaid,
        seized,
        // Fees come after suppliers: a liquidation that leaves them bad
        // debt pays the treasury no share of its bonus.
        split: math::split_seized(
            seized,
            bonus_bps,
            if deficit > 0 {
                0
            } else {
                rules.protocol_fee_share_bps
            },
        ),
        deficit,
        deficit_absorbed_by_fees,
    })
}

/// What a write-off did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteOffOutcome {
    pub threshold_bps: u16,
    /// Collateral the position still held (less than the dust value), for
    /// the treasury, collateral base units.
    pub collateral_left: u64,
    pub deficit: u64,
    pub deficit_absorbed_by_fees: u64,
}

/// Writes off a position's whole debt when no collateral value is left to
/// liquidate: it must be unhealthy (`PositionHealthy`), owe something
/// (`NothingToWriteOff`), and hold collateral worth less than the dust
/// value, or none (`CollateralLeftToLiquidate`). No liquidator would take
/// such a position (the bonus on dust pays no fee), and unrecognised it
/// would accrue interest whose protocol share could be claimed out of the
/// suppliers' liquidity. Its debt shares are retired, the debt recorded as
/// the debt reserve's deficit (`lending::recognise_deficit`), and its
/// collateral leaves the books for the treasury.
pub fn write_off(
    position: &mut Position,
    collateral: &mut Reserve,
    collateral_price: &OraclePrice,
    debt: &mut Reserve,
    debt_price: &OraclePrice,
    rules: &LiquidationConfig,
    now: i64,
) -> Result<WriteOffOutcome> {
    lending::accrue_interest(collateral, now)?;
    lending::accrue_interest(debt, now)?;
    let (collateral_side, debt_side) =
        position_sides(position, collateral, collateral_price, debt, debt_price)?;
    let threshold_bps = position_threshold_bps(collateral, collateral_side.value()?, now);
    require!(debt_side.amount > 0, RiskError::NothingToWriteOff);
    require!(
        math::is_liquidatable(&collateral_side, &debt_side, threshold_bps)?,
        RiskError::PositionHealthy
    );
    let dust = I80F48::from_num(rules.dust_value_quote_e6) / 1_000_000i128;
    require!(
        collateral_side.amount == 0 || collateral_side.value()? < dust,
        RiskError::CollateralLeftToLiquidate
    );

    let lending_state = &mut debt.lending;
    let debt_shares = lending_state
        .debt_shares
        .checked_sub(position.debt_shares)
        .ok_or(RiskError::MathOverflow)?;
    lending_state.set_debt_shares(debt_shares)?;
    let deficit = debt_side.amount;
    let deficit_absorbed_by_fees = lending::recognise_deficit(debt, deficit)?;
    let collateral_left = position.collateral_amount;
    collateral.lending.total_collateral = collateral
        .lending
        .total_collateral
        .checked_sub(collateral_left)
        .ok_or(RiskError::MathOverflow)?;
    position.collateral_amount = 0;
    position.debt_shares = 0;
    Ok(WriteOffOutcome {
        threshold_bps,
        collateral_left,
        deficit,
        deficit_absorbed_by_fees,
    })
}

/// Shares retired and the debt paid for them when `amount` is offered
/// against a position of `position_shares` owing `owed`. Offering the whole
/// debt retires every share for exactly what is owed; otherwise whole
/// shares are retired, rounded down, or up when `round_up` (the liquidator
/// must cover a fixed amount of seized collateral), and paid at their value
/// rounded up.
fn retire(
    position_shares: u64,
    owed: u64,
    amount: u64,
    index: I80F48,
    round_up: bool,
) -> Result<(u64, u64)> {
    if amount >= owed {
        return Ok((position_shares, owed));
    }
    let burned = if round_up {
        shares::debt_shares_to_mint(amount, index)?
    } else {
        shares::debt_shares_to_burn(amount, index)?
    };
    if burned >= position_shares {
        return Ok((position_shares, owed));
    }
    Ok((burned, shares::debt_owed(burned, index)?))
}
