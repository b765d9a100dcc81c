//! Every instruction fed arbitrary input through the bank: random bytes in
//! place of its data, its own discriminator before random arguments, random
//! accounts in its list (the right count, wrong accounts), and too few
//! accounts. Each is refused cleanly, with one of Anchor's or the
//! program's errors, never a panic, and changes no account; random
//! arguments that happen to decode to a valid call may go through, as may a
//! call naming a sibling account (another reserve of the same market), and
//! then the books still balance. Extra accounts past the list are Anchor's
//! remaining accounts, which no instruction reads: they are never written.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::AccountMeta;
use risk_engine_tests::attack::attempt;
use risk_engine_tests::world::{Call, World};
use riskctl::history::random::Random;
use solana_sdk::signature::Keypair;

/// Cases of each kind per instruction.
const CASES: usize = 16;

fn bytes(random: &mut Random, len: usize) -> Vec<u8> {
    (0..len).map(|_| random.below(256) as u8).collect()
}

/// Accounts an attacker could name: the world's, a few programs, strangers.
fn pool(w: &World, calls: &[Call]) -> Vec<Pubkey> {
    let mut pool: Vec<Pubkey> = calls
        .iter()
        .flat_map(|c| c.ix.accounts.iter().map(|m| m.pubkey))
        .collect();
    pool.extend([
        anchor_lang::system_program::ID,
        anchor_spl::token::ID,
        anchor_spl::token_2022::ID,
        risk_engine::ID,
        w.other.market,
        w.other.spl.reserve,
        w.other.t22.vault,
        w.other.position,
        w.other.lender,
    ]);
    // Fixed strangers: `Pubkey::new_unique` counts across the tests running
    // beside this one, which would make the draws differ from run to run.
    pool.extend((0..4u8).map(|i| Pubkey::new_from_array([0xa0 + i; 32])));
    pool.sort();
    pool.dedup();
    pool
}

/// Refused with an error (the program's, Anchor's, a called program's or
/// the runtime's, such as `InvalidAccountData` for a token account given
/// as a mint), and nothing changed.
fn assert_refused_cleanly(name: &str, case: &str, answer: &str, changed: bool) {
    assert_ne!(answer, "accepted", "{name}, {case}");
    assert!(
        !changed,
        "{name}, {case}: refused ({answer}) but an account changed"
    );
}

#[tokio::test]
async fn arbitrary_data_and_accounts_are_refused_cleanly() {
    let mut w = World::new().await;
    let calls = w.calls();
    let pool = pool(&w, &calls);
    let mut random = Random::new(2026);
    let mut decoded_and_accepted = 0;
    let mut siblings_accepted = 0;
    for call in &calls {
        let signers: Vec<&Keypair> = call.signers.iter().collect();
        for case in 0..CASES {
            // Random bytes: no discriminator of the program.
            let mut ix = call.ix.clone();
            let len = random.below(64);
            ix.data = bytes(&mut random, len);
            if ix.data.len() >= 8 && ix.data[..8] == call.ix.data[..8] {
                continue;
            }
            let (answer, changed) = attempt(&mut w, ix, &signers).await;
            assert_refused_cleanly(call.name, &format!("random data {case}"), &answer, changed);

            // Its own discriminator, random arguments.
            let mut ix = call.ix.clone();
            ix.data.truncate(8);
            let len = random.below(2 * call.ix.data.len().max(16));
            ix.data.extend(bytes(&mut random, len));
            let (answer, changed) = attempt(&mut w, ix, &signers).await;
            if answer == "accepted" {
                decoded_and_accepted += 1;
                for asset in [w.f.spl, w.f.t22, w.other.spl, w.other.t22] {
                    w.f.assert_vault_matches(&asset).await;
                }
            } else {
                assert_refused_cleanly(
                    call.name,
                    &format!("random arguments {case}"),
                    &answer,
                    changed,
                );
            }

            // The right count of accounts, at least one of them wrong. The
            // last one, the program itself for the event self-CPI, is left
            // alone: a wrong one fails that CPI on chain (MissingAccount),
            // where solana-program-test's native CPI stub panics instead.
            let mut ix = call.ix.clone();
            let mut substituted = Vec::new();
            let named = ix.accounts.len() - 1;
            for meta in ix.accounts[..named].iter_mut() {
                if random.below(3) == 0 {
                    let pick = pool[random.below(pool.len())];
                    if pick != meta.pubkey {
                        substituted.push((meta.pubkey, pick));
                    }
                    // Nobody signs for an account that is not theirs.
                    *meta = AccountMeta {
                        pubkey: pick,
                        is_signer: meta.is_signer && pick == meta.pubkey,
                        is_writable: meta.is_writable,
                    };
                }
            }
            if !substituted.is_empty() && !only_programs_swapped(&call.ix.accounts, &ix.accounts) {
                let signers = signing(call, &ix);
                let (answer, changed) = attempt(&mut w, ix, &signers).await;
                let mut all_siblings = true;
                for (original, pick) in &substituted {
                    all_siblings &= is_sibling(&mut w, *original, *pick).await;
                }
                if answer == "accepted" && all_siblings {
                    siblings_accepted += 1;
                    for asset in [w.f.spl, w.f.t22, w.other.spl, w.other.t22] {
                        w.f.assert_vault_matches(&asset).await;
                    }
                } else {
                    assert_refused_cleanly(
                        call.name,
                        &format!("random accounts {case}"),
                        &answer,
                        changed,
                    );
                }
            }

            // Too few accounts.
            let mut ix = call.ix.clone();
            let keep = random.below(ix.accounts.len());
            ix.accounts.truncate(keep);
            let signers = signing(call, &ix);
            let (answer, changed) = attempt(&mut w, ix, &signers).await;
            assert_refused_cleanly(call.name, &format!("{keep} accounts"), &answer, changed);
        }
    }
    println!(
        "random arguments that decoded to a valid call and went through: {decoded_and_accepted}; \
         calls on a sibling account that went through: {siblings_accepted}"
    );
}

/// Whether `pick` may stand where `original` stood in a valid call: an
/// account of the program of the same type under the same parent (another
/// reserve of the same market, say), which the signer may as well name.
/// Any other substitution must be refused.
async fn is_sibling(w: &mut World, original: Pubkey, pick: Pubkey) -> bool {
    let (Some(a), Some(b)) = (w.f.raw(original).await, w.f.raw(pick).await) else {
        return false;
    };
    // Every account type of the program starts with its discriminator and
    // then its parent: the market (Reserve, Position), the reserve
    // (LenderPosition) or the authority (Market).
    let same_kind_and_parent = a.len() >= 40 && b.len() >= 40 && a[..40] == b[..40];
    same_kind_and_parent
        && owner(w, original).await == Some(risk_engine::ID)
        && owner(w, pick).await == Some(risk_engine::ID)
}

async fn owner(w: &mut World, address: Pubkey) -> Option<Pubkey> {
    let account = w.f.context.banks_client.get_account(address).await;
    account.ok().flatten().map(|account| account.owner)
}

/// The call's signers still named as signers in `ix`.
fn signing<'a>(
    call: &'a Call,
    ix: &anchor_lang::solana_program::instruction::Instruction,
) -> Vec<&'a Keypair> {
    call.signers
        .iter()
        .filter(|k| {
            let key = solana_sdk::signature::Signer::pubkey(*k);
            ix.accounts.iter().any(|m| m.is_signer && m.pubkey == key)
        })
        .collect()
}

/// Whether the only differences are the event authority or the program
/// account swapped for themselves (no attack at all).
fn only_programs_swapped(original: &[AccountMeta], changed: &[AccountMeta]) -> bool {
    original
        .iter()
        .zip(changed)
        .all(|(a, b)| a.pubkey == b.pubkey)
}

#[tokio::test]
async fn accounts_past_the_list_are_never_written() {
    let mut w = World::new().await;
    let extras = [w.f.users[1].t22_account, w.f.t22.reserve, w.other.t22.vault];
    for call in w.calls() {
        let mut ix = call.ix.clone();
        ix.accounts
            .extend(extras.iter().map(|e| AccountMeta::new(*e, false)));
        let mut before = Vec::new();
        for extra in extras
            .iter()
            .filter(|e| !call.ix.accounts.iter().any(|m| m.pubkey == **e))
        {
            before.push((*extra, w.f.raw(*extra).await));
        }
        let signers: Vec<&Keypair> = call.signers.iter().collect();
        w.f.send(&[ix], &signers).await.ok();
        for (extra, old) in before {
            assert!(
                w.f.raw(extra).await == old,
                "{}: wrote {extra}, passed past its list",
                call.name
            );
        }
    }
}
