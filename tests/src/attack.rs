//! Attacks on one valid call at a time: the machinery of the attack matrix
//! (`tests/ATTACKS.md`). Each builder turns a `Call` of the `World` into
//! broken copies, labelled so a refusal table can name them.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;

use crate::bank::TxResult;
use crate::world::World;

/// What a refused transaction answered: the instruction error, with the
/// name of the program's or Anchor's error when the code is one of theirs.
pub fn refusal(result: &TxResult) -> String {
    use solana_sdk::instruction::InstructionError;
    match result {
        Ok(_) => "accepted".into(),
        Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) => {
            format!("Custom({code}) {}", error_name(*code))
        }
        Err(TransactionError::InstructionError(_, error)) => format!("{error:?}"),
        Err(other) => format!("{other:?}"),
    }
}

/// The name behind a custom error code: the program's, Anchor's, or the
/// token program's (codes below 100).
pub fn error_name(code: u32) -> String {
    use anchor_lang::error::ErrorCode;
    if let Some(ours) = risk_engine::error::RiskError::from_code(code) {
        return ours.name();
    }
    let anchor = [
        ErrorCode::ConstraintSeeds,
        ErrorCode::ConstraintMintTokenProgram,
        ErrorCode::ConstraintDuplicateMutableAccount,
        ErrorCode::AccountDiscriminatorMismatch,
        ErrorCode::AccountOwnedByWrongProgram,
        ErrorCode::InvalidProgramId,
        ErrorCode::AccountNotSigner,
        ErrorCode::AccountNotEnoughKeys,
        ErrorCode::AccountDiscriminatorNotFound,
        ErrorCode::AccountDidNotDeserialize,
        ErrorCode::InstructionFallbackNotFound,
        ErrorCode::InstructionDidNotDeserialize,
        ErrorCode::InstructionMissing,
        ErrorCode::AccountNotInitialized,
        ErrorCode::AccountNotMutable,
        ErrorCode::ConstraintMut,
        ErrorCode::ConstraintHasOne,
        ErrorCode::ConstraintRaw,
        ErrorCode::ConstraintAddress,
        ErrorCode::AccountNotSystemOwned,
        ErrorCode::ConstraintTokenMint,
        ErrorCode::ConstraintTokenOwner,
        ErrorCode::ConstraintTokenTokenProgram,
    ];
    if let Some(error) = anchor.into_iter().find(|e| u32::from(*e) == code) {
        return error.name();
    }
    match code {
        0..=99 => format!("token program error {code}"),
        _ => "unknown".into(),
    }
}

/// Sends `ix` signed by the fee payer and `signers`; returns what came back
/// and whether any account the instruction names changed.
pub async fn attempt(w: &mut World, ix: Instruction, signers: &[&Keypair]) -> (String, bool) {
    let mut named: Vec<Pubkey> = ix.accounts.iter().map(|meta| meta.pubkey).collect();
    named.sort();
    named.dedup();
    let mut before = Vec::new();
    for address in &named {
        before.push(w.f.raw(*address).await);
    }
    let result = w.f.send(&[ix], signers).await;
    let mut changed = false;
    for (address, old) in named.iter().zip(before) {
        changed |= w.f.raw(*address).await != old;
    }
    (refusal(&result), changed)
}

/// The ways one valid call is broken, each a (label, instruction, signers).
pub mod mutate {
    use anchor_lang::prelude::Pubkey;
    use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
    use solana_sdk::signature::{Keypair, Signer};

    use crate::world::Call;

    pub type Broken = (String, Instruction, Vec<Keypair>);

    /// Each signer (but the fee payer, who is never named) no longer signs.
    pub fn missing_signer(call: &Call) -> Vec<Broken> {
        call.ix
            .accounts
            .iter()
            .enumerate()
            .filter(|(_, meta)| meta.is_signer)
            .map(|(i, meta)| {
                let mut ix = call.ix.clone();
                ix.accounts[i].is_signer = false;
                let signers = call
                    .signers
                    .iter()
                    .filter(|k| k.pubkey() != meta.pubkey)
                    .map(Keypair::insecure_clone)
                    .collect();
                (format!("account {i} unsigned"), ix, signers)
            })
            .collect()
    }

    /// Each signer replaced by `stranger`, who signs instead.
    pub fn wrong_signer(call: &Call, stranger: &Keypair) -> Vec<Broken> {
        call.ix
            .accounts
            .iter()
            .enumerate()
            .filter(|(_, meta)| meta.is_signer)
            .map(|(i, meta)| {
                let mut ix = call.ix.clone();
                for other in ix.accounts.iter_mut() {
                    if other.pubkey == meta.pubkey {
                        other.pubkey = stranger.pubkey();
                    }
                }
                let mut signers: Vec<Keypair> = call
                    .signers
                    .iter()
                    .filter(|k| k.pubkey() != meta.pubkey)
                    .map(Keypair::insecure_clone)
                    .collect();
                signers.push(stranger.insecure_clone());
                (format!("account {i} signed by a stranger"), ix, signers)
            })
            .collect()
    }

    /// Account `i` replaced by `with` (its flags kept).
    pub fn replace(call: &Call, i: usize, with: Pubkey, label: String) -> Broken {
        let mut ix = call.ix.clone();
        ix.accounts[i] = AccountMeta {
            pubkey: with,
            ..ix.accounts[i].clone()
        };
        let signers = call.signers.iter().map(Keypair::insecure_clone).collect();
        (label, ix, signers)
    }

    /// Each token program named replaced by `with`.
    pub fn token_program(call: &Call, with: Pubkey, label: &str) -> Vec<Broken> {
        let token_programs = [anchor_spl::token::ID, anchor_spl::token_2022::ID];
        call.ix
            .accounts
            .iter()
            .enumerate()
            .filter(|(_, meta)| token_programs.contains(&meta.pubkey) && meta.pubkey != with)
            .map(|(i, _)| replace(call, i, with, format!("account {i} {label}")))
            .collect()
    }

    /// Every pair of distinct writable accounts, the second replaced by the first.
    pub fn same_account_twice(call: &Call) -> Vec<Broken> {
        let metas = &call.ix.accounts;
        let mut broken = Vec::new();
        for (i, a) in metas.iter().enumerate() {
            for (j, b) in metas.iter().enumerate() {
                if i != j && a.is_writable && b.is_writable && a.pubkey != b.pubkey && !b.is_signer
                {
                    broken.push(replace(
                        call,
                        j,
                        a.pubkey,
                        format!("account {j} := account {i}"),
                    ));
                }
            }
        }
        broken
    }
}

/// The program's account types, by discriminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Market,
    Reserve,
    Position,
    LenderPosition,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Market,
        Kind::Reserve,
        Kind::Position,
        Kind::LenderPosition,
    ];

    fn discriminator(self) -> &'static [u8] {
        use anchor_lang::Discriminator;
        use risk_engine::state::*;
        match self {
            Kind::Market => Market::DISCRIMINATOR,
            Kind::Reserve => Reserve::DISCRIMINATOR,
            Kind::Position => Position::DISCRIMINATOR,
            Kind::LenderPosition => LenderPosition::DISCRIMINATOR,
        }
    }

    /// An account of this kind in the first market of the world.
    pub fn sample(self, w: &World) -> Pubkey {
        match self {
            Kind::Market => w.f.market,
            Kind::Reserve => w.f.spl.reserve,
            Kind::Position => w.healthy.position,
            Kind::LenderPosition => {
                risk_engine::pda::lender_position(&w.f.t22.reserve, &w.f.users[0].keypair.pubkey())
                    .0
            }
        }
    }
}

/// The kind of the program's account at `address`, if it is one.
pub async fn kind_of(w: &mut World, address: Pubkey) -> Option<Kind> {
    let account = w.f.context.banks_client.get_account(address).await.ok()??;
    if account.owner != risk_engine::ID {
        return None;
    }
    Kind::ALL
        .into_iter()
        .find(|kind| account.data.starts_with(kind.discriminator()))
}

/// A copy of the account at `address` (same lamports and bytes) at a new
/// address, owned by `owner`.
pub async fn clone_account(w: &mut World, address: Pubkey, owner: Pubkey) -> Pubkey {
    let mut account =
        w.f.context
            .banks_client
            .get_account(address)
            .await
            .unwrap()
            .unwrap();
    account.owner = owner;
    let copy = Pubkey::new_unique();
    w.f.context.set_account(&copy, &account.into());
    copy
}

/// The counterpart of a first-market account in the second market.
pub fn in_other_market(w: &World, address: Pubkey) -> Option<Pubkey> {
    let (f, o) = (&w.f, &w.other);
    let lender_a = |reserve: &Pubkey, user: usize| {
        risk_engine::pda::lender_position(reserve, &f.users[user].keypair.pubkey()).0
    };
    let pairs = [
        (f.market, o.market),
        (f.spl.reserve, o.spl.reserve),
        (f.t22.reserve, o.t22.reserve),
        (f.spl.vault, o.spl.vault),
        (f.t22.vault, o.t22.vault),
        (w.healthy.position, o.position),
        (w.unhealthy.position, o.position),
        (w.empty_position, o.position),
        (lender_a(&f.t22.reserve, 0), o.lender),
        (lender_a(&f.spl.reserve, 2), o.lender),
    ];
    pairs.iter().find(|(a, _)| *a == address).map(|(_, b)| *b)
}
