//! The frontier report of `calibrate --intrabar`: a table per case a risk
//! team reads before a vote, and charts of each case's frontier.

use std::path::{Path, PathBuf};

use crate::config::units::{fmt_bps, fmt_secs};
use crate::report::chart::{LineChart, Series, XAxis};
use crate::report::html::HtmlReport;
use crate::table::Table;

use super::market_cases::CaseOutcome;
use super::walk_forward::is_clean;

fn points(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |v| format!("{v:+.2} pts"))
}

fn bad_debt(bps_of_peak: f64) -> String {
    format!("{:.4} %", bps_of_peak / 100.0)
}

fn ltv(bps: f64) -> String {
    format!("{:.2} %", bps / 100.0)
}

/// One row per case: the chosen set, its bad debt and lending on the test
/// part, (a) beside it, its distance to the frontier and its coverage.
pub fn cases_table(outcomes: &[CaseOutcome]) -> Table {
    let mut table = Table::new(&[
        "history",
        "case",
        "T",
        "z",
        "lt_min",
        "dynamic bad debt",
        "dynamic max LTV",
        "(a)",
        "(a) bad debt",
        "(a) max LTV",
        "vs (a)",
        "vs frontier",
        "breaks",
        "Kupiec LR",
    ]);
    for o in outcomes {
        let c = o.chosen;
        let (a, a_bad, a_ltv) = match &o.safe_in_training {
            Some(a) => (
                fmt_bps(a.threshold_bps.into()),
                bad_debt(a.metrics.bad_debt_bps_of_peak_debt),
                ltv(a.metrics.avg_max_ltv_bps),
            ),
            None => ("none".into(), "n/a".into(), "n/a".into()),
        };
        table.row(vec![
            o.history.clone(),
            o.case.clone(),
            fmt_secs(c.calibration.horizon_secs.into()),
            format!("{:.3}", f64::from(c.calibration.quantile_z_milli) / 1_000.0),
            fmt_bps(c.bounds.lt_min_bps.into()),
            bad_debt(o.dynamic.bad_debt_bps_of_peak_debt),
            ltv(o.dynamic.avg_max_ltv_bps),
            a,
            a_bad,
            a_ltv,
            points(o.margin_over_safe_points()),
            match o.distance_points {
                Some(d) => format!("{d:+.2} pts"),
                None => "above all".into(),
            },
            format!("{} / {}", o.coverage.breaks, o.coverage.windows),
            format!(
                "{:.2}{}",
                o.coverage.likelihood_ratio,
                if o.coverage.rejected {
                    " (rejected)"
                } else {
                    ""
                }
            ),
        ]);
    }
    table
}

/// The longest latency whose cases must leave no bad debt at all.
pub const SHORT_LATENCY_SECS: i64 = 300;

/// How many of a history's cases meet each target a dynamic set is judged
/// by (README, "The liquidation market"): `(met, cases)` pairs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Targets {
    pub history: String,
    /// Bad debt under 0.001 % of peak debt, in every case with latency up
    /// to 5 min, whale included.
    pub clean_at_short_latency: (usize, usize),
    /// Mean max LTV at most 1 point below (a)'s, where (a) is free of bad
    /// debt on the test part.
    pub lends_as_much_as_a: (usize, usize),
    /// Free of bad debt where (a) is not (or where there is no (a)).
    pub clean_where_a_is_not: (usize, usize),
    /// Above the frontier, among the cases with a whale or a book of 10 %
    /// of the market (the target: at least half).
    pub above_frontier: (usize, usize),
    /// The coverage test's verdict (it depends on the chosen `z` and the
    /// bar, so one per history when every case measures the same tails).
    pub coverage_rejected: usize,
    pub cases: usize,
}

impl Targets {
    /// Whether every target holds.
    pub fn all_met(&self) -> bool {
        let whole = |(met, of): (usize, usize)| met == of;
        whole(self.clean_at_short_latency)
            && whole(self.lends_as_much_as_a)
            && whole(self.clean_where_a_is_not)
            && 2 * self.above_frontier.0 >= self.above_frontier.1
            && self.coverage_rejected == 0
    }
}

/// Each history's targets, in the order the histories first appear.
pub fn targets(outcomes: &[CaseOutcome]) -> Vec<Targets> {
    let mut histories: Vec<&str> = Vec::new();
    for o in outcomes {
        if !histories.contains(&o.history.as_str()) {
            histories.push(&o.history);
        }
    }
    histories
        .into_iter()
        .map(|history| {
            let cases: Vec<&CaseOutcome> =
                outcomes.iter().filter(|o| o.history == history).collect();
            let count = |applies: &dyn Fn(&CaseOutcome) -> bool,
                         met: &dyn Fn(&CaseOutcome) -> bool| {
                let applying: Vec<&&CaseOutcome> = cases.iter().filter(|o| applies(o)).collect();
                (applying.iter().filter(|o| met(o)).count(), applying.len())
            };
            let a_clean = |o: &CaseOutcome| {
                o.safe_in_training
                    .as_ref()
                    .is_some_and(|a| is_clean(&a.metrics))
            };
            Targets {
                history: history.to_string(),
                clean_at_short_latency: count(
                    &|o| o.latency_secs <= SHORT_LATENCY_SECS && o.halt_secs.is_none(),
                    &|o| is_clean(&o.dynamic),
                ),
                lends_as_much_as_a: count(&a_clean, &|o| {
                    o.margin_over_safe_points().is_some_and(|m| m >= -1.0)
                }),
                clean_where_a_is_not: count(&|o| !a_clean(o), &|o| is_clean(&o.dynamic)),
                above_frontier: count(&|o| o.whale || o.book_share >= 0.1, &|o| o.above_frontier),
                coverage_rejected: cases.iter().filter(|o| o.coverage.rejected).count(),
                cases: cases.len(),
            }
        })
        .collect()
}

/// The targets, one row per history.
pub fn targets_table(targets: &[Targets]) -> Table {
    let mut table = Table::new(&[
        "history",
        "<= 5 min: bad debt < 0.001 %",
        "lends >= (a) - 1 pt where (a) clean",
        "clean where (a) is not",
        "above frontier (whale or 10 %)",
        "coverage rejected at 5 %",
    ]);
    let of = |(met, cases): (usize, usize)| format!("{met} / {cases}");
    for t in targets {
        table.row(vec![
            t.history.clone(),
            of(t.clean_at_short_latency),
            of(t.lends_as_much_as_a),
            of(t.clean_where_a_is_not),
            of(t.above_frontier),
            format!("{} / {}", t.coverage_rejected, t.cases),
        ]);
    }
    table
}

/// One case's frontier: mean max LTV against bad debt of every static
/// threshold on the test part (a curve, by threshold), (a) and the
/// dynamic set as points.
pub fn frontier_chart(outcome: &CaseOutcome) -> LineChart {
    let point = |m: &crate::backtest::RunMetrics| {
        (
            m.bad_debt_bps_of_peak_debt / 100.0,
            m.avg_max_ltv_bps / 100.0,
        )
    };
    let mut chart = LineChart::new(
        format!("{}: {}", outcome.history, outcome.case),
        XAxis::Number {
            unit: "bad debt on the test part (% of peak debt)".into(),
        },
        "max LTV offered, mean (%)",
    )
    .with_size(440, 300)
    .with_series(Series::line(
        "static thresholds 40-95 %",
        outcome.frontier.iter().map(|s| point(&s.metrics)).collect(),
    ));
    if let Some(a) = &outcome.safe_in_training {
        chart = chart.with_series(Series::markers(
            format!("(a) static {}", fmt_bps(a.threshold_bps.into())),
            vec![point(&a.metrics)],
        ));
    }
    chart.with_series(Series::markers(
        "dynamic, chosen in training",
        vec![point(&outcome.dynamic)],
    ))
}

/// The report of a case grid: what was run, the table, and a frontier
/// chart per case; with the outcomes as JSON beside it.
pub fn write(
    outcomes: &[CaseOutcome],
    summary: &str,
    html_path: &Path,
) -> std::io::Result<PathBuf> {
    let mut report = HtmlReport::new("riskctl calibrate: the liquidation market");
    report.paragraph(summary);
    report.paragraph(
        "Each row: a history cut at the training date and one market case. The dynamic set is chosen on training only; (a) is the highest static threshold free of bad debt in training in the same market. On the test part, \"vs frontier\" is how many points of mean max LTV the dynamic set offers above the best static threshold that left no more bad debt (positive: above the frontier). Breaks and Kupiec's likelihood ratio test the buffer's coverage at the confidence governance set (rejected at 5 % above 3.84).",
    );
    report
        .heading("Targets")
        .text_table(&targets_table(&targets(outcomes)));
    report.heading("Cases").text_table(&cases_table(outcomes));
    report.heading("Frontiers");
    report.paragraph("One panel per case: every static threshold from 40 % to 95 % as a curve (lending against bad debt on the test part), (a) and the dynamic set as points. A point above and to the left of the curve lends more for less bad debt.");
    for outcome in outcomes {
        report.svg(frontier_chart(outcome).to_svg());
    }
    report.write_to(html_path)?;
    let json_path = html_path.with_extension("json");
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(outcomes).map_err(std::io::Error::other)?,
    )?;
    Ok(json_path)
}
