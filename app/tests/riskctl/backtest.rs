//! `riskctl backtest`: the replay is the program's calibration, a step
//! crash does what hand arithmetic says, and the comparison with static
//! thresholds is made on the same path.

use riskctl::accounts;
use riskctl::backtest::{self, replay, BookConfig, Setup, Threshold};
use riskctl::history::Tick;
use riskctl::keeper::{self, KeeperOptions};

use crate::riskctl::harness::{backtest_setup, Harness, START};

#[test]
fn the_replay_is_refresh_reserve_through_the_bank() {
    let mut h = Harness::deployed();
    let sol = h.asset("SOL").reserve;
    let options = KeeperOptions {
        market: h.market(),
        price_accounts: h.prices.clone(),
        depth_file: None,
    };
    let spec = h
        .deployment
        .reserves
        .iter()
        .find(|r| r.symbol == "SOL")
        .unwrap()
        .clone();
    let mut offline = replay::listed_reserve(&spec, START);
    // A calm day and a half, then a fall of 25 % in five hours.
    let calm = (0..36).map(|h| 150.0 + [0.0, 0.4, -0.3, 0.2][h % 4]);
    let path: Vec<f64> = calm
        .chain([141.0, 133.5, 124.0, 118.0, 112.5, 114.0])
        .collect();
    let mut highest = 0;
    for (hour, price) in path.into_iter().enumerate() {
        let time = START + 3_600 * (hour as i64 + 1);
        h.publish_all(time, price);
        keeper::pass(&mut h.chain, &options).unwrap();
        replay::refresh(&mut offline, price, time).unwrap();
        let on_chain = accounts::reserve(&mut h.chain, &sol).unwrap();
        assert_eq!(on_chain.calibrated, offline.calibrated, "hour {hour}");
        highest = highest.max(offline.calibrated.liquidation_threshold_bps);
    }
    let last = offline.calibrated.liquidation_threshold_bps;
    assert!(
        highest > 7_500 && last < highest,
        "the threshold rose in calm and fell in the crash: {highest}, {last}"
    );
}

/// Daily ticks at $100 for ten days, one step to `crash_to`, three more days.
fn step_crash(crash_to: f64) -> Vec<Tick> {
    (0..14)
        .map(|day| Tick {
            time: START + day * 86_400,
            price: if day < 10 { 100.0 } else { crash_to },
        })
        .collect()
}

/// Four borrowers of $10,000 collateral at 50 %, 66 %, 82 % and 98 % of a
/// 75 % max LTV (static threshold 80 %, buffer 5 %, bonus 5 %): LTVs of
/// 37.5 %, 49.5 %, 61.5 % and 73.5 %.
fn four_borrowers() -> Setup {
    backtest_setup(BookConfig {
        borrowers: 4,
        min_target: 0.50,
        max_target: 0.98,
        min_size_usd: 10_000.0,
        max_size_usd: 10_000.0,
        relever_secs: 86_400,
        liquidation_delay_secs: 0,
    })
}

#[test]
fn a_twenty_percent_step_liquidates_one_position_without_bad_debt() {
    // At $80 the LTVs are 1.25 times higher: only 91.9 % is above 80 %. Its
    // health, 0.80 / 0.919 = 0.87, allows repaying it all: 7,350 USD of
    // debt seizes 7,350 × 1.05 / 80 = 96.47 of its 100 SOL, no bad debt.
    let run = backtest::run(
        &step_crash(80.0),
        None,
        &four_borrowers(),
        Threshold::Static(8_000),
        true,
    )
    .unwrap();
    assert_eq!(run.metrics.liquidations, 1);
    assert!(
        (run.metrics.liquidated_usd - 7_350.0).abs() < 0.01,
        "{}",
        run.metrics.liquidated_usd
    );
    assert!(run.metrics.bad_debt_usd < 0.01);
    // The bonus: 5 % of what was repaid, less the treasury's 10 % share of it.
    assert!(
        (run.metrics.bonus_paid_usd - 7_350.0 * 0.05 * 0.9).abs() < 0.05,
        "{}",
        run.metrics.bonus_paid_usd
    );
}

#[test]
fn a_thirty_percent_step_leaves_the_bad_debt_computed_by_hand() {
    // At $70: 87.9 % and 105 % are above 80 %, both repayable in full. The
    // first seizes 6,150 × 1.05 / 70 = 92.25 SOL. The second owes 7,350 USD
    // against 7,000 USD of collateral: all 100 SOL go for 7,000 / 1.05 =
    // 6,666.67 USD of debt, and 683.33 USD is written off.
    let run = backtest::run(
        &step_crash(70.0),
        None,
        &four_borrowers(),
        Threshold::Static(8_000),
        true,
    )
    .unwrap();
    assert_eq!(run.metrics.liquidations, 2);
    assert!(
        (run.metrics.bad_debt_usd - 683.33).abs() < 0.01,
        "{}",
        run.metrics.bad_debt_usd
    );
    assert!(
        (run.metrics.liquidated_usd - (6_150.0 + 6_666.67)).abs() < 0.02,
        "{}",
        run.metrics.liquidated_usd
    );
    let crash_step = &run.steps[10];
    assert_eq!(crash_step.liquidations, 2);
    assert!((crash_step.bad_debt_usd - 683.33).abs() < 0.01);
    assert_eq!(
        run.metrics.loss_p99_usd, run.metrics.bad_debt_usd,
        "one window holds it all"
    );
}

#[test]
fn compared_runs_keep_the_steps_of_full_replays() {
    // Hourly prices with crash days: the comparison replays the book at
    // its events only and fills the steps between from the threshold path.
    let minutes = riskctl::history::synthetic::minutes(200 * 1_440, 150.0, 11);
    let path: Vec<Tick> = minutes.into_iter().step_by(60).collect();
    let setup = backtest_setup(BookConfig::default());
    let runs = backtest::compare(&path, None, &setup, &[7_500, 8_800]).unwrap();
    for run in &runs {
        let full = backtest::run(&path, None, &setup, run.threshold, true).unwrap();
        assert_eq!(run.steps.len(), full.steps.len());
        let first_difference = run.steps.iter().zip(&full.steps).position(|(a, b)| a != b);
        assert_eq!(first_difference, None, "{}", run.threshold.label());
        assert_eq!(run.metrics, full.metrics, "{}", run.threshold.label());
    }
    assert!(
        runs.iter().all(|r| r.metrics.liquidations > 0),
        "crash days liquidate"
    );
}

#[test]
fn the_dynamic_threshold_and_static_ones_share_the_path() {
    let path = step_crash(70.0);
    let runs = backtest::compare(&path, None, &four_borrowers(), &[7_500, 8_800]).unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0].threshold, Threshold::Dynamic);
    for run in &runs {
        assert_eq!(run.steps.len(), path.len());
        assert!(run
            .steps
            .iter()
            .zip(&path)
            .all(|(s, t)| s.time == t.time && s.price_usd == t.price));
    }
    assert!(runs[2].steps.iter().all(|s| s.threshold_bps == 8_800));
    // A threshold the bounds forbid is refused with the program's reason.
    let error = format!(
        "{:#}",
        backtest::run(
            &path,
            None,
            &four_borrowers(),
            Threshold::Static(9_950),
            false
        )
        .unwrap_err()
    );
    assert!(error.contains("ThresholdBoundsInvalid"), "{error}");
}
