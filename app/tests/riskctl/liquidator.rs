//! `riskctl liquidator`: on a prepared book it liquidates exactly the
//! unhealthy positions, leaves the healthy ones untouched, pays and is paid
//! what the chain says, and moves on when another liquidator was first.

use std::collections::BTreeSet;

use anchor_lang::prelude::Pubkey;
use risk_engine::state::Position;
use riskctl::accounts;
use riskctl::chain::Chain;
use riskctl::keeper::{self, KeeperOptions};
use riskctl::liquidator::bot::{self, LiquidatorOptions};
use riskctl::simulate::book::{self, BorrowerPlan};
use solana_sdk::signature::{Keypair, Signer};

use crate::riskctl::harness::{Harness, START};

/// LTVs of the book at $150; at $120 every LTV grows by 150/120 = 1.25,
/// so with the 75 % threshold those above 60 % fall under water.
const LTVS: [f64; 8] = [0.30, 0.45, 0.55, 0.59, 0.61, 0.64, 0.67, 0.69];

struct Book {
    h: Harness,
    positions: Vec<(f64, Pubkey)>,
    options: LiquidatorOptions,
}

fn prepared_book() -> Book {
    let mut h = Harness::deployed();
    h.publish_all(START + 60, 150.0);
    let keeper_options = KeeperOptions {
        market: h.market(),
        price_accounts: h.prices.clone(),
        depth_file: None,
    };
    keeper::pass(&mut h.chain, &keeper_options).unwrap();
    assert_eq!(
        h.reserve("SOL").calibrated.liquidation_threshold_bps,
        7_500,
        "seeded at lt_min"
    );
    let (sol, usdc, market) = (h.asset("SOL"), h.asset("USDC"), h.market());
    book::supply(&mut h.chain, market, &usdc, 10_000_000 * 1_000_000).unwrap();
    let operator = h.chain.payer().pubkey();
    book::fund(&mut h.chain, &operator, &usdc, 1_000_000 * 1_000_000).unwrap();
    let positions = LTVS
        .iter()
        .map(|&ltv| {
            let plan = BorrowerPlan {
                collateral_usd: 30_000.0,
                ltv,
            };
            (
                ltv,
                book::open_borrower(&mut h.chain, market, &sol, &usdc, plan, 150.0, 1.0).unwrap(),
            )
        })
        .collect();
    // The fall; the keeper takes it before the bot looks.
    h.publish_all(START + 120, 120.0);
    keeper::pass(&mut h.chain, &keeper_options).unwrap();
    assert_eq!(
        h.reserve("SOL").calibrated.liquidation_threshold_bps,
        7_500,
        "already at its floor"
    );
    let options = LiquidatorOptions {
        market,
        price_accounts: h.prices.clone(),
        tolerance_bps: 50,
        max_liquidations: None,
    };
    Book {
        h,
        positions,
        options,
    }
}

fn load(h: &mut Harness, address: &Pubkey) -> Position {
    accounts::load::<Position>(&mut h.chain, address)
        .unwrap()
        .expect("position exists")
}

#[test]
fn exactly_the_unhealthy_positions_are_liquidated() {
    let Book {
        mut h,
        positions,
        options,
    } = prepared_book();
    let underwater: BTreeSet<Pubkey> = positions
        .iter()
        .filter(|(ltv, _)| ltv * 1.25 > 0.75)
        .map(|(_, p)| *p)
        .collect();
    assert_eq!(underwater.len(), 4);
    let healthy_before: Vec<(Pubkey, Position)> = positions
        .iter()
        .filter(|(_, p)| !underwater.contains(p))
        .map(|(_, p)| (*p, load(&mut h, p)))
        .collect();
    let (sol, usdc) = (h.asset("SOL"), h.asset("USDC"));
    let operator = h.chain.payer().pubkey();
    let treasury = h.deployment.treasury;
    let bot_sol_before = h.token_balance(&sol.associated_account(&operator));
    let bot_usdc_before = h.token_balance(&usdc.associated_account(&operator));

    let report = bot::pass(&mut h.chain, &options).unwrap();

    let liquidated: BTreeSet<Pubkey> = report.liquidated.iter().map(|l| l.position).collect();
    assert_eq!(liquidated, underwater, "skipped: {:?}", report.skipped);
    assert_eq!((report.positions, report.unhealthy), (8, 4));
    for (address, before) in healthy_before {
        let after = load(&mut h, &address);
        assert_eq!(
            (after.collateral_amount, after.debt_shares),
            (before.collateral_amount, before.debt_shares),
            "a healthy position was touched"
        );
    }
    let repaid: u64 = report.liquidated.iter().map(|l| l.repaid).sum();
    let received: u64 = report
        .liquidated
        .iter()
        .map(|l| l.collateral_received)
        .sum();
    let fees: u64 = report.liquidated.iter().map(|l| l.protocol_fee).sum();
    let seized: u64 = report.liquidated.iter().map(|l| l.seized).sum();
    assert_eq!(
        h.token_balance(&usdc.associated_account(&operator)),
        bot_usdc_before - repaid
    );
    assert_eq!(
        h.token_balance(&sol.associated_account(&operator)),
        bot_sol_before + received
    );
    assert_eq!(h.token_balance(&sol.associated_account(&treasury)), fees);
    assert_eq!(seized, received + fees);
    assert!(
        report.liquidated.iter().all(|l| l.profit_usd > 0),
        "a liquidation at a loss"
    );
    h.assert_vaults_match();
}

#[test]
fn the_most_profitable_goes_first() {
    let Book { mut h, options, .. } = prepared_book();
    let planned = bot::plan(&mut h.chain, &options).unwrap();
    let report = bot::execute(&mut h.chain, &options, planned).unwrap();
    let profits: Vec<_> = report.liquidated.iter().map(|l| l.profit_usd).collect();
    assert!(profits.windows(2).all(|w| w[0] >= w[1]), "{profits:?}");
}

#[test]
fn a_liquidation_another_bot_got_first_fails_cleanly_and_the_pass_goes_on() {
    let Book {
        mut h,
        options,
        positions,
    } = prepared_book();
    let usdc = h.asset("USDC");
    let planned = bot::plan(&mut h.chain, &options).unwrap();
    let planned_positions = planned.candidates();
    assert_eq!(planned_positions.len(), 4);

    // A rival takes the first two before our bot sends anything.
    let ours = h.chain.payer().insecure_clone();
    let rival = Keypair::new();
    // Minted by the operator, the local mints' authority.
    book::fund(&mut h.chain, &rival.pubkey(), &usdc, 1_000_000 * 1_000_000).unwrap();
    h.chain.switch_operator(rival.insecure_clone()).unwrap();
    let rival_options = LiquidatorOptions {
        max_liquidations: Some(2),
        ..options.clone()
    };
    let rival_report = bot::pass(&mut h.chain, &rival_options).unwrap();
    assert_eq!(rival_report.liquidated.len(), 2);
    let taken: BTreeSet<Pubkey> = rival_report.liquidated.iter().map(|l| l.position).collect();

    h.chain.switch_operator(ours).unwrap();
    let report = bot::execute(&mut h.chain, &options, planned).unwrap();
    let skipped: BTreeSet<Pubkey> = report.skipped.iter().map(|(p, _)| *p).collect();
    let liquidated: BTreeSet<Pubkey> = report.liquidated.iter().map(|l| l.position).collect();
    assert_eq!(skipped, taken, "the rival's positions are refused on chain");
    assert_eq!(liquidated.len(), 2, "the others still go");
    assert!(liquidated.is_disjoint(&taken));
    assert!(
        report
            .skipped
            .iter()
            .all(|(_, why)| why.contains("CollateralOutBelowMinimum")
                || why.contains("PositionHealthy")),
        "{:?}",
        report.skipped
    );
    assert_eq!(positions.len(), 8);
    h.assert_vaults_match();
}

#[test]
fn a_bot_without_debt_tokens_skips_and_says_why() {
    let Book { mut h, options, .. } = prepared_book();
    let broke = Keypair::new();
    h.chain.switch_operator(broke).unwrap();
    let report = bot::pass(&mut h.chain, &options).unwrap();
    assert!(report.liquidated.is_empty());
    assert_eq!(report.skipped.len(), 4);
    assert!(
        report
            .skipped
            .iter()
            .all(|(_, why)| why.contains("holds only 0 debt base units")),
        "{:?}",
        report.skipped
    );
}

#[test]
fn the_treasury_key_is_not_allowed_to_liquidate() {
    let Book { mut h, options, .. } = prepared_book();
    let mut treasury_market = h.deployment.clone();
    treasury_market.treasury = h.chain.payer().pubkey();
    let plan = riskctl::deploy::plan(&mut h.chain, &treasury_market).unwrap();
    riskctl::deploy::apply(&mut h.chain, plan).unwrap();
    let error = format!("{:#}", bot::pass(&mut h.chain, &options).err().unwrap());
    assert!(error.contains("is the market's treasury"), "{error}");
}
