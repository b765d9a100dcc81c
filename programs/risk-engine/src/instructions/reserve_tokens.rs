use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RiskError;
use crate::state::Reserve;
use crate::token_flow::VaultTransfer;

/// A reserve with everything that moves its tokens: its mint, its vault, one
/// other token account of that mint, and its token program. Each relation
/// is checked here, once, for every instruction that moves tokens.
#[derive(Accounts)]
pub struct ReserveTokens<'info> {
    #[account(
        mut,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
        constraint = reserve.load()?.is_at(&reserve.key()) @ RiskError::AccountNotAtItsAddress,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The user's (or the treasury's) side of the transfer.
    #[account(mut, constraint = user_token_account.mint == mint.key() @ RiskError::WrongMint)]
    pub user_token_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> ReserveTokens<'info> {
    fn transfer(&self, other: AccountInfo<'info>, decimals: u8) -> VaultTransfer<'info> {
        VaultTransfer {
            token_program: self.token_program.to_account_info(),
            mint: self.mint.to_account_info(),
            vault: self.vault.to_account_info(),
            user_token_account: other,
            decimals,
        }
    }

    /// Moves `amount` from the user's account into the vault; `user` signs.
    pub fn into_vault(&self, user: &AccountInfo<'info>, amount: u64) -> Result<()> {
        let decimals = self.reserve.load()?.mint_decimals;
        self.transfer(self.user_token_account.to_account_info(), decimals)
            .into_vault(user, amount)
    }

    /// Moves `amount` from the vault to the user's account, signed by the
    /// reserve PDA. Call it after the reserve's books are written.
    pub fn out_of_vault(&self, amount: u64) -> Result<()> {
        self.out_of_vault_to(self.user_token_account.to_account_info(), amount)
    }

    /// Moves `amount` from the vault to `destination`, a token account of
    /// the same mint the caller has checked (the treasury's, in a liquidation).
    pub fn out_of_vault_to(&self, destination: AccountInfo<'info>, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        let reserve = self.reserve.load()?;
        self.transfer(destination, reserve.mint_decimals)
            .out_of_vault(&self.reserve.to_account_info(), &reserve, amount)
    }
}
