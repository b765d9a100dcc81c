//! What must hold after every transaction of a random sequence, read from
//! the raw accounts before and after it.

use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator};
use fixed::types::I80F48;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;
use risk_engine::calibration::effective_threshold_bps;
use risk_engine::events::*;
use risk_engine::lending::supply_pool_value;
use risk_engine::math::liquidation::{is_liquidatable, Side};
use risk_engine::math::shares::{self, VIRTUAL_SUPPLY};
use risk_engine::state::{LenderPosition, Market, Position, Reserve};

use super::ops::ACTORS;
use super::playground::{Kind, Playground};
use crate::events::EmittedEvents;

/// Every account a sequence touches, as raw bytes, and the clock.
#[derive(Clone, PartialEq)]
pub struct Snapshot {
    pub now: i64,
    pub accounts: BTreeMap<Pubkey, Option<Vec<u8>>>,
}

impl Snapshot {
    pub async fn take(pg: &mut Playground) -> Self {
        let mut addresses = Vec::new();
        for keys in &pg.markets {
            addresses.push(keys.market);
            addresses.extend(keys.treasury_accounts);
        }
        for (i, r) in pg.reserves.iter().enumerate() {
            addresses.extend([r.reserve, r.vault, r.price_account]);
            for actor in 0..ACTORS as usize {
                let owner = pg.actors[actor].keypair.pubkey_of();
                addresses.push(risk_engine::pda::lender_position(&r.reserve, &owner).0);
                addresses.push(pg.account(actor, i));
            }
        }
        addresses.extend(pg.positions.iter().map(|p| p.priced.position));
        addresses.sort();
        addresses.dedup();
        let mut accounts = BTreeMap::new();
        for address in addresses {
            let data = pg.f.raw(address).await;
            accounts.insert(address, data);
        }
        Self {
            now: pg.f.now().await,
            accounts,
        }
    }

    fn data(&self, address: &Pubkey) -> Option<&[u8]> {
        self.accounts.get(address)?.as_deref()
    }

    fn load<T: bytemuck::Pod + Discriminator>(&self, address: &Pubkey) -> Option<T> {
        let data = self.data(address)?;
        data.starts_with(T::DISCRIMINATOR)
            .then(|| bytemuck::pod_read_unaligned(&data[8..8 + std::mem::size_of::<T>()]))
    }

    pub fn reserve(&self, pg: &Playground, i: usize) -> Reserve {
        self.load(&pg.reserves[i].reserve)
            .expect("a listed reserve")
    }

    /// Reserve `i` as an instruction would find it now: after following its
    /// market's refresh pauses.
    pub fn reserve_in_use(&self, pg: &Playground, i: usize) -> Reserve {
        let market: Market = self.load(&pg.markets[i / 2].market).expect("a market");
        risk_engine::calibration::following_pauses(&self.reserve(pg, i), &market, self.now)
    }

    pub fn position(&self, pg: &Playground, i: usize) -> Option<Position> {
        self.load(&pg.positions[i].priced.position)
    }

    pub fn lender_shares(&self, pg: &Playground, actor: usize, reserve: usize) -> u64 {
        let owner = pg.actors[actor].keypair.pubkey_of();
        let address = risk_engine::pda::lender_position(&pg.reserves[reserve].reserve, &owner).0;
        self.load::<LenderPosition>(&address)
            .map_or(0, |l| l.supply_shares)
    }

    pub fn balance(&self, address: &Pubkey) -> u64 {
        self.data(address).map_or(0, crate::tokens::token_amount)
    }

    fn price(&self, address: &Pubkey) -> I80F48 {
        let mut data = self.data(address).expect("a price account");
        let update = PriceUpdateV2::try_deserialize(&mut data).expect("a price update");
        let message = update.price_message;
        I80F48::from_num(message.price) / 10i128.pow(message.exponent.unsigned_abs())
    }
}

/// A key's public half (the `Signer` trait is not in scope everywhere).
trait PubkeyOf {
    fn pubkey_of(&self) -> Pubkey;
}

impl PubkeyOf for solana_sdk::signature::Keypair {
    fn pubkey_of(&self) -> Pubkey {
        solana_sdk::signature::Signer::pubkey(self)
    }
}

/// The books of every reserve agree with its vault and with the accounts
/// that hold its shares and collateral, to the unit; the suppliers' claims
/// never exceed the pool, and what they leave in it is rounding and the
/// virtual shares' part; the threshold and bonus sit in their bounds.
pub fn books_balance(pg: &Playground, after: &Snapshot, before: &Snapshot) -> Result<(), String> {
    for i in 0..pg.reserves.len() {
        let r = after.reserve(pg, i);
        let l = &r.lending;
        let vault = after.balance(&pg.reserves[i].vault);
        if vault != l.available_liquidity + l.total_collateral {
            return Err(format!(
                "reserve {i}: vault {vault} != liquidity {} + collateral {}",
                l.available_liquidity, l.total_collateral
            ));
        }
        let positions: Vec<Position> = (0..pg.positions.len())
            .filter_map(|p| after.position(pg, p))
            .collect();
        let collateral: u64 = positions
            .iter()
            .filter(|p| p.collateral_reserve == pg.reserves[i].reserve)
            .map(|p| p.collateral_amount)
            .sum();
        let debt_shares: u64 = positions
            .iter()
            .filter(|p| p.debt_reserve == pg.reserves[i].reserve)
            .map(|p| p.debt_shares)
            .sum();
        let supply_shares: u64 = (0..ACTORS as usize)
            .map(|a| after.lender_shares(pg, a, i))
            .sum();
        if (collateral, debt_shares, supply_shares)
            != (l.total_collateral, l.debt_shares, l.supply_shares)
        {
            return Err(format!(
                "reserve {i}: positions hold collateral {collateral} / debt shares {debt_shares}, lenders {supply_shares} shares; books say {} / {} / {}",
                l.total_collateral, l.debt_shares, l.supply_shares
            ));
        }
        let pool = supply_pool_value(&r).map_err(|e| format!("reserve {i}: {e}"))?;
        let claims: u64 = (0..ACTORS as usize)
            .map(|a| {
                shares::supply_value(after.lender_shares(pg, a, i), l.supply_shares, pool)
                    .unwrap_or(0)
            })
            .sum();
        let pool_units = pool.floor().to_num::<u64>();
        if claims > pool_units {
            return Err(format!(
                "reserve {i}: suppliers claim {claims}, the pool is worth {pool}"
            ));
        }
        let price_above_one =
            (pool.to_num::<f64>() / (l.supply_shares.max(1)) as f64 - 1.0).max(0.0);
        let slack = VIRTUAL_SUPPLY as f64 * price_above_one + f64::from(ACTORS) + 2.0;
        if (pool_units - claims) as f64 > slack && l.supply_shares > 0 {
            return Err(format!(
                "reserve {i}: {} of the pool is nobody's (allowed {slack})",
                pool_units - claims
            ));
        }
        let old = before.reserve(pg, i);
        if I80F48::from(l.borrow_index) < I80F48::from(old.lending.borrow_index)
            || l.deficit < old.lending.deficit
        {
            return Err(format!(
                "reserve {i}: the borrow index or the deficit went down"
            ));
        }
        let (state, bounds) = (&r.calibrated, &r.bounds);
        let in_bounds = (bounds.lt_min_bps..=bounds.lt_max_bps)
            .contains(&state.liquidation_threshold_bps)
            && (bounds.bonus_min_bps..=bounds.bonus_max_bps).contains(&state.liquidation_bonus_bps)
            && state.max_ltv_bps == state.liquidation_threshold_bps - bounds.ltv_buffer_bps;
        if !in_bounds {
            return Err(format!(
                "reserve {i}: threshold {state:?} outside {bounds:?}"
            ));
        }
    }
    Ok(())
}

/// Where each reserve's threshold in use last changed, to check it moves
/// no faster than its rate limits.
#[derive(Debug, Clone, Copy)]
pub struct Trend {
    bps: u16,
    since: i64,
}

impl Trend {
    pub fn start(reserve: &Reserve, now: i64) -> Self {
        Self {
            bps: effective_threshold_bps(reserve, now),
            since: reserve.calibrated.rate_limit_anchor_ts.min(now),
        }
    }

    /// The threshold in use now against the last change: down by at most
    /// `max_tighten`, up by at most `max_loosen` per hour since then (plus
    /// one bps of rounding). Governance may snap it; the trend then starts
    /// afresh from the rate limit's own anchor.
    pub fn follow(&mut self, reserve: &Reserve, now: i64, governed: bool) -> Result<(), String> {
        let bps = effective_threshold_bps(reserve, now);
        if governed {
            *self = Self::start(reserve, now);
            return Ok(());
        }
        if bps == self.bps {
            return Ok(());
        }
        let hours = (now - self.since) as f64 / 3_600.0;
        let bounds = &reserve.bounds;
        let allowed = if bps < self.bps {
            bounds.max_tighten_bps_per_hour
        } else {
            bounds.max_loosen_bps_per_hour
        };
        let moved = (i32::from(bps) - i32::from(self.bps)).abs();
        if f64::from(moved) > f64::from(allowed) * hours + 1.0 {
            return Err(format!(
                "threshold in use moved {} -> {bps} in {hours:.3} h (limit {allowed} bps/h)",
                self.bps
            ));
        }
        *self = Self { bps, since: now };
        Ok(())
    }
}

/// The rules a successful transaction of `kind` must have kept: tokens
/// moved as its event says, and nobody got more than the rules grant.
pub fn money_rules(
    pg: &Playground,
    kind: Kind,
    events: &EmittedEvents,
    before: &Snapshot,
    after: &Snapshot,
) -> Result<(), String> {
    let delta = |address: &Pubkey| after.balance(address) as i128 - before.balance(address) as i128;
    match kind {
        Kind::Supply { actor, reserve } => {
            let e: Supplied = only(events)?;
            check(
                delta(&pg.account(actor, reserve)) == -(e.amount as i128),
                "the supplier paid what the event says",
            )?;
            let r = before.reserve(pg, reserve);
            let most = shares::supply_shares_to_mint(
                e.amount,
                r.lending.supply_shares,
                supply_pool_value(&r).unwrap(),
            )
            .unwrap();
            check(
                e.shares_minted <= most,
                "no more shares than the deposit buys",
            )
        }
        Kind::Withdraw { actor, reserve } => {
            let e: SupplyWithdrawn = only(events)?;
            check(
                delta(&pg.account(actor, reserve)) == e.amount as i128,
                "the supplier got what the event says",
            )?;
            let r = after.reserve(pg, reserve);
            let pool = supply_pool_value(&r).unwrap() + I80F48::from_num(e.amount);
            let total = r.lending.supply_shares + e.shares_burned;
            let held = before.lender_shares(pg, actor, reserve);
            let worth_before = shares::supply_value(held, total, pool).unwrap();
            let worth_after = shares::supply_value(
                held - e.shares_burned,
                r.lending.supply_shares,
                supply_pool_value(&r).unwrap(),
            )
            .unwrap();
            check(
                worth_after + e.amount <= worth_before + 1,
                "a withdrawal takes no more than the shares it burns are worth",
            )
        }
        Kind::Borrow { position } => {
            let e: Borrowed = only(events)?;
            let p = &pg.positions[position];
            check(
                delta(&pg.account(p.owner, p.debt)) == e.amount as i128,
                "the borrower got what the event says",
            )?;
            let index = I80F48::from(after.reserve(pg, p.debt).lending.borrow_index);
            check(
                I80F48::from_num(e.debt_shares_minted) * index >= I80F48::from_num(e.amount),
                "the debt created covers the loan",
            )
        }
        Kind::Repay { position, payer } => {
            let e: Repaid = only(events)?;
            let p = &pg.positions[position];
            check(
                delta(&pg.account(payer, p.debt)) == -(e.amount as i128),
                "the payer paid what the event says",
            )?;
            let index = I80F48::from(after.reserve(pg, p.debt).lending.borrow_index);
            check(
                I80F48::from_num(e.amount)
                    >= I80F48::from_num(e.debt_shares_burned) * index - I80F48::DELTA,
                "a repayment pays for the debt it retires",
            )
        }
        Kind::WithdrawCollateral { position } => {
            let e: CollateralWithdrawn = only(events)?;
            let p = &pg.positions[position];
            check(
                delta(&pg.account(p.owner, p.collateral)) == e.amount as i128,
                "the owner got what the event says",
            )
        }
        Kind::Deposit { position } => {
            let e: CollateralDeposited = only(events)?;
            let p = &pg.positions[position];
            check(
                delta(&pg.account(p.owner, p.collateral)) == -(e.amount as i128),
                "the owner paid what the event says",
            )
        }
        Kind::Liquidate {
            position,
            liquidator,
        } => {
            let e: Liquidated = only(events)?;
            let p = &pg.positions[position];
            check(
                delta(&pg.account(liquidator, p.debt)) == -(e.repaid as i128),
                "the liquidator paid the repayment",
            )?;
            let treasury = pg.markets[p.market].treasury_accounts[p.collateral % 2];
            let (to_liquidator, to_treasury) = (
                delta(&pg.account(liquidator, p.collateral)),
                delta(&treasury),
            );
            check(
                to_liquidator == e.to_liquidator as i128 && to_treasury == e.protocol_fee as i128,
                "seized collateral went where the event says",
            )?;
            check(
                e.to_liquidator + e.protocol_fee == e.seized,
                "the split adds up",
            )?;
            // Seized value <= repaid value × (1 + bonus), give or take one unit.
            let c = before.reserve(pg, p.collateral);
            let (pc, pd) = (
                before.price(&pg.reserves[p.collateral].price_account),
                before.price(&pg.reserves[p.debt].price_account),
            );
            let units = |r: usize| 10f64.powi(i32::from(pg.reserves[r].decimals));
            let seized_usd = (e.seized as f64 - 1.0) / units(p.collateral) * pc.to_num::<f64>();
            let bonus = 1.0 + f64::from(c.calibrated.liquidation_bonus_bps) / 10_000.0;
            let paid_usd = e.repaid as f64 / units(p.debt) * pd.to_num::<f64>();
            check(
                seized_usd <= paid_usd * bonus * (1.0 + 1e-9),
                "no more collateral than the repayment and bonus buy",
            )?;
            liquidation_was_due(pg, position, before, after, &e)
        }
        Kind::WriteOff { position } => {
            let e: BadDebtWrittenOff = only(events)?;
            let p = &pg.positions[position];
            let state = before
                .position(pg, position)
                .ok_or("wrote off a position that did not exist")?;
            let treasury = pg.markets[p.market].treasury_accounts[p.collateral % 2];
            check(
                delta(&treasury) == e.collateral_to_treasury as i128
                    && e.collateral_to_treasury == state.collateral_amount,
                "the collateral left went to the treasury",
            )?;
            let debt = after.reserve(pg, p.debt);
            let owed =
                shares::debt_owed(state.debt_shares, debt.lending.borrow_index.into()).unwrap();
            check(e.deficit == owed, "the deficit is the debt owed")?;
            check(
                debt.lending.deficit == before.reserve(pg, p.debt).lending.deficit + e.deficit,
                "the reserve recorded the deficit",
            )?;
            let emptied = after
                .position(pg, position)
                .ok_or("the position vanished")?;
            check(
                emptied.collateral_amount == 0 && emptied.debt_shares == 0,
                "the position is empty",
            )?;
            let collateral = after.reserve_in_use(pg, p.collateral);
            let threshold = effective_threshold_bps(&collateral, after.now);
            check(
                e.threshold_bps == threshold,
                "the write-off used the threshold in use",
            )?;
            let units = |r: usize| 10f64.powi(i32::from(pg.reserves[r].decimals));
            let collateral_usd = state.collateral_amount as f64 / units(p.collateral)
                * I80F48::from(e.collateral_price).to_num::<f64>();
            let market: Market = after
                .load(&pg.markets[p.market].market)
                .ok_or("no market")?;
            let dust_usd = market.liquidation.dust_value_quote_e6 as f64 / 1e6;
            check(
                collateral_usd < dust_usd * (1.0 + 1e-9),
                "only collateral worth less than the dust value is written off",
            )
        }
        Kind::Refresh { .. } | Kind::Governance | Kind::Other => Ok(()),
    }
}

/// A liquidation that went through was of a position unhealthy at the
/// prices it was given and the threshold in use then.
fn liquidation_was_due(
    pg: &Playground,
    position: usize,
    before: &Snapshot,
    after: &Snapshot,
    e: &Liquidated,
) -> Result<(), String> {
    let p = &pg.positions[position];
    let state = before
        .position(pg, position)
        .ok_or("liquidated a position that did not exist")?;
    let collateral = after.reserve_in_use(pg, p.collateral);
    let threshold = effective_threshold_bps(&collateral, after.now);
    check(
        e.threshold_bps == threshold,
        "the liquidation used the threshold in use",
    )?;
    let debt_after = after.reserve(pg, p.debt);
    let owed =
        shares::debt_owed(state.debt_shares, debt_after.lending.borrow_index.into()).unwrap();
    let collateral_side = Side {
        amount: state.collateral_amount,
        decimals: pg.reserves[p.collateral].decimals,
        price: before.price(&pg.reserves[p.collateral].price_account),
    };
    let debt_side = Side {
        amount: owed,
        decimals: pg.reserves[p.debt].decimals,
        price: before.price(&pg.reserves[p.debt].price_account),
    };
    check(
        is_liquidatable(&collateral_side, &debt_side, threshold).unwrap_or(false),
        "the position liquidated was unhealthy",
    )
}

fn only<E: anchor_lang::AnchorDeserialize + Discriminator>(
    events: &EmittedEvents,
) -> Result<E, String> {
    let mut all = events.all::<E>();
    if all.len() != 1 {
        return Err(format!("{} events of one kind, one expected", all.len()));
    }
    Ok(all.remove(0))
}

fn check(holds: bool, rule: &str) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(format!("broken: {rule}"))
    }
}
