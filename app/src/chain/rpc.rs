//! `Chain` over JSON-RPC: a real cluster (devnet, mainnet, a local
//! validator).

use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_commitment_config::CommitmentConfig;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp as RpcMemcmp, RpcFilterType};
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use super::{refusal, Chain, ChainError, ChainResult, Memcmp, Receipt};
use crate::client::events::EmittedEvents;

/// How transactions are sent: fees, limits and patience.
#[derive(Debug, Clone)]
pub struct RpcOptions {
    pub commitment: CommitmentConfig,
    /// Priority fee, in micro-lamports per compute unit; 0 for none.
    pub priority_fee_micro_lamports: u64,
    /// Compute units requested per transaction.
    pub compute_unit_limit: u32,
    /// Attempts on transient errors (connection, expired blockhash).
    pub attempts: u32,
    /// Wait before the first retry; doubles each time.
    pub first_backoff: Duration,
    pub timeout: Duration,
}

impl Default for RpcOptions {
    fn default() -> Self {
        Self {
            commitment: CommitmentConfig::confirmed(),
            priority_fee_micro_lamports: 0,
            compute_unit_limit: 400_000,
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
        }
    }
}

pub struct RpcChain {
    client: RpcClient,
    payer: Keypair,
    options: RpcOptions,
}

impl RpcChain {
    /// Connects to `url` and checks that it answers, so a wrong URL is
    /// reported before any work starts.
    pub fn connect(url: &str, payer: Keypair, options: RpcOptions) -> ChainResult<Self> {
        let client =
            RpcClient::new_with_timeout_and_commitment(url, options.timeout, options.commitment);
        let chain = Self {
            client,
            payer,
            options,
        };
        chain.with_retries(|client| client.get_version())?;
        Ok(chain)
    }

    /// Runs `call`, retrying transient failures with exponential backoff.
    fn with_retries<T>(
        &self,
        call: impl Fn(&RpcClient) -> Result<T, ClientError>,
    ) -> ChainResult<T> {
        let mut wait = self.options.first_backoff;
        let mut attempt = 1;
        loop {
            match call(&self.client) {
                Ok(value) => return Ok(value),
                Err(error) if is_transient(&error) && attempt < self.options.attempts => {
                    tracing::warn!(attempt, ?wait, "transient RPC error, retrying: {error}");
                    std::thread::sleep(wait);
                    wait *= 2;
                    attempt += 1;
                }
                Err(error) => return Err(self.classify(error)),
            }
        }
    }

    fn classify(&self, error: ClientError) -> ChainError {
        if is_unreachable(&error) {
            return ChainError::Unreachable {
                url: self.client.url(),
                reason: error.to_string(),
            };
        }
        match error.get_transaction_error() {
            Some(transaction_error) => {
                let code = custom_code(&transaction_error);
                ChainError::Rejected {
                    code,
                    message: refusal::describe(
                        code,
                        &preflight_logs(&error),
                        &transaction_error.to_string(),
                    ),
                }
            }
            None => ChainError::Other(error.to_string()),
        }
    }
}

fn is_unreachable(error: &ClientError) -> bool {
    matches!(error.kind(), ErrorKind::Io(_) | ErrorKind::Reqwest(_))
}

fn is_transient(error: &ClientError) -> bool {
    is_unreachable(error)
        || matches!(
            error.get_transaction_error(),
            Some(TransactionError::BlockhashNotFound)
        )
}

fn custom_code(error: &TransactionError) -> Option<u32> {
    match error {
        TransactionError::InstructionError(
            _,
            solana_sdk::instruction::InstructionError::Custom(code),
        ) => Some(*code),
        _ => None,
    }
}

/// The program logs of a failed preflight simulation.
fn preflight_logs(error: &ClientError) -> Vec<String> {
    match error.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(result),
            ..
        }) => result.logs.clone().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `unix_timestamp` sits after slot, epoch start, epoch and leader-schedule
/// epoch (four 8-byte fields) in the Clock sysvar.
const CLOCK_UNIX_TIMESTAMP_OFFSET: usize = 32;

impl Chain for RpcChain {
    fn payer(&self) -> &Keypair {
        &self.payer
    }

    fn describe(&self) -> String {
        self.client.url()
    }

    fn is_disposable(&self) -> bool {
        false
    }

    fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> ChainResult<Receipt> {
        let mut all = vec![ComputeBudgetInstruction::set_compute_unit_limit(
            self.options.compute_unit_limit,
        )];
        if self.options.priority_fee_micro_lamports > 0 {
            all.push(ComputeBudgetInstruction::set_compute_unit_price(
                self.options.priority_fee_micro_lamports,
            ));
        }
        all.extend_from_slice(instructions);
        let payer = &self.payer;
        let keys = super::payer_first(payer, signers);
        // A fresh blockhash on each attempt: an expired one is the usual
        // transient failure of a congested cluster.
        let signature = self.with_retries(|client| {
            let blockhash = client.get_latest_blockhash()?;
            let transaction =
                Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &keys, blockhash);
            client.send_and_confirm_transaction(&transaction)
        })?;
        Ok(Receipt {
            signature,
            events: EmittedEvents::default(),
        })
    }

    fn account(&mut self, address: &Pubkey) -> ChainResult<Option<Account>> {
        let commitment = self.options.commitment;
        self.with_retries(|client| client.get_account_with_commitment(address, commitment))
            .map(|response| response.value)
    }

    fn program_accounts(
        &mut self,
        owner: &Pubkey,
        size: usize,
        filters: &[Memcmp],
    ) -> ChainResult<Vec<(Pubkey, Account)>> {
        let mut rpc_filters = vec![RpcFilterType::DataSize(size as u64)];
        rpc_filters.extend(
            filters.iter().map(|f| {
                RpcFilterType::Memcmp(RpcMemcmp::new_raw_bytes(f.offset, f.bytes.clone()))
            }),
        );
        let config = RpcProgramAccountsConfig {
            filters: Some(rpc_filters),
            account_config: RpcAccountInfoConfig {
                encoding: Some(solana_account_decoder_client_types::UiAccountEncoding::Base64),
                commitment: Some(self.options.commitment),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        self.with_retries(|client| client.get_program_accounts_with_config(owner, config.clone()))
    }

    fn unix_timestamp(&mut self) -> ChainResult<i64> {
        let clock = self
            .account(&solana_sdk::sysvar::clock::ID)?
            .ok_or_else(|| ChainError::Other("the cluster has no Clock sysvar".into()))?;
        let bytes = clock
            .data
            .get(CLOCK_UNIX_TIMESTAMP_OFFSET..CLOCK_UNIX_TIMESTAMP_OFFSET + 8)
            .ok_or_else(|| ChainError::Other("Clock sysvar is too short".into()))?;
        Ok(i64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    }
}
