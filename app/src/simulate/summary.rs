//! The end of a run in a few numbers, each with its unit, and the checks
//! that the books still add up.

use anyhow::Result;
use serde::Serialize;

use super::StepRecord;
use crate::accounts;
use crate::chain::Chain;
use crate::client::ReserveAccounts;
use crate::config::units::{fmt_bps, fmt_usd};
use crate::history::Tick;
use crate::table::Table;

/// A reserve's vault against its books: tokens the vault holds, and what
/// the reserve says it should hold (supplied liquidity plus collateral).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VaultCheck {
    pub reserve: String,
    pub vault_base_units: u64,
    pub books_base_units: u64,
}

impl VaultCheck {
    pub fn matches(&self) -> bool {
        self.vault_base_units == self.books_base_units
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub steps: usize,
    pub hours: f64,
    pub price_start_usd: f64,
    pub price_min_usd: f64,
    pub price_end_usd: f64,
    pub threshold_first_bps: u16,
    pub threshold_min_bps: u16,
    pub threshold_max_bps: u16,
    pub threshold_end_bps: u16,
    pub max_ltv_min_bps: u16,
    pub max_ltv_end_bps: u16,
    pub sigma_fast_peak_bps_per_year: u64,
    pub liquidations: usize,
    pub repaid_usd: f64,
    pub bonus_paid_usd: f64,
    pub protocol_fee_usd: f64,
    /// The debt reserve's deficit at the end, base units of the debt mint.
    pub bad_debt_base_units: u64,
    pub bad_debt_usd: f64,
    /// Bad debt as a share of the largest total debt of the run, in bps.
    pub bad_debt_bps_of_peak_debt: u64,
    pub peak_debt_usd: f64,
    pub positions: usize,
    pub positions_indebted_at_end: usize,
    pub collateral_end_usd: f64,
    pub debt_end_usd: f64,
    pub vaults: Vec<VaultCheck>,
}

impl Summary {
    pub fn from_run(
        chain: &mut dyn Chain,
        records: &[StepRecord],
        collateral: &ReserveAccounts,
        debt: &ReserveAccounts,
        path: &[Tick],
    ) -> Result<Self> {
        let first = records.first().expect("a run has steps");
        let last = records.last().expect("a run has steps");
        let debt_reserve = accounts::reserve(chain, &debt.reserve)?;
        let collateral_reserve = accounts::reserve(chain, &collateral.reserve)?;
        let market = debt_reserve.market;
        let positions = accounts::positions_of(chain, &market)?;
        let peak_debt_usd = records.iter().map(|r| r.debt_usd).fold(0.0, f64::max);
        let bad_debt_usd = debt_reserve.lending.deficit as f64 / 10f64.powi(debt.decimals.into());
        let mut vaults = Vec::new();
        for (name, asset, reserve) in [
            ("collateral", collateral, &collateral_reserve),
            ("debt", debt, &debt_reserve),
        ] {
            vaults.push(VaultCheck {
                reserve: name.to_string(),
                vault_base_units: accounts::token_balance(chain, &asset.vault)?.unwrap_or(0),
                books_base_units: reserve.lending.available_liquidity
                    + reserve.lending.total_collateral,
            });
        }
        Ok(Self {
            steps: records.len(),
            hours: (last.time - first.time) as f64 / 3_600.0,
            price_start_usd: path[0].price,
            price_min_usd: records.iter().map(|r| r.price_usd).fold(f64::MAX, f64::min),
            price_end_usd: last.price_usd,
            threshold_first_bps: first.threshold_bps,
            threshold_min_bps: records.iter().map(|r| r.threshold_bps).min().unwrap_or(0),
            threshold_max_bps: records.iter().map(|r| r.threshold_bps).max().unwrap_or(0),
            threshold_end_bps: last.threshold_bps,
            max_ltv_min_bps: records.iter().map(|r| r.max_ltv_bps).min().unwrap_or(0),
            max_ltv_end_bps: last.max_ltv_bps,
            sigma_fast_peak_bps_per_year: records
                .iter()
                .map(|r| r.sigma_fast_bps_per_year)
                .max()
                .unwrap_or(0),
            liquidations: records.iter().map(|r| r.liquidations).sum(),
            repaid_usd: records.iter().map(|r| r.repaid_usd).sum(),
            bonus_paid_usd: records.iter().map(|r| r.bonus_paid_usd).sum(),
            protocol_fee_usd: records.iter().map(|r| r.protocol_fee_usd).sum(),
            bad_debt_base_units: debt_reserve.lending.deficit,
            bad_debt_usd,
            bad_debt_bps_of_peak_debt: if peak_debt_usd > 0.0 {
                (bad_debt_usd / peak_debt_usd * 10_000.0).round() as u64
            } else {
                0
            },
            peak_debt_usd,
            positions: positions.len(),
            positions_indebted_at_end: positions.iter().filter(|(_, p)| p.debt_shares > 0).count(),
            collateral_end_usd: last.collateral_usd,
            debt_end_usd: last.debt_usd,
            vaults,
        })
    }

    pub fn books_balance(&self) -> bool {
        self.vaults.iter().all(VaultCheck::matches)
    }

    pub fn render(&self) -> String {
        let mut table = Table::new(&["quantity", "value"]);
        let mut row = |name: &str, value: String| {
            table.row(vec![name.to_string(), value]);
        };
        row(
            "steps replayed",
            format!("{} ({:.0} h)", self.steps, self.hours),
        );
        row(
            "price start / low / end",
            format!(
                "{} / {} / {}",
                fmt_usd(self.price_start_usd),
                fmt_usd(self.price_min_usd),
                fmt_usd(self.price_end_usd)
            ),
        );
        row(
            "peak volatility (fast EWMA)",
            format!("{}/year", fmt_bps(self.sigma_fast_peak_bps_per_year)),
        );
        row(
            "threshold first / min / max / end",
            format!(
                "{} / {} / {} / {}",
                fmt_bps(self.threshold_first_bps.into()),
                fmt_bps(self.threshold_min_bps.into()),
                fmt_bps(self.threshold_max_bps.into()),
                fmt_bps(self.threshold_end_bps.into())
            ),
        );
        row(
            "max LTV min / end",
            format!(
                "{} / {}",
                fmt_bps(self.max_ltv_min_bps.into()),
                fmt_bps(self.max_ltv_end_bps.into())
            ),
        );
        row(
            "positions opened / still in debt",
            format!("{} / {}", self.positions, self.positions_indebted_at_end),
        );
        row("liquidations", format!("{}", self.liquidations));
        row("debt repaid by liquidators", fmt_usd(self.repaid_usd));
        row("bonus paid to liquidators", fmt_usd(self.bonus_paid_usd));
        row("protocol fees from bonus", fmt_usd(self.protocol_fee_usd));
        row(
            "bad debt",
            format!(
                "{} ({} of peak debt {})",
                fmt_usd(self.bad_debt_usd),
                fmt_bps(self.bad_debt_bps_of_peak_debt),
                fmt_usd(self.peak_debt_usd)
            ),
        );
        row(
            "collateral / debt at end",
            format!(
                "{} / {}",
                fmt_usd(self.collateral_end_usd),
                fmt_usd(self.debt_end_usd)
            ),
        );
        for vault in &self.vaults {
            row(
                &format!("{} vault vs books", vault.reserve),
                format!(
                    "{} / {} base units ({})",
                    vault.vault_base_units,
                    vault.books_base_units,
                    if vault.matches() {
                        "balanced"
                    } else {
                        "MISMATCH"
                    }
                ),
            );
        }
        table.render()
    }
}
