//! `Chain` over the embedded bank: a fresh in-process cluster with the
//! program loaded natively. Nothing persists after the process exits.

use std::collections::{BTreeSet, HashMap};

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use solana_program_test::{BanksClientError, ProgramTestContext};
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use super::embedded::program_test;
use super::{refusal, Chain, ChainError, ChainResult, Memcmp, Receipt};
use crate::client::events::EmittedEvents;

/// Lamports the operator starts with: enough for thousands of accounts.
const OPERATOR_LAMPORTS: u64 = 1_000_000 * 1_000_000_000;

pub struct EmbeddedChain {
    runtime: tokio::runtime::Runtime,
    context: ProgramTestContext,
    operator: Keypair,
    nonce: u32,
    /// Accounts seen in transactions, by owner. The bank has no index of
    /// program accounts; everything this chain ever holds went through
    /// `send` or `write_account`, so scanning these is complete.
    known: HashMap<Pubkey, BTreeSet<Pubkey>>,
    seen: BTreeSet<Pubkey>,
}

impl EmbeddedChain {
    /// Starts a bank with the program and the bundled SPL programs, and a
    /// funded operator key.
    pub fn start() -> Self {
        Self::start_with(Keypair::new())
    }

    /// As `start`, with `operator` as the funded key that signs and pays.
    pub fn start_with(operator: Keypair) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let mut test = program_test();
        // Funded at genesis: the bank's own payer holds far less.
        test.add_account(
            operator.pubkey(),
            Account::new(OPERATOR_LAMPORTS, 0, &anchor_lang::system_program::ID),
        );
        let context = runtime.block_on(test.start_with_context());
        let mut chain = Self {
            runtime,
            context,
            operator,
            nonce: 0,
            known: HashMap::new(),
            seen: BTreeSet::new(),
        };
        // The clock starts at the next UTC midnight, a start of every
        // calibration sample slot: prices posted now are ones the
        // calibration counts, as a keeper on a real cluster posts them.
        let now = chain.unix_timestamp().expect("the bank's clock");
        chain.set_clock(now - now.rem_euclid(86_400) + 86_400);
        chain
    }

    /// Makes `operator` the key that signs and pays from now on, funded
    /// by the current one when it holds less than 10 SOL: another person
    /// at the same cluster.
    pub fn switch_operator(&mut self, operator: Keypair) -> ChainResult<()> {
        const FLOOR: u64 = 10_000_000_000;
        let balance = self.account(&operator.pubkey())?.map_or(0, |a| a.lamports);
        if balance < FLOOR {
            self.airdrop(&operator.pubkey(), 10 * FLOOR)?;
        }
        self.operator = operator;
        Ok(())
    }

    /// Sets the cluster clock (unix seconds); the slot stays where it is.
    pub fn set_clock(&mut self, unix_timestamp: i64) {
        let mut clock: Clock = self
            .runtime
            .block_on(self.context.banks_client.get_sysvar())
            .expect("clock sysvar");
        clock.unix_timestamp = unix_timestamp;
        self.context.set_sysvar(&clock);
    }

    /// Moves SOL from the operator, for new keys that must pay rent.
    pub fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> ChainResult<Receipt> {
        let from = self.operator.pubkey();
        let ix = solana_system_interface::instruction::transfer(&from, to, lamports);
        self.send(&[ix], &[])
    }

    /// Simulates (for the events), then processes. The bank moves on by
    /// itself and old blockhashes expire, so an expired one is replaced
    /// once and the transaction signed again.
    fn send_signed(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> ChainResult<Receipt> {
        self.nonce += 1;
        let mut all = vec![super::embedded::unique_compute_limit(self.nonce)];
        all.extend_from_slice(instructions);
        let payer = self.operator.insecure_clone();
        let keys = super::payer_first(&payer, signers);
        let mut refreshed_blockhash = false;
        loop {
            let transaction = Transaction::new_signed_with_payer(
                &all,
                Some(&payer.pubkey()),
                &keys,
                self.context.last_blockhash,
            );
            match self.simulate_then_process(&transaction) {
                Err(TransactionFailure::Refused(TransactionError::BlockhashNotFound, _))
                    if !refreshed_blockhash =>
                {
                    refreshed_blockhash = true;
                    let client = &mut self.context.banks_client;
                    self.context.last_blockhash = self
                        .runtime
                        .block_on(client.get_latest_blockhash())
                        .map_err(|error| ChainError::Other(format!("embedded bank: {error}")))?;
                }
                Err(TransactionFailure::Refused(error, logs)) => {
                    return Err(rejection(&error, &logs))
                }
                Err(TransactionFailure::Bank(message)) => return Err(ChainError::Other(message)),
                Ok(events) => {
                    self.learn(transaction.message.account_keys.clone())?;
                    return Ok(Receipt {
                        signature: transaction.signatures[0],
                        events,
                    });
                }
            }
        }
    }

    fn simulate_then_process(
        &mut self,
        transaction: &Transaction,
    ) -> Result<EmittedEvents, TransactionFailure> {
        let client = &mut self.context.banks_client;
        let runtime = &self.runtime;
        let bank_error =
            |error: BanksClientError| TransactionFailure::Bank(format!("embedded bank: {error}"));
        let simulation = super::quiet::run(|| {
            runtime.block_on(client.simulate_transaction(transaction.clone()))
        })
        .map_err(bank_error)?;
        let (logs, inner) = match simulation.simulation_details {
            Some(details) => (details.logs, details.inner_instructions.unwrap_or_default()),
            None => (Vec::new(), Vec::new()),
        };
        if let Some(Err(error)) = simulation.result {
            return Err(TransactionFailure::Refused(error, logs));
        }
        super::quiet::run(|| runtime.block_on(client.process_transaction(transaction.clone())))
            .map_err(|error| match error {
                BanksClientError::TransactionError(error)
                | BanksClientError::SimulationError { err: error, .. } => {
                    TransactionFailure::Refused(error, logs)
                }
                other => bank_error(other),
            })?;
        Ok(EmittedEvents::from_inner_instructions(inner))
    }

    /// Records the owner of every account a transaction named for the
    /// first time.
    fn learn(&mut self, keys: Vec<Pubkey>) -> ChainResult<()> {
        for key in keys {
            if self.seen.insert(key) {
                if let Some(account) = self.account(&key)? {
                    self.known.entry(account.owner).or_default().insert(key);
                }
            }
        }
        Ok(())
    }
}

enum TransactionFailure {
    Refused(TransactionError, Vec<String>),
    Bank(String),
}

fn rejection(error: &TransactionError, logs: &[String]) -> ChainError {
    let code = match error {
        TransactionError::InstructionError(
            _,
            solana_sdk::instruction::InstructionError::Custom(code),
        ) => Some(*code),
        _ => None,
    };
    ChainError::Rejected {
        code,
        message: refusal::describe(code, logs, &error.to_string()),
    }
}

impl Chain for EmbeddedChain {
    fn payer(&self) -> &Keypair {
        &self.operator
    }

    fn describe(&self) -> String {
        "the embedded bank".to_string()
    }

    fn is_disposable(&self) -> bool {
        true
    }

    fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> ChainResult<Receipt> {
        self.send_signed(instructions, signers)
    }

    fn account(&mut self, address: &Pubkey) -> ChainResult<Option<Account>> {
        self.runtime
            .block_on(self.context.banks_client.get_account(*address))
            .map_err(|error| ChainError::Other(format!("embedded bank: {error}")))
    }

    fn program_accounts(
        &mut self,
        owner: &Pubkey,
        size: usize,
        filters: &[Memcmp],
    ) -> ChainResult<Vec<(Pubkey, Account)>> {
        let candidates: Vec<Pubkey> = self
            .known
            .get(owner)
            .map(|keys| keys.iter().copied().collect())
            .unwrap_or_default();
        let mut found = Vec::new();
        for key in candidates {
            let Some(account) = self.account(&key)? else {
                continue;
            };
            let fits = account.owner == *owner
                && account.data.len() == size
                && filters.iter().all(|filter| filter.matches(&account.data));
            if fits {
                found.push((key, account));
            }
        }
        Ok(found)
    }

    fn unix_timestamp(&mut self) -> ChainResult<i64> {
        let clock: Clock = self
            .runtime
            .block_on(self.context.banks_client.get_sysvar())
            .map_err(|error| ChainError::Other(format!("embedded bank: {error}")))?;
        Ok(clock.unix_timestamp)
    }

    fn write_account(&mut self, address: &Pubkey, account: Account) -> ChainResult<()> {
        self.known
            .entry(account.owner)
            .or_default()
            .insert(*address);
        self.seen.insert(*address);
        self.context.set_account(address, &account.into());
        Ok(())
    }
}
