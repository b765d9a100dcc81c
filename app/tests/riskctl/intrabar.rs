//! `--intrabar`: a replay whose keeper acts every minute gives the same
//! book on daily and on hourly bars of one year, where the closes alone
//! disagree by an order of magnitude.

use riskctl::backtest::{self, BookConfig, RunMetrics};
use riskctl::history::bars::{self, Bar, SampleGrid};
use riskctl::history::{csv, Tick};

use crate::riskctl::harness::{backtest_setup, repo_file};

/// 2018, the year BTC fell from $14,000 to $3,200.
const FROM: i64 = 1_514_764_800;
const UNTIL: i64 = 1_546_300_800;

fn bars_of_2018(file: &str) -> Vec<Bar> {
    csv::read_bars(&repo_file(file))
        .unwrap()
        .into_iter()
        .filter(|bar| (FROM..UNTIL).contains(&bar.time))
        .collect()
}

fn closes(bars: &[Bar]) -> Vec<Tick> {
    bars.iter()
        .map(|bar| Tick {
            time: bar.time,
            price: bar.close,
        })
        .collect()
}

/// The dynamic threshold, then static 88 % and 92 %.
fn book(path: &[Tick]) -> Vec<RunMetrics> {
    let setup = backtest_setup(BookConfig::default());
    backtest::compare(path, None, &setup, &[8_800, 9_200])
        .unwrap()
        .into_iter()
        .map(|run| run.metrics)
        .collect()
}

fn walked(bars: &[Bar]) -> Vec<Tick> {
    let setup = backtest_setup(BookConfig::default());
    bars::path(bars, 60, SampleGrid::of(&setup.collateral.calibration))
}

#[test]
fn walked_every_minute_daily_and_hourly_bars_give_the_same_book() {
    let daily = bars_of_2018("data/prices/btc-usd-daily-2011-2021.csv");
    let hourly = bars_of_2018("data/prices/btc-usd-hourly-2017-2019.csv");
    assert_eq!((daily.len(), hourly.len()), (365, 8_760));

    // Closes alone: a daily keeper waits a day, so static 92 % leaves far
    // more bad debt on daily closes than on hourly ones.
    let (daily_closes, hourly_closes) = (book(&closes(&daily)), book(&closes(&hourly)));
    let static_92 = |runs: &[RunMetrics]| runs[2].bad_debt_usd;
    assert!(
        static_92(&daily_closes) > 10.0 * static_92(&hourly_closes).max(1.0),
        "{} vs {}",
        static_92(&daily_closes),
        static_92(&hourly_closes)
    );

    // Walked every minute: no bad debt on either, and the static
    // thresholds liquidate the same positions to within 1 %.
    let (daily_walked, hourly_walked) = (book(&walked(&daily)), book(&walked(&hourly)));
    for (on_daily, on_hourly) in daily_walked.iter().zip(&hourly_walked) {
        assert!(on_daily.bad_debt_usd < 1.0, "{}", on_daily.bad_debt_usd);
        assert!(on_hourly.bad_debt_usd < 1.0, "{}", on_hourly.bad_debt_usd);
    }
    for (on_daily, on_hourly) in daily_walked[1..].iter().zip(&hourly_walked[1..]) {
        let (a, b) = (on_daily.liquidations as f64, on_hourly.liquidations as f64);
        assert!((a - b).abs() <= 0.01 * a.max(b), "{a} vs {b} liquidations");
    }
    // The dynamic threshold samples its variance once a day on one and
    // once an hour on the other: the same estimate up to noise.
    let (a, b) = (
        daily_walked[0].avg_max_ltv_bps,
        hourly_walked[0].avg_max_ltv_bps,
    );
    assert!((a - b).abs() < 100.0, "{a} vs {b} bps of max LTV");
    // And the walk leaves the book's view of the bar intact: the lowest
    // price it replays is the year's lowest low.
    let lowest_low = daily.iter().map(|bar| bar.low).fold(f64::MAX, f64::min);
    let lowest_walked = walked(&daily)
        .iter()
        .map(|tick| tick.price)
        .fold(f64::MAX, f64::min);
    assert!((lowest_walked / lowest_low - 1.0).abs() < 1e-12);
}
