use anchor_lang::prelude::*;

use crate::error::ConsumerError;
use crate::quote::{fresh_quote, ThresholdQuote};
use crate::risk_engine::accounts::{Market, Reserve};

#[derive(Accounts)]
pub struct ReadThreshold<'info> {
    /// Owner (the risk engine) and discriminator checked by the loader: a
    /// look-alike account of any other program is refused.
    pub reserve: AccountLoader<'info, Reserve>,
    /// The reserve's market, for its refresh-pause clock.
    #[account(constraint = reserve.load()?.market == market.key() @ ConsumerError::WrongMarket)]
    pub market: AccountLoader<'info, Market>,
}

impl ReadThreshold<'_> {
    /// The quote goes back as return data; the caller must still check that
    /// `quote.market` is a market it trusts, since anyone may create one.
    pub fn handler(ctx: Context<Self>, max_age_secs: u32) -> Result<ThresholdQuote> {
        let reserve = ctx.accounts.reserve.load()?;
        let market = ctx.accounts.market.load()?;
        let now = Clock::get()?.unix_timestamp;
        let quote = fresh_quote(&reserve, &market, now, max_age_secs)?;
        native_return_data(&quote)?;
        Ok(quote)
    }
}

/// Anchor sets the returned value through `solana-cpi`, whose
/// `set_return_data` does nothing off chain; a native host (the test bank)
/// takes it through the syscall stubs instead. On chain this is nothing.
fn native_return_data(quote: &ThresholdQuote) -> Result<()> {
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_set_return_data(&anchor_lang::prelude::borsh::to_vec(quote)?);
    #[cfg(target_os = "solana")]
    let _ = quote;
    Ok(())
}
