//! Lending operations on reserve and position state, apart from loading
//! accounts and moving tokens: interest accrual, supply shares, debt shares,
//! caps and the loan-to-value check. Every amount is in base units.

use anchor_lang::prelude::*;
use fixed::types::I80F48;

use crate::calibration::position_max_ltv_bps;
use crate::error::RiskError;
use crate::math::{health, interest, shares};
use crate::oracle::pyth::OraclePrice;
use crate::state::{LendingState, Position, Reserve};

/// Brings the reserve's borrow index and protocol fees up to `now`:
/// `index ← index × (1 + rate(u) × dt / year)` with the kinked curve at the
/// current utilization, the reserve factor of the interest to the protocol.
/// While suppliers carry a deficit the protocol has not paid back
/// (`Reserve::deficit_uncovered`), the protocol's share goes to them
/// instead, in whole units, until it is paid back: fees are junior to
/// suppliers.
pub fn accrue_interest(reserve: &mut Reserve, now: i64) -> Result<()> {
    let lending = &mut reserve.lending;
    let elapsed = now.saturating_sub(lending.last_accrual_ts);
    if elapsed <= 0 {
        return Ok(());
    }
    let index: I80F48 = lending.borrow_index.into();
    let borrowed = I80F48::from_num(lending.debt_shares)
        .checked_mul(index)
        .ok_or(RiskError::MathOverflow)?;
    let model = &reserve.interest;
    let curve = interest::RateCurve {
        base_rate_bps: model.base_rate_bps,
        slope1_bps: model.slope1_bps,
        slope2_bps: model.slope2_bps,
        kink_utilization_bps: model.kink_utilization_bps,
    };
    let utilization =
        interest::utilization(borrowed, I80F48::from_num(lending.available_liquidity))?;
    let rate = interest::borrow_rate(&curve, utilization)?;
    let accrual = interest::accrue(
        index,
        borrowed,
        rate,
        elapsed.unsigned_abs(),
        model.reserve_factor_bps,
    )?;
    let fees: I80F48 = lending.protocol_fees.into();
    lending.protocol_fees = fees
        .checked_add(accrual.protocol_fee)
        .ok_or(RiskError::MathOverflow)?
        .into();
    lending.borrow_index = accrual.borrow_index.into();
    lending.borrowed_amount = accrual.borrowed.into();
    lending.last_accrual_ts = now;
    let repaid_to_suppliers = absorb_loss_with_fees(lending, reserve.deficit_uncovered)?;
    reserve.deficit_uncovered -= repaid_to_suppliers;
    Ok(())
}

/// What all supply shares are worth: liquidity in the vault plus debt owed,
/// less the protocol's fees.
pub fn supply_pool_value(reserve: &Reserve) -> Result<I80F48> {
    let lending = &reserve.lending;
    let borrowed: I80F48 = lending.borrowed_amount.into();
    let fees: I80F48 = lending.protocol_fees.into();
    let value = I80F48::from_num(lending.available_liquidity)
        .checked_add(borrowed)
        .and_then(|assets| assets.checked_sub(fees))
        .ok_or(RiskError::MathOverflow)?;
    Ok(value.max(I80F48::ZERO))
}

/// Adds `amount` of supplied liquidity; returns the supply shares minted,
/// at least `min_shares_out`.
pub fn supply(reserve: &mut Reserve, amount: u64, min_shares_out: u64) -> Result<u64> {
    require!(amount > 0, RiskError::ZeroAmount);
    let pool_value = supply_pool_value(reserve)?;
    let cap = I80F48::from_num(reserve.interest.supply_cap);
    require!(
        pool_value
            .checked_add(I80F48::from_num(amount))
            .is_some_and(|after| after <= cap),
        RiskError::SupplyCapExceeded
    );
    let lending = &mut reserve.lending;
    let minted = shares::supply_shares_to_mint(amount, lending.supply_shares, pool_value)
        .map_err(|_| RiskError::SupplyPoolWorthless)?;
    require!(minted > 0, RiskError::ZeroAmount);
    require!(minted >= min_shares_out, RiskError::SharesOutBelowMinimum);
    lending.supply_shares = lending
        .supply_shares
        .checked_add(minted)
        .ok_or(RiskError::MathOverflow)?;
    lending.available_liquidity = lending
        .available_liquidity
        .checked_add(amount)
        .ok_or(RiskError::MathOverflow)?;
    Ok(minted)
}

/// Withdraws everything `owned_shares` are worth, as far as liquidity not
/// lent out allows; returns the amount paid and the shares burned. When the
/// liquidity covers it every share is burned, so no share worth less than a
/// unit is left behind (under water a last share can be worth 0), and the
/// position can be closed.
pub fn withdraw_all(reserve: &mut Reserve, owned_shares: u64) -> Result<(u64, u64)> {
    let worth = shares::supply_value(
        owned_shares,
        reserve.lending.supply_shares,
        supply_pool_value(reserve)?,
    )?;
    let available = reserve.lending.available_liquidity;
    if worth > available {
        return Ok((
            available,
            withdraw_supply(reserve, owned_shares, available)?,
        ));
    }
    require!(owned_shares > 0, RiskError::ZeroAmount);
    let lending = &mut reserve.lending;
    lending.supply_shares -= owned_shares;
    lending.available_liquidity -= worth;
    Ok((worth, owned_shares))
}

/// Removes `amount` of liquidity for a supplier holding `owned_shares`;
/// returns the supply shares burned.
pub fn withdraw_supply(reserve: &mut Reserve, owned_shares: u64, amount: u64) -> Result<u64> {
    require!(amount > 0, RiskError::ZeroAmount);
    require!(
        amount <= reserve.lending.available_liquidity,
        RiskError::InsufficientLiquidity
    );
    let pool_value = supply_pool_value(reserve)?;
    let lending = &mut reserve.lending;
    let burned = shares::supply_shares_to_burn(amount, lending.supply_shares, pool_value)
        .map_err(|_| RiskError::SupplyPoolWorthless)?;
    require!(burned <= owned_shares, RiskError::InsufficientSupplyBalance);
    lending.supply_shares -= burned;
    lending.available_liquidity -= amount;
    Ok(burned)
}

/// Lends `amount` out of the reserve; returns the debt shares created.
pub fn borrow(reserve: &mut Reserve, amount: u64) -> Result<u64> {
    require!(amount > 0, RiskError::ZeroAmount);
    require!(
        amount <= reserve.lending.available_liquidity,
        RiskError::InsufficientLiquidity
    );
    let index: I80F48 = reserve.lending.borrow_index.into();
    let minted = shares::debt_shares_to_mint(amount, index)?;
    let debt_shares = reserve
        .lending
        .debt_shares
        .checked_add(minted)
        .ok_or(RiskError::MathOverflow)?;
    let borrowed = I80F48::from_num(debt_shares)
        .checked_mul(index)
        .ok_or(RiskError::MathOverflow)?;
    require!(
        borrowed <= I80F48::from_num(reserve.interest.borrow_cap),
        RiskError::BorrowCapExceeded
    );
    let lending = &mut reserve.lending;
    lending.set_debt_shares(debt_shares)?;
    lending.available_liquidity -= amount;
    Ok(minted)
}

/// A repayment: what is taken from the payer and which shares it retires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repayment {
    pub amount: u64,
    pub shares_burned: u64,
}

/// Repays up to `max_amount` of a position holding `position_shares`.
/// Paying at least what is owed retires every share and takes exactly the
/// debt (rounded up); a partial payment retires whole shares and takes only
/// what they are worth (rounded up), never more than offered.
pub fn repay(reserve: &mut Reserve, position_shares: u64, max_amount: u64) -> Result<Repayment> {
    require!(max_amount > 0, RiskError::ZeroAmount);
    require!(position_shares > 0, RiskError::NothingToRepay);
    let index: I80F48 = reserve.lending.borrow_index.into();
    let owed = shares::debt_owed(position_shares, index)?;
    let repayment = if max_amount >= owed {
        Repayment {
            amount: owed,
            shares_burned: position_shares,
        }
    } else {
        let shares_burned = shares::debt_shares_to_burn(max_amount, index)?;
        require!(shares_burned > 0, RiskError::ZeroAmount);
        Repayment {
            amount: shares::debt_owed(shares_burned, index)?,
            shares_burned,
        }
    };
    let lending = &mut reserve.lending;
    lending.set_debt_shares(lending.debt_shares - repayment.shares_burned)?;
    lending.available_liquidity = lending
        .available_liquidity
        .checked_add(repayment.amount)
        .ok_or(RiskError::MathOverflow)?;
    Ok(repayment)
}

/// The check of every borrow: the position's debt after it is worth at
/// least the debt reserve's `min_borrow_value_quote`, at the conservative
/// debt price. Smaller debts would not pay a liquidator's fee.
pub fn require_min_borrow_value(
    position: &Position,
    debt_reserve: &Reserve,
    debt_price: &OraclePrice,
) -> Result<()> {
    let minimum = debt_reserve.min_borrow_value_quote;
    if minimum == 0 {
        return Ok(());
    }
    let debt = position_debt(debt_reserve, position)?;
    let value = health::token_value(debt, debt_reserve.mint_decimals, debt_price.debt_price())?;
    require!(
        value >= I80F48::from_num(minimum),
        RiskError::BorrowBelowMinimum
    );
    Ok(())
}

/// Debt a position owes now, base units, rounded up.
pub fn position_debt(debt_reserve: &Reserve, position: &Position) -> Result<u64> {
    Ok(shares::debt_owed(
        position.debt_shares,
        debt_reserve.lending.borrow_index.into(),
    )?)
}

/// The check of every borrow and collateral withdrawal, at conservative
/// prices: collateral at `min(spot, ema)`, debt at `max(spot, ema)`, and
/// `debt_value <= collateral_value × max_ltv`, with `max_ltv` taken from the
/// threshold liquidation uses at `now` for a position of this size
/// (`position_max_ltv_bps`): a stale calibration, or a position too large
/// for its market, lowers both alike, so no borrow is liquidatable the
/// moment it is made.
pub fn require_within_max_ltv(
    position: &Position,
    collateral_reserve: &Reserve,
    collateral_price: &OraclePrice,
    debt_reserve: &Reserve,
    debt_price: &OraclePrice,
    now: i64,
) -> Result<()> {
    let debt = position_debt(debt_reserve, position)?;
    if debt == 0 {
        return Ok(());
    }
    let collateral_value = health::token_value(
        position.collateral_amount,
        collateral_reserve.mint_decimals,
        collateral_price.collateral_price(),
    )?;
    let debt_value =
        health::token_value(debt, debt_reserve.mint_decimals, debt_price.debt_price())?;
    // The size is measured at the higher of spot and EMA: never a smaller
    // penalty than liquidation, which measures it at spot, would charge.
    let size = health::token_value(
        position.collateral_amount,
        collateral_reserve.mint_decimals,
        collateral_price.price.max(collateral_price.ema_price),
    )?;
    require!(
        health::within_ltv(
            collateral_value,
            debt_value,
            position_max_ltv_bps(collateral_reserve, size, now)
        )?,
        RiskError::MaxLtvExceeded
    );
    Ok(())
}

/// Records `deficit` base units of debt written off with no collateral
/// behind it: counted in `lending.deficit`, taken from the protocol's
/// unclaimed fees first (whole units, as far as they go), the rest from the
/// suppliers' pool value, which later fees pay back
/// (`Reserve::deficit_uncovered`). Returns the part the fees absorbed.
/// The caller has retired the debt shares.
pub fn recognise_deficit(reserve: &mut Reserve, deficit: u64) -> Result<u64> {
    let lending = &mut reserve.lending;
    lending.deficit = lending
        .deficit
        .checked_add(deficit)
        .ok_or(RiskError::MathOverflow)?;
    let absorbed = absorb_loss_with_fees(lending, deficit)?;
    reserve.deficit_uncovered = reserve
        .deficit_uncovered
        .checked_add(deficit - absorbed)
        .ok_or(RiskError::MathOverflow)?;
    Ok(absorbed)
}

/// Takes a loss of `loss` base units from the protocol's unclaimed fees, in
/// whole units as far as they go; returns the part they absorbed (the
/// suppliers bear the rest).
fn absorb_loss_with_fees(lending: &mut LendingState, loss: u64) -> Result<u64> {
    let fees: I80F48 = lending.protocol_fees.into();
    let whole_fees: u64 = fees
        .floor()
        .checked_to_num()
        .ok_or(RiskError::MathOverflow)?;
    let absorbed = whole_fees.min(loss);
    lending.protocol_fees = (fees - I80F48::from_num(absorbed)).into();
    Ok(absorbed)
}

/// Moves the protocol's accrued fees out of the suppliers' liquidity: the
/// whole units owed, as far as liquidity not lent out allows. The pool's
/// value does not change, since both the fees and the liquidity fall. Fees
/// still owed against a deficit suppliers bore are not the protocol's to
/// claim: accrual has already paid them to the suppliers.
pub fn claim_protocol_fees(reserve: &mut Reserve) -> Result<u64> {
    let fees: I80F48 = reserve.lending.protocol_fees.into();
    let owed: u64 = fees
        .floor()
        .checked_to_num()
        .ok_or(RiskError::MathOverflow)?;
    let amount = owed.min(reserve.lending.available_liquidity);
    require!(amount > 0, RiskError::NothingToClaim);
    reserve.lending.protocol_fees = (fees - I80F48::from_num(amount)).into();
    reserve.lending.available_liquidity -= amount;
    Ok(amount)
}
