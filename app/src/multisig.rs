//! Governance through a multisig (Squads): instead of signing, `gov` and
//! `deploy` print each transaction with the multisig's vault as the
//! authority and fee payer, in the forms a multisig imports: the serialized
//! legacy message and the unsigned transaction, each in base58, and each
//! instruction (program, accounts, data in base58).

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anyhow::{anyhow, bail, Result};
use serde::Serialize;
use solana_sdk::bs58;
use solana_sdk::hash::Hash;
use solana_sdk::message::Message;
use solana_sdk::transaction::Transaction;

/// One transaction for the multisig to vote on.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub title: String,
    /// What it changes, as `name: old -> new` lines.
    pub diff: Vec<String>,
    pub instructions: Vec<Instruction>,
}

/// A proposal as printed.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Printed {
    pub title: String,
    pub diff: Vec<String>,
    /// `Message::serialize`, base58; the vault pays and signs, the
    /// blockhash is left zero for the multisig to set.
    pub message_base58: String,
    /// The unsigned `Transaction` (signature slots zeroed), base58.
    pub transaction_base58: String,
    pub instructions: Vec<PrintedInstruction>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct PrintedInstruction {
    pub program_id: String,
    pub accounts: Vec<PrintedAccount>,
    pub data_base58: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct PrintedAccount {
    pub pubkey: String,
    pub is_signer: bool,
    pub is_writable: bool,
}

/// `proposal` in every printed form, for `vault`.
pub fn print(vault: &Pubkey, proposal: &Proposal) -> Result<Printed> {
    let message =
        Message::new_with_blockhash(&proposal.instructions, Some(vault), &Hash::default());
    let transaction = Transaction::new_unsigned(message.clone());
    let wire = bincode::serialize(&transaction).map_err(|e| anyhow!("serialising: {e}"))?;
    Ok(Printed {
        title: proposal.title.clone(),
        diff: proposal.diff.clone(),
        message_base58: bs58::encode(message.serialize()).into_string(),
        transaction_base58: bs58::encode(wire).into_string(),
        instructions: proposal
            .instructions
            .iter()
            .map(|ix| PrintedInstruction {
                program_id: ix.program_id.to_string(),
                accounts: ix
                    .accounts
                    .iter()
                    .map(|meta| PrintedAccount {
                        pubkey: meta.pubkey.to_string(),
                        is_signer: meta.is_signer,
                        is_writable: meta.is_writable,
                    })
                    .collect(),
                data_base58: bs58::encode(&ix.data).into_string(),
            })
            .collect(),
    })
}

/// The proposals as a person reads them.
pub fn render(vault: &Pubkey, printed: &[Printed]) -> String {
    let mut out = format!(
        "{} transaction(s) for multisig vault {vault} to propose; nothing was sent\n",
        printed.len()
    );
    for (i, p) in printed.iter().enumerate() {
        out.push_str(&format!("transaction {}: {}\n", i + 1, p.title));
        for line in &p.diff {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str(&format!("  message (base58): {}\n", p.message_base58));
        out.push_str(&format!(
            "  transaction (base58, unsigned): {}\n",
            p.transaction_base58
        ));
    }
    out
}

/// The instructions of a printed message, back from base58.
pub fn decode_message(base58: &str) -> Result<Vec<Instruction>> {
    let bytes = bs58::decode(base58)
        .into_vec()
        .map_err(|e| anyhow!("not base58: {e}"))?;
    let message: Message =
        bincode::deserialize(&bytes).map_err(|e| anyhow!("not a message: {e}"))?;
    Ok(instructions_of(&message))
}

/// The instructions of a printed unsigned transaction, back from base58.
pub fn decode_transaction(base58: &str) -> Result<Vec<Instruction>> {
    let bytes = bs58::decode(base58)
        .into_vec()
        .map_err(|e| anyhow!("not base58: {e}"))?;
    let transaction: Transaction =
        bincode::deserialize(&bytes).map_err(|e| anyhow!("not a transaction: {e}"))?;
    if transaction
        .signatures
        .iter()
        .any(|s| *s != Default::default())
    {
        bail!("the transaction is already signed");
    }
    Ok(instructions_of(&transaction.message))
}

/// The instructions of a printed instruction list.
pub fn decode_instructions(printed: &[PrintedInstruction]) -> Result<Vec<Instruction>> {
    let key = |text: &str| text.parse::<Pubkey>().map_err(|e| anyhow!("{text}: {e}"));
    printed
        .iter()
        .map(|ix| {
            Ok(Instruction {
                program_id: key(&ix.program_id)?,
                accounts: ix
                    .accounts
                    .iter()
                    .map(|a| {
                        Ok(AccountMeta {
                            pubkey: key(&a.pubkey)?,
                            is_signer: a.is_signer,
                            is_writable: a.is_writable,
                        })
                    })
                    .collect::<Result<_>>()?,
                data: bs58::decode(&ix.data_base58)
                    .into_vec()
                    .map_err(|e| anyhow!("data not base58: {e}"))?,
            })
        })
        .collect()
}

/// A compiled message's instructions, with each account's signer and
/// writable flags as the message gives them.
pub fn instructions_of(message: &Message) -> Vec<Instruction> {
    message
        .instructions
        .iter()
        .map(|compiled| Instruction {
            program_id: message.account_keys[usize::from(compiled.program_id_index)],
            accounts: compiled
                .accounts
                .iter()
                .map(|&index| {
                    let index = usize::from(index);
                    AccountMeta {
                        pubkey: message.account_keys[index],
                        is_signer: message.is_signer(index),
                        is_writable: message.is_maybe_writable(index, None),
                    }
                })
                .collect(),
            data: compiled.data.clone(),
        })
        .collect()
}
