use anchor_lang::prelude::*;

use crate::error::RiskError;
use crate::events::AuthorityAccepted;
use crate::state::Market;

#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAuthority<'info> {
    /// The proposed authority, proving it holds its key.
    pub new_authority: Signer<'info>,
    #[account(mut, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
}

impl AcceptAuthority<'_> {
    pub fn validate(&self) -> Result<()> {
        let market = self.market.load()?;
        require!(
            market.has_pending_authority(),
            RiskError::NoPendingAuthority
        );
        require_keys_eq!(
            market.pending_authority,
            self.new_authority.key(),
            RiskError::NotPendingAuthority
        );
        Ok(())
    }

    /// Step two of a hand-over: the pending authority takes over.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<AcceptAuthority>) -> Result<()> {
        let event = {
            let mut market = ctx.accounts.market.load_mut()?;
            let old_authority = market.authority;
            market.authority = market.pending_authority;
            market.pending_authority = Pubkey::default();
            market.invariant()?;
            AuthorityAccepted {
                market: ctx.accounts.market.key(),
                old_authority,
                new_authority: market.authority,
            }
        };
        emit_cpi!(event);
        Ok(())
    }
}
