//! `riskctl simulate`: the summary agrees with the chain it leaves behind.

use riskctl::accounts;
use riskctl::config::ConfigSource;
use riskctl::history::csv;
use riskctl::simulate::{self, SimulateOptions};

use crate::riskctl::harness::{localnet, repo_file};

fn options(borrowers: usize) -> SimulateOptions {
    SimulateOptions {
        config: ConfigSource::File(localnet()),
        borrowers,
        ..SimulateOptions::default()
    }
}

#[test]
fn the_crash_summary_is_the_chain_at_the_end() {
    let mut run = simulate::run(None, &options(24)).unwrap();
    let summary = run.summary.clone();
    assert_eq!(summary.steps, 169);
    assert!(summary.liquidations > 0, "a 40 % crash liquidates someone");
    assert!(
        summary.threshold_min_bps < summary.threshold_max_bps,
        "the threshold moved"
    );
    assert!(summary.books_balance(), "{:?}", summary.vaults);

    let chain = &mut run.chain;
    let debt = accounts::reserve(chain, &run.debt.reserve).unwrap();
    let collateral = accounts::reserve(chain, &run.collateral.reserve).unwrap();
    assert_eq!(summary.bad_debt_base_units, debt.lending.deficit);
    for (check, asset, reserve) in [
        (&summary.vaults[0], &run.collateral, &collateral),
        (&summary.vaults[1], &run.debt, &debt),
    ] {
        let vault = accounts::token_balance(chain, &asset.vault)
            .unwrap()
            .unwrap();
        assert_eq!(check.vault_base_units, vault);
        assert_eq!(
            vault,
            reserve.lending.available_liquidity + reserve.lending.total_collateral
        );
    }
    let positions = accounts::positions_of(chain, &run.deployment.market).unwrap();
    assert_eq!(summary.positions, 24);
    assert_eq!(positions.len(), 24);
    let collateral_held: u64 = positions.iter().map(|(_, p)| p.collateral_amount).sum();
    assert_eq!(
        collateral_held, collateral.lending.total_collateral,
        "positions hold what the reserve counts"
    );
    let debt_shares: u64 = positions.iter().map(|(_, p)| p.debt_shares).sum();
    assert_eq!(
        debt_shares, debt.lending.debt_shares,
        "positions owe what the reserve counts"
    );
    assert_eq!(
        summary.positions_indebted_at_end,
        positions.iter().filter(|(_, p)| p.debt_shares > 0).count()
    );
    let records = &run.records;
    assert_eq!(
        summary.liquidations,
        records.iter().map(|r| r.liquidations).sum::<usize>()
    );
    let last = records.last().unwrap();
    let borrowed: fixed::types::I80F48 = debt.lending.borrowed_amount.into();
    assert!((last.debt_usd - borrowed.to_num::<f64>() / 1e6).abs() < 1e-6);
    assert_eq!(
        last.threshold_bps,
        collateral.calibrated.liquidation_threshold_bps
    );

    let report = std::env::temp_dir().join(format!("simulate-{}.html", std::process::id()));
    simulate::report::write(&run, &report).unwrap();
    let html = std::fs::read_to_string(&report).unwrap();
    for chart in [
        "Collateral price",
        "Volatility estimate",
        "Liquidation threshold and max LTV",
        "Liquidations per step",
        "Debt, collateral and bad debt",
    ] {
        assert!(html.contains(chart), "{chart} missing");
    }
    std::fs::remove_file(report).ok();
}

#[test]
fn a_history_file_drives_the_collateral() {
    let path = csv::read(&repo_file("data/prices/sol-usd-daily-to-2021.csv")).unwrap();
    // From 1 May 2021 through the 19 May crash and after.
    let start = path.iter().position(|t| t.time >= 1_619_827_200).unwrap();
    let window = &path[start..start + 40];
    let run = simulate::run(
        Some(window),
        &SimulateOptions {
            max_steps: Some(40),
            ..options(12)
        },
    )
    .unwrap();
    assert_eq!(run.records.len(), 40);
    assert_eq!(run.records[0].price_usd, window[0].price);
    assert_eq!(run.records[39].time, window[39].time);
    assert!(run.summary.books_balance());
}
