//! What a simulation step leaves behind: the calibration state, the
//! liquidations it saw and the books of the two reserves.

use anyhow::Result;
use fixed::types::I80F48;
use risk_engine::math::volatility::annualised_sigma_bps;
use serde::Serialize;

use crate::accounts;
use crate::chain::Chain;
use crate::client::ReserveAccounts;
use crate::history::Tick;
use crate::liquidator::bot::BotReport;

/// One step, in display units (USD, bps, counts).
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    /// Unix seconds.
    pub time: i64,
    pub price_usd: f64,
    pub sigma_fast_bps_per_year: u64,
    pub sigma_slow_bps_per_year: u64,
    pub threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub bonus_bps: u16,
    pub liquidations: usize,
    /// Debt repaid by liquidators this step, USD.
    pub repaid_usd: f64,
    /// What liquidators received above what they repaid, USD.
    pub bonus_paid_usd: f64,
    /// The treasury's share of the bonus this step, USD.
    pub protocol_fee_usd: f64,
    /// Bad debt written off so far (the debt reserve's deficit), USD.
    pub bad_debt_usd: f64,
    /// Debt owed by all borrowers, USD.
    pub debt_usd: f64,
    /// Collateral held by all positions at this step's price, USD.
    pub collateral_usd: f64,
    /// Positions that still owe debt.
    pub open_positions: usize,
}

pub struct Recorder {
    collateral: ReserveAccounts,
    debt: ReserveAccounts,
    records: Vec<StepRecord>,
}

impl Recorder {
    pub fn new(collateral: &ReserveAccounts, debt: &ReserveAccounts) -> Self {
        Self {
            collateral: *collateral,
            debt: *debt,
            records: Vec::new(),
        }
    }

    pub fn record(&mut self, chain: &mut dyn Chain, tick: &Tick, bot: &BotReport) -> Result<()> {
        let collateral = accounts::reserve(chain, &self.collateral.reserve)?;
        let debt = accounts::reserve(chain, &self.debt.reserve)?;
        let collateral_tokens =
            |units: u64| units as f64 / 10f64.powi(self.collateral.decimals.into());
        let debt_tokens = |units: f64| units / 10f64.powi(self.debt.decimals.into());
        let calibrated = &collateral.calibrated;
        let borrowed: I80F48 = debt.lending.borrowed_amount.into();
        let repaid: u64 = bot.liquidated.iter().map(|l| l.repaid).sum();
        let fees: u64 = bot.liquidated.iter().map(|l| l.protocol_fee).sum();
        let profit: f64 = bot
            .liquidated
            .iter()
            .map(|l| l.profit_usd.to_num::<f64>())
            .sum();
        self.records.push(StepRecord {
            time: tick.time,
            price_usd: tick.price,
            sigma_fast_bps_per_year: annualised_sigma_bps(calibrated.fast_variance_per_year.into()),
            sigma_slow_bps_per_year: annualised_sigma_bps(calibrated.slow_variance_per_year.into()),
            threshold_bps: calibrated.liquidation_threshold_bps,
            max_ltv_bps: calibrated.max_ltv_bps,
            bonus_bps: calibrated.liquidation_bonus_bps,
            liquidations: bot.liquidated.len(),
            repaid_usd: debt_tokens(repaid as f64),
            bonus_paid_usd: profit,
            protocol_fee_usd: collateral_tokens(fees) * tick.price,
            bad_debt_usd: debt_tokens(debt.lending.deficit as f64),
            debt_usd: debt_tokens(borrowed.to_num::<f64>()),
            collateral_usd: collateral_tokens(collateral.lending.total_collateral) * tick.price,
            open_positions: bot.indebted,
        });
        Ok(())
    }

    pub fn liquidations(&self) -> usize {
        self.records.iter().map(|r| r.liquidations).sum()
    }

    pub fn finish(self) -> Vec<StepRecord> {
        self.records
    }
}
