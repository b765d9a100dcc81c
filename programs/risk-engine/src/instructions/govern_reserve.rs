use anchor_lang::prelude::*;

use crate::error::RiskError;
use crate::state::{Market, Reserve};

/// Accounts of every reserve setter: the market authority, its market and a
/// reserve of that market.
#[event_cpi]
#[derive(Accounts)]
pub struct GovernReserve<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ RiskError::NotMarketAuthority, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(mut, has_one = market @ RiskError::WrongMarket, constraint = reserve.load()?.is_at(&reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub reserve: AccountLoader<'info, Reserve>,
}
