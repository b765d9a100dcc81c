//! `riskctl liquidator`: one pass loads the market, prices every position
//! with the program's own code, and liquidates the unhealthy ones, most
//! profitable first. A liquidation another bot got to first fails on chain
//! and the pass moves on.

use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{anyhow, bail, Result};
use fixed::types::I80F48;
use risk_engine::oracle::pyth::{load_price, OraclePrice, PriceUse};
use risk_engine::state::{Position, Reserve};
use solana_sdk::signature::Signer;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;

use super::evaluate::{evaluate, Candidate, MarketView, ReserveView};
use crate::accounts::{self, PriceAccounts};
use crate::chain::Chain;
use crate::client::builders::{self, LiquidatorAccounts, PricedPosition};
use crate::client::ReserveAccounts;
use crate::config::resolve::program_reason;

#[derive(Debug, Clone, Default)]
pub struct LiquidatorOptions {
    pub market: Pubkey,
    pub price_accounts: PriceAccounts,
    /// Slippage accepted on the collateral received, in bps.
    pub tolerance_bps: u16,
    /// Stop after this many liquidations in one pass.
    pub max_liquidations: Option<usize>,
}

/// One liquidation that landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Liquidated {
    pub position: Pubkey,
    /// Debt repaid, debt-mint base units.
    pub repaid: u64,
    /// Collateral received by the liquidator, collateral-mint base units.
    pub collateral_received: u64,
    /// Collateral taken from the position (liquidator's part plus the
    /// treasury's fee), collateral-mint base units.
    pub seized: u64,
    /// The treasury's share of the bonus, collateral-mint base units.
    pub protocol_fee: u64,
    /// Debt written off because no collateral was left, debt base units.
    pub deficit: u64,
    /// Expected profit at the evaluated prices, in USD.
    pub profit_usd: I80F48,
}

#[derive(Debug, Clone, Default)]
pub struct BotReport {
    pub positions: usize,
    /// Positions that owe debt (liquidated to zero ones stay listed).
    pub indebted: usize,
    pub unhealthy: usize,
    pub liquidated: Vec<Liquidated>,
    /// Candidates the chain refused (another liquidator was first, the
    /// price moved, the bot lacked debt tokens), and why.
    pub skipped: Vec<(Pubkey, String)>,
    /// Reserves whose price could not be used, and why.
    pub unpriced: Vec<(Pubkey, String)>,
}

/// What a pass saw: the market priced at one moment, and its unhealthy
/// positions ranked by profit.
pub struct PlannedPass {
    view: MarketView,
    treasury: Pubkey,
    listed: HashMap<Pubkey, ReserveAccounts>,
    positions: HashMap<Pubkey, Position>,
    candidates: Vec<Candidate>,
    report: BotReport,
}

impl PlannedPass {
    /// The positions the pass would liquidate, most profitable first.
    pub fn candidates(&self) -> Vec<Pubkey> {
        self.candidates.iter().map(|c| c.position).collect()
    }
}

/// Loads and prices the market, and ranks what to liquidate.
pub fn plan(chain: &mut dyn Chain, options: &LiquidatorOptions) -> Result<PlannedPass> {
    let market = accounts::market(chain, &options.market)?;
    if market.treasury == chain.payer().pubkey() {
        bail!(
            "the liquidator key is the market's treasury: its proceeds and the protocol fee would go to one account; liquidate with another key"
        );
    }
    let now = chain.unix_timestamp()?;
    let mut report = BotReport::default();
    let mut views = HashMap::new();
    let mut listed = HashMap::new();
    for (address, reserve) in accounts::reserves_of(chain, &options.market)? {
        let client_view = options.price_accounts.reserve_accounts(&address, &reserve);
        listed.insert(address, client_view);
        match usable_price(chain, &client_view, &reserve, now) {
            Ok(price) => {
                views.insert(address, ReserveView { reserve, price });
            }
            Err(error) => report.unpriced.push((address, format!("{error:#}"))),
        }
    }
    let paused_secs = market.refresh_paused_secs_at(now);
    let view = MarketView::new(views, market.liquidation, paused_secs, now)
        .map_err(|error| anyhow!(program_reason(&error)))?;
    let positions = accounts::positions_of(chain, &options.market)?;
    report.positions = positions.len();
    report.indebted = positions.iter().filter(|(_, p)| p.debt_shares > 0).count();
    let candidates = super::evaluate::rank(
        &view,
        positions
            .iter()
            .map(|(address, position)| (*address, position)),
        options.tolerance_bps,
    );
    report.unhealthy = candidates.len();
    Ok(PlannedPass {
        view,
        treasury: market.treasury,
        listed,
        positions: positions.into_iter().collect(),
        candidates,
        report,
    })
}

/// The reserve's price as the program would accept it for a liquidation
/// now: fresh enough for `liquidation_max_age_secs`, and not older than the
/// newest price the reserve has accepted by more than a liquidation's
/// tolerance.
fn usable_price(
    chain: &mut dyn Chain,
    asset: &ReserveAccounts,
    reserve: &Reserve,
    now: i64,
) -> Result<OraclePrice> {
    let update = accounts::price_update(chain, &asset.price_account)?
        .ok_or_else(|| anyhow!("no Pyth account at {}", asset.price_account))?;
    let price = load_price(&update, &reserve.oracle, now, PriceUse::Liquidation)
        .map_err(|error| anyhow!(program_reason(&error)))?;
    let mut mark = *reserve;
    mark.accept_price_time(
        price.publish_time,
        PriceUse::Liquidation.lag_tolerance_secs(),
    )
    .map_err(|error| anyhow!(program_reason(&error)))?;
    Ok(price)
}

/// Sends the planned liquidations in order. One refused (another bot was
/// first, the price moved) is recorded and the next one goes.
pub fn execute(
    chain: &mut dyn Chain,
    options: &LiquidatorOptions,
    planned: PlannedPass,
) -> Result<BotReport> {
    let PlannedPass {
        view,
        treasury,
        listed,
        positions,
        candidates,
        mut report,
    } = planned;
    let wallet = chain.payer().pubkey();
    for candidate in candidates {
        if options
            .max_liquidations
            .is_some_and(|max| report.liquidated.len() >= max)
        {
            break;
        }
        let position = &positions[&candidate.position];
        let priced = PricedPosition {
            owner: position.owner,
            market: options.market,
            position: candidate.position,
            collateral: listed[&position.collateral_reserve],
            debt: listed[&position.debt_reserve],
        };
        let budget =
            accounts::token_balance(chain, &priced.debt.associated_account(&wallet))?.unwrap_or(0);
        // Within what the bot holds: the same program code sizes it again.
        let Some(sized) = evaluate(
            &view,
            candidate.position,
            position,
            options.tolerance_bps,
            budget,
        ) else {
            report.skipped.push((
                candidate.position,
                format!("holds only {budget} debt base units"),
            ));
            continue;
        };
        match liquidate(
            chain,
            &priced,
            treasury,
            sized.outcome.repaid,
            sized.min_collateral_out,
        ) {
            Ok(received) => {
                tracing::info!(
                    position = %candidate.position,
                    repaid = sized.outcome.repaid,
                    received,
                    "liquidated, expected profit {} USD",
                    sized.profit_quote
                );
                report.liquidated.push(Liquidated {
                    position: candidate.position,
                    repaid: sized.outcome.repaid,
                    collateral_received: received,
                    seized: sized.outcome.seized,
                    protocol_fee: sized.outcome.split.protocol_fee,
                    deficit: sized.outcome.deficit,
                    profit_usd: sized.profit_quote,
                });
            }
            Err(error) => {
                tracing::warn!(position = %candidate.position, "not liquidated: {error:#}");
                report
                    .skipped
                    .push((candidate.position, format!("{error:#}")));
            }
        }
    }
    Ok(report)
}

/// One pass: plan, then execute.
pub fn pass(chain: &mut dyn Chain, options: &LiquidatorOptions) -> Result<BotReport> {
    let planned = plan(chain, options)?;
    execute(chain, options, planned)
}

/// Sends one liquidation; returns the collateral the bot received.
fn liquidate(
    chain: &mut dyn Chain,
    p: &PricedPosition,
    treasury: Pubkey,
    repay: u64,
    min_collateral_out: u64,
) -> Result<u64> {
    let wallet = chain.payer().pubkey();
    let accounts = LiquidatorAccounts {
        liquidator: wallet,
        collateral_account: p.collateral.associated_account(&wallet),
        debt_account: p.debt.associated_account(&wallet),
        treasury_collateral_account: p.collateral.associated_account(&treasury),
    };
    let create = |owner: &Pubkey| -> Instruction {
        create_associated_token_account_idempotent(
            &wallet,
            owner,
            &p.collateral.mint,
            &p.collateral.token_program,
        )
    };
    let before = accounts::token_balance(chain, &accounts.collateral_account)?.unwrap_or(0);
    let instructions = [
        create(&wallet),
        create(&treasury),
        builders::liquidate(p, &accounts, repay, min_collateral_out),
    ];
    chain.send(&instructions, &[])?;
    let after = accounts::token_balance(chain, &accounts.collateral_account)?.unwrap_or(0);
    Ok(after - before)
}
