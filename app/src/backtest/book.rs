//! A synthetic book of borrowers on one collateral and one debt reserve,
//! moved with the program's own lending and liquidation code.
//!
//! Each borrower targets a share of the max LTV offered and re-levers up
//! to it at a fixed cadence; a position liquidated to nothing comes back
//! with fresh collateral at the next re-lever, so the book keeps its size.

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use risk_engine::lending;
use risk_engine::liquidation::{
    effective_threshold_bps, liquidate, position_sides, LiquidationOutcome,
};
use risk_engine::math::health::token_value;
use risk_engine::math::liquidation::is_liquidatable;
use risk_engine::math::threshold::slippage_bps;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::{LiquidationConfig, Position, Reserve};

use crate::config::resolve::program_reason;

/// The shape of the book and how its people behave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BookConfig {
    pub borrowers: usize,
    /// Borrowers target shares of the max LTV spread evenly between these.
    pub min_target: f64,
    pub max_target: f64,
    /// Collateral per borrower when a position opens, spread log-evenly, USD.
    pub min_size_usd: f64,
    pub max_size_usd: f64,
    /// How often borrowers borrow back up to their target, seconds.
    pub relever_secs: i64,
    /// Time from a position becoming liquidatable to the liquidation.
    pub liquidation_delay_secs: i64,
}

impl Default for BookConfig {
    fn default() -> Self {
        Self {
            borrowers: 40,
            min_target: 0.50,
            max_target: 0.98,
            min_size_usd: 5_000.0,
            max_size_usd: 500_000.0,
            relever_secs: 86_400,
            liquidation_delay_secs: 0,
        }
    }
}

pub struct Borrower {
    pub target: f64,
    pub size_usd: f64,
    pub position: Position,
    /// When the liquidation of a position found unhealthy is due.
    pub due: Option<i64>,
}

/// What happened to the book in one tick.
#[derive(Debug, Default, Clone, Copy)]
pub struct TickOutcome {
    pub liquidations: u32,
    pub repaid_usd: f64,
    pub bonus_paid_usd: f64,
    pub bad_debt_usd: f64,
    /// Liquidations no liquidator would take: slippage above the bonus.
    pub unprofitable: u32,
    pub borrowed_usd: f64,
}

pub struct Book {
    pub borrowers: Vec<Borrower>,
    pub config: BookConfig,
    pub rules: LiquidationConfig,
    last_relever: Option<i64>,
    /// The highest debt per collateral token of the book (USD), with the
    /// debt price and borrow index it was measured at: while `price × LT`
    /// stays clear above it nobody can be liquidatable, and the exact
    /// check is skipped.
    riskiest: Option<(f64, I80F48, I80F48)>,
}

/// Relative margin of the screen: far above rounding, far below a tick.
const SCREEN_MARGIN: f64 = 1e-6;

fn program(error: anchor_lang::error::Error) -> anyhow::Error {
    anyhow!(program_reason(&error))
}

fn usd(amount: u64, decimals: u8, price: I80F48) -> f64 {
    token_value(amount, decimals, price).map_or(f64::NAN, |v| v.to_num::<f64>())
}

impl Book {
    pub fn new(config: BookConfig, rules: LiquidationConfig) -> Self {
        let count = config.borrowers.max(1);
        let borrowers = (0..count)
            .map(|i| {
                let along = if count > 1 {
                    i as f64 / (count - 1) as f64
                } else {
                    0.0
                };
                let size_along = ((i * 7) % count) as f64 / count as f64;
                Borrower {
                    target: config.min_target + (config.max_target - config.min_target) * along,
                    size_usd: config.min_size_usd
                        * (config.max_size_usd / config.min_size_usd).powf(size_along),
                    position: bytemuck::Zeroable::zeroed(),
                    due: None,
                }
            })
            .collect();
        Self {
            borrowers,
            config,
            rules,
            last_relever: None,
            riskiest: None,
        }
    }

    /// One tick after the reserves took their prices: due liquidations,
    /// newly unhealthy positions, and re-levering when it is time.
    pub fn tick(
        &mut self,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
        now: i64,
    ) -> Result<TickOutcome> {
        let mut outcome = TickOutcome::default();
        let threshold = effective_threshold_bps(collateral, now);
        if !self.nobody_can_be_liquidatable(
            collateral,
            collateral_price,
            debt,
            debt_price,
            threshold,
        )? {
            for i in 0..self.borrowers.len() {
                let unhealthy = self.is_unhealthy(
                    i,
                    collateral,
                    collateral_price,
                    debt,
                    debt_price,
                    threshold,
                )?;
                let borrower = &mut self.borrowers[i];
                match (unhealthy, borrower.due) {
                    (false, _) => borrower.due = None,
                    (true, None) => borrower.due = Some(now + self.config.liquidation_delay_secs),
                    (true, Some(_)) => {}
                }
                if borrower.due.is_some_and(|due| due <= now) {
                    self.liquidate_one(
                        i,
                        collateral,
                        collateral_price,
                        debt,
                        debt_price,
                        now,
                        &mut outcome,
                    )?;
                    self.riskiest = None;
                }
            }
        }
        if self
            .last_relever
            .is_none_or(|last| now - last >= self.config.relever_secs)
        {
            self.last_relever = Some(now);
            self.riskiest = None;
            for i in 0..self.borrowers.len() {
                outcome.borrowed_usd +=
                    self.relever(i, collateral, collateral_price, debt, debt_price)?;
            }
        }
        Ok(outcome)
    }

    /// The screen: true when even the riskiest position is clear of its
    /// threshold and no liquidation is waiting out its delay.
    fn nobody_can_be_liquidatable(
        &mut self,
        collateral: &Reserve,
        collateral_price: &OraclePrice,
        debt: &Reserve,
        debt_price: &OraclePrice,
        threshold_bps: u16,
    ) -> Result<bool> {
        if self.borrowers.iter().any(|b| b.due.is_some()) {
            return Ok(false);
        }
        let riskiest = self.riskiest(collateral, debt, debt_price)?;
        let covered = collateral_price.price.to_num::<f64>() * f64::from(threshold_bps) / 10_000.0;
        Ok(covered * (1.0 - SCREEN_MARGIN) > riskiest)
    }

    /// The highest debt per collateral token (USD), cached while the debt
    /// price and borrow index stay the same.
    fn riskiest(
        &mut self,
        collateral: &Reserve,
        debt: &Reserve,
        debt_price: &OraclePrice,
    ) -> Result<f64> {
        if let Some((ratio, price, index)) = self.riskiest {
            if price == debt_price.price && index == I80F48::from(debt.lending.borrow_index) {
                return Ok(ratio);
            }
        }
        let mut highest = 0.0f64;
        for borrower in &self.borrowers {
            let position = &borrower.position;
            if position.debt_shares == 0 || position.collateral_amount == 0 {
                continue;
            }
            let owed = lending::position_debt(debt, position).map_err(program)?;
            let debt_usd = usd(owed, debt.mint_decimals, debt_price.price);
            let tokens =
                position.collateral_amount as f64 / 10f64.powi(collateral.mint_decimals.into());
            highest = highest.max(debt_usd / tokens);
        }
        self.riskiest = Some((highest, debt_price.price, debt.lending.borrow_index.into()));
        Ok(highest)
    }

    /// With no liquidation waiting out its delay: a collateral price (USD)
    /// above which the screen passes at `threshold_bps`, so ticks priced
    /// above it leave the book alone. A little above the exact edge.
    pub fn screen_floor(
        &mut self,
        collateral: &Reserve,
        debt: &Reserve,
        debt_price: &OraclePrice,
        threshold_bps: u16,
    ) -> Result<Option<f64>> {
        if self.borrowers.iter().any(|b| b.due.is_some()) {
            return Ok(None);
        }
        let riskiest = self.riskiest(collateral, debt, debt_price)?;
        let share = f64::from(threshold_bps) / 10_000.0 * (1.0 - SCREEN_MARGIN);
        Ok(Some(riskiest / share * (1.0 + 1e-9)))
    }

    /// When borrowers next borrow back up to their targets.
    pub fn next_relever(&self) -> Option<i64> {
        self.last_relever
            .map(|last| last + self.config.relever_secs)
    }

    fn is_unhealthy(
        &self,
        i: usize,
        collateral: &Reserve,
        collateral_price: &OraclePrice,
        debt: &Reserve,
        debt_price: &OraclePrice,
        threshold_bps: u16,
    ) -> Result<bool> {
        let position = &self.borrowers[i].position;
        if position.debt_shares == 0 {
            return Ok(false);
        }
        let (collateral_side, debt_side) =
            position_sides(position, collateral, collateral_price, debt, debt_price)
                .map_err(program)?;
        is_liquidatable(&collateral_side, &debt_side, threshold_bps).map_err(|e| program(e.into()))
    }

    /// Liquidates on copies first: a liquidator only acts when the bonus
    /// pays for the slippage of selling what it receives.
    #[allow(clippy::too_many_arguments)]
    fn liquidate_one(
        &mut self,
        i: usize,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
        now: i64,
        outcome: &mut TickOutcome,
    ) -> Result<()> {
        let (mut position, mut collateral_after, mut debt_after) =
            (self.borrowers[i].position, *collateral, *debt);
        let result = liquidate(
            &mut position,
            &mut collateral_after,
            collateral_price,
            &mut debt_after,
            debt_price,
            &self.rules,
            u64::MAX,
            now,
        );
        let done: LiquidationOutcome = match result {
            Ok(done) => done,
            // Healthy again, or a remainder the program calls dust: nothing to do.
            Err(_) => return Ok(()),
        };
        let decimals = (collateral.mint_decimals, debt.mint_decimals);
        let received_usd = usd(done.split.to_liquidator, decimals.0, collateral_price.price);
        let repaid_usd = usd(done.repaid, decimals.1, debt_price.price);
        let depth = risk_engine::calibration::effective_depth_quote(collateral, now);
        let slippage = slippage_bps(
            received_usd as u64,
            depth,
            collateral.calibration.max_slippage_bps,
        );
        if received_usd * (1.0 - f64::from(slippage) / 10_000.0) <= repaid_usd {
            outcome.unprofitable += 1;
            return Ok(());
        }
        self.borrowers[i].position = position;
        self.borrowers[i].due = None;
        *collateral = collateral_after;
        *debt = debt_after;
        outcome.liquidations += 1;
        outcome.repaid_usd += repaid_usd;
        outcome.bonus_paid_usd += received_usd - repaid_usd;
        outcome.bad_debt_usd += usd(done.deficit, decimals.1, debt_price.price);
        Ok(())
    }

    /// Borrows back up to the target share of the max LTV; a position
    /// emptied by liquidation reopens with fresh collateral. Returns the
    /// USD borrowed.
    fn relever(
        &mut self,
        i: usize,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
    ) -> Result<f64> {
        let borrower = &mut self.borrowers[i];
        let position = &mut borrower.position;
        let spot = collateral_price.collateral_price().to_num::<f64>();
        if position.collateral_amount == 0 {
            let tokens = borrower.size_usd / spot;
            let amount = (tokens * 10f64.powi(collateral.mint_decimals.into())).floor() as u64;
            position.collateral_amount = amount;
            collateral.lending.total_collateral += amount;
        }
        let collateral_usd = usd(
            position.collateral_amount,
            collateral.mint_decimals,
            collateral_price.collateral_price(),
        );
        let owed = lending::position_debt(debt, position).map_err(program)?;
        let owed_usd = usd(owed, debt.mint_decimals, debt_price.debt_price());
        let max_ltv = f64::from(collateral.calibrated.max_ltv_bps) / 10_000.0;
        let wanted_usd = collateral_usd * max_ltv * borrower.target - owed_usd;
        let unit = 10f64.powi(debt.mint_decimals.into());
        let amount = (wanted_usd / debt_price.debt_price().to_num::<f64>() * unit).floor();
        if amount < unit {
            return Ok(0.0);
        }
        let amount = amount as u64;
        let (mut trial_debt, mut trial_position) = (*debt, *position);
        let shares = lending::borrow(&mut trial_debt, amount).map_err(program)?;
        trial_position.debt_shares += shares;
        // The program's own borrow check, at its conservative prices.
        if lending::require_within_max_ltv(
            &trial_position,
            collateral,
            collateral_price,
            &trial_debt,
            debt_price,
        )
        .is_err()
        {
            return Ok(0.0);
        }
        *debt = trial_debt;
        *position = trial_position;
        Ok(usd(amount, debt.mint_decimals, debt_price.price))
    }

    /// Debt owed by the whole book, USD.
    pub fn debt_usd(&self, debt: &Reserve, debt_price: &OraclePrice) -> f64 {
        let borrowed: I80F48 = debt.lending.borrowed_amount.into();
        borrowed.to_num::<f64>() / 10f64.powi(debt.mint_decimals.into())
            * debt_price.price.to_num::<f64>()
    }
}
