//! The risk consumer program beside the risk engine on one bank, and its
//! instructions built from its own Anchor client types.

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, AnchorDeserialize, InstructionData, ToAccountMetas};
use risk_consumer::quote::ThresholdQuote;
use risk_consumer::state::COLLATERAL_SEED;
use solana_program_test::{processor, ProgramTest, ProgramTestContext};
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use crate::bank;

/// As `bank`'s entry for the engine: Anchor ties every argument to one
/// lifetime, the native processor hands them over with distinct ones; the
/// accounts live for the whole call, so shortening them is sound.
fn consumer_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    risk_consumer::entry(program_id, accounts, data)
}

/// The engine's bank with the consumer loaded too.
pub fn program_test() -> ProgramTest {
    let mut test = bank::program_test();
    test.add_program(
        "risk_consumer",
        risk_consumer::ID,
        processor!(consumer_entry),
    );
    test
}

/// The config `admin` keeps for `risk_reserve`.
pub fn collateral_address(admin: &Pubkey, risk_reserve: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[COLLATERAL_SEED, admin.as_ref(), risk_reserve.as_ref()],
        &risk_consumer::ID,
    )
    .0
}

pub fn read_threshold(market: Pubkey, reserve: Pubkey, max_age_secs: u32) -> Instruction {
    Instruction {
        program_id: risk_consumer::ID,
        accounts: risk_consumer::accounts::ReadThreshold { reserve, market }.to_account_metas(None),
        data: risk_consumer::instruction::ReadThreshold { max_age_secs }.data(),
    }
}

pub fn init_collateral(admin: Pubkey, risk_reserve: Pubkey, max_age_secs: u32) -> Instruction {
    Instruction {
        program_id: risk_consumer::ID,
        accounts: risk_consumer::accounts::InitCollateral {
            admin,
            risk_reserve,
            collateral: collateral_address(&admin, &risk_reserve),
            system_program: system_program::ID,
        }
        .to_account_metas(None),
        data: risk_consumer::instruction::InitCollateral { max_age_secs }.data(),
    }
}

pub fn sync_threshold(
    collateral: Pubkey,
    risk_reserve: Pubkey,
    risk_market: Pubkey,
) -> Instruction {
    Instruction {
        program_id: risk_consumer::ID,
        accounts: risk_consumer::accounts::SyncThreshold {
            collateral,
            risk_reserve,
            risk_market,
        }
        .to_account_metas(None),
        data: risk_consumer::instruction::SyncThreshold {}.data(),
    }
}

/// Sends `read_threshold` and decodes the quote from the transaction's
/// return data, as a program that CPIs into the consumer would.
pub async fn quote(
    context: &mut ProgramTestContext,
    market: Pubkey,
    reserve: Pubkey,
    max_age_secs: u32,
) -> Result<ThresholdQuote, TransactionError> {
    let payer = context.payer.insecure_clone();
    let blockhash = context
        .banks_client
        .get_latest_blockhash()
        .await
        .expect("bank reachable");
    let transaction = Transaction::new_signed_with_payer(
        &[
            bank::unique_compute_limit(max_age_secs),
            read_threshold(market, reserve, max_age_secs),
        ],
        Some(&payer.pubkey()),
        &[&payer as &Keypair],
        blockhash,
    );
    let outcome = context
        .banks_client
        .process_transaction_with_metadata(transaction)
        .await
        .expect("bank reachable");
    outcome.result?;
    let return_data = outcome
        .metadata
        .and_then(|metadata| metadata.return_data)
        .expect("read_threshold returns its quote");
    assert_eq!(return_data.program_id, risk_consumer::ID);
    Ok(ThresholdQuote::deserialize(&mut return_data.data.as_slice()).expect("a quote"))
}
