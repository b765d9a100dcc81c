//! Addresses of the program's accounts, for clients and tests. The seeds
//! are the ones in `constants`, so the client can never drift from the chain.

use anchor_lang::prelude::Pubkey;

use crate::constants::*;

pub fn market(creator: &Pubkey, market_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[MARKET_SEED, creator.as_ref(), &market_id.to_le_bytes()],
        &crate::ID,
    )
}

pub fn reserve(market: &Pubkey, mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[RESERVE_SEED, market.as_ref(), mint.as_ref()], &crate::ID)
}

pub fn vault(reserve: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[VAULT_SEED, reserve.as_ref()], &crate::ID)
}

pub fn position(market: &Pubkey, owner: &Pubkey, position_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            POSITION_SEED,
            market.as_ref(),
            owner.as_ref(),
            &position_id.to_le_bytes(),
        ],
        &crate::ID,
    )
}

pub fn lender_position(reserve: &Pubkey, owner: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[LENDER_SEED, reserve.as_ref(), owner.as_ref()], &crate::ID)
}

/// Whether `address` is the program address of `seeds` with `bump`: what
/// every account of the program is checked against when it is named, so an
/// account's fields always match where it lives.
pub fn is_at(address: &Pubkey, seeds: &[&[u8]], bump: u8) -> bool {
    let bump = [bump];
    let mut with_bump: [&[u8]; 5] = [&[]; 5];
    with_bump[..seeds.len()].copy_from_slice(seeds);
    with_bump[seeds.len()] = &bump;
    Pubkey::create_program_address(&with_bump[..=seeds.len()], &crate::ID)
        .is_ok_and(|expected| expected == *address)
}

/// The PDA that signs `emit_cpi!` self-invocations.
pub fn event_authority() -> Pubkey {
    Pubkey::find_program_address(&[b"__event_authority"], &crate::ID).0
}
