use anchor_lang::prelude::*;

use crate::error::RiskError;
use crate::state::Market;

/// Accounts of every market setter that only the authority may call.
#[event_cpi]
#[derive(Accounts)]
pub struct GovernMarket<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ RiskError::NotMarketAuthority, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
}
