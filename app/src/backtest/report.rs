//! The backtest's table, JSON and HTML report.

use std::path::Path;

use super::Run;
use crate::config::units::{fmt_bps, fmt_usd};
use crate::report::chart::{LineChart, Series, XAxis};
use crate::report::html::HtmlReport;
use crate::table::Table;

/// One row per figure, one column per run.
pub fn comparison_rows(runs: &[Run]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["figure".to_string()];
    header.extend(runs.iter().map(|r| r.threshold.label()));
    type Figure = (&'static str, fn(&Run) -> String);
    let figures: [Figure; 13] = [
        ("bad debt", |r| fmt_usd(r.metrics.bad_debt_usd)),
        ("bad debt / peak debt", |r| {
            format!("{:.3} %", r.metrics.bad_debt_bps_of_peak_debt / 100.0)
        }),
        ("bad debt / volume borrowed", |r| {
            format!("{:.3} %", r.metrics.bad_debt_pct_of_borrowed)
        }),
        ("95th pct loss per window", |r| {
            fmt_usd(r.metrics.loss_p95_usd)
        }),
        ("99th pct loss per window", |r| {
            fmt_usd(r.metrics.loss_p99_usd)
        }),
        ("liquidations", |r| r.metrics.liquidations.to_string()),
        ("debt liquidated", |r| fmt_usd(r.metrics.liquidated_usd)),
        ("bonus paid", |r| fmt_usd(r.metrics.bonus_paid_usd)),
        ("unprofitable (not taken)", |r| {
            r.metrics.unprofitable_liquidations.to_string()
        }),
        ("max LTV, mean", |r| {
            fmt_bps(r.metrics.avg_max_ltv_bps.round() as u64)
        }),
        ("max LTV, lowest", |r| {
            fmt_bps(r.metrics.min_max_ltv_bps.into())
        }),
        ("time at lt_min / lt_max", |r| {
            format!(
                "{:.1} % / {:.1} %",
                r.metrics.time_at_lt_min_pct, r.metrics.time_at_lt_max_pct
            )
        }),
        ("borrowed (volume)", |r| fmt_usd(r.metrics.borrowed_usd)),
    ];
    let rows = figures
        .iter()
        .map(|(name, value)| {
            let mut row = vec![name.to_string()];
            row.extend(runs.iter().map(value));
            row
        })
        .collect();
    (header, rows)
}

pub fn render_table(runs: &[Run]) -> String {
    let (header, rows) = comparison_rows(runs);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(&header);
    for row in rows {
        table.row(row);
    }
    table.render()
}

/// Points kept per series: charts draw at most two per pixel column, so
/// millions of steps are thinned the same way first, several points per
/// column, before the chart keeps its own.
const SERIES_POINTS: usize = 4_000;

fn thinned(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= 2 * SERIES_POINTS {
        return points;
    }
    crate::report::chart::downsample_min_max(&points, SERIES_POINTS)
}

fn points(run: &Run, value: impl Fn(&super::Step) -> f64) -> Vec<(f64, f64)> {
    thinned(
        run.steps
            .iter()
            .map(|s| (s.time as f64, value(s)))
            .collect(),
    )
}

pub fn html(runs: &[Run], title: &str, window_days: f64) -> HtmlReport {
    let mut report = HtmlReport::new(title);
    add_sections(&mut report, runs, window_days);
    report
}

/// The comparison table and the charts of `runs` (the first is the dynamic one).
pub fn add_sections(report: &mut HtmlReport, runs: &[Run], window_days: f64) {
    report.paragraph(&format!(
        "The dynamic threshold calibrated by the program's own refresh logic, and static thresholds, on the same path \
         and the same synthetic book. Tail losses are percentiles of bad debt summed over rolling {window_days:.0}-day windows."
    ));
    let (header, rows) = comparison_rows(runs);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    report.heading("Comparison").table(&header, &rows);
    let Some(dynamic) = runs.first() else { return };
    let price = LineChart::new("Collateral price", XAxis::Time, "price (USD)")
        .with_series(Series::line("price", points(dynamic, |s| s.price_usd)));
    let sigma = LineChart::new("Volatility estimate", XAxis::Time, "sigma (%/year)")
        .with_series(Series::line(
            "fast EWMA",
            points(dynamic, |s| s.sigma_fast_bps_per_year as f64 / 100.0),
        ))
        .with_series(Series::line(
            "slow EWMA",
            points(dynamic, |s| s.sigma_slow_bps_per_year as f64 / 100.0),
        ))
        .with_y_from_zero(true);
    let mut threshold = LineChart::new(
        "Threshold: dynamic against static",
        XAxis::Time,
        "liquidation threshold (%)",
    );
    let mut liquidations =
        LineChart::new("Debt liquidated per step", XAxis::Time, "debt repaid (USD)")
            .with_y_from_zero(true);
    let mut bad_debt = LineChart::new("Bad debt, cumulative", XAxis::Time, "bad debt (USD)")
        .with_y_from_zero(true);
    for run in runs {
        let label = run.threshold.label();
        threshold = threshold.with_series(Series::step(
            label.clone(),
            points(run, |s| f64::from(s.threshold_bps) / 100.0),
        ));
        liquidations = liquidations.with_series(Series::markers(
            label.clone(),
            run.steps
                .iter()
                .filter(|s| s.liquidations > 0)
                .map(|s| (s.time as f64, s.repaid_usd))
                .collect(),
        ));
        let mut total = 0.0;
        let cumulative = run
            .steps
            .iter()
            .map(|s| {
                total += s.bad_debt_usd;
                (s.time as f64, total)
            })
            .collect();
        bad_debt = bad_debt.with_series(Series::step(label, thinned(cumulative)));
    }
    report.heading("Price").svg(price.to_svg());
    report.heading("Volatility").svg(sigma.to_svg());
    report.heading("Threshold").svg(threshold.to_svg());
    report.heading("Liquidations").svg(liquidations.to_svg());
    report.heading("Bad debt").svg(bad_debt.to_svg());
}

pub fn write(
    runs: &[Run],
    window_days: f64,
    html_path: &Path,
) -> std::io::Result<std::path::PathBuf> {
    html(runs, "riskctl backtest", window_days).write_to(html_path)?;
    let json_path = html_path.with_extension("json");
    let json = serde_json::to_string_pretty(runs).map_err(std::io::Error::other)?;
    std::fs::write(&json_path, json)?;
    Ok(json_path)
}
