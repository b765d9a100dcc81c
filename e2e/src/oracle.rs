//! Pyth prices on the validator: a stand-in for the Pyth receiver program.
//!
//! The real receiver posts a `PriceUpdateV2` only with a Wormhole-verified
//! VAA, which no local validator has. The stand-in is hosted natively at
//! the receiver's own program id and does what the receiver does for a
//! price account it owns: replaces its contents, when the account's
//! `write_authority` signs, with a newer update for the same feed (the
//! push oracle refuses an update no newer than the one it holds). The risk
//! engine reads the same layout, owner and checks as on mainnet; the
//! suite posts genuine-looking prices over RPC as a price pusher would.

use anchor_lang::prelude::{AccountInfo, ProgramError, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use solana_program_runtime::invoke_context::BuiltinFunctionWithContext;
use solana_program_test::processor;
use solana_sdk::account::Account;

use crate::validator::NativeProgram;

/// Where `write_authority` sits in the account: after the discriminator.
const WRITE_AUTHORITY: std::ops::Range<usize> = 8..40;
/// Where the feed id sits: after the authority and the verification level
/// (`Full` is one byte, the only level the stand-in posts).
const FEED_ID: std::ops::Range<usize> = 41..73;
/// Then price (8 bytes), confidence (8), exponent (4): the publish time.
const PUBLISH_TIME: std::ops::Range<usize> = 93..101;

fn publish_time(data: &[u8]) -> i64 {
    i64::from_le_bytes(data[PUBLISH_TIME].try_into().expect("8 bytes"))
}

/// The stand-in's entry point. Accounts: the price account (writable),
/// its write authority (signer). Data: the account's new contents.
fn stand_in_receiver(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let [price, authority] = accounts else {
        return Err(ProgramError::NotEnoughAccountKeys);
    };
    if price.owner != program_id {
        return Err(ProgramError::IncorrectProgramId);
    }
    let mut current = price.try_borrow_mut_data()?;
    if !authority.is_signer || current[WRITE_AUTHORITY] != authority.key.to_bytes() {
        return Err(ProgramError::MissingRequiredSignature);
    }
    let same_shape = data.len() == current.len()
        && data[..8] == current[..8]
        && data[WRITE_AUTHORITY] == current[WRITE_AUTHORITY]
        && data[FEED_ID] == current[FEED_ID];
    if !same_shape || publish_time(data) <= publish_time(&current) {
        return Err(ProgramError::InvalidInstructionData);
    }
    current.copy_from_slice(data);
    Ok(())
}

/// The stand-in, hosted at the Pyth receiver's id.
pub fn stand_in_program() -> NativeProgram {
    let entry: Option<BuiltinFunctionWithContext> = processor!(stand_in_receiver);
    NativeProgram {
        id: pyth_solana_receiver_sdk::ID,
        name: "pyth_receiver_stand_in",
        entry,
    }
}

/// The instruction that posts `account` (a `PriceUpdateV2` account of
/// `write_authority`'s) at `address`.
pub fn post_instruction(
    address: Pubkey,
    write_authority: Pubkey,
    account: &Account,
) -> Instruction {
    Instruction {
        program_id: pyth_solana_receiver_sdk::ID,
        accounts: vec![
            AccountMeta::new(address, false),
            AccountMeta::new_readonly(write_authority, true),
        ],
        data: account.data.clone(),
    }
}
