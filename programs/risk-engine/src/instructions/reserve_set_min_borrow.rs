use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::constants::MAX_MIN_BORROW_VALUE_QUOTE;
use crate::error::RiskError;
use crate::events::MinBorrowValueUpdated;

/// Sets the least a position's debt in this reserve may be worth after a
/// borrow, in whole quote units (0: no minimum). Existing debts are not
/// touched; a smaller one can still be repaid, liquidated or written off.
pub fn set_min_borrow_value(
    ctx: Context<GovernReserve>,
    min_borrow_value_quote: u64,
) -> Result<()> {
    require!(
        min_borrow_value_quote <= MAX_MIN_BORROW_VALUE_QUOTE,
        RiskError::MinBorrowValueOutOfRange
    );
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        let old = reserve.min_borrow_value_quote;
        reserve.min_borrow_value_quote = min_borrow_value_quote;
        reserve.invariant()?;
        MinBorrowValueUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: min_borrow_value_quote,
        }
    };
    emit_cpi!(event);
    Ok(())
}
