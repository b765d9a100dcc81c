//! Every token movement of the program: `transfer_checked` through the
//! token interface, so SPL Token and Token-2022 mints behave the same.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, TransferChecked};

use crate::constants::RESERVE_SEED;
use crate::state::Reserve;

/// The accounts of one transfer between a user and a reserve's vault.
pub struct VaultTransfer<'info> {
    pub token_program: AccountInfo<'info>,
    pub mint: AccountInfo<'info>,
    pub vault: AccountInfo<'info>,
    pub user_token_account: AccountInfo<'info>,
    pub decimals: u8,
}

impl<'info> VaultTransfer<'info> {
    /// Moves `amount` from the user's account into the vault; `user` signs.
    pub fn into_vault(&self, user: &AccountInfo<'info>, amount: u64) -> Result<()> {
        let accounts = TransferChecked {
            from: self.user_token_account.clone(),
            mint: self.mint.clone(),
            to: self.vault.clone(),
            authority: user.clone(),
        };
        token_interface::transfer_checked(
            CpiContext::new(self.token_program.key(), accounts),
            amount,
            self.decimals,
        )
    }

    /// Moves `amount` from the vault to the user's account; the reserve PDA
    /// signs as the vault's authority.
    pub fn out_of_vault(
        &self,
        reserve: &AccountInfo<'info>,
        reserve_state: &Reserve,
        amount: u64,
    ) -> Result<()> {
        let accounts = TransferChecked {
            from: self.vault.clone(),
            mint: self.mint.clone(),
            to: self.user_token_account.clone(),
            authority: reserve.clone(),
        };
        let bump = [reserve_state.bump];
        let seeds: &[&[u8]] = &[
            RESERVE_SEED,
            reserve_state.market.as_ref(),
            reserve_state.mint.as_ref(),
            &bump,
        ];
        let signer: &[&[&[u8]]] = &[seeds];
        token_interface::transfer_checked(
            CpiContext::new_with_signer(self.token_program.key(), accounts, signer),
            amount,
            self.decimals,
        )
    }
}
