//! Governance through a multisig: the market's authority handed to a vault,
//! `gov` and `deploy` print transactions for it instead of signing, and the
//! printed forms decode back into the very instructions, which then pass
//! when the vault signs them.

use riskctl::chain::Chain;
use riskctl::config::units;
use riskctl::gov::{self, GovAction};
use riskctl::multisig::{self, Proposal};
use riskctl::{accounts, deploy};
use solana_sdk::signature::{Keypair, Signer};

use crate::riskctl::harness::Harness;

/// Every printed form of `proposal` gives back its instructions.
fn decoded(
    vault: &Keypair,
    proposal: &Proposal,
) -> Vec<anchor_lang::solana_program::instruction::Instruction> {
    let printed = multisig::print(&vault.pubkey(), proposal).unwrap();
    // Through JSON too, as `--json` prints it.
    let json = serde_json::to_string(&printed).unwrap();
    let printed: multisig::Printed = serde_json::from_str(&json).unwrap();
    let from_message = multisig::decode_message(&printed.message_base58).unwrap();
    let from_transaction = multisig::decode_transaction(&printed.transaction_base58).unwrap();
    let from_list = multisig::decode_instructions(&printed.instructions).unwrap();
    assert_eq!(from_list, proposal.instructions);
    // A message marks its fee payer, the vault, writable wherever it is named.
    let mut in_a_message = proposal.instructions.clone();
    for meta in in_a_message
        .iter_mut()
        .flat_map(|ix| ix.accounts.iter_mut())
    {
        meta.is_writable |= meta.pubkey == vault.pubkey();
    }
    assert_eq!(from_message, in_a_message);
    assert_eq!(from_transaction, in_a_message);
    from_list
}

#[test]
fn printed_proposals_decode_to_the_instructions_a_vault_then_signs() {
    let mut h = Harness::deployed();
    let market = h.market();
    let vault = Keypair::new();

    // Hand the market to the vault.
    let handover = GovAction::ProposeAuthority {
        new_authority: vault.pubkey(),
    };
    let prepared = gov::prepare(&mut h.chain, market, &handover).unwrap();
    gov::apply(&mut h.chain, &prepared, &[]).unwrap();
    let accept = gov::prepare_for(
        &mut h.chain,
        market,
        &GovAction::AcceptAuthority,
        vault.pubkey(),
    )
    .unwrap();
    let instructions = decoded(
        &vault,
        &Proposal {
            title: "accept".into(),
            diff: prepared.diff,
            instructions: vec![accept.instruction],
        },
    );
    h.chain.send(&instructions, &[&vault]).unwrap();
    assert_eq!(
        accounts::market(&mut h.chain, &market).unwrap().authority,
        vault.pubkey()
    );

    // A governance change, printed for the vault.
    let sol = h.asset("SOL").reserve;
    let action = GovAction::SetBounds {
        reserve: sol,
        values: vec!["lt_max=86%".into()],
    };
    let prepared = gov::prepare_for(&mut h.chain, market, &action, vault.pubkey()).unwrap();
    assert_eq!(prepared.diff, vec!["lt_max: 88.00 % -> 86.00 %"]);
    let proposal = Proposal {
        title: "set-bounds SOL lt_max=86%".into(),
        diff: prepared.diff.clone(),
        instructions: vec![prepared.instruction.clone()],
    };
    let rendered = multisig::render(
        &vault.pubkey(),
        &[multisig::print(&vault.pubkey(), &proposal).unwrap()],
    );
    assert!(rendered.contains("nothing was sent"), "{rendered}");
    assert!(
        rendered.contains("lt_max: 88.00 % -> 86.00 %"),
        "{rendered}"
    );
    let instructions = decoded(&vault, &proposal);
    // The vault is its one signer besides the fee payer.
    let signers: Vec<_> = instructions[0]
        .accounts
        .iter()
        .filter(|m| m.is_signer)
        .map(|m| m.pubkey)
        .collect();
    assert_eq!(signers, vec![vault.pubkey()]);
    h.chain.send(&instructions, &[&vault]).unwrap();
    assert_eq!(h.reserve("SOL").bounds.lt_max_bps, 8_600);

    // A deploy for the vault: the same market (its address stays the
    // creator's, as --market gives it) with the vault as authority.
    let mut deployment = h.deployment.clone();
    deployment.authority = vault.pubkey();
    let usdc = deployment
        .reserves
        .iter_mut()
        .find(|r| r.symbol == "USDC")
        .unwrap();
    usdc.bounds.lt_max_bps = units::percent_to_bps_u16("91%").unwrap();
    let plan = deploy::plan_for_authority(&mut h.chain, &deployment).unwrap();
    let proposals = plan.proposals().unwrap();
    assert!(
        proposals.iter().any(|p| p.title.contains("USDC")),
        "{:?}",
        proposals.iter().map(|p| &p.title).collect::<Vec<_>>()
    );
    for proposal in &proposals {
        let instructions = decoded(&vault, proposal);
        h.chain.send(&instructions, &[&vault]).unwrap();
    }
    assert_eq!(h.reserve("USDC").bounds.lt_max_bps, 9_100);
}
