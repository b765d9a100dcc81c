//! `riskctl keeper`: refreshes every reserve of a market whenever its Pyth
//! account carries a newer price, and reports DEX depth where the keeper is
//! the reserve's depth reporter.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, Context, Result};
use risk_engine::calibration;
use risk_engine::state::Reserve;
use solana_sdk::signature::Signer;

use crate::accounts::{self, PriceAccounts};
use crate::chain::Chain;
use crate::client::builders;
use crate::config::units;

#[derive(Debug, Clone, Default)]
pub struct KeeperOptions {
    pub market: Pubkey,
    pub price_accounts: PriceAccounts,
    /// TOML of `"<mint>" = "<depth> USD"`: the depth at 1 % price impact,
    /// kept up to date by whatever measures it; re-read each pass.
    pub depth_file: Option<PathBuf>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PassReport {
    /// (reserve, threshold before, threshold after), in bps.
    pub refreshed: Vec<(Pubkey, u16, u16)>,
    /// Reserves whose price was not newer than the last one they took.
    pub up_to_date: usize,
    pub depth_reported: Vec<(Pubkey, u64)>,
    /// Reserves the pass could not refresh, and why.
    pub failed: Vec<(Pubkey, String)>,
}

/// One pass over the market's reserves.
pub fn pass(chain: &mut dyn Chain, options: &KeeperOptions) -> Result<PassReport> {
    let reserves = accounts::reserves_of(chain, &options.market)?;
    let depths = read_depths(options)?;
    let mut report = PassReport::default();
    for (address, reserve) in reserves {
        let price_account = options.price_accounts.for_reserve(&address, &reserve);
        refresh_one(
            chain,
            options.market,
            address,
            &reserve,
            price_account,
            &mut report,
        );
        if let Some(depth) = depths.get(&reserve.mint) {
            report_depth(chain, address, &reserve, *depth, &mut report)?;
        }
    }
    Ok(report)
}

fn refresh_one(
    chain: &mut dyn Chain,
    market: Pubkey,
    address: Pubkey,
    reserve: &Reserve,
    price_account: Pubkey,
    report: &mut PassReport,
) {
    let update = match accounts::price_update(chain, &price_account) {
        Ok(Some(update)) => update,
        Ok(None) => {
            let reason = format!("no Pyth account at {price_account}");
            tracing::warn!(reserve = %address, "{reason}");
            report.failed.push((address, reason));
            return;
        }
        Err(error) => {
            tracing::warn!(reserve = %address, "{error:#}");
            report.failed.push((address, format!("{error:#}")));
            return;
        }
    };
    // Only a price the calibration would count is worth a transaction: a
    // newer one, opening its sample slot, within the slot's first moments.
    let published = update.price_message.publish_time;
    if calibration::skip_reason(reserve, published).is_some() {
        report.up_to_date += 1;
        return;
    }
    let before = reserve.calibrated.liquidation_threshold_bps;
    let ix = builders::refresh_reserve(market, address, price_account);
    match chain.send(&[ix], &[]) {
        Ok(_) => {
            let after = accounts::reserve(chain, &address)
                .map(|r| r.calibrated.liquidation_threshold_bps)
                .unwrap_or(before);
            tracing::info!(
                reserve = %address,
                publish_time = published,
                "refreshed: threshold {} -> {}",
                units::fmt_bps(before.into()),
                units::fmt_bps(after.into())
            );
            report.refreshed.push((address, before, after));
        }
        Err(error) => {
            tracing::warn!(reserve = %address, "refresh refused: {error}");
            report.failed.push((address, error.to_string()));
        }
    }
}

/// Reports depth when it changed or the last report is half-way to stale.
fn report_depth(
    chain: &mut dyn Chain,
    address: Pubkey,
    reserve: &Reserve,
    depth_quote: u64,
    report: &mut PassReport,
) -> Result<()> {
    if reserve.depth_reporter != chain.payer().pubkey() {
        return Ok(());
    }
    let now = chain.unix_timestamp()?;
    let age = now.saturating_sub(reserve.calibrated.depth_updated_ts);
    let fresh = age < i64::from(reserve.calibration.depth_max_age_secs / 2);
    if fresh && reserve.calibrated.reported_depth_quote == depth_quote {
        return Ok(());
    }
    let ix = builders::report_depth(chain.payer().pubkey(), address, depth_quote);
    match chain.send(&[ix], &[]) {
        Ok(_) => {
            tracing::info!(reserve = %address, "reported depth {depth_quote} USD at 1 % impact");
            report.depth_reported.push((address, depth_quote));
        }
        Err(error) => {
            tracing::warn!(reserve = %address, "depth report refused: {error}");
            report.failed.push((address, error.to_string()));
        }
    }
    Ok(())
}

fn read_depths(options: &KeeperOptions) -> Result<HashMap<Pubkey, u64>> {
    let Some(path) = &options.depth_file else {
        return Ok(HashMap::new());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read depth file {}", path.display()))?;
    let table: HashMap<String, units::Human> =
        toml::from_str(&text).map_err(|error| anyhow!("{}: {error}", path.display()))?;
    table
        .into_iter()
        .map(|(mint, depth)| {
            let mint = crate::config::resolve::parse_pubkey(&mint)
                .map_err(|reason| anyhow!("{}: {reason}", path.display()))?;
            let depth = units::usd_whole(&depth.0)
                .map_err(|reason| anyhow!("{}: {mint}: {reason}", path.display()))?;
            Ok((mint, depth))
        })
        .collect()
}

/// Passes until the process is stopped (or once), `interval` apart.
pub fn run(
    chain: &mut dyn Chain,
    options: &KeeperOptions,
    interval: Duration,
    once: bool,
) -> Result<PassReport> {
    loop {
        let report = pass(chain, options)?;
        tracing::info!(
            refreshed = report.refreshed.len(),
            up_to_date = report.up_to_date,
            depth_reported = report.depth_reported.len(),
            failed = report.failed.len(),
            "keeper pass done"
        );
        if once {
            return Ok(report);
        }
        std::thread::sleep(interval);
    }
}
