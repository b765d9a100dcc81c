//! `riskctl keeper`: a pass refreshes exactly the reserves whose Pyth
//! price is newer, and leaves each one as the program's own calibration
//! would, step by step.

use risk_engine::calibration::apply_price;
use risk_engine::oracle::pyth::{load_price, PriceUse};
use riskctl::keeper::{self, KeeperOptions};

use crate::riskctl::harness::{Harness, START};

fn options(h: &Harness) -> KeeperOptions {
    KeeperOptions {
        market: h.market(),
        price_accounts: h.prices.clone(),
        depth_file: None,
    }
}

#[test]
fn each_pass_moves_the_threshold_as_the_program_would() {
    let mut h = Harness::deployed();
    let options = options(&h);
    let mut expected = h.reserve("SOL");
    // A calm start, then a fall of 30 % in six hourly steps.
    let path = [
        150.0, 151.0, 149.5, 150.5, 140.0, 128.0, 118.0, 110.0, 105.0,
    ];
    for (hour, sol_usd) in path.into_iter().enumerate() {
        let time = START + 3_600 * hour as i64;
        h.publish_all(time, sol_usd);
        let posted = h.publish("SOL", sol_usd, time).to_update();
        let report = keeper::pass(&mut h.chain, &options).unwrap();
        assert_eq!(report.refreshed.len(), 3, "every reserve had a newer price");
        assert!(report.failed.is_empty(), "{:?}", report.failed);

        let price = load_price(&posted, &expected.oracle, time, PriceUse::Calibration).unwrap();
        apply_price(&mut expected, &price, time).unwrap();
        let on_chain = h.reserve("SOL");
        assert_eq!(on_chain.calibrated, expected.calibrated, "hour {hour}");
    }
    let last = h.reserve("SOL").calibrated;
    assert!(
        last.liquidation_threshold_bps < 8_800,
        "the fall tightened the threshold"
    );
    assert_eq!(last.max_ltv_bps, last.liquidation_threshold_bps - 500);
}

#[test]
fn a_price_that_is_not_newer_is_left_alone() {
    let mut h = Harness::deployed();
    let options = options(&h);
    // A slot's start: the calibration counts it.
    h.publish_all(START + 900, 150.0);
    assert_eq!(
        keeper::pass(&mut h.chain, &options)
            .unwrap()
            .refreshed
            .len(),
        3
    );
    let before = h.reserve("SOL");
    let report = keeper::pass(&mut h.chain, &options).unwrap();
    assert_eq!((report.refreshed.len(), report.up_to_date), (0, 3));
    assert_eq!(h.reserve("SOL").calibrated, before.calibrated);
    // A newer price in the same sample slot would not count either.
    h.chain.set_clock(START + 905);
    h.publish_all(START + 905, 151.0);
    let report = keeper::pass(&mut h.chain, &options).unwrap();
    assert_eq!((report.refreshed.len(), report.up_to_date), (0, 3));
    assert_eq!(h.reserve("SOL").calibrated, before.calibrated);
}

#[test]
fn a_refused_price_is_reported_and_the_pass_goes_on() {
    let mut h = Harness::deployed();
    let options = options(&h);
    // SOL posted long ago: stale by the time the clock moves on.
    h.publish("SOL", 150.0, START + 10);
    h.publish("USDC", 1.0, START + 10);
    h.publish("BONK", 0.00002, START + 10);
    h.chain.set_clock(START + 10 + 3_600);
    h.publish("USDC", 1.0, START + 10 + 3_600);
    let report = keeper::pass(&mut h.chain, &options).unwrap();
    let usdc = h.asset("USDC").reserve;
    assert_eq!(
        report.refreshed.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![usdc]
    );
    assert_eq!(report.failed.len(), 2, "{:?}", report.failed);
    assert!(
        report
            .failed
            .iter()
            .all(|(_, why)| why.contains("OraclePriceStale")),
        "{:?}",
        report.failed
    );
    assert_eq!(
        h.reserve("SOL").calibrated.last_publish_time,
        0,
        "SOL unchanged"
    );
}

#[test]
fn the_depth_reporter_reports_the_file_and_nobody_else_does() {
    let mut h = Harness::deployed();
    let sol = h.asset("SOL");
    let operator = h.chain_payer();
    let set =
        riskctl::client::builders::set_depth_reporter(operator, h.market(), sol.reserve, operator);
    riskctl::chain::Chain::send(&mut h.chain, &[set], &[]).unwrap();
    let file = std::env::temp_dir().join(format!("depth-{}.toml", sol.mint));
    std::fs::write(
        &file,
        format!(
            "\"{}\" = \"2,500,000 USD\"\n\"{}\" = \"7 USD\"\n",
            sol.mint,
            h.asset("USDC").mint
        ),
    )
    .unwrap();
    let mut options = options(&h);
    options.depth_file = Some(file.clone());
    // A slot's start: the calibration counts it.
    h.publish_all(START + 900, 150.0);
    let report = keeper::pass(&mut h.chain, &options).unwrap();
    assert_eq!(
        report.depth_reported,
        vec![(sol.reserve, 2_500_000)],
        "only where the keeper is the reporter"
    );
    assert_eq!(h.reserve("SOL").calibrated.reported_depth_quote, 2_500_000);
    assert_eq!(h.reserve("USDC").calibrated.reported_depth_quote, 0);
    // Unchanged and fresh: not sent again.
    let again = keeper::pass(&mut h.chain, &options).unwrap();
    assert!(again.depth_reported.is_empty());
    std::fs::remove_file(file).ok();
}
