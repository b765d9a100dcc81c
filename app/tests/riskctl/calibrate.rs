//! `riskctl calibrate` on real history: a deliberately loose static
//! threshold leaves bad debt where the recommended parameters leave none.

use riskctl::backtest::{self, BookConfig, Threshold};
use riskctl::calibrate::{self, Grid, History};
use riskctl::history::csv;

use crate::riskctl::harness::{backtest_setup, repo_file};

fn btc() -> Vec<riskctl::history::Tick> {
    csv::read(&repo_file("data/prices/btc-usd-daily-2011-2021.csv")).unwrap()
}

#[test]
fn on_btc_history_the_recommended_set_has_no_bad_debt_and_a_loose_threshold_has() {
    let setup = backtest_setup(BookConfig::default());
    let history = History {
        name: "btc".into(),
        path: btc(),
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![2_326, 3_500];
    grid.horizon_secs = vec![86_400, 2 * 86_400];
    grid.lt_min_bps = vec![4_000, 7_500];
    let candidates = grid.candidates(&setup.collateral);
    assert_eq!(candidates.len(), 8);
    let mut scored =
        calibrate::sweep(std::slice::from_ref(&history), &setup, &candidates, &|| {}).unwrap();
    calibrate::rank(&mut scored);
    let recommendation = calibrate::recommend(&scored).unwrap();
    assert!(recommendation.zero_bad_debt);
    let best = recommendation.best.candidate;
    assert_eq!(
        (
            best.calibration.quantile_z_milli,
            best.calibration.horizon_secs,
            best.bounds.lt_min_bps
        ),
        (3_500, 2 * 86_400, 4_000),
        "{}",
        best.describe()
    );
    assert_eq!(
        (recommendation.best.avg_max_ltv_bps / 100.0 * 100.0).round() / 100.0,
        65.84,
        "as the README says"
    );
    let preset = scored
        .iter()
        .find(|s| {
            let c = s.candidate;
            (
                c.calibration.quantile_z_milli,
                c.calibration.horizon_secs,
                c.bounds.lt_min_bps,
            ) == (2_326, 86_400, 7_500)
        })
        .unwrap();
    assert!(
        (preset.bad_debt_usd - 3_997_790.13).abs() < 0.01,
        "the major preset: {}",
        preset.bad_debt_usd
    );
    let runner_up = recommendation.runner_up.as_ref().unwrap();
    assert!(
        runner_up.has_bad_debt(),
        "the only bad-debt-free set in this grid"
    );
    assert!(
        recommendation.margin_bps.unwrap() < 0.0,
        "safety costs capital efficiency here"
    );

    let mut best_setup = setup.clone();
    best_setup.collateral = best.apply(&setup.collateral);
    let runs = backtest::compare(&history.path, None, &best_setup, &[9_000]).unwrap();
    assert_eq!(runs[0].threshold, Threshold::Dynamic);
    assert!(
        runs[0].metrics.bad_debt_usd < 0.01,
        "recommended: {}",
        runs[0].metrics.bad_debt_usd
    );
    assert!(
        runs[1].metrics.bad_debt_usd > 1_000_000.0,
        "static 90 %: {}",
        runs[1].metrics.bad_debt_usd
    );
    let loose = &runs[1].metrics;
    assert!(
        (loose.bad_debt_pct_of_borrowed - 100.0 * loose.bad_debt_usd / loose.borrowed_usd).abs()
            < 1e-9
            && loose.bad_debt_pct_of_borrowed > 0.0,
        "bad debt as a share of borrows: {} %",
        loose.bad_debt_pct_of_borrowed
    );
    assert_eq!(
        runs[0].metrics, recommendation.best.per_history[0],
        "the sweep ran the same backtest"
    );
}

#[test]
fn the_shared_kernel_gives_exactly_the_full_replay() {
    let setup = backtest_setup(BookConfig::default());
    // The 2020-2021 part of the history keeps the full replays short.
    let path: Vec<_> = btc()
        .into_iter()
        .filter(|t| t.time >= 1_577_836_800)
        .collect();
    let history = History {
        name: "btc".into(),
        path,
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![2_326, 3_090];
    grid.horizon_secs = vec![43_200, 2 * 86_400];
    grid.fast_half_life_secs = vec![3 * 3_600, 86_400];
    let candidates = grid.candidates(&setup.collateral);
    assert_eq!(candidates.len(), 8);
    let swept = sweep_matching_full_replays(&history, &setup, &candidates);
    assert!(
        swept.iter().any(|s| s.liquidations > 0),
        "the period has liquidations to compare"
    );
}

#[test]
fn quiet_hours_skipped_by_a_sweep_count_as_if_replayed() {
    // Hourly prices with crash days: long stretches at a bound between
    // daily re-levers, and liquidations.
    let setup = backtest_setup(BookConfig::default());
    let minutes = riskctl::history::synthetic::minutes(400 * 1_440, 150.0, 11);
    let path: Vec<_> = minutes.into_iter().step_by(60).collect();
    let history = History {
        name: "minutes".into(),
        path,
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![2_326, 3_090];
    grid.lt_min_bps = vec![6_000, 7_500];
    let candidates = grid.candidates(&setup.collateral);
    let swept = sweep_matching_full_replays(&history, &setup, &candidates);
    assert!(
        swept.iter().all(|s| s.liquidations > 0),
        "the crash day liquidates"
    );
    let at_bounds: Vec<(f64, f64)> = swept
        .iter()
        .map(|s| {
            (
                s.per_history[0].time_at_lt_min_pct,
                s.per_history[0].time_at_lt_max_pct,
            )
        })
        .collect();
    assert!(
        at_bounds.iter().any(|(min, max)| min + max > 20.0),
        "long at a bound, where ticks are skipped: {at_bounds:?}"
    );
}

#[test]
fn minute_candidates_that_share_a_reference_trace_give_exactly_their_full_replays() {
    // Ten days of minutes around a crash day: candidates of one rate pair
    // that differ only in bounds follow one reference trace of the widest
    // bounds; a second rate pair has its own.
    let setup = backtest_setup(BookConfig::default());
    let minutes = riskctl::history::synthetic::minutes(100 * 1_440, 150.0, 5);
    let history = History {
        name: "minutes".into(),
        path: minutes[90 * 1_440..].to_vec(),
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.horizon_secs = vec![43_200];
    grid.lt_min_bps = vec![6_000, 7_000];
    grid.lt_max_bps = vec![8_500, 9_000];
    grid.max_tighten_bps_per_hour = vec![100, 300];
    let candidates = grid.candidates(&setup.collateral);
    assert_eq!(candidates.len(), 8);
    let swept = sweep_matching_full_replays(&history, &setup, &candidates);
    assert!(
        swept.iter().all(|s| s.liquidations > 0),
        "the crash day liquidates"
    );
    let efficiency: Vec<f64> = swept.iter().map(|s| s.avg_max_ltv_bps).collect();
    assert!(
        efficiency.windows(2).any(|w| w[0] != w[1]),
        "the bounds make a difference: {efficiency:?}"
    );
}

#[test]
fn walked_bars_swept_give_exactly_their_full_replays() {
    // BTC's daily bars of February to April 2020 walked every ten minutes:
    // most ticks only move the price between the samples, and March's
    // crash liquidates on the way down.
    let setup = backtest_setup(BookConfig::default());
    let bars: Vec<_> = csv::read_bars(&repo_file("data/prices/btc-usd-daily-2011-2021.csv"))
        .unwrap()
        .into_iter()
        .filter(|bar| (1_580_515_200..1_588_291_200).contains(&bar.time))
        .collect();
    let grid = riskctl::history::bars::SampleGrid::of(&setup.collateral.calibration);
    let path = riskctl::history::bars::path(&bars, 600, grid);
    // The open, then each leg's steps and its corner (a step due in a
    // corner's sample window goes to the second before the slot).
    assert_eq!(path.len(), 90 * 146);
    let history = History {
        name: "walked".into(),
        path,
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![2_326, 4_000];
    grid.lt_min_bps = vec![6_000, 7_500];
    let candidates = grid.candidates(&setup.collateral);
    let swept = sweep_matching_full_replays(&history, &setup, &candidates);
    assert!(
        swept.iter().all(|s| s.liquidations > 0),
        "the crash liquidates"
    );
}

#[test]
fn prices_off_the_grid_past_the_staleness_limit_sweep_as_replayed() {
    // Hourly prices whose days 30 to 65 are stamped 30 s into their sample
    // slots: none is sampled for 35 days, more than the program lets a
    // calibration age (30 days), so the threshold in use declines while
    // the price moves on. A sweep replays such a history tick by tick; on
    // others it passes prices off the grid as quiet.
    let setup = backtest_setup(BookConfig::default());
    let minutes = riskctl::history::synthetic::minutes(100 * 1_440, 150.0, 7);
    let start = minutes[0].time;
    let path: Vec<_> = minutes
        .into_iter()
        .step_by(60)
        .map(|mut tick| {
            let day = (tick.time - start) / 86_400;
            if (30..65).contains(&day) {
                tick.time += 30;
            }
            tick
        })
        .collect();
    let history = History {
        name: "off the grid".into(),
        path,
    };
    let mut grid = Grid::single(&setup.collateral);
    grid.lt_min_bps = vec![6_000, 7_500];
    let candidates = grid.candidates(&setup.collateral);
    let swept = sweep_matching_full_replays(&history, &setup, &candidates);
    assert!(
        swept
            .iter()
            .any(|s| s.per_history[0].time_at_lt_min_pct > 0.0),
        "the stale threshold reaches lt_min"
    );
}

/// Sweeps `candidates` and checks each against a full replay.
fn sweep_matching_full_replays(
    history: &History,
    setup: &riskctl::backtest::Setup,
    candidates: &[riskctl::calibrate::Candidate],
) -> Vec<calibrate::Scored> {
    let histories = std::slice::from_ref(history);
    let swept = calibrate::sweep(histories, setup, candidates, &|| {}).unwrap();
    for (candidate, shared) in candidates.iter().zip(&swept) {
        let full = calibrate::score(histories, setup, candidate).unwrap();
        assert_eq!(
            shared.per_history,
            full.per_history,
            "{}",
            candidate.describe()
        );
    }
    swept
}

/// Walk-forward: chosen on BTC and ETH to 2019-12-31 (each in three folds
/// too), judged on 2020-2021 beside (a) the highest static threshold free of
/// bad debt on both training parts and (b) the best static in hindsight.
#[test]
fn a_walk_forward_choice_is_judged_only_after_its_training_date() {
    use riskctl::calibrate::walk_forward::{self, is_clean};
    let setup = backtest_setup(BookConfig::default());
    let eth = csv::read(&repo_file("data/prices/eth-usd-daily-to-2021.csv")).unwrap();
    let histories = [
        History {
            name: "btc".into(),
            path: btc(),
        },
        History {
            name: "eth".into(),
            path: eth,
        },
    ];
    let test_from = 1_577_836_800; // 2020-01-01
    let splits = walk_forward::split(&histories, test_from).unwrap();
    assert!(splits
        .iter()
        .all(|s| s.train.last().unwrap().time < test_from && s.test[0].time >= test_from));
    let selection = walk_forward::selection_histories(&splits, 3);
    assert_eq!(
        selection.len(),
        2 * (2 + 3),
        "two training parts, each also rougher and in three folds"
    );

    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![3_090, 5_000];
    grid.horizon_secs = vec![86_400];
    grid.lt_min_bps = vec![4_000, 7_500];
    let candidates = grid.candidates(&setup.collateral);
    let mut scored = calibrate::sweep(&selection, &setup, &candidates, &|| {}).unwrap();
    calibrate::rank(&mut scored);
    let recommendation = calibrate::recommend(&scored).unwrap();
    let mut chosen = setup.clone();
    chosen.collateral = recommendation.best.candidate.apply(&setup.collateral);
    let judged = walk_forward::judge(&splits, &chosen).unwrap();

    let (a, _) =
        walk_forward::highest_clean_static(&[&splits[0].train[..], &splits[1].train[..]], &chosen)
            .unwrap();
    for (h, split) in judged.iter().zip(&splits) {
        assert_eq!(h.safe_in_training.as_ref().unwrap().threshold_bps, a);
        // (b) is clean on the test part and one percent more is not.
        let b = h.best_in_hindsight.as_ref().unwrap();
        assert!(is_clean(&b.metrics));
        let above = backtest::run(
            &split.test,
            None,
            &chosen,
            Threshold::Static(b.threshold_bps + 100),
            false,
        )
        .unwrap();
        assert!(
            !is_clean(&above.metrics),
            "{}: {} is not the best",
            h.name,
            b.threshold_bps
        );
        // The dynamic run is measured on the test part alone.
        assert!(h.dynamic.steps == split.test.len());
    }
}
