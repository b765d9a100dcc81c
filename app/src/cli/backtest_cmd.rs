//! `riskctl backtest` from its arguments.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use solana_sdk::signature::{Keypair, Signer};

use super::args::{BacktestArgs, BookArgs, GlobalArgs};
use crate::backtest::{self, report, BookConfig, Setup};
use crate::config::units;
use crate::history::{bars, csv, Tick};

fn share(flag: &str, text: &str) -> Result<f64> {
    let bps = units::percent_to_bps(text).map_err(|e| anyhow!("--{flag}: {e}"))?;
    Ok(f64::from(bps) / 10_000.0)
}

fn seconds(flag: &str, text: &str) -> Result<i64> {
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

/// A collateral price path as read for a replay.
pub struct CollateralPath {
    pub ticks: Vec<Tick>,
    /// How often a run need keep a quiet step for charts (0: every step).
    pub record_every_secs: i64,
}

/// The collateral's price path of `path`: its closes, or with `--intrabar`
/// each bar walked inside its interval on the collateral's sample grid.
pub fn collateral_path(path: &Path, args: &BookArgs, setup: &Setup) -> Result<CollateralPath> {
    let Some(step) = &args.intrabar else {
        return Ok(CollateralPath {
            ticks: csv::read(path)?,
            record_every_secs: 0,
        });
    };
    let step_secs = seconds("intrabar", step)?;
    let bars = csv::read_bars(path)?;
    let interval = bars::interval_secs(&bars);
    let calibration = &setup.collateral.calibration;
    let window = i64::from(calibration.sample_window_secs());
    if step_secs < 1 {
        bail!("--intrabar {step}: the step must be at least 1 s");
    }
    if interval <= 3 * step_secs.max(window + 1) {
        bail!(
            "--intrabar {step}: a bar of {} must hold at least three steps (and three sample windows of {window} s)",
            units::fmt_secs(interval.max(0).unsigned_abs())
        );
    }
    Ok(CollateralPath {
        ticks: bars::path(
            &bars,
            step_secs,
            i64::from(calibration.sample_interval_secs),
            window,
        ),
        // Charts keep about one point an hour of a daily history's path.
        record_every_secs: interval / 24,
    })
}

pub fn statics(text: &str) -> Result<Vec<u16>> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| units::percent_to_bps_u16(part.trim()).map_err(|e| anyhow!("--static: {e}")))
        .collect()
}

pub fn run(global: &GlobalArgs, args: &BacktestArgs) -> Result<()> {
    let mut setup = setup(global, &args.book)?;
    let CollateralPath {
        ticks: path,
        record_every_secs,
    } = collateral_path(&args.prices, &args.book, &setup)?;
    setup.record_every_secs = record_every_secs;
    let debt_path = args.debt_prices.as_deref().map(csv::read).transpose()?;
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
        let walked = match &args.book.intrabar {
            Some(step) => format!(" (each bar walked every {step})"),
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
