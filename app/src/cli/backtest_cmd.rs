//! `riskctl backtest` from its arguments.

use anyhow::{anyhow, Context, Result};
use solana_sdk::signature::{Keypair, Signer};

use super::args::{BacktestArgs, BookArgs, GlobalArgs};
use super::price_path;
use crate::backtest::{self, report, BookConfig, Setup};
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
        liquidation_delay_secs: seconds("delay", &args.delay)?,
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
    let intrabar = args.book.intrabar.as_deref();
    let collateral = price_path::read(&args.prices, intrabar, &setup.collateral)?;
    setup.record_every_secs = collateral.record_every_secs;
    let path = collateral.ticks;
    // A walked collateral meets a walked debt: inside a bar, each at its
    // own point of the bar.
    let debt_path = args
        .debt_prices
        .as_deref()
        .map(|file| price_path::read(file, intrabar, &setup.debt).map(|read| read.ticks))
        .transpose()?;
    let runs = backtest::compare(
        &path,
        debt_path.as_deref(),
        &setup,
        &statics(&args.book.r#static)?,
    )?;
    let json_path = report::write(&runs, setup.window_secs as f64 / 86_400.0, &args.report)
        .with_context(|| format!("cannot write {}", args.report.display()))?;
    if global.json {
        let figures: Vec<_> = runs
            .iter()
            .map(|r| serde_json::json!({ "threshold": r.threshold.label(), "metrics": r.metrics }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        let walked = match intrabar {
            Some(_) => format!(" ({})", price_path::describe(intrabar)),
            None => String::new(),
        };
        println!(
            "{} steps of {}{walked} from {} to {}, {} borrowers of {}",
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
    }
    Ok(())
}
