//! The sweep's table, heat map and HTML report.

use std::path::Path;

use super::stress::StressReport;
use super::tails::{normal_quantile, MeasuredTails, CURVE_CONFIDENCES};
use super::walk_forward::{OutOfSample, StaticRun};
use super::{Recommendation, Scored};
use crate::backtest::Run;
use crate::config::units::{fmt_bps, fmt_secs, fmt_usd};
use crate::report::chart::{HeatMap, LineChart, Series, XAxis};
use crate::report::html::HtmlReport;
use crate::table::Table;

/// What training showed of each volatility model's tails.
pub fn tails_table(measured: &[MeasuredTails]) -> Table {
    let mut table = Table::new(&[
        "half-lives",
        "horizon",
        "windows",
        "z at confidence",
        "worst loss over one window",
    ]);
    for m in measured {
        table.row(vec![
            format!(
                "{} / {}",
                fmt_secs(m.fast_half_life_secs.into()),
                fmt_secs(m.slow_half_life_secs.into())
            ),
            fmt_secs(m.horizon_secs.into()),
            m.tails.windows.to_string(),
            format!(
                "{:.3} at {:.2} %",
                f64::from(m.tails.z_milli) / 1_000.0,
                m.tails.confidence * 100.0
            ),
            format!("{:.2} %", m.tails.worst_loss * 100.0),
        ]);
    }
    table
}

/// Each model's standardised loss against the Gaussian quantile, by
/// confidence: a curve above the Gaussian one is a fat tail.
fn tail_chart(measured: &[MeasuredTails]) -> LineChart {
    let percent = |p: f64| p * 100.0;
    let mut chart = LineChart::new(
        "Tail of standardised losses in training",
        XAxis::Number {
            unit: "confidence (%)".into(),
        },
        "z (sigmas over the window)",
    )
    .with_series(Series::line(
        "Gaussian",
        CURVE_CONFIDENCES
            .iter()
            .map(|&p| (percent(p), normal_quantile(p)))
            .collect(),
    ));
    for m in measured {
        chart = chart.with_series(Series::line(
            format!(
                "{} / {}, T {}",
                fmt_secs(m.fast_half_life_secs.into()),
                fmt_secs(m.slow_half_life_secs.into()),
                fmt_secs(m.horizon_secs.into())
            ),
            CURVE_CONFIDENCES
                .iter()
                .zip(m.tails.curve)
                .map(|(&p, z)| (percent(p), z))
                .collect(),
        ));
    }
    chart
}

pub fn top_table(ranked: &[Scored], count: usize) -> Table {
    let mut table = Table::new(&[
        "rank",
        "bad debt",
        "max LTV, mean",
        "liquidations",
        "parameters",
    ]);
    for (i, scored) in ranked.iter().take(count).enumerate() {
        table.row(vec![
            format!("{}", i + 1),
            fmt_usd(scored.bad_debt_usd),
            fmt_bps(scored.avg_max_ltv_bps.round() as u64),
            scored.liquidations.to_string(),
            scored.candidate.describe(),
        ]);
    }
    table
}

pub fn recommendation_text(recommendation: &Recommendation) -> String {
    let best = &recommendation.best;
    let mut out = if recommendation.zero_bad_debt {
        format!(
            "recommended: {}\n  no bad debt, max LTV {} on average\n",
            best.candidate.describe(),
            fmt_bps(best.avg_max_ltv_bps.round() as u64)
        )
    } else {
        format!(
            "no candidate avoided bad debt; the least ({}) with: {}\n",
            fmt_usd(best.bad_debt_usd),
            best.candidate.describe()
        )
    };
    if let (Some(runner_up), Some(margin)) = (&recommendation.runner_up, recommendation.margin_bps)
    {
        out.push_str(&format!(
            "runner-up: {}\n  max LTV {} on average ({:+.1} bps against the recommended), bad debt {}\n",
            runner_up.candidate.describe(),
            fmt_bps(runner_up.avg_max_ltv_bps.round() as u64),
            -margin,
            fmt_usd(runner_up.bad_debt_usd)
        ));
    }
    out
}

/// Mean max LTV of the best bad-debt-free candidate per (lt_min, z) cell.
pub fn heat_map(scored: &[Scored], recommended: Option<&Scored>) -> HeatMap {
    let mut zs: Vec<u32> = scored
        .iter()
        .map(|s| s.candidate.calibration.quantile_z_milli)
        .collect();
    let mut lts: Vec<u16> = scored
        .iter()
        .map(|s| s.candidate.bounds.lt_min_bps)
        .collect();
    zs.sort_unstable();
    zs.dedup();
    lts.sort_unstable();
    lts.dedup();
    let values = lts
        .iter()
        .map(|lt| {
            zs.iter()
                .map(|z| {
                    scored
                        .iter()
                        .filter(|s| {
                            s.candidate.bounds.lt_min_bps == *lt
                                && s.candidate.calibration.quantile_z_milli == *z
                                && !s.has_bad_debt()
                        })
                        .map(|s| s.avg_max_ltv_bps / 100.0)
                        .max_by(f64::total_cmp)
                })
                .collect()
        })
        .collect();
    let highlight = recommended.and_then(|best| {
        let row = lts
            .iter()
            .position(|lt| *lt == best.candidate.bounds.lt_min_bps)?;
        let col = zs
            .iter()
            .position(|z| *z == best.candidate.calibration.quantile_z_milli)?;
        Some((row, col))
    });
    HeatMap {
        title: "Best mean max LTV without bad debt".into(),
        x_label: "quantile z".into(),
        y_label: "lt_min (%)".into(),
        x_ticks: zs
            .iter()
            .map(|z| format!("{}", *z as f64 / 1_000.0))
            .collect(),
        y_ticks: lts
            .iter()
            .map(|lt| format!("{}", f64::from(*lt) / 100.0))
            .collect(),
        values,
        value_label: "mean max LTV (%)".into(),
        highlight,
    }
}

pub struct CalibrateOutput<'a> {
    pub ranked: &'a [Scored],
    pub recommendation: Option<&'a Recommendation>,
    pub stress: Option<&'a StressReport>,
    /// The recommended set's backtest against static thresholds.
    pub runs: &'a [Run],
    pub window_days: f64,
    /// With --train-until: the recommended set judged after the date.
    pub out_of_sample: Option<&'a OutOfSampleReport>,
    /// With --tail-confidence or --jump-floor: what training showed.
    pub tails: &'a [MeasuredTails],
    /// What the replays read of each history: its closes, or its bars
    /// walked (`--intrabar`).
    pub price_path: &'a str,
}

/// The walk-forward judgement of a recommendation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutOfSampleReport {
    /// First second after the training part (UTC day after --train-until).
    pub test_from: i64,
    pub folds: usize,
    pub histories: Vec<OutOfSample>,
}

/// The out-of-sample table: the dynamic threshold on each test part beside
/// (a) the highest static threshold free of bad debt in training and (b) the
/// best static threshold in hindsight, and how far its mean max LTV is
/// above each.
pub fn out_of_sample_table(report: &OutOfSampleReport) -> Table {
    let mut table = Table::new(&[
        "history (test part)",
        "dynamic: bad debt / peak debt",
        "max LTV, mean",
        "(a) clean in training",
        "its max LTV",
        "(b) best in hindsight",
        "its max LTV",
        "vs (a)",
        "vs (b)",
    ]);
    let static_cells = |run: Option<&StaticRun>| match run {
        Some(run) => (
            fmt_bps(run.threshold_bps.into()),
            fmt_bps(run.metrics.avg_max_ltv_bps.round() as u64),
        ),
        None => ("none".into(), "-".into()),
    };
    let points = |margin: Option<f64>| margin.map_or("-".into(), |m| format!("{m:+.2} pts"));
    for h in &report.histories {
        let (a, a_ltv) = static_cells(h.safe_in_training.as_ref());
        let (b, b_ltv) = static_cells(h.best_in_hindsight.as_ref());
        table.row(vec![
            h.name.clone(),
            format!("{:.4} %", h.dynamic.bad_debt_bps_of_peak_debt / 100.0),
            fmt_bps(h.dynamic.avg_max_ltv_bps.round() as u64),
            a,
            a_ltv,
            b,
            b_ltv,
            points(h.margin_points(h.safe_in_training.as_ref())),
            points(h.margin_points(h.best_in_hindsight.as_ref())),
        ]);
    }
    table
}

pub fn write(output: &CalibrateOutput, html_path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut report = HtmlReport::new("riskctl calibrate");
    report.paragraph(&format!(
        "{} parameter sets swept, each a full backtest with the program's own calibration, lending and liquidation code, on {}.",
        output.ranked.len(),
        output.price_path
    ));
    if let Some(recommendation) = output.recommendation {
        report.heading("Recommendation");
        for line in recommendation_text(recommendation).lines() {
            report.paragraph(line);
        }
    }
    if !output.tails.is_empty() {
        report.heading("Tails measured in training");
        report.paragraph("For each volatility model: the standardised worst loss over a horizon window (the loss over the sigma the program predicted at the window's start) at the confidence asked for, the z the candidates use; and the largest loss over one window, from which the jump floor caps lt_max.");
        report.text_table(&tails_table(output.tails));
        report.svg(tail_chart(output.tails).to_svg());
    }
    report.svg(heat_map(output.ranked, output.recommendation.map(|r| &r.best)).to_svg());
    report
        .heading("Best candidates")
        .text_table(&top_table(output.ranked, 20));
    if let Some(stress) = output.stress {
        let rows: Vec<Vec<String>> = stress
            .cases
            .iter()
            .map(|c| {
                vec![
                    c.kind.clone(),
                    c.name.clone(),
                    fmt_usd(c.bad_debt_usd),
                    c.liquidations.to_string(),
                ]
            })
            .collect();
        report
            .heading("Stress")
            .table(&["kind", "case", "bad debt", "liquidations"], &rows);
    }
    if let Some(out_of_sample) = output.out_of_sample {
        report.heading("Out of sample");
        report.paragraph(&format!(
            "Chosen on the history before {} UTC{}; judged on what follows, the calibration warmed up on the training part and the book started afresh. (a) is the highest static threshold free of bad debt on every training part, (b) the highest free of bad debt on the test part itself, in hindsight.",
            crate::report::chart::format_utc_date(out_of_sample.test_from),
            if out_of_sample.folds > 1 { format!(", every one of {} folds free of bad debt", out_of_sample.folds) } else { String::new() }
        ));
        report.text_table(&out_of_sample_table(out_of_sample));
    }
    if !output.runs.is_empty() {
        report.heading("Recommended set against static thresholds");
        crate::backtest::report::add_sections(&mut report, output.runs, output.window_days);
    }
    report.write_to(html_path)?;
    let json_path = html_path.with_extension("json");
    let json = serde_json::json!({
        "price_path": output.price_path,
        "tails": output.tails,
        "recommendation": output.recommendation,
        "candidates": output.ranked,
        "stress": output.stress,
        "out_of_sample": output.out_of_sample,
    });
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?,
    )?;
    Ok(json_path)
}
