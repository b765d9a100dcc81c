use anchor_lang::prelude::*;

use crate::constants::ALL_PAUSE_FLAGS;
use crate::error::RiskError;
use crate::events::PauseFlagsUpdated;
use crate::state::Market;

#[event_cpi]
#[derive(Accounts)]
pub struct SetPause<'info> {
    /// The market authority, or its guardian.
    pub signer: Signer<'info>,
    #[account(mut, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
}

impl SetPause<'_> {
    /// The authority may set any flags; the guardian may only add flags, so
    /// a leaked guardian key can halt the market but never reopen it.
    pub fn validate(&self, pause_flags: u8) -> Result<()> {
        require!(
            pause_flags & !ALL_PAUSE_FLAGS == 0,
            RiskError::UnknownPauseFlags
        );
        let market = self.market.load()?;
        let signer = self.signer.key();
        if signer == market.authority {
            return Ok(());
        }
        require_keys_eq!(signer, market.guardian, RiskError::NotAuthorityOrGuardian);
        require!(
            pause_flags & market.pause_flags == market.pause_flags,
            RiskError::GuardianCannotUnpause
        );
        Ok(())
    }

    /// Replaces the market's pause flags (`PAUSE_*` bits). While
    /// `PAUSE_REFRESH` is set, no reserve's calibration ages: a pause is
    /// governance's decision and must not lower thresholds by itself.
    #[access_control(ctx.accounts.validate(pause_flags))]
    pub fn handler(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
        let event = {
            let mut market = ctx.accounts.market.load_mut()?;
            let old = market.pause_flags;
            market.set_pause_flags(pause_flags, Clock::get()?.unix_timestamp);
            market.invariant()?;
            PauseFlagsUpdated {
                market: ctx.accounts.market.key(),
                signer: ctx.accounts.signer.key(),
                old,
                new: pause_flags,
            }
        };
        emit_cpi!(event);
        Ok(())
    }
}
