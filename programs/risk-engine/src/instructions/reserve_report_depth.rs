use anchor_lang::prelude::*;

use crate::constants::MAX_REPORTED_DEPTH_QUOTE;
use crate::error::RiskError;
use crate::events::DepthReported;
use crate::state::Reserve;

#[event_cpi]
#[derive(Accounts)]
pub struct ReportDepth<'info> {
    pub reporter: Signer<'info>,
    #[account(
        mut,
        constraint = reserve.load()?.depth_reporter == reporter.key() @ RiskError::NotDepthReporter,
        constraint = reserve.load()?.is_at(&reserve.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
}

impl ReportDepth<'_> {
    pub fn validate(&self, depth_quote: u64) -> Result<()> {
        require!(
            (1..=MAX_REPORTED_DEPTH_QUOTE).contains(&depth_quote),
            RiskError::DepthOutOfRange
        );
        Ok(())
    }

    /// Records the value (whole quote units) that the asset's markets absorb
    /// at 1 % price impact. It feeds the slippage term until it is older than
    /// `depth_max_age_secs`; then the governance minimum counts instead.
    #[access_control(ctx.accounts.validate(depth_quote))]
    pub fn handler(ctx: Context<ReportDepth>, depth_quote: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let event = {
            let mut reserve = ctx.accounts.reserve.load_mut()?;
            let old_depth_quote = reserve.calibrated.reported_depth_quote;
            reserve.calibrated.reported_depth_quote = depth_quote;
            reserve.calibrated.depth_updated_ts = now;
            reserve.invariant()?;
            DepthReported {
                reserve: ctx.accounts.reserve.key(),
                reporter: ctx.accounts.reporter.key(),
                old_depth_quote,
                new_depth_quote: depth_quote,
            }
        };
        emit_cpi!(event);
        Ok(())
    }
}
