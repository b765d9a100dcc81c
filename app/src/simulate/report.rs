//! The simulation's HTML report: the summary and one chart per quantity.

use std::path::Path;

use super::{Simulation, StepRecord};
use crate::report::chart::{LineChart, Series, XAxis};
use crate::report::html::HtmlReport;

fn points(records: &[StepRecord], value: impl Fn(&StepRecord) -> f64) -> Vec<(f64, f64)> {
    records.iter().map(|r| (r.time as f64, value(r))).collect()
}

fn percent(bps: impl Into<u64>) -> f64 {
    bps.into() as f64 / 100.0
}

pub fn build(simulation: &Simulation, title: &str) -> HtmlReport {
    let records = &simulation.records;
    let summary = &simulation.summary;
    let mut report = HtmlReport::new(title);
    report.paragraph(
        "A market deployed on the embedded bank, borrowers opened at a spread of LTVs after the warm-up, \
         and the price path replayed through Pyth accounts with the keeper and the liquidator bot at every step.",
    );
    let rows: Vec<Vec<String>> = summary
        .render()
        .lines()
        .skip(2)
        .map(|line| {
            let (name, value) = line.split_at(line.find("  ").unwrap_or(line.len()));
            vec![name.trim().to_string(), value.trim().to_string()]
        })
        .collect();
    report
        .heading("Summary")
        .table(&["quantity", "value"], &rows);

    let price = LineChart::new("Collateral price", XAxis::Time, "price (USD)")
        .with_series(Series::line("spot price", points(records, |r| r.price_usd)));
    let sigma = LineChart::new("Volatility estimate", XAxis::Time, "sigma (%/year)")
        .with_series(Series::line(
            "fast EWMA",
            points(records, |r| percent(r.sigma_fast_bps_per_year)),
        ))
        .with_series(Series::line(
            "slow EWMA",
            points(records, |r| percent(r.sigma_slow_bps_per_year)),
        ))
        .with_y_from_zero(true);
    let threshold = LineChart::new(
        "Liquidation threshold and max LTV",
        XAxis::Time,
        "share of collateral value (%)",
    )
    .with_series(Series::step(
        "liquidation threshold",
        points(records, |r| percent(r.threshold_bps)),
    ))
    .with_series(Series::step(
        "max LTV",
        points(records, |r| percent(r.max_ltv_bps)),
    ));
    let liquidations = LineChart::new("Liquidations per step", XAxis::Time, "debt repaid (USD)")
        .with_series(Series::bars(
            "debt repaid",
            points(records, |r| r.repaid_usd),
        ))
        .with_series(Series::markers(
            "bonus paid",
            records
                .iter()
                .filter(|r| r.liquidations > 0)
                .map(|r| (r.time as f64, r.bonus_paid_usd))
                .collect(),
        ))
        .with_y_from_zero(true);
    let books = LineChart::new("Debt, collateral and bad debt", XAxis::Time, "value (USD)")
        .with_series(Series::line(
            "collateral value",
            points(records, |r| r.collateral_usd),
        ))
        .with_series(Series::line("debt", points(records, |r| r.debt_usd)))
        .with_series(Series::step(
            "bad debt (cumulative)",
            points(records, |r| r.bad_debt_usd),
        ))
        .with_y_from_zero(true);
    report.heading("Price").svg(price.to_svg());
    report.heading("Volatility").svg(sigma.to_svg());
    report.heading("Threshold").svg(threshold.to_svg());
    report.heading("Liquidations").svg(liquidations.to_svg());
    report.heading("Solvency").svg(books.to_svg());
    report
}

pub fn write(simulation: &Simulation, path: &Path) -> std::io::Result<()> {
    build(simulation, "riskctl simulate").write_to(path)
}
