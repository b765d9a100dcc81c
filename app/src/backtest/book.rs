//! A synthetic book of borrowers on one collateral and one debt reserve,
//! moved with the program's own lending and liquidation code.
//!
//! Each borrower targets a share of the max LTV offered and re-levers up
//! to it at a fixed cadence; a position liquidated to nothing comes back
//! with fresh collateral at the next re-lever, so the book keeps its size.
//! In a liquidation market (`MarketNow`, `super::market`) the book is sized
//! to its market, a whale may borrow beside it, liquidations land a
//! latency after a position falls due and only as far as they pay, and
//! their sales weigh on the price.

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use risk_engine::calibration::{
    effective_threshold_bps, position_max_ltv_bps, position_threshold_bps, size_penalty_bps,
};
use risk_engine::lending;
use risk_engine::liquidation::{liquidate, position_sides, LiquidationOutcome};
use risk_engine::math::health::token_value;
use risk_engine::math::liquidation::is_liquidatable;
use risk_engine::math::threshold::slippage_bps;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::{LiquidationConfig, Position, Reserve};

use super::market::{BarLiquidity, Liquidators, Pressure, Sizing};
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
    /// The borrower's share of the book's collateral when sized to a
    /// market (sizes spread as `size_usd` are).
    pub weight: f64,
    /// Sized as a whale, borrowing at its max LTV.
    pub whale: bool,
    pub position: Position,
    /// When the liquidation of a position found unhealthy is due.
    pub due: Option<i64>,
}

/// The market the book lives in at one tick (see `super::market`).
pub struct MarketNow<'a> {
    pub bar: &'a BarLiquidity,
    pub pressure: &'a mut Pressure,
    pub liquidators: Liquidators,
    pub sizing: Sizing,
    /// Nothing lands on chain while halted.
    pub halted: bool,
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
    /// Collateral liquidators sold into the market, USD.
    pub sold_usd: f64,
}

pub struct Book {
    pub borrowers: Vec<Borrower>,
    pub config: BookConfig,
    pub rules: LiquidationConfig,
    last_relever: Option<i64>,
    /// Debt per collateral token of each position (USD), and the highest,
    /// with the debt price and borrow index they were measured at: while
    /// `price × LT` stays clear above a position's, it cannot be
    /// liquidatable, and the exact check is skipped.
    exposure: Option<Exposure>,
    /// The highest collateral price the screen must hold for: a position's
    /// size penalty is bounded by its value there (`set_price_ceiling`).
    price_ceiling: f64,
}

struct Exposure {
    /// Debt per collateral token, `screened`.
    per_position: Vec<f64>,
    /// Each position's largest size penalty up to the price ceiling, bps.
    penalty_bps: Vec<u16>,
    riskiest: f64,
    largest_penalty_bps: u16,
    debt_price: I80F48,
    borrow_index: I80F48,
    /// What the penalties were measured with.
    price_ceiling: f64,
    depth_quote: u64,
}

/// Relative margin of the screen: far above rounding, far below a tick.
const SCREEN_MARGIN: f64 = 1e-6;
/// Relative margin of the re-lever bound: far above the rounding of the
/// fixed-point values it stands in for.
/// How far (as a ratio either way) a position in a market may drift from
/// its size today before it is reopened at that size.
const RESIZE_RATIO: f64 = 2.0;

const RELEVER_MARGIN: f64 = 1e-9;
/// The share of its capacity a liquidator asks for: the rest is room for
/// the program's rounding.
const CAPACITY_USED: f64 = 0.999;

/// The book's screen between events: a collateral price clears a debt per
/// collateral token (USD) when `price × LT` is above it by the margin.
/// Compared as `price × LT_bps > debt × 10,000 / (1 - margin)`, with the
/// right side computed once per position. A position's threshold is the
/// reserve's less its size penalty: the screen takes the largest penalty
/// any position can have below the price ceiling off the threshold.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    riskiest: f64,
    largest_penalty_bps: u16,
}

/// `debt_per_token_usd` as the screen compares it.
fn screened(debt_per_token_usd: f64) -> f64 {
    debt_per_token_usd * 10_000.0 / (1.0 - SCREEN_MARGIN)
}

impl Screen {
    /// Whether nobody can be liquidatable at `price_usd` and `threshold_bps`.
    #[inline]
    pub fn passes(&self, price_usd: f64, threshold_bps: u16) -> bool {
        price_usd * f64::from(threshold_bps.saturating_sub(self.largest_penalty_bps))
            > self.riskiest
    }
}

/// A position's debt per collateral token (USD) as the screen compares it.
fn exposure_of(
    position: &Position,
    collateral: &Reserve,
    debt: &Reserve,
    debt_price: &OraclePrice,
) -> f64 {
    if position.debt_shares == 0 {
        return 0.0;
    }
    if position.collateral_amount == 0 {
        // Debt with nothing behind it: never screened away.
        return f64::INFINITY;
    }
    // In floats, from the shares: what is owed rounds up by less than one
    // base unit, which the bound adds; float rounding is far inside the
    // screen's margin.
    let index: I80F48 = debt.lending.borrow_index.into();
    let owed_at_most = position.debt_shares as f64 * index.to_num::<f64>() + 1.0;
    let debt_usd = owed_at_most / scale(debt.mint_decimals) * debt_price.price.to_num::<f64>();
    let tokens = position.collateral_amount as f64 / scale(collateral.mint_decimals);
    screened(debt_usd / tokens)
}

/// `10^decimals` as a float, the size of one whole token in base units.
fn scale(decimals: u8) -> f64 {
    const POWERS: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18,
    ];
    POWERS
        .get(usize::from(decimals))
        .copied()
        .unwrap_or_else(|| 10f64.powi(decimals.into()))
}

/// The highest finite exposure: the screen's bar.
fn riskiest_of(per_position: &[f64]) -> f64 {
    per_position
        .iter()
        .copied()
        .filter(|value| value.is_finite())
        .fold(0.0, f64::max)
}

/// The largest size penalty (bps) `position` can have while the collateral
/// price stays at or below `price_ceiling` (the penalty grows with the
/// position's value, and the depth is the reserve's now): 0 when the
/// reserve charges none, the cap's when the ceiling is unbounded.
fn penalty_bound(position: &Position, collateral: &Reserve, price_ceiling: f64, now: i64) -> u16 {
    if collateral.calibration.size_weight_bps == 0 || position.collateral_amount == 0 {
        return 0;
    }
    let value = position.collateral_amount as f64 / scale(collateral.mint_decimals) * price_ceiling;
    // A value past what I80F48 holds is charged the cap.
    let value = I80F48::checked_from_num(value * (1.0 + SCREEN_MARGIN)).unwrap_or(I80F48::MAX);
    size_penalty_bps(collateral, value, now)
}

fn program(error: anchor_lang::error::Error) -> anyhow::Error {
    anyhow!(program_reason(&error))
}

fn usd(amount: u64, decimals: u8, price: I80F48) -> f64 {
    token_value(amount, decimals, price).map_or(f64::NAN, |v| v.to_num::<f64>())
}

impl Book {
    pub fn new(config: BookConfig, rules: LiquidationConfig) -> Self {
        let count = config.borrowers.max(1);
        let mut borrowers: Vec<Borrower> = (0..count)
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
                    weight: 0.0,
                    whale: false,
                    position: bytemuck::Zeroable::zeroed(),
                    due: None,
                }
            })
            .collect();
        let total: f64 = borrowers.iter().map(|b| b.size_usd).sum();
        for borrower in &mut borrowers {
            borrower.weight = borrower.size_usd / total;
        }
        Self {
            borrowers,
            config,
            rules,
            last_relever: None,
            exposure: None,
            price_ceiling: f64::INFINITY,
        }
    }

    /// A whale beside the book, sized to its market when it opens
    /// (`Sizing::whale_usd`), borrowing at its max LTV.
    pub fn with_whale(mut self) -> Self {
        self.borrowers.push(Borrower {
            target: 1.0,
            size_usd: 0.0,
            weight: 0.0,
            whale: true,
            position: bytemuck::Zeroable::zeroed(),
            due: None,
        });
        self
    }

    /// The highest collateral price the next screens must hold for: size
    /// penalties grow with a position's value, so they are bounded at it.
    pub fn set_price_ceiling(&mut self, price_usd: f64) {
        self.price_ceiling = price_usd;
    }

    /// One tick after the reserves took their prices: due liquidations,
    /// newly unhealthy positions, and re-levering when it is time. With a
    /// `market`, liquidations land its latency after a position falls due
    /// and only as far as they pay, and nothing happens while it is halted.
    pub fn tick(
        &mut self,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
        now: i64,
        mut market: Option<&mut MarketNow>,
    ) -> Result<TickOutcome> {
        let mut outcome = TickOutcome::default();
        if market.as_ref().is_some_and(|m| m.halted) {
            return Ok(outcome);
        }
        let delay = match &market {
            Some(m) => m.liquidators.latency_secs,
            None => self.config.liquidation_delay_secs,
        };
        let threshold = effective_threshold_bps(collateral, now);
        let price_usd = collateral_price.price.to_num::<f64>();
        let screen = self.screen(collateral, debt, debt_price, now);
        if !screen.is_some_and(|screen| screen.passes(price_usd, threshold)) {
            for i in 0..self.borrowers.len() {
                // A position clear of the threshold with nothing due stays so.
                if self.borrowers[i].due.is_none() && self.clears(i, price_usd, threshold) {
                    continue;
                }
                let unhealthy =
                    self.is_unhealthy(i, collateral, collateral_price, debt, debt_price, now)?;
                let borrower = &mut self.borrowers[i];
                match (unhealthy, borrower.due) {
                    (false, _) => borrower.due = None,
                    (true, None) => borrower.due = Some(now + delay),
                    (true, Some(_)) => {}
                }
                if borrower.due.is_none_or(|due| due > now) {
                    continue;
                }
                let liquidated = match market.as_deref_mut() {
                    Some(market) => self.liquidate_in_market(
                        i,
                        collateral,
                        collateral_price,
                        debt,
                        debt_price,
                        now,
                        market,
                        &mut outcome,
                    )?,
                    None => self.liquidate_one(
                        i,
                        collateral,
                        collateral_price,
                        debt,
                        debt_price,
                        now,
                        &mut outcome,
                    )?,
                };
                if liquidated {
                    // Interest accrued: every position's debt moved.
                    self.exposure = None;
                }
            }
        }
        if self
            .last_relever
            .is_none_or(|last| now - last >= self.config.relever_secs)
        {
            self.last_relever = Some(now);
            for i in 0..self.borrowers.len() {
                let sides = |b: &Borrower| (b.position.collateral_amount, b.position.debt_shares);
                let before = sides(&self.borrowers[i]);
                let opening = market.as_deref().map(|m| (m.sizing, *m.bar));
                outcome.borrowed_usd += self.relever(
                    i,
                    collateral,
                    collateral_price,
                    debt,
                    debt_price,
                    now,
                    opening,
                )?;
                if sides(&self.borrowers[i]) != before {
                    self.remeasure(i, collateral, debt, debt_price, now);
                }
            }
        }
        Ok(outcome)
    }

    /// When the next pending liquidation is due, if any.
    pub fn next_due(&self) -> Option<i64> {
        self.borrowers.iter().filter_map(|b| b.due).min()
    }

    /// The screen of the book as it stands at `now`: `None` while a
    /// liquidation waits out its delay, when nothing may be skipped.
    pub fn screen(
        &mut self,
        collateral: &Reserve,
        debt: &Reserve,
        debt_price: &OraclePrice,
        now: i64,
    ) -> Option<Screen> {
        if self.borrowers.iter().any(|b| b.due.is_some()) {
            return None;
        }
        let exposure = self.exposure(collateral, debt, debt_price, now);
        Some(Screen {
            riskiest: exposure.riskiest,
            largest_penalty_bps: exposure.largest_penalty_bps,
        })
    }

    /// Whether position `i` is clear of liquidation at `price_usd` and
    /// `threshold_bps`, by the exposure measured for the screen.
    fn clears(&self, i: usize, price_usd: f64, threshold_bps: u16) -> bool {
        self.exposure.as_ref().is_some_and(|exposure| {
            let screen = Screen {
                riskiest: exposure.per_position[i],
                largest_penalty_bps: exposure.penalty_bps[i],
            };
            screen.passes(price_usd, threshold_bps)
        })
    }

    /// Debt per collateral token of each position (USD) and its largest
    /// size penalty, cached while the debt price, the borrow index, the
    /// price ceiling and the depth stay the same.
    fn exposure(
        &mut self,
        collateral: &Reserve,
        debt: &Reserve,
        debt_price: &OraclePrice,
        now: i64,
    ) -> &Exposure {
        let index = I80F48::from(debt.lending.borrow_index);
        let depth = risk_engine::calibration::effective_depth_quote(collateral, now);
        let fresh = self.exposure.as_ref().is_some_and(|e| {
            e.debt_price == debt_price.price
                && e.borrow_index == index
                && e.price_ceiling == self.price_ceiling
                && e.depth_quote == depth
        });
        if !fresh {
            let per_position = self
                .borrowers
                .iter()
                .map(|b| exposure_of(&b.position, collateral, debt, debt_price))
                .collect::<Vec<f64>>();
            let penalty_bps = self
                .borrowers
                .iter()
                .map(|b| penalty_bound(&b.position, collateral, self.price_ceiling, now))
                .collect::<Vec<u16>>();
            self.exposure = Some(Exposure {
                riskiest: riskiest_of(&per_position),
                largest_penalty_bps: penalty_bps.iter().copied().max().unwrap_or(0),
                per_position,
                penalty_bps,
                debt_price: debt_price.price,
                borrow_index: index,
                price_ceiling: self.price_ceiling,
                depth_quote: depth,
            });
        }
        self.exposure.as_ref().expect("measured above")
    }

    /// Measures position `i` again after it changed, when the rest of the
    /// measure still holds (the same debt price and borrow index).
    fn remeasure(
        &mut self,
        i: usize,
        collateral: &Reserve,
        debt: &Reserve,
        debt_price: &OraclePrice,
        now: i64,
    ) {
        let position = self.borrowers[i].position;
        let index = I80F48::from(debt.lending.borrow_index);
        let ceiling = self.price_ceiling;
        if let Some(exposure) = self.exposure.as_mut() {
            if exposure.debt_price == debt_price.price && exposure.borrow_index == index {
                exposure.per_position[i] = exposure_of(&position, collateral, debt, debt_price);
                exposure.penalty_bps[i] = penalty_bound(&position, collateral, ceiling, now);
                exposure.riskiest = riskiest_of(&exposure.per_position);
                exposure.largest_penalty_bps =
                    exposure.penalty_bps.iter().copied().max().unwrap_or(0);
            }
        }
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
        now: i64,
    ) -> Result<bool> {
        let position = &self.borrowers[i].position;
        if position.debt_shares == 0 {
            return Ok(false);
        }
        let (collateral_side, debt_side) =
            position_sides(position, collateral, collateral_price, debt, debt_price)
                .map_err(program)?;
        let value = collateral_side.value().map_err(|e| program(e.into()))?;
        let threshold_bps = position_threshold_bps(collateral, value, now);
        is_liquidatable(&collateral_side, &debt_side, threshold_bps).map_err(|e| program(e.into()))
    }

    /// A due liquidation in a market: first on copies, for the most a
    /// liquidator takes profitably with the sales already weighing on the
    /// price (`Liquidators::capacity_usd`); what it sells weighs in turn.
    /// A position whose collateral is worth less than the dust value is
    /// written off instead (`write_off_bad_debt`, which anyone may call).
    /// Returns whether the books changed.
    #[allow(clippy::too_many_arguments)]
    fn liquidate_in_market(
        &mut self,
        i: usize,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
        now: i64,
        market: &mut MarketNow,
        outcome: &mut TickOutcome,
    ) -> Result<bool> {
        let decimals = (collateral.mint_decimals, debt.mint_decimals);
        // Every attempt, done or not, is a new one after the latency.
        self.borrowers[i].due = None;
        let (mut position, mut collateral_after, mut debt_after) =
            (self.borrowers[i].position, *collateral, *debt);
        if let Ok(written) = risk_engine::liquidation::write_off(
            &mut position,
            &mut collateral_after,
            collateral_price,
            &mut debt_after,
            debt_price,
            &self.rules,
            now,
        ) {
            self.borrowers[i].position = position;
            *collateral = collateral_after;
            *debt = debt_after;
            outcome.bad_debt_usd += usd(written.deficit, decimals.1, debt_price.price);
            return Ok(true);
        }
        let bonus = f64::from(collateral.calibrated.liquidation_bonus_bps) / 10_000.0;
        let share = f64::from(self.rules.protocol_fee_share_bps) / 10_000.0;
        let bonus_to_liquidator = bonus * (1.0 - share);
        let depth = market.bar.depth_1pct_usd;
        let sold = market.pressure.sold_usd_at(now);
        let capacity_usd = market
            .liquidators
            .capacity_usd(bonus_to_liquidator, sold, depth);
        let debt_usd = debt_price.liquidation_debt_price().to_num::<f64>();
        // A hair inside the edge: the program's rounding (shares, the
        // treasury's fee rounded up) must not tip the last unit past it.
        let max_repay = (capacity_usd * CAPACITY_USED / (1.0 + bonus_to_liquidator) / debt_usd
            * scale(decimals.1))
        .floor();
        if max_repay < 1.0 {
            outcome.unprofitable += 1;
            return Ok(false);
        }
        let max_repay = if max_repay >= u64::MAX as f64 {
            u64::MAX
        } else {
            max_repay as u64
        };
        let (mut position, mut collateral_after, mut debt_after) =
            (self.borrowers[i].position, *collateral, *debt);
        let Ok(done) = liquidate(
            &mut position,
            &mut collateral_after,
            collateral_price,
            &mut debt_after,
            debt_price,
            &self.rules,
            max_repay,
            now,
        ) else {
            // Healthy again, or a part the program calls dust: none pays.
            outcome.unprofitable += 1;
            return Ok(false);
        };
        let received_usd = usd(
            done.split.to_liquidator,
            decimals.0,
            collateral_price.liquidation_collateral_price(),
        );
        let repaid_usd = usd(done.repaid, decimals.1, debt_price.liquidation_debt_price());
        if !market
            .liquidators
            .pays(repaid_usd, received_usd, sold, depth)
        {
            outcome.unprofitable += 1;
            return Ok(false);
        }
        self.borrowers[i].position = position;
        *collateral = collateral_after;
        *debt = debt_after;
        market.pressure.sell(received_usd, now);
        outcome.sold_usd += received_usd;
        outcome.liquidations += 1;
        outcome.repaid_usd += repaid_usd;
        outcome.bonus_paid_usd += received_usd - repaid_usd;
        outcome.bad_debt_usd += usd(done.deficit, decimals.1, debt_price.price);
        Ok(true)
    }

    /// Liquidates on copies first: a liquidator only acts when the bonus
    /// pays for the slippage of selling what it receives. Returns whether
    /// it did.
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
    ) -> Result<bool> {
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
            Err(_) => return Ok(false),
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
            return Ok(false);
        }
        self.borrowers[i].position = position;
        self.borrowers[i].due = None;
        *collateral = collateral_after;
        *debt = debt_after;
        outcome.liquidations += 1;
        outcome.repaid_usd += repaid_usd;
        outcome.bonus_paid_usd += received_usd - repaid_usd;
        outcome.bad_debt_usd += usd(done.deficit, decimals.1, debt_price.price);
        Ok(true)
    }

    /// Borrows back up to the target share of the max LTV; a position
    /// emptied by liquidation reopens with fresh collateral, sized to its
    /// market when `opening` gives one (the sizing and the bar it opens
    /// in). Returns the USD borrowed.
    #[allow(clippy::too_many_arguments)]
    fn relever(
        &mut self,
        i: usize,
        collateral: &mut Reserve,
        collateral_price: &OraclePrice,
        debt: &mut Reserve,
        debt_price: &OraclePrice,
        now: i64,
        opening: Option<(Sizing, BarLiquidity)>,
    ) -> Result<f64> {
        let borrower = &mut self.borrowers[i];
        if borrower.whale && !opening.is_some_and(|(sizing, _)| sizing.whale) {
            return Ok(0.0);
        }
        let position = &mut borrower.position;
        let spot = collateral_price.collateral_price().to_num::<f64>();
        let target_usd = match opening {
            Some((sizing, bar)) if borrower.whale => sizing.whale_usd(&bar),
            Some((sizing, bar)) => sizing.borrower_usd(borrower.weight, &bar),
            None => borrower.size_usd,
        };
        // In a market the book follows what it trades: a position whose
        // collateral has drifted past twice or half its size today closes
        // (repays, withdraws) and reopens at today's size. Without this a
        // book opened in a thin year would stay tiny through a deep one.
        if opening.is_some() && position.collateral_amount > 0 {
            let held_usd =
                position.collateral_amount as f64 / scale(collateral.mint_decimals) * spot;
            if !(held_usd <= RESIZE_RATIO * target_usd && held_usd * RESIZE_RATIO >= target_usd) {
                if position.debt_shares > 0 {
                    let repaid =
                        lending::repay(debt, position.debt_shares, u64::MAX).map_err(program)?;
                    position.debt_shares -= repaid.shares_burned;
                }
                collateral.lending.total_collateral -= position.collateral_amount;
                position.collateral_amount = 0;
            }
        }
        if position.collateral_amount == 0 {
            let size_usd = target_usd;
            let tokens = size_usd / spot;
            let amount = (tokens * scale(collateral.mint_decimals)).floor();
            if !(amount >= 1.0 && amount < u64::MAX as f64) {
                return Ok(0.0);
            }
            let amount = amount as u64;
            position.collateral_amount = amount;
            collateral.lending.total_collateral = collateral
                .lending
                .total_collateral
                .checked_add(amount)
                .ok_or_else(|| {
                    anyhow::anyhow!("the book's collateral does not fit in base units of the token")
                })?;
        }
        let owed = lending::position_debt(debt, position).map_err(program)?;
        // The position's own max LTV: its size, measured as the program
        // does at the higher of spot and EMA, may lower it.
        let size = token_value(
            position.collateral_amount,
            collateral.mint_decimals,
            collateral_price.price.max(collateral_price.ema_price),
        )
        .map_err(|e| program(e.into()))?;
        let max_ltv = f64::from(position_max_ltv_bps(collateral, size, now)) / 10_000.0;
        let unit = scale(debt.mint_decimals);
        let debt_usd_per_token = debt_price.debt_price().to_num::<f64>();
        // Most borrowers are at their target: a bound in floats, wider than
        // any rounding of the exact values, shows when less than one whole
        // token is wanted without computing them.
        let collateral_at_most = position.collateral_amount as f64
            / scale(collateral.mint_decimals)
            * spot
            * (1.0 + RELEVER_MARGIN);
        let owed_at_least = owed as f64 / unit * debt_usd_per_token * (1.0 - RELEVER_MARGIN);
        let wanted_at_most = collateral_at_most * max_ltv * borrower.target - owed_at_least;
        if wanted_at_most < debt_usd_per_token * (1.0 - RELEVER_MARGIN) {
            return Ok(0.0);
        }
        let collateral_usd = usd(
            position.collateral_amount,
            collateral.mint_decimals,
            collateral_price.collateral_price(),
        );
        let owed_usd = usd(owed, debt.mint_decimals, debt_price.debt_price());
        let wanted_usd = collateral_usd * max_ltv * borrower.target - owed_usd;
        let amount = (wanted_usd / debt_usd_per_token * unit).floor();
        if amount < unit || amount >= u64::MAX as f64 {
            return Ok(0.0);
        }
        // A borrower at the very edge of its max LTV (the whale) may find
        // the last base units of the float estimate past the exact limit:
        // it asks a hair less once.
        let tries: &[f64] = if borrower.target >= 1.0 {
            &[1.0, 1.0 - RELEVER_MARGIN * 1_000.0]
        } else {
            &[1.0]
        };
        for share in tries {
            let amount = (amount * share).floor() as u64;
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
                now,
            )
            .is_ok()
            {
                *debt = trial_debt;
                *position = trial_position;
                return Ok(usd(amount, debt.mint_decimals, debt_price.price));
            }
        }
        Ok(0.0)
    }

    /// Debt owed by the whole book, USD.
    pub fn debt_usd(&self, debt: &Reserve, debt_price: &OraclePrice) -> f64 {
        let borrowed: I80F48 = debt.lending.borrowed_amount.into();
        borrowed.to_num::<f64>() / scale(debt.mint_decimals) * debt_price.price.to_num::<f64>()
    }
}
