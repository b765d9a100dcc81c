//! `riskctl show`: the JSON carries the chain's raw values; the tables
//! carry units.

use riskctl::show;
use riskctl::simulate::book::{self, BorrowerPlan};

use crate::riskctl::harness::{Harness, START};

#[test]
fn market_and_reserve_views_match_the_chain() {
    let mut h = Harness::deployed();
    h.publish_all(START + 30, 150.0);
    let symbols = h
        .deployment
        .reserves
        .iter()
        .map(|r| (r.mint_address(), r.symbol.clone()))
        .collect();
    let market = h.market();
    let market = show::market(&mut h.chain, &market, &h.prices, &symbols).unwrap();
    let json = market.to_json();
    assert_eq!(json["market"]["authority"], h.chain_payer().to_string());
    assert_eq!(json["liquidation_rules"]["close_factor"], 5_000);
    let text = market.render_text();
    assert!(
        text.contains("close factor                   50.00 %"),
        "{text}"
    );
    assert!(text.contains("reserve SOL "), "{text}");
    assert!(
        text.contains("$0.00002"),
        "BONK's price keeps its digits: {text}"
    );

    let sol = h.asset("SOL").reserve;
    let reserve = show::reserve(&mut h.chain, &sol, &h.prices)
        .unwrap()
        .to_json();
    let on_chain = h.reserve("SOL");
    assert_eq!(reserve["bounds"]["lt_max"], on_chain.bounds.lt_max_bps);
    assert_eq!(
        reserve["calibration"]["horizon"],
        on_chain.calibration.horizon_secs
    );
    assert_eq!(
        reserve["reserve"]["liquidation_threshold_bps"],
        on_chain.calibrated.liquidation_threshold_bps
    );
    assert_eq!(reserve["reserve"]["price_usd"], 150.0);
}

#[test]
fn a_position_shows_its_health_with_the_program_math() {
    let mut h = Harness::deployed();
    h.publish_all(START + 30, 150.0);
    let (sol, usdc, market) = (h.asset("SOL"), h.asset("USDC"), h.market());
    book::supply(&mut h.chain, market, &usdc, 1_000_000 * 1_000_000).unwrap();
    let plan = BorrowerPlan {
        collateral_usd: 15_000.0,
        ltv: 0.6,
    };
    let position =
        book::open_borrower(&mut h.chain, market, &sol, &usdc, plan, 150.0, 1.0).unwrap();
    let view = show::position(&mut h.chain, &position, &h.prices).unwrap();
    let json = view.to_json();
    assert_eq!(
        json["position"]["collateral"], 100_000_000_000u64,
        "100 SOL in lamports"
    );
    assert_eq!(json["position"]["debt"], 9_000_000_000u64, "9,000 USDC");
    assert_eq!(json["position"]["ltv_bps"], 6_000);
    // Unrefreshed reserve: its calibration is stale, so lt_min (75 %) applies.
    assert_eq!(json["position"]["threshold_bps"], 7_500);
    let health = json["position"]["health_factor"].as_f64().unwrap();
    assert!((health - 1.25).abs() < 1e-9, "{health}");
    assert_eq!(json["position"]["liquidatable"], false);
    assert!(view.render_text().contains("health factor"));
}
