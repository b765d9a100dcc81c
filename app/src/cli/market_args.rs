//! The liquidation market's flags, as cases: every combination of the
//! listed latencies, book shares and whale settings.

use anyhow::{anyhow, bail, Result};

use super::args::MarketArgs;
use super::backtest_cmd::seconds;
use crate::backtest::market::{Liquidators, MarketConfig, Sizing};
use crate::config::units;

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

fn share(flag: &str, text: &str) -> Result<f64> {
    let bps = units::percent_to_bps(text).map_err(|e| anyhow!("--{flag}: {e}"))?;
    Ok(f64::from(bps) / 10_000.0)
}

/// Every case the flags list.
pub fn cases(args: &MarketArgs) -> Result<Vec<MarketConfig>> {
    let latencies = list(&args.latency)
        .map(|text| seconds("latency", text))
        .collect::<Result<Vec<i64>>>()?;
    let shares = list(&args.book_share)
        .map(|text| share("book-share", text))
        .collect::<Result<Vec<f64>>>()?;
    let whales = list(&args.whale)
        .map(|text| match text {
            "off" => Ok(false),
            "on" => Ok(true),
            other => bail!("--whale: \"{other}\" is neither off nor on"),
        })
        .collect::<Result<Vec<bool>>>()?;
    if latencies.is_empty() || shares.is_empty() || whales.is_empty() {
        bail!("--latency, --book-share and --whale each need a value");
    }
    if shares.iter().any(|&s| !(s > 0.0 && s <= 1.0)) {
        bail!("--book-share: a share of a day's traded value above 0 and at most 100 %");
    }
    impact_y(args)?;
    let half_life = seconds("impact-half-life", &args.impact_half_life)?;
    if half_life < 1 {
        bail!("--impact-half-life: at least 1 s");
    }
    let cost = share("liquidator-cost", &args.liquidator_cost)?;
    let whale_min_usd =
        units::usd_whole(&args.whale_min).map_err(|e| anyhow!("--whale-min: {e}"))? as f64;
    let halt_secs = args
        .halt
        .as_deref()
        .map(|text| seconds("halt", text))
        .transpose()?;
    let mut cases = Vec::new();
    for &whale in &whales {
        for &book_share in &shares {
            for &latency_secs in &latencies {
                cases.push(MarketConfig {
                    liquidators: Liquidators { latency_secs, cost },
                    impact_half_life_secs: half_life,
                    sizing: Sizing {
                        book_share,
                        whale,
                        whale_min_usd,
                    },
                    halt_secs,
                });
            }
        }
    }
    Ok(cases)
}

/// `--impact-y`, the square-root law's coefficient.
pub fn impact_y(args: &MarketArgs) -> Result<f64> {
    args.impact_y
        .parse()
        .ok()
        .filter(|y: &f64| y.is_finite() && *y > 0.0)
        .ok_or_else(|| anyhow!("--impact-y: \"{}\" is not a positive number", args.impact_y))
}
