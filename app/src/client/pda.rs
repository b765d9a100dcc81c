//! Addresses of the program's accounts at the program id in use
//! (`program_id::id()`), from the program's own seeds: what
//! `risk_engine::pda` derives at the compiled-in id.

use anchor_lang::prelude::Pubkey;
use risk_engine::constants::{LENDER_SEED, MARKET_SEED, POSITION_SEED, RESERVE_SEED, VAULT_SEED};

use crate::idl::EVENT_AUTHORITY_SEED;
use crate::program_id;

fn find(seeds: &[&[u8]]) -> (Pubkey, u8) {
    Pubkey::find_program_address(seeds, &program_id::id())
}

pub fn market(creator: &Pubkey, market_id: u64) -> (Pubkey, u8) {
    find(&[MARKET_SEED, creator.as_ref(), &market_id.to_le_bytes()])
}

pub fn reserve(market: &Pubkey, mint: &Pubkey) -> (Pubkey, u8) {
    find(&[RESERVE_SEED, market.as_ref(), mint.as_ref()])
}

pub fn vault(reserve: &Pubkey) -> (Pubkey, u8) {
    find(&[VAULT_SEED, reserve.as_ref()])
}

pub fn position(market: &Pubkey, owner: &Pubkey, position_id: u64) -> (Pubkey, u8) {
    find(&[
        POSITION_SEED,
        market.as_ref(),
        owner.as_ref(),
        &position_id.to_le_bytes(),
    ])
}

pub fn lender_position(reserve: &Pubkey, owner: &Pubkey) -> (Pubkey, u8) {
    find(&[LENDER_SEED, reserve.as_ref(), owner.as_ref()])
}

/// The PDA that signs `emit_cpi!` self-invocations.
pub fn event_authority() -> Pubkey {
    find(&[EVENT_AUTHORITY_SEED]).0
}
