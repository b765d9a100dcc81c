use anchor_lang::prelude::*;

use super::govern_reserve::*;
use crate::events::InterestModelUpdated;
use crate::state::InterestModel;

/// Replaces the borrow-rate curve, reserve factor and caps. Caps below the
/// current totals are allowed: they stop new supply or borrows, they never
/// force anyone out.
pub fn set_interest_model(ctx: Context<GovernReserve>, model: InterestModel) -> Result<()> {
    model.validate()?;
    let event = {
        let mut reserve = ctx.accounts.reserve.load_mut()?;
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
