//! `riskctl calibrate` from its arguments.

use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};

use super::args::{CalibrateArgs, GlobalArgs};
use super::backtest_cmd::{setup, statics};
use crate::backtest;
use crate::calibrate::stress::{self, StressConfig};
use crate::calibrate::{self, report, tails, walk_forward, Grid, History};
use crate::config::units;
use crate::progress::Progress;

use super::price_path;

/// A comma-separated list, each value converted; `None` keeps `default`.
fn list<T>(
    flag: &str,
    text: Option<&str>,
    default: T,
    convert: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>> {
    let Some(text) = text else {
        return Ok(vec![default]);
    };
    let values = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| convert(part).map_err(|e| anyhow!("--{flag}: {e}")))
        .collect::<Result<Vec<T>>>()?;
    if values.is_empty() {
        bail!("--{flag}: no values");
    }
    Ok(values)
}

fn z_milli(text: &str) -> Result<u32, String> {
    let milli = units::tokens_to_base_units(text, 3)?;
    u32::try_from(milli).map_err(|_| format!("\"{text}\" is too large"))
}

fn grid(args: &CalibrateArgs, base: &crate::config::ReserveSpec) -> Result<Grid> {
    let single = Grid::single(base);
    let first = |values: &[u32]| values[0];
    let first16 = |values: &[u16]| values[0];
    Ok(Grid {
        quantile_z_milli: list("z", Some(&args.z), first(&single.quantile_z_milli), z_milli)?,
        horizon_secs: list(
            "horizon",
            Some(&args.horizon),
            first(&single.horizon_secs),
            units::duration_to_secs,
        )?,
        fast_half_life_secs: list(
            "fast-half-life",
            args.fast_half_life.as_deref(),
            first(&single.fast_half_life_secs),
            units::duration_to_secs,
        )?,
        slow_half_life_secs: list(
            "slow-half-life",
            args.slow_half_life.as_deref(),
            first(&single.slow_half_life_secs),
            units::duration_to_secs,
        )?,
        lt_min_bps: list(
            "lt-min",
            Some(&args.lt_min),
            first16(&single.lt_min_bps),
            units::percent_to_bps_u16,
        )?,
        lt_max_bps: list(
            "lt-max",
            args.lt_max.as_deref(),
            first16(&single.lt_max_bps),
            units::percent_to_bps_u16,
        )?,
        max_tighten_bps_per_hour: list(
            "tighten",
            args.tighten.as_deref(),
            first16(&single.max_tighten_bps_per_hour),
            units::percent_to_bps_u16,
        )?,
        max_loosen_bps_per_hour: list(
            "loosen",
            args.loosen.as_deref(),
            first16(&single.max_loosen_bps_per_hour),
            units::percent_to_bps_u16,
        )?,
        bonus_bps: list(
            "bonus",
            args.bonus.as_deref(),
            first16(&single.bonus_bps),
            units::percent_to_bps_u16,
        )?,
    })
}

fn correlation(text: &str) -> Result<Vec<Vec<f64>>> {
    text.split(';')
        .map(|row| {
            row.split(',')
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .map_err(|_| anyhow!("--correlation: \"{}\" is not a number", v.trim()))
                })
                .collect()
        })
        .collect()
}

pub fn run(global: &GlobalArgs, args: &CalibrateArgs) -> Result<()> {
    let mut setup = setup(global, &args.book)?;
    if let Some(step) = args.book.intrabar.as_deref() {
        return run_in_market(global, args, setup, step);
    }
    if args.stress && args.book.intrabar.is_some() {
        // Stress paths resample a path's returns tick by tick; a walked
        // path's are mostly its legs' even steps, far calmer than its bars.
        bail!("--stress resamples returns tick by tick and a walked path's are its legs' even steps: run --stress without --intrabar");
    }
    let mut reads = Vec::with_capacity(args.prices.len());
    for path in &args.prices {
        let read = price_path::read(path, args.book.intrabar.as_deref(), &setup.collateral)?;
        setup.record_every_secs = setup.record_every_secs.max(read.record_every_secs);
        reads.push((path, read));
    }
    // With --train-until, the choice is made on the training parts (and
    // their folds) only; the test parts judge it at the end.
    let test_from = match &args.train_until {
        Some(day) => Some(super::date(day, "train-until")? + 86_400),
        None => None,
    };
    if let (Some(day), Some(test_from)) = (&args.train_until, test_from) {
        for (path, read) in &reads {
            if let Some((start, end)) = read.bar_cut_at(test_from) {
                bail!(
                    "--train-until {day}: {}'s bar from {} to {} straddles the date, and walked in training it would show its extremes; choose a date on a bar boundary",
                    path.display(),
                    crate::report::chart::format_utc_minute(start),
                    crate::report::chart::format_utc_minute(end)
                );
            }
        }
    }
    let bar_interval_secs = reads
        .iter()
        .map(|(_, read)| read.bar_interval_secs)
        .max()
        .unwrap_or(0);
    let histories: Vec<History> = reads
        .into_iter()
        .map(|(path, read)| History {
            name: path
                .file_stem()
                .map_or("history".into(), |s| s.to_string_lossy().into_owned()),
            path: read.ticks,
        })
        .collect();
    let splits = match test_from {
        Some(test_from) => Some((test_from, walk_forward::split(&histories, test_from)?)),
        None => None,
    };
    // Tails are measured on the training parts as they were (not on the
    // rougher copies or folds the selection adds).
    let training: Vec<History> = match &splits {
        Some((_, splits)) => splits
            .iter()
            .map(|s| History {
                name: s.name.clone(),
                path: s.train.clone(),
            })
            .collect(),
        None => histories.clone(),
    };
    let histories = match &splits {
        Some((_, splits)) => walk_forward::selection_histories(splits, args.folds),
        None => histories,
    };
    let rules = tails::TailRules {
        confidence: args
            .tail_confidence
            .as_deref()
            .map(|text| {
                units::percent_to_bps_u16(text)
                    .map(|bps| f64::from(bps) / 10_000.0)
                    .map_err(|e| anyhow!("--tail-confidence: {e}"))
            })
            .transpose()?,
        jump_floor: args.jump_floor,
        // A walked leg is a straight line: over less than a bar its moves
        // grow with time, not with its square root, and would read as
        // calm. Windows span a bar at least, as on the closes.
        min_window_secs: u32::try_from(bar_interval_secs).unwrap_or(u32::MAX),
    };
    let gridded = grid(args, &setup.collateral)?.candidates(&setup.collateral);
    // The sweep's time counts reading the prices (and measuring tails).
    let started = Instant::now();
    // Without a split, training is the whole of each history, and its
    // prices, read once, serve the tails and the sweep; with one, the
    // training parts' are dropped before the sweep's are read.
    let (candidates, measured_tails, prices) = match &splits {
        Some(_) => {
            let training_prices = calibrate::read_prices(&training, &setup)?;
            let (candidates, tails) =
                tails::apply(&gridded, &setup.collateral, &training_prices, rules)?;
            drop(training_prices);
            (
                candidates,
                tails,
                calibrate::read_prices(&histories, &setup)?,
            )
        }
        None => {
            let prices = calibrate::read_prices(&histories, &setup)?;
            let (candidates, tails) = tails::apply(&gridded, &setup.collateral, &prices, rules)?;
            (candidates, tails, prices)
        }
    };
    if candidates.is_empty() {
        bail!("no valid parameter set in the grid: check that lt_min <= lt_max, LT × (1 + bonus) <= 100 % and the buffer fits");
    }
    let runs = candidates.len() * histories.len();
    let progress = Progress::new("sweeping", "candidate runs", runs, !global.json);
    let mut scored = calibrate::sweep_on(&histories, &prices, &setup, &candidates, &|| {
        progress.inc(String::new)
    })?;
    progress.finish();
    let elapsed = started.elapsed();
    calibrate::rank(&mut scored);
    let recommendation = calibrate::recommend(&scored);
    let stress = match (&recommendation, args.stress) {
        (Some(recommendation), true) => {
            let config = StressConfig {
                bootstrap_paths: args.bootstrap,
                block_len: args.block,
                correlated_scenarios: args.scenarios,
                correlation: args.correlation.as_deref().map(correlation).transpose()?,
                windows: stress::known_crash_windows(),
                seed: args.seed,
            };
            Some(stress::stress(
                &histories,
                &setup,
                &recommendation.best.candidate,
                &config,
            )?)
        }
        _ => None,
    };
    let runs = match &recommendation {
        Some(recommendation) => {
            let mut best_setup = setup.clone();
            best_setup.collateral = recommendation.best.candidate.apply(&setup.collateral);
            backtest::compare_on(
                &prices[0],
                &histories[0].path,
                None,
                &best_setup,
                &statics(&args.book.r#static)?,
            )?
        }
        None => Vec::new(),
    };
    let out_of_sample = match (&splits, &recommendation) {
        (Some((test_from, splits)), Some(recommendation)) => {
            let mut chosen = setup.clone();
            chosen.collateral = recommendation.best.candidate.apply(&setup.collateral);
            Some(report::OutOfSampleReport {
                test_from: *test_from,
                folds: args.folds,
                histories: walk_forward::judge(splits, &chosen)?,
            })
        }
        _ => None,
    };
    let replayed = price_path::describe(args.book.intrabar.as_deref());
    let output = report::CalibrateOutput {
        ranked: &scored,
        recommendation: recommendation.as_ref(),
        stress: stress.as_ref(),
        runs: &runs,
        window_days: setup.window_secs as f64 / 86_400.0,
        out_of_sample: out_of_sample.as_ref(),
        tails: &measured_tails,
        price_path: &replayed,
    };
    let json_path = report::write(&output, &args.report)
        .with_context(|| format!("cannot write {}", args.report.display()))?;
    if global.json {
        let json = serde_json::json!({
            "price_path": replayed,
            "tails": measured_tails,
            "recommendation": recommendation,
            "stress": stress,
            "out_of_sample": out_of_sample,
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    println!(
        "{} candidates × {} histories in {:.1} s, on {replayed}",
        candidates.len(),
        histories.len(),
        elapsed.as_secs_f64()
    );
    if !measured_tails.is_empty() {
        print!("{}", report::tails_table(&measured_tails).render());
    }
    print!("{}", report::top_table(&scored, 10).render());
    if let Some(recommendation) = &recommendation {
        print!("{}", report::recommendation_text(recommendation));
    }
    if let Some(out_of_sample) = &out_of_sample {
        println!(
            "out of sample: chosen before {}, judged from then on",
            crate::report::chart::format_utc_date(out_of_sample.test_from)
        );
        print!("{}", report::out_of_sample_table(out_of_sample).render());
    }
    if let Some(stress) = &stress {
        if let Some(worst) = &stress.worst {
            println!(
                "stress: {} cases, worst {} ({}): bad debt {}",
                stress.cases.len(),
                worst.name,
                worst.kind,
                units::fmt_usd(worst.bad_debt_usd)
            );
        }
    }
    println!("report: {}", args.report.display());
    println!("json:   {}", json_path.display());
    Ok(())
}

/// `calibrate --intrabar`: every market case on every history, chosen on
/// training and judged on the test part against the static frontier.
fn run_in_market(
    global: &GlobalArgs,
    args: &CalibrateArgs,
    mut setup: backtest::Setup,
    step: &str,
) -> Result<()> {
    use crate::calibrate::market_cases::{self, SplitPath};
    use crate::calibrate::market_report;
    if args.stress {
        bail!("--stress resamples returns tick by tick and a walked path's are its legs' even steps: run --stress without --intrabar");
    }
    let Some(day) = &args.train_until else {
        bail!("--intrabar replays a liquidation market and judges a calibration out of sample: give --train-until");
    };
    let test_from = super::date(day, "train-until")? + 86_400;
    let market_args = &args.book.market;
    let impact_y = super::market_args::impact_y(market_args)?;
    let mut cases = super::market_args::cases(market_args)?;
    if market_args.halt.is_some() {
        // The halt is a stress apart from the grid: each case with and without it.
        let halted = cases.clone();
        for case in &mut cases {
            case.halt_secs = None;
        }
        cases.extend(halted);
    }
    let confidence = match &args.tail_confidence {
        Some(text) => units::percent_to_bps_u16(text)
            .map(|bps| f64::from(bps) / 10_000.0)
            .map_err(|e| anyhow!("--tail-confidence: {e}"))?,
        None => market_cases::DEFAULT_CONFIDENCE,
    };
    let mut histories = Vec::with_capacity(args.prices.len());
    for path in &args.prices {
        let read = price_path::read_with(path, Some(step), &setup.collateral, impact_y)?;
        setup.record_every_secs = setup.record_every_secs.max(read.record_every_secs);
        if let Some((start, end)) = read.bar_cut_at(test_from) {
            bail!(
                "--train-until {day}: {}'s bar from {} to {} straddles the date; choose a date on a bar boundary",
                path.display(),
                crate::report::chart::format_utc_minute(start),
                crate::report::chart::format_utc_minute(end)
            );
        }
        let name = path
            .file_stem()
            .map_or("history".into(), |s| s.to_string_lossy().into_owned());
        let (train, test) = read
            .market(&path.display().to_string())?
            .split_at(test_from)
            .with_context(|| format!("{}: cut at {day}", path.display()))?;
        histories.push(SplitPath { name, train, test });
    }
    let started = Instant::now();
    let progress = Progress::new(
        "judging",
        "cases",
        histories.len() * cases.len(),
        !global.json,
    );
    let rules = market_cases::ChoiceRules {
        confidence,
        lt_max_from: args.lt_max_from,
    };
    let outcomes = market_cases::run_cases(&histories, &setup, &cases, rules, &|| {
        progress.inc(String::new)
    })?;
    progress.finish();
    let elapsed = started.elapsed();
    let summary = format!(
        "{} cases × {} histories in {:.1} s, each bar walked every {step}, chosen on training to {day} at {:.1} % confidence, lt_max {}",
        cases.len(),
        histories.len(),
        elapsed.as_secs_f64(),
        confidence * 100.0,
        match args.lt_max_from {
            market_cases::LtMaxFrom::Training => "the highest free of bad debt in training",
            market_cases::LtMaxFrom::Bonus => "at the bonus's ceiling",
        }
    );
    let json_path = market_report::write(&outcomes, &summary, &args.report)
        .with_context(|| format!("cannot write {}", args.report.display()))?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&outcomes)?);
        return Ok(());
    }
    println!("{summary}");
    print!("{}", market_report::cases_table(&outcomes).render());
    println!("targets met, per history (README, \"The liquidation market\"):");
    print!(
        "{}",
        market_report::targets_table(&market_report::targets(&outcomes)).render()
    );
    println!(
        "report: {} (data: {})",
        args.report.display(),
        json_path.display()
    );
    Ok(())
}
