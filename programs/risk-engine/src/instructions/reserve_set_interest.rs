use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::events::InterestModelUpdated;
use crate::lending;
use crate::state::InterestModel;

/// Replaces the borrow-rate curve, reserve factor and caps. Caps below the
/// current totals are allowed: they stop new supply or borrows, they never
/// force anyone out. Interest is accrued first, under the old curve and
/// reserve factor: a new rate applies from now on, never backwards over the
/// time since the last accrual. (No other setter changes what accrual
/// reads: it reads only this model, the liquidity and the debt.)
pub fn set_interest_model(ctx: Context<GovernReserve>, model: InterestModel) -> Result<()> {
    model.validate()?;
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
        lending::accrue_interest(&mut reserve, Clock::get()?.unix_timestamp)?;
        let old = reserve.interest;
        reserve.interest = model;
        reserve.invariant()?;
        InterestModelUpdated {
            reserve: ctx.accounts.reserve.key(),
            old,
            new: model,
        }
    };
    emit_cpi!(event);
    Ok(())
}
