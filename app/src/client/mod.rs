//! Everything a client needs to talk to the program: instruction builders,
//! event decoding, Pyth price accounts and SPL token helpers.

use anchor_lang::prelude::Pubkey;

pub mod builders;
pub mod events;
pub mod health;
pub mod pda;
pub mod pyth;
pub mod tokens;

/// One listed asset and the accounts around it.
#[derive(Debug, Clone, Copy)]
pub struct ReserveAccounts {
    pub mint: Pubkey,
    pub token_program: Pubkey,
    pub decimals: u8,
    pub reserve: Pubkey,
    pub vault: Pubkey,
    pub feed_id: [u8; 32],
    /// The reserve's Pyth `PriceUpdateV2` account.
    pub price_account: Pubkey,
}

impl ReserveAccounts {
    /// `wallet`'s associated token account of this mint.
    pub fn associated_account(&self, wallet: &Pubkey) -> Pubkey {
        spl_associated_token_account_interface::address::get_associated_token_address_with_program_id(
            wallet,
            &self.mint,
            &self.token_program,
        )
    }
}
