//! An agave validator in this process, with native programs registered on
//! it: the risk engine (no SBF toolchain builds it here) and the stand-in
//! Pyth receiver (`oracle`).
//!
//! `solana-test-validator` loads SBF programs only. A native one is added
//! the way the runtime adds its own builtins: genesis holds a
//! native-loader-owned executable account at the program id, so that
//! `Bank::add_builtin` finds a genuine program account and only registers
//! the entry point in the program cache; banks made after that inherit it.
//! A bank made while registration runs may miss it, so registration walks
//! every bank of the forks a few times, and the caller checks with a
//! transaction. The entry points run through solana-program-test's
//! native-program shims (`processor!`), which an embedded bank
//! (`riskctl`'s `EmbeddedChain`) installs when it starts: start one first.

use std::path::Path;
use std::time::{Duration, Instant};

use solana_program_runtime::invoke_context::BuiltinFunctionWithContext;
use solana_program_runtime::loaded_programs::ProgramCacheEntry;
use solana_program_test::processor;
use solana_rpc::rpc::JsonRpcConfig;
use solana_runtime::bank::Bank;
use solana_sdk::account::{Account, AccountSharedData};
use solana_sdk::pubkey::Pubkey;
use solana_test_validator::{TestValidator, TestValidatorGenesis};

/// A native program to host: its id, its name, and its entry point.
pub struct NativeProgram {
    pub id: Pubkey,
    pub name: &'static str,
    pub entry: Option<BuiltinFunctionWithContext>,
}

impl NativeProgram {
    /// The risk engine, through `riskctl`'s native entry point.
    pub fn risk_engine() -> Self {
        let entry: Option<BuiltinFunctionWithContext> = processor!(riskctl::chain::embedded::entry);
        Self {
            id: risk_engine::ID,
            name: "risk_engine",
            entry,
        }
    }

    /// The account genesis holds at the program id: what the runtime itself
    /// stores for a builtin, so registration has nothing to write.
    fn genesis_account(&self) -> AccountSharedData {
        AccountSharedData::from(Account {
            lamports: 1,
            data: self.name.as_bytes().to_vec(),
            owner: solana_sdk_ids::native_loader::id(),
            executable: true,
            rent_epoch: 0,
        })
    }
}

/// The ports the validator may use. Its services take a few dozen; a
/// debug build holds some longer, and the default range then runs out.
pub const PORT_RANGE: (u16, u16) = (42_000, 42_400);

/// Starts a validator whose genesis holds `accounts` and `programs`, with
/// its ledger in `ledger`, and registers the programs. Must be called
/// outside any async runtime (the validator starts its own).
pub fn start(
    ledger: &Path,
    accounts: Vec<(Pubkey, AccountSharedData)>,
    programs: &[NativeProgram],
) -> TestValidator {
    let mut genesis = TestValidatorGenesis::default();
    genesis
        .ledger_path(ledger)
        .port_range(PORT_RANGE)
        // The suite reads back what each step landed (getSignaturesForAddress).
        .rpc_config(JsonRpcConfig {
            enable_rpc_transaction_history: true,
            ..JsonRpcConfig::default_for_test()
        });
    for program in programs {
        genesis.add_account(program.id, program.genesis_account());
    }
    genesis.add_accounts(accounts);
    let (validator, _faucet_key) = genesis.start();
    register(&validator, programs);
    validator
}

/// Registers `programs` on every bank, until a pass finds no new bank.
fn register(validator: &TestValidator, programs: &[NativeProgram]) {
    let forks = validator.bank_forks();
    let mut registered = std::collections::HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let banks: Vec<std::sync::Arc<Bank>> = forks
            .read()
            .unwrap()
            .banks()
            .values()
            .map(|bank| bank.clone_without_scheduler())
            .collect();
        let new: Vec<_> = banks
            .into_iter()
            .filter(|bank| registered.insert(bank.slot()))
            .collect();
        if new.is_empty() && registered.len() > 1 {
            return;
        }
        for bank in new {
            for program in programs {
                let entry = program.entry.expect("processor! gives an entry point");
                bank.add_builtin(
                    program.id,
                    program.name,
                    ProgramCacheEntry::new_builtin(0, program.name.len(), entry),
                );
            }
        }
        assert!(
            Instant::now() < deadline,
            "banks kept appearing while the native programs were registered"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
