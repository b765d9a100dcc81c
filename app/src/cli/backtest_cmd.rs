//! `riskctl backtest` from its arguments.

use anyhow::{anyhow, bail, Context, Result};
use solana_sdk::signature::{Keypair, Signer};

use super::args::{BacktestArgs, BookArgs, GlobalArgs};
use super::{market_args, price_path};
use crate::backtest::{self, market, report, BookConfig, Setup};
use crate::config::units;

fn share(flag: &str, text: &str) -> Result<f64> {
    let bps = units::percent_to_bps(text).map_err(|e| anyhow!("--{flag}: {e}"))?;
    Ok(f64::from(bps) / 10_000.0)
}

pub(super) fn seconds(flag: &str, text: &str) -> Result<i64> {
    Ok(units::duration_to_secs(text)
        .map_err(|e| anyhow!("--{flag}: {e}"))?
        .into())
}

/// The setup the flags describe, on the deployment file's parameters.
pub fn setup(global: &GlobalArgs, args: &BookArgs) -> Result<Setup> {
    // Only the parameters are read: any key resolves the file.
    let deployment = global.config_source().load(&Keypair::new().pubkey())?;
    let book = BookConfig {
        borrowers: args.borrowers,
        min_target: share("min-target", &args.min_target)?,
        max_target: share("max-target", &args.max_target)?,
        relever_secs: seconds("relever", &args.relever)?,
        liquidation_delay_secs: match &args.delay {
            Some(delay) if args.intrabar.is_some() => {
                bail!("--delay {delay}: a walked history is replayed in a liquidation market, whose --latency says when a liquidation lands")
            }
            Some(delay) => seconds("delay", delay)?,
            None => 0,
        },
        ..BookConfig::default()
    };
    Setup::from_deployment(
        &deployment,
        &args.asset,
        &args.debt,
        book,
        seconds("window", &args.window)?,
    )
}

pub fn statics(text: &str) -> Result<Vec<u16>> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| units::percent_to_bps_u16(part.trim()).map_err(|e| anyhow!("--static: {e}")))
        .collect()
}

pub fn run(global: &GlobalArgs, args: &BacktestArgs) -> Result<()> {
    let mut setup = setup(global, &args.book)?;
    if let Some(step) = args.book.intrabar.as_deref() {
        return run_in_market(global, args, setup, step);
    }
    let collateral = price_path::read(&args.prices, None, &setup.collateral)?;
    setup.record_every_secs = collateral.record_every_secs;
    let path = collateral.ticks;
    let debt_path = args
        .debt_prices
        .as_deref()
        .map(|file| price_path::read(file, None, &setup.debt).map(|read| read.ticks))
        .transpose()?;
    let runs = backtest::compare(
        &path,
        debt_path.as_deref(),
        &setup,
        &statics(&args.book.r#static)?,
    )?;
    let Some(json_path) = write_runs(global, args, &runs, &setup)? else {
        return Ok(());
    };
    println!(
        "{} steps of {} from {} to {}, {} borrowers of {}",
        path.len(),
        args.prices.display(),
        crate::report::chart::format_utc_date(path[0].time),
        crate::report::chart::format_utc_date(path[path.len() - 1].time),
        setup.book.borrowers,
        args.book.asset
    );
    print!("{}", report::render_table(&runs));
    println!("report: {}", args.report.display());
    println!("runs:   {}", json_path.display());
    Ok(())
}

/// Writes the runs' report and JSON; with `--json`, prints each run's
/// figures too and returns `None` (nothing more to print).
fn write_runs(
    global: &GlobalArgs,
    args: &BacktestArgs,
    runs: &[backtest::Run],
    setup: &Setup,
) -> Result<Option<std::path::PathBuf>> {
    let json_path = report::write(runs, setup.window_secs as f64 / 86_400.0, &args.report)
        .with_context(|| format!("cannot write {}", args.report.display()))?;
    if !global.json {
        return Ok(Some(json_path));
    }
    let figures: Vec<_> = runs
        .iter()
        .map(|r| serde_json::json!({ "threshold": r.threshold.label(), "metrics": r.metrics }))
        .collect();
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(None)
}

/// `backtest --intrabar`: the walked history replayed in one liquidation
/// market case.
fn run_in_market(
    global: &GlobalArgs,
    args: &BacktestArgs,
    mut setup: Setup,
    step: &str,
) -> Result<()> {
    if args.debt_prices.is_some() {
        bail!("--debt-prices: a liquidation market replays the debt at $1; replay a moving debt on the closes (without --intrabar)");
    }
    let market_args = &args.book.market;
    let cases = market_args::cases(market_args)?;
    let [case] = cases.as_slice() else {
        bail!(
            "backtest replays one market case and these flags list {}: give one --latency, --book-share and --whale each, or run calibrate for a grid",
            cases.len()
        );
    };
    let read = price_path::read_with(
        &args.prices,
        Some(step),
        &setup.collateral,
        market_args::impact_y(market_args)?,
    )?;
    setup.record_every_secs = read.record_every_secs;
    let path = read.market(&args.prices.display().to_string())?;
    let runs = market::run::compare(&path, &setup, case, &statics(&args.book.r#static)?)?;
    let Some(json_path) = write_runs(global, args, &runs, &setup)? else {
        return Ok(());
    };
    let ticks = &path.ticks;
    println!(
        "{} steps of {} (each bar walked every {step}) from {} to {}, in a liquidation market: {}",
        ticks.len(),
        args.prices.display(),
        crate::report::chart::format_utc_date(ticks[0].time),
        crate::report::chart::format_utc_date(ticks[ticks.len() - 1].time),
        case.label()
    );
    print!("{}", report::render_table(&runs));
    println!("report: {}", args.report.display());
    println!("runs:   {}", json_path.display());
    Ok(())
}
