//! `riskctl simulate`: the whole system on the embedded bank. A market is
//! deployed from a file, borrowers open positions at a spread of LTVs, and
//! a price path is replayed through Pyth accounts with the keeper and the
//! liquidator bot running at every step.

use anyhow::{anyhow, bail, Context, Result};
use solana_sdk::signature::{Keypair, Signer};

use crate::accounts::{self, PriceAccounts};
use crate::chain::embedded_chain::EmbeddedChain;
use crate::chain::Chain;
use crate::client::pyth::PythPrice;
use crate::client::ReserveAccounts;
use crate::config::{ConfigSource, Deployment};
use crate::history::{scenario, Tick};
use crate::keeper::{self, KeeperOptions};
use crate::liquidator::bot::{self, LiquidatorOptions};
use crate::progress::Progress;

pub mod book;
pub mod record;
pub mod report;
pub mod summary;

pub use record::StepRecord;
pub use summary::Summary;

#[derive(Debug, Clone)]
pub struct SimulateOptions {
    pub config: ConfigSource,
    /// Symbol of the reserve the path moves (the collateral).
    pub collateral: String,
    /// Symbol of the debt reserve, held at $1.
    pub debt: String,
    pub borrowers: usize,
    pub min_ltv: f64,
    /// Hours of the path before the borrowers open, so the calibration has
    /// history and the threshold has moved off its floor.
    pub warmup_hours: i64,
    /// Stop after this many steps (all when `None`).
    pub max_steps: Option<usize>,
    pub show_progress: bool,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        Self {
            config: ConfigSource::BuiltInLocalnet,
            collateral: "SOL".into(),
            debt: "USDC".into(),
            borrowers: 60,
            min_ltv: 0.25,
            warmup_hours: 72,
            max_steps: None,
            show_progress: false,
        }
    }
}

/// A finished run: what happened at each step, the summary, and the chain
/// as it ended, for anyone who wants to check the summary against it.
pub struct Simulation {
    pub records: Vec<StepRecord>,
    pub summary: Summary,
    pub chain: EmbeddedChain,
    pub deployment: Deployment,
    pub collateral: ReserveAccounts,
    pub debt: ReserveAccounts,
}

/// Where the built-in crash starts: 2026-01-01 00:00 UTC.
pub const CRASH_START_TIME: i64 = 1_767_225_600;

/// Runs on `path`, or on the built-in crash from the collateral's initial
/// price in the deployment file.
pub fn run(path: Option<&[Tick]>, options: &SimulateOptions) -> Result<Simulation> {
    let operator = Keypair::new();
    let deployment = options.config.load(&operator.pubkey())?;
    let crash;
    let path = match path {
        Some(path) => path,
        None => {
            let spec = deployment
                .reserves
                .iter()
                .find(|spec| spec.symbol == options.collateral)
                .ok_or_else(|| anyhow!("no reserve {} in the deployment", options.collateral))?;
            let start = spec.initial_price_e8.ok_or_else(|| {
                anyhow!(
                    "the built-in crash starts at {}'s initial_price_usd, which is not set",
                    spec.symbol
                )
            })?;
            crash = scenario::crash(CRASH_START_TIME, start as f64 / 1e8);
            &crash
        }
    };
    if path.len() < 2 {
        bail!("the price path has fewer than 2 prices");
    }
    let steps = options
        .max_steps
        .map_or(path.len(), |max| max.min(path.len()));
    let path = &path[..steps];
    let mut chain = EmbeddedChain::start_with(operator);
    // The clock starts at the path's first time, so every price is current.
    chain.set_clock(path[0].time);
    let operator = chain.payer().pubkey();
    let plan = crate::deploy::plan(&mut chain, &deployment)?;
    crate::deploy::apply(&mut chain, plan)?;
    let prices = PriceAccounts::from_deployment(&deployment);
    let (collateral, debt) = (
        listed(&mut chain, &deployment, &prices, &options.collateral)?,
        listed(&mut chain, &deployment, &prices, &options.debt)?,
    );
    let constant_prices: Vec<(ReserveAccounts, i64)> = deployment
        .reserves
        .iter()
        .filter(|spec| spec.symbol != options.collateral)
        .map(|spec| {
            let accounts = listed(&mut chain, &deployment, &prices, &spec.symbol)?;
            let price = spec.initial_price_e8.ok_or_else(|| {
                anyhow!(
                    "reserve {} needs initial_price_usd in {}",
                    spec.symbol,
                    options.config
                )
            })?;
            Ok((accounts, price))
        })
        .collect::<Result<_>>()?;

    // The suppliers' pool and the liquidator's inventory: far more than the
    // book can borrow, so neither limits the run.
    let debt_units = |usd: f64| (usd * 10f64.powi(i32::from(debt.decimals))) as u64;
    book::supply(
        &mut chain,
        deployment.market,
        &debt,
        debt_units(50_000_000.0),
    )?;
    book::fund(&mut chain, &operator, &debt, debt_units(50_000_000.0))?;

    let keeper_options = KeeperOptions {
        market: deployment.market,
        price_accounts: prices.clone(),
        depth_file: None,
    };
    let liquidator_options = LiquidatorOptions {
        market: deployment.market,
        price_accounts: prices.clone(),
        tolerance_bps: 50,
        max_liquidations: None,
    };
    let open_at = path[0].time + options.warmup_hours * 3_600;
    let mut opened = false;
    let mut recorder = record::Recorder::new(&collateral, &debt);
    let progress = Progress::new("replaying prices", "steps", steps, options.show_progress);
    for tick in path {
        chain.set_clock(tick.time);
        let collateral_e8 = (tick.price * 1e8).round() as i64;
        publish(&mut chain, &collateral, collateral_e8, tick.time)?;
        for (asset, price_e8) in &constant_prices {
            publish(&mut chain, asset, *price_e8, tick.time)?;
        }
        keeper::pass(&mut chain, &keeper_options)?;
        if !opened && tick.time >= open_at {
            open_book(
                &mut chain,
                &deployment,
                &collateral,
                &debt,
                options,
                tick.price,
            )?;
            opened = true;
        }
        let liquidations = bot::pass(&mut chain, &liquidator_options)?;
        recorder.record(&mut chain, tick, &liquidations)?;
        progress.inc(|| format!(", {} liquidations so far", recorder.liquidations()));
    }
    progress.finish();
    let records = recorder.finish();
    let summary = Summary::from_run(&mut chain, &records, &collateral, &debt, path)?;
    Ok(Simulation {
        records,
        summary,
        chain,
        deployment,
        collateral,
        debt,
    })
}

/// The accounts of the deployment's reserve `symbol`, as listed on `chain`.
pub fn listed(
    chain: &mut dyn Chain,
    deployment: &Deployment,
    prices: &PriceAccounts,
    symbol: &str,
) -> Result<ReserveAccounts> {
    let spec = deployment
        .reserves
        .iter()
        .find(|spec| spec.symbol == symbol)
        .ok_or_else(|| anyhow!("no reserve {symbol} in the deployment"))?;
    let address = crate::client::pda::reserve(&deployment.market, &spec.mint_address()).0;
    let reserve = accounts::reserve(chain, &address)?;
    Ok(prices.reserve_accounts(&address, &reserve))
}

/// Posts a fully verified Pyth price with a 0.1 % confidence; the path
/// gives spot prices, so the EMA is set to the spot price.
fn publish(
    chain: &mut EmbeddedChain,
    asset: &ReserveAccounts,
    price_e8: i64,
    time: i64,
) -> Result<()> {
    let price = PythPrice::new(asset.feed_id, price_e8.max(1), -8, time);
    chain.write_account(&asset.price_account, price.to_account())?;
    Ok(())
}

fn open_book(
    chain: &mut EmbeddedChain,
    deployment: &Deployment,
    collateral: &ReserveAccounts,
    debt: &ReserveAccounts,
    options: &SimulateOptions,
    collateral_price: f64,
) -> Result<()> {
    let reserve = accounts::reserve(chain, &collateral.reserve)?;
    // Just under the max LTV the program allows right now.
    let max_ltv = f64::from(reserve.calibrated.max_ltv_bps) / 10_000.0 - 0.005;
    if max_ltv <= options.min_ltv {
        bail!(
            "max LTV is {:.2} % at the opening step, not above --min-ltv {:.2} %",
            max_ltv * 100.0,
            options.min_ltv * 100.0
        );
    }
    for plan in book::plans(options.borrowers, options.min_ltv, max_ltv) {
        book::open_borrower(
            chain,
            deployment.market,
            collateral,
            debt,
            plan,
            collateral_price,
            1.0,
        )
        .context("while opening the book of borrowers")?;
    }
    Ok(())
}
