//! Which positions to liquidate, how much to repay and what to ask for.
//!
//! Each candidate is priced by running the program's own
//! `risk_engine::liquidation::liquidate` on copies of the position and its
//! reserves, so the bot can never disagree with the chain about health,
//! close factor, seized collateral or bonus split.

use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use fixed::types::I80F48;
use risk_engine::lending;
use risk_engine::liquidation::{self, LiquidationOutcome};
use risk_engine::math::health::token_value;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::{LiquidationConfig, Position, Reserve};

/// A reserve as the bot sees it: its state brought up to `now` and the
/// spot price its oracle currently reports.
#[derive(Debug, Clone, Copy)]
pub struct ReserveView {
    pub reserve: Reserve,
    pub price: OraclePrice,
}

/// Every reserve of a market, by address, at one moment.
pub struct MarketView {
    pub reserves: HashMap<Pubkey, ReserveView>,
    pub rules: LiquidationConfig,
    pub now: i64,
}

impl MarketView {
    /// Accrues every reserve's interest to `now` once, so that evaluating
    /// many positions does not repeat it, and moves each reserve's
    /// staleness clock past the market's refresh pauses
    /// (`refresh_paused_secs`: `Market::refresh_paused_secs_at(now)`), as
    /// the program does before it reads a threshold.
    pub fn new(
        reserves: HashMap<Pubkey, ReserveView>,
        rules: LiquidationConfig,
        refresh_paused_secs: u64,
        now: i64,
    ) -> anchor_lang::Result<Self> {
        let mut reserves = reserves;
        for view in reserves.values_mut() {
            lending::accrue_interest(&mut view.reserve, now)?;
            view.reserve.follow_refresh_pauses(refresh_paused_secs);
        }
        Ok(Self {
            reserves,
            rules,
            now,
        })
    }
}

/// A liquidation worth sending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub position: Pubkey,
    pub outcome: LiquidationOutcome,
    /// What the liquidator gains: collateral received less debt repaid, in
    /// quote units at the evaluated prices.
    pub profit_quote: I80F48,
    /// `to_liquidator` less the slippage tolerance: what to pass as
    /// `min_collateral_out`.
    pub min_collateral_out: u64,
}

/// Prices one position for a liquidator who can repay at most `max_repay`
/// debt tokens; `None` when it is healthy, references an unknown reserve,
/// or cannot be liquidated now (the program would refuse).
pub fn evaluate(
    market: &MarketView,
    address: Pubkey,
    position: &Position,
    tolerance_bps: u16,
    max_repay: u64,
) -> Option<Candidate> {
    let collateral = market.reserves.get(&position.collateral_reserve)?;
    let debt = market.reserves.get(&position.debt_reserve)?;
    let (mut position, mut collateral_reserve, mut debt_reserve) =
        (*position, collateral.reserve, debt.reserve);
    let outcome = liquidation::liquidate(
        &mut position,
        &mut collateral_reserve,
        &collateral.price,
        &mut debt_reserve,
        &debt.price,
        &market.rules,
        max_repay,
        market.now,
    )
    .ok()?;
    let received = token_value(
        outcome.split.to_liquidator,
        collateral.reserve.mint_decimals,
        collateral.price.liquidation_collateral_price(),
    )
    .ok()?;
    let paid = token_value(
        outcome.repaid,
        debt.reserve.mint_decimals,
        debt.price.liquidation_debt_price(),
    )
    .ok()?;
    let kept_bps = u128::from(10_000 - tolerance_bps.min(10_000));
    let min_collateral_out = (u128::from(outcome.split.to_liquidator) * kept_bps / 10_000) as u64;
    Some(Candidate {
        position: address,
        outcome,
        profit_quote: received - paid,
        min_collateral_out,
    })
}

/// Every liquidatable position, most profitable first, with no limit on
/// what the liquidator can repay.
pub fn rank<'a>(
    market: &MarketView,
    positions: impl IntoIterator<Item = (Pubkey, &'a Position)>,
    tolerance_bps: u16,
) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = positions
        .into_iter()
        .filter_map(|(address, position)| {
            evaluate(market, address, position, tolerance_bps, u64::MAX)
        })
        .collect();
    candidates.sort_by_key(|candidate| std::cmp::Reverse(candidate.profit_quote));
    candidates
}
