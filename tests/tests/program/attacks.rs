//! The attack matrix (`tests/ATTACKS.md`): every class of account attack
//! against every instruction that takes such an account, sent through the
//! bank on the valid calls of a `World`. Each attack must be refused and
//! leave every account it names as it was; its exact refusal is kept in
//! `tests/attacks/refusals.txt`, which a run compares line by line
//! (`RISK_ATTACKS_BLESS=1` rewrites it after a deliberate change, for review).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use risk_engine::error::RiskError;
use risk_engine_tests::attack::{self, attempt, mutate, Kind};
use risk_engine_tests::builders;
use risk_engine_tests::world::{Call, World};
use solana_sdk::signature::{Keypair, Signer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    FakeTokenProgram,
    SameAccountTwice,
    TypeCosplay,
    AwayFromAddress,
    OtherMarket,
    MissingSigner,
    WrongSigner,
}

impl Class {
    /// Its name in `refusals.txt` and `ATTACKS.md`.
    fn key(self) -> &'static str {
        match self {
            Class::FakeTokenProgram => "fake_token_program",
            Class::SameAccountTwice => "same_account_twice",
            Class::TypeCosplay => "type_cosplay",
            Class::AwayFromAddress => "away_from_address",
            Class::OtherMarket => "other_market",
            Class::MissingSigner => "missing_signer",
            Class::WrongSigner => "wrong_signer",
        }
    }
}

/// The broken copies of `call` an attack class makes.
async fn cases(
    w: &mut World,
    class: Class,
    call: &Call,
    stranger: &Keypair,
) -> Vec<mutate::Broken> {
    match class {
        Class::FakeTokenProgram => {
            let mut cases = mutate::token_program(
                call,
                anchor_lang::system_program::ID,
                "is the system program",
            );
            cases.extend(mutate::token_program(
                call,
                anchor_spl::token::ID,
                "is SPL Token",
            ));
            cases.extend(mutate::token_program(
                call,
                anchor_spl::token_2022::ID,
                "is Token-2022",
            ));
            cases
        }
        Class::SameAccountTwice => mutate::same_account_twice(call),
        Class::MissingSigner => mutate::missing_signer(call),
        Class::WrongSigner => mutate::wrong_signer(call, stranger),
        Class::TypeCosplay | Class::AwayFromAddress => {
            let mut cases = Vec::new();
            for (i, meta) in call.ix.accounts.clone().iter().enumerate() {
                let Some(kind) = attack::kind_of(w, meta.pubkey).await else {
                    continue;
                };
                if class == Class::TypeCosplay {
                    for other in Kind::ALL.into_iter().filter(|k| *k != kind) {
                        let label = format!("{kind:?} {i} := a {other:?}");
                        cases.push(mutate::replace(call, i, other.sample(w), label));
                    }
                    let foreign =
                        attack::clone_account(w, meta.pubkey, anchor_spl::token::ID).await;
                    let label = format!("{kind:?} {i} copied, owned by SPL Token");
                    cases.push(mutate::replace(call, i, foreign, label));
                } else {
                    let copy = attack::clone_account(w, meta.pubkey, risk_engine::ID).await;
                    let label = format!("{kind:?} {i} copied to another address");
                    cases.push(mutate::replace(call, i, copy, label));
                }
            }
            cases
        }
        Class::OtherMarket => call
            .ix
            .accounts
            .iter()
            .enumerate()
            .filter_map(|(i, meta)| {
                let theirs = attack::in_other_market(w, meta.pubkey)?;
                Some(mutate::replace(
                    call,
                    i,
                    theirs,
                    format!("account {i} of the other market"),
                ))
            })
            .collect(),
    }
}

/// Runs every attack of `class` on every call of a fresh world; each must
/// be refused, change nothing, and be answered as `refusals.txt` says.
async fn check_class(class: Class) {
    let mut w = World::new().await;
    let stranger = Keypair::new();
    w.f.airdrop(stranger.pubkey(), 10_000_000_000).await;
    let mut lines = Vec::new();
    for call in w.calls() {
        for (label, ix, signers) in cases(&mut w, class, &call, &stranger).await {
            let signers: Vec<&Keypair> = signers.iter().collect();
            let (answer, changed) = attempt(&mut w, ix, &signers).await;
            assert_ne!(answer, "accepted", "{}: {label} was accepted", call.name);
            assert!(!changed, "{}: {label} changed an account", call.name);
            lines.push(format!(
                "{} | {} | {label} | {answer}",
                class.key(),
                call.name
            ));
        }
    }
    compare_with_table(class, &lines);
}

fn refusals_path() -> PathBuf {
    risk_engine_tests::crate_file("attacks/refusals.txt")
}

/// Class tests run in parallel threads; the table is rewritten by one at a time.
static TABLE: Mutex<()> = Mutex::new(());

fn compare_with_table(class: Class, lines: &[String]) {
    let _guard = TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = refusals_path();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let prefix = format!("{} | ", class.key());
    let kept: Vec<&str> = text.lines().filter(|l| l.starts_with(&prefix)).collect();
    if std::env::var_os("RISK_ATTACKS_BLESS").is_some() {
        let mut others: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with(&prefix) && !l.starts_with('#') && !l.is_empty())
            .map(String::from)
            .collect();
        others.extend(lines.iter().cloned());
        others.sort();
        let header = "# class | instruction | attack | refusal: written by RISK_ATTACKS_BLESS=1, checked by tests/tests/program/attacks.rs\n";
        std::fs::write(&path, header.to_string() + &others.join("\n") + "\n").unwrap();
        return;
    }
    let mut expected: Vec<&str> = kept;
    expected.sort();
    let mut got: Vec<&str> = lines.iter().map(String::as_str).collect();
    got.sort();
    assert!(!got.is_empty(), "{}: no attack built", class.key());
    assert_eq!(
        got,
        expected,
        "{}: refusals differ from {}",
        class.key(),
        path.display()
    );
}

#[tokio::test]
async fn every_call_of_the_world_succeeds_as_it_is() {
    let names: Vec<&str> = World::new().await.calls().iter().map(|c| c.name).collect();
    for name in names {
        let mut w = World::new().await;
        let call = w.calls().into_iter().find(|c| c.name == name).unwrap();
        let signers: Vec<&Keypair> = call.signers.iter().collect();
        let (answer, changed) = attempt(&mut w, call.ix.clone(), &signers).await;
        assert_eq!(answer, "accepted", "{name}");
        assert!(changed, "{name} changed nothing");
    }
}

#[tokio::test]
async fn fake_token_programs_are_refused() {
    check_class(Class::FakeTokenProgram).await;
}

#[tokio::test]
async fn the_same_writable_account_twice_is_refused() {
    check_class(Class::SameAccountTwice).await;
}

#[tokio::test]
async fn accounts_of_another_type_or_owner_are_refused() {
    check_class(Class::TypeCosplay).await;
}

#[tokio::test]
async fn copies_away_from_their_address_are_refused() {
    check_class(Class::AwayFromAddress).await;
}

#[tokio::test]
async fn accounts_of_another_market_are_refused() {
    check_class(Class::OtherMarket).await;
}

#[tokio::test]
async fn missing_signers_are_refused() {
    check_class(Class::MissingSigner).await;
}

#[tokio::test]
async fn wrong_signers_are_refused() {
    check_class(Class::WrongSigner).await;
}

/// A second creation of an account that exists is refused with the
/// program's own error: a market, a reserve, a position.
#[tokio::test]
async fn second_creations_are_refused() {
    let mut w = World::new().await;
    let (authority, user1) = (
        w.f.authority.insecure_clone(),
        w.f.users[1].keypair.insecure_clone(),
    );
    let market = w.f.market;
    let again_market = w.f.init_market_ix(w.f.market_id);
    let again_reserve = builders::add_reserve(
        authority.pubkey(),
        market,
        w.f.spl.mint,
        w.f.spl.token_program,
        risk_engine_tests::TestFixture::add_reserve_args(w.f.spl.feed_id),
    );
    let again_position =
        builders::open_position(user1.pubkey(), market, w.f.spl.reserve, w.f.t22.reserve, 0);
    let cases: [(Instruction, &Keypair, RiskError); 3] = [
        (again_market, &authority, RiskError::MarketAlreadyExists),
        (again_reserve, &authority, RiskError::ReserveAlreadyExists),
        (again_position, &user1, RiskError::PositionAlreadyExists),
    ];
    for (ix, signer, expected) in cases {
        let (answer, changed) = attempt(&mut w, ix, &[signer]).await;
        assert_eq!(
            answer,
            attack::refusal(&Err(custom(expected))),
            "{expected:?}"
        );
        assert!(!changed);
    }
}

fn custom(error: RiskError) -> solana_sdk::transaction::TransactionError {
    solana_sdk::transaction::TransactionError::InstructionError(
        1,
        solana_sdk::instruction::InstructionError::Custom(error.into()),
    )
}

/// A closed position or lender position cannot be brought back with its
/// rent in the same transaction and used: the close hands the account to
/// the system program, so the next instruction finds no account of ours.
#[tokio::test]
async fn closed_accounts_cannot_be_revived_in_the_same_transaction() {
    let mut w = World::new().await;
    let (spl, t22, market) = (w.f.spl, w.f.t22, w.f.market);
    let user1 = w.f.users[1].keypair.insecure_clone();
    let user2 = w.f.users[2].keypair.insecure_clone();
    let rent = |address: Pubkey| {
        solana_system_interface::instruction::transfer(
            &w.f.context.payer.pubkey(),
            &address,
            10_000_000,
        )
    };

    let position = w.empty_position;
    let revive_position = [
        builders::close_position(user1.pubkey(), position),
        rent(position),
        builders::deposit_collateral(user1.pubkey(), position, &spl, w.f.users[1].spl_account, 1),
    ];
    let lender = risk_engine::pda::lender_position(&spl.reserve, &user2.pubkey()).0;
    let revive_lender = [
        builders::close_lender_position(user2.pubkey(), spl.reserve),
        rent(lender),
        builders::withdraw_supply(user2.pubkey(), market, &spl, w.f.users[2].spl_account, 1, 0),
    ];
    for (ixs, signer, watched) in [
        (revive_position, &user1, position),
        (revive_lender, &user2, lender),
    ] {
        let before = w.f.raw(watched).await;
        let result = w.f.send(&ixs, &[signer]).await;
        assert!(
            attack::refusal(&result).starts_with("Custom(3007)"),
            "{}",
            attack::refusal(&result)
        );
        assert!(w.f.raw(watched).await == before, "{watched} changed");
    }
    // Closed and opened again in one transaction, a position starts afresh.
    let reopen = [
        builders::close_position(user1.pubkey(), position),
        builders::open_position(user1.pubkey(), market, spl.reserve, t22.reserve, 2),
    ];
    w.f.send(&reopen, &[&user1])
        .await
        .expect("a fresh position");
    let fresh = w.f.position_state(position).await;
    assert_eq!((fresh.collateral_amount, fresh.debt_shares), (0, 0));
}

/// `ATTACKS.md` lists every instruction of `lib.rs`, every test it names
/// exists, and every cell it does not mark "n/a" has attacks in the
/// refusal table: the matrix cannot drift from the program or the tests.
#[test]
fn the_attack_matrix_covers_every_instruction_with_existing_tests() {
    let root = risk_engine_tests::crate_file("");
    let lib = std::fs::read_to_string(root.join("../programs/risk-engine/src/lib.rs")).unwrap();
    let instructions: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .filter_map(|l| l.split('(').next())
        .map(String::from)
        .collect();
    assert!(instructions.len() >= 26, "{instructions:?}");
    let matrix = std::fs::read_to_string(root.join("ATTACKS.md")).unwrap();
    let mut sources = String::new();
    for entry in std::fs::read_dir(root.join("tests/program")).unwrap() {
        sources += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
    }
    let refusals = std::fs::read_to_string(refusals_path()).unwrap();

    let mut rows = matrix
        .lines()
        .skip_while(|l| !l.starts_with("| instruction |"))
        .take_while(|l| l.starts_with('|'));
    let header: Vec<String> = cells(rows.next().expect("the matrix's header row"));
    let mut listed = BTreeSet::new();
    for row in rows.skip(1) {
        let cells = cells(row);
        let instruction = cells[0].trim_matches('`').to_string();
        assert!(
            instructions.contains(&instruction),
            "ATTACKS.md lists {instruction}, which lib.rs does not have"
        );
        for (class, cell) in header.iter().zip(&cells).skip(1) {
            if cell.starts_with("n/a") {
                assert!(
                    cell.len() > "n/a: ".len(),
                    "{instruction} / {class}: say why it does not apply"
                );
                continue;
            }
            let test = cell.trim_matches('`');
            assert!(
                sources.contains(&format!("fn {test}(")),
                "{instruction} / {class}: no test {test}"
            );
            let table_class = class.trim_matches('`');
            if refusals
                .lines()
                .any(|l| l.starts_with(&format!("{table_class} | ")))
            {
                assert!(
                    refusals
                        .lines()
                        .any(|l| l.starts_with(&format!("{table_class} | {instruction} | "))),
                    "{instruction} / {class}: no attack in refusals.txt"
                );
            }
        }
        listed.insert(instruction);
    }
    let missing: Vec<&String> = instructions.difference(&listed).collect();
    assert!(missing.is_empty(), "ATTACKS.md lacks {missing:?}");
}

fn cells(row: &str) -> Vec<String> {
    row.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}
