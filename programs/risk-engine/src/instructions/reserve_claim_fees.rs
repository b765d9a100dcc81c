use anchor_lang::prelude::*;

use super::reserve_tokens::*;
use crate::error::RiskError;
use crate::events::ProtocolFeesClaimed;
use crate::lending;
use crate::state::Market;

#[event_cpi]
#[derive(Accounts)]
pub struct ClaimProtocolFees<'info> {
    #[account(
        constraint = fees.reserve.load()?.market == market.key() @ RiskError::WrongMarket,
        constraint = fees.user_token_account.owner == market.load()?.treasury @ RiskError::WrongTreasury,
        constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub market: AccountLoader<'info, Market>,
    /// The reserve, its vault and a token account of the market's treasury.
    pub fees: ReserveTokens<'info>,
}

impl ClaimProtocolFees<'_> {
    /// Permissionless: sends the reserve's accrued protocol fees to a token
    /// account of the market's treasury, the only place they can go.
    pub fn handler(ctx: Context<ClaimProtocolFees>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let amount = {
            let mut reserve = ctx.accounts.fees.reserve.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let amount = lending::claim_protocol_fees(&mut reserve)?;
            reserve.invariant()?;
            amount
        };
        ctx.accounts.fees.out_of_vault(amount)?;
        emit_cpi!(ProtocolFeesClaimed {
            reserve: ctx.accounts.fees.reserve.key(),
            treasury_token_account: ctx.accounts.fees.user_token_account.key(),
            amount,
        });
        Ok(())
    }
}
