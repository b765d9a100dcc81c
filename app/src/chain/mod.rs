//! Where transactions go: one `Chain` interface, two backends.
//!
//! - [`embedded::EmbeddedChain`]: an in-process bank (solana-program-test)
//!   with the program loaded natively; the default, needs nothing running.
//! - [`rpc::RpcChain`]: a real cluster over JSON-RPC.
//!
//! Commands take `&mut dyn Chain` and never know which one they drive.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signature};

use crate::client::events::EmittedEvents;

pub mod embedded;
pub mod embedded_chain;
pub mod quiet;
pub mod refusal;
pub mod rpc;

/// A landed transaction.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub signature: Signature,
    /// Events the program emitted, in order, from the embedded bank. Over
    /// RPC this is empty: commands read account state, never events, so
    /// they behave the same on both backends.
    pub events: EmittedEvents,
}

/// Why a chain call failed, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The cluster could not be reached (after retries).
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The transaction reached the program and was refused.
    #[error("transaction refused: {message}")]
    Rejected {
        /// The program's custom error code, when there is one.
        code: Option<u32>,
        /// The program's own message (`AnchorError ... Error Message`), or
        /// the runtime's error when the program said nothing.
        message: String,
    },
    /// Something this backend cannot do (writing accounts on a real cluster).
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Other(String),
}

impl ChainError {
    /// The program's custom error code, when the program refused.
    pub fn program_code(&self) -> Option<u32> {
        match self {
            ChainError::Rejected { code, .. } => *code,
            _ => None,
        }
    }
}

pub type ChainResult<T> = Result<T, ChainError>;

/// Byte-level account filter (`getProgramAccounts` memcmp).
#[derive(Debug, Clone)]
pub struct Memcmp {
    pub offset: usize,
    pub bytes: Vec<u8>,
}

impl Memcmp {
    pub fn matches(&self, data: &[u8]) -> bool {
        data.get(self.offset..self.offset + self.bytes.len()) == Some(self.bytes.as_slice())
    }
}

/// The signers of a transaction: the fee payer first, then every other
/// signer once.
pub fn payer_first<'a>(payer: &'a Keypair, signers: &[&'a Keypair]) -> Vec<&'a Keypair> {
    use solana_sdk::signature::Signer;
    let mut keys = vec![payer];
    keys.extend(
        signers
            .iter()
            .copied()
            .filter(|signer| signer.pubkey() != payer.pubkey()),
    );
    keys
}

/// What every command needs from a cluster.
pub trait Chain {
    /// The key that pays fees and signs for the operator.
    fn payer(&self) -> &Keypair;

    /// A human name of the backend for logs ("embedded bank", an RPC URL).
    fn describe(&self) -> String;

    /// True for a disposable chain where changes need no confirmation.
    fn is_disposable(&self) -> bool;

    /// Sends `instructions` signed by the payer and `signers`, and waits
    /// until the transaction lands or is refused.
    fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> ChainResult<Receipt>;

    /// An account, or `None` when it does not exist.
    fn account(&mut self, address: &Pubkey) -> ChainResult<Option<Account>>;

    /// Accounts owned by `owner` whose data has `size` bytes and matches
    /// every filter.
    fn program_accounts(
        &mut self,
        owner: &Pubkey,
        size: usize,
        filters: &[Memcmp],
    ) -> ChainResult<Vec<(Pubkey, Account)>>;

    /// The cluster clock, in unix seconds.
    fn unix_timestamp(&mut self) -> ChainResult<i64>;

    /// Overwrites an account. Only a disposable chain can: the embedded bank
    /// uses it for Pyth price accounts, which no receiver program posts there.
    fn write_account(&mut self, address: &Pubkey, _account: Account) -> ChainResult<()> {
        Err(ChainError::Unsupported(format!(
            "{} cannot write account {address}: only the embedded bank can",
            self.describe()
        )))
    }
}
