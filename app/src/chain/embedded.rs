//! The embedded bank: the program loaded natively in solana-program-test
//! beside the bundled SPL programs, transaction sending with event
//! capture, and account reads.

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use solana_program_test::{processor, ProgramTest, ProgramTestContext};
use solana_sdk::instruction::InstructionError;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use crate::client::events::EmittedEvents;

/// Anchor's `entry` ties every argument to one lifetime; the native
/// processor hands them over with distinct ones. The accounts live for the
/// whole call, so shortening them to one lifetime is sound.
pub fn entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    risk_engine::entry(program_id, accounts, data)
}

pub fn program_test() -> ProgramTest {
    // The bank logs every instruction at debug level unless told otherwise;
    // across hundreds of transactions that drowns every report.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    let mut test = ProgramTest::new("risk_engine", risk_engine::ID, processor!(entry));
    // Governance instructions plus self-CPI events stay far below this.
    test.set_compute_max_units(400_000);
    test
}

/// Outcome of one transaction: the events it emitted, or why it failed.
pub type TxResult = Result<EmittedEvents, TransactionError>;

/// The custom error code of a failed transaction (`None` when it succeeded
/// or failed otherwise), so a caller can name the exact check that fired.
pub fn error_code(result: &TxResult) -> Option<u32> {
    match result {
        Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) => Some(*code),
        _ => None,
    }
}

/// A compute-limit instruction that differs per `nonce`: it keeps two
/// otherwise identical transactions (the same refresh twice in one
/// blockhash) apart.
pub fn unique_compute_limit(nonce: u32) -> Instruction {
    solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
        1_000_000 + nonce % 400_000,
    )
}

/// Sends between fetching the bank's newest blockhash: far fewer than a
/// blockhash lives (60 s) at any speed a transaction here goes.
const BLOCKHASH_REFRESH_EVERY: u32 = 64;

/// Sends `instructions` signed by the fee payer and `signers`. The
/// transaction is simulated first to capture its `emit_cpi!` events (the
/// native bank does not return them from processing), then processed for
/// real. A per-call compute-limit instruction keeps identical retries apart.
pub async fn send(
    context: &mut ProgramTestContext,
    nonce: u32,
    instructions: &[Instruction],
    signers: &[&Keypair],
) -> TxResult {
    let mut all = vec![unique_compute_limit(nonce)];
    all.extend_from_slice(instructions);
    // The bank moves on a slot every 400 ms of wall time, and a blockhash
    // expires after 150 slots: a long run takes a fresh one now and then.
    if nonce % BLOCKHASH_REFRESH_EVERY == 0 {
        context.last_blockhash = context
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("bank reachable");
    }
    let payer = context.payer.insecure_clone();
    let transaction = Transaction::new_signed_with_payer(
        &all,
        Some(&payer.pubkey()),
        &super::payer_first(&payer, signers),
        context.last_blockhash,
    );
    let simulation = context
        .banks_client
        .simulate_transaction(transaction.clone())
        .await
        .expect("bank reachable");
    let inner = simulation
        .simulation_details
        .and_then(|details| details.inner_instructions)
        .unwrap_or_default();
    let events = EmittedEvents::from_inner_instructions(inner);
    context
        .banks_client
        .process_transaction(transaction)
        .await
        .map_err(|error| error.unwrap())?;
    Ok(events)
}

/// Raw data of an account, or `None` when it does not exist.
pub async fn account_data(context: &mut ProgramTestContext, address: Pubkey) -> Option<Vec<u8>> {
    context
        .banks_client
        .get_account(address)
        .await
        .expect("bank reachable")
        .map(|account| account.data)
}

/// Reads a zero-copy account of the program, checking its discriminator.
pub async fn load<T>(context: &mut ProgramTestContext, address: Pubkey) -> T
where
    T: bytemuck::Pod + anchor_lang::Discriminator,
{
    let data = account_data(context, address)
        .await
        .unwrap_or_else(|| panic!("account {address} missing"));
    assert_eq!(
        &data[..8],
        T::DISCRIMINATOR,
        "wrong account type at {address}"
    );
    bytemuck::pod_read_unaligned(&data[8..8 + std::mem::size_of::<T>()])
}
