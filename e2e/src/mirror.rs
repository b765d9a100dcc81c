//! The embedded mirror: the same scenario on riskctl's embedded bank, each
//! transaction at the clock time the validator landed its counterpart.
//!
//! The program reads the cluster clock (interest accrues per second, the
//! threshold moves at most so much per hour), and a validator's clock is
//! the wall clock. So the mirror records, after each step on the
//! validator, every transaction the operator's key landed (its programs,
//! its accounts and its block time) and runs the same command's code on
//! the embedded bank: each transaction it sends must match one the
//! validator landed, and runs at that one's time. A transaction the
//! mirror sends that the validator did not land, or one landed that the
//! mirror does not send, is a difference between the backends, reported
//! as such.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{anyhow, bail, Result};
use clap::Parser;
use riskctl::chain::embedded_chain::EmbeddedChain;
use riskctl::chain::{Chain, ChainError, ChainResult, Memcmp, Receipt};
use riskctl::cli::args::Cli;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::{GetConfirmedSignaturesForAddress2Config, RpcClient};
use solana_rpc_client_api::config::RpcTransactionConfig;
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_transaction_status_client_types::UiTransactionEncoding;

/// What identifies a transaction across the two backends: each
/// instruction's program and accounts, compute-budget ones left out (each
/// backend sets its own).
pub type Shape = Vec<(Pubkey, Vec<Pubkey>)>;

pub fn shape_of(instructions: &[Instruction]) -> Shape {
    instructions
        .iter()
        .filter(|ix| ix.program_id != solana_sdk_ids::compute_budget::id())
        .map(|ix| {
            let keys = ix.accounts.iter().map(|meta| meta.pubkey).collect();
            (ix.program_id, keys)
        })
        .collect()
}

/// A transaction the validator landed without error.
#[derive(Debug, Clone)]
pub struct Landed {
    pub signature: Signature,
    /// Its instructions, compute-budget ones left out.
    pub instructions: Vec<Instruction>,
    /// The clock of its slot, unix seconds.
    pub time: i64,
}

/// The transactions `signer` landed without error that are not in `seen`,
/// oldest first; adds them to `seen`. (Transactions of one slot come back
/// in no particular order, so "those after the newest seen" would not do.)
pub fn landed_since(
    client: &RpcClient,
    signer: &Pubkey,
    seen: &mut HashSet<Signature>,
) -> Result<Vec<Landed>> {
    let statuses = client.get_signatures_for_address_with_config(
        signer,
        GetConfirmedSignaturesForAddress2Config {
            commitment: Some(CommitmentConfig::confirmed()),
            ..Default::default()
        },
    )?;
    if statuses.len() >= 1_000 {
        bail!("more than 1,000 transactions: the listing is cut");
    }
    let statuses: Vec<_> = statuses
        .into_iter()
        .filter(|status| {
            let signature: Signature = status.signature.parse().expect("a signature");
            seen.insert(signature)
        })
        .collect();
    let mut landed = Vec::new();
    for status in statuses.into_iter().rev().filter(|s| s.err.is_none()) {
        let signature: Signature = status.signature.parse()?;
        let transaction = client.get_transaction_with_config(
            &signature,
            RpcTransactionConfig {
                encoding: Some(UiTransactionEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                max_supported_transaction_version: Some(0),
            },
        )?;
        let time = match transaction.block_time {
            Some(time) => time,
            None => client.get_block_time(transaction.slot)?,
        };
        let decoded = transaction
            .transaction
            .transaction
            .decode()
            .ok_or_else(|| anyhow!("transaction {signature} does not decode"))?;
        // riskctl sends legacy transactions, as the multisig output reads them.
        let legacy = decoded
            .into_legacy_transaction()
            .ok_or_else(|| anyhow!("transaction {signature} is not a legacy transaction"))?;
        let instructions = riskctl::multisig::instructions_of(&legacy.message)
            .into_iter()
            .filter(|ix| ix.program_id != solana_sdk_ids::compute_budget::id())
            .collect();
        landed.push(Landed {
            signature,
            instructions,
            time,
        });
    }
    Ok(landed)
}

/// The embedded bank the scenario is mirrored on.
pub struct Mirror {
    chain: Rc<RefCell<EmbeddedChain>>,
    operator: Keypair,
}

impl Mirror {
    /// A fresh embedded bank whose operator is `operator`, as on the
    /// validator. Starting it also installs the native-program shims the
    /// validator's hosted programs run through.
    pub fn start(operator: &Keypair) -> Self {
        Self {
            chain: Rc::new(RefCell::new(EmbeddedChain::start_with(
                operator.insecure_clone(),
            ))),
            operator: operator.insecure_clone(),
        }
    }

    pub fn set_clock(&self, unix_timestamp: i64) {
        self.chain.borrow_mut().set_clock(unix_timestamp);
    }

    pub fn write_account(&self, address: &Pubkey, account: Account) -> Result<()> {
        Ok(self.chain.borrow_mut().write_account(address, account)?)
    }

    /// A chain that sends on the mirror at the times of `landed`.
    fn following(&self, landed: Vec<Landed>) -> (Following, Rc<RefCell<VecDeque<Landed>>>) {
        let queue = Rc::new(RefCell::new(VecDeque::from(landed)));
        let chain = Following {
            inner: self.chain.clone(),
            operator: self.operator.insecure_clone(),
            landed: queue.clone(),
        };
        (chain, queue)
    }

    /// Runs `riskctl args...` as the binary does, on the mirror, starting
    /// at `started` (the validator's clock when the command started), each
    /// transaction at the time of its counterpart in `landed`.
    pub fn riskctl(&self, args: &[&str], started: i64, landed: Vec<Landed>) -> Result<()> {
        let cli = Cli::try_parse_from(std::iter::once("riskctl").chain(args.iter().copied()))?;
        self.set_clock(started);
        let (chain, queue) = self.following(landed);
        riskctl::cli::run_on(cli, Some(Box::new(chain)))?;
        all_replayed(&queue, &format!("riskctl {args:?}"))
    }

    /// Runs `step` (riskctl library code on a `Chain`) on the mirror, as
    /// `riskctl` above.
    pub fn run<T>(
        &self,
        what: &str,
        started: i64,
        landed: Vec<Landed>,
        step: impl FnOnce(&mut dyn Chain) -> Result<T>,
    ) -> Result<T> {
        self.set_clock(started);
        let (mut chain, queue) = self.following(landed);
        let value = step(&mut chain)?;
        all_replayed(&queue, what)?;
        Ok(value)
    }

    /// Sends the very transactions of `landed` (in that order, each at its
    /// time) on the mirror, signed by `signers`: for a step whose outcome
    /// depends on an interleaving the mirror cannot reproduce by running
    /// the commands one after the other (two liquidators racing).
    pub fn replay(&self, landed: &[Landed], signers: &[&Keypair]) -> Result<()> {
        let mut chain = self.chain.borrow_mut();
        for transaction in landed {
            let needed: Vec<&Keypair> = signers
                .iter()
                .copied()
                .filter(|key| {
                    transaction.instructions.iter().any(|ix| {
                        ix.accounts
                            .iter()
                            .any(|meta| meta.is_signer && meta.pubkey == key.pubkey())
                    })
                })
                .collect();
            chain.set_clock(transaction.time);
            chain
                .send(&transaction.instructions, &needed)
                .map_err(|error| anyhow!("replaying {}: {error}", transaction.signature))?;
        }
        Ok(())
    }

    /// The mirror's chain, for reads.
    pub fn chain(&self) -> std::cell::RefMut<'_, EmbeddedChain> {
        self.chain.borrow_mut()
    }
}

fn all_replayed(queue: &RefCell<VecDeque<Landed>>, what: &str) -> Result<()> {
    let left = queue.borrow();
    if !left.is_empty() {
        bail!(
            "{what}: the validator landed {} transaction(s) the embedded bank did not send: {:?}",
            left.len(),
            left.iter().map(|l| l.signature).collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// The mirror as one command sees it: the embedded bank, not disposable
/// (as the validator is not: nothing is seeded or posted for it), whose
/// clock follows the validator's transactions.
struct Following {
    inner: Rc<RefCell<EmbeddedChain>>,
    operator: Keypair,
    landed: Rc<RefCell<VecDeque<Landed>>>,
}

impl Chain for Following {
    fn payer(&self) -> &Keypair {
        &self.operator
    }

    fn describe(&self) -> String {
        "the embedded mirror of the validator".into()
    }

    fn is_disposable(&self) -> bool {
        false
    }

    fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> ChainResult<Receipt> {
        let shape = shape_of(instructions);
        let counterpart = {
            let mut landed = self.landed.borrow_mut();
            let at = landed
                .iter()
                .position(|l| shape_of(&l.instructions) == shape)
                .ok_or_else(|| {
                    ChainError::Other(format!(
                    "the embedded bank sent a transaction the validator did not land: {shape:?}"
                ))
                })?;
            landed.remove(at).expect("found above")
        };
        let mut inner = self.inner.borrow_mut();
        inner.set_clock(counterpart.time);
        inner.send(instructions, signers)
    }

    fn account(&mut self, address: &Pubkey) -> ChainResult<Option<Account>> {
        self.inner.borrow_mut().account(address)
    }

    fn program_accounts(
        &mut self,
        owner: &Pubkey,
        size: usize,
        filters: &[Memcmp],
    ) -> ChainResult<Vec<(Pubkey, Account)>> {
        self.inner
            .borrow_mut()
            .program_accounts(owner, size, filters)
    }

    fn unix_timestamp(&mut self) -> ChainResult<i64> {
        self.inner.borrow_mut().unix_timestamp()
    }
}
