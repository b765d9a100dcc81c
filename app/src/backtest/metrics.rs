//! Per-step records of a backtest and the figures a risk analyst compares:
//! bad debt, tail losses over rolling windows, liquidations, capital
//! efficiency and time spent at the bounds.

use serde::Serialize;

/// One step, in display units.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Step {
    /// Unix seconds.
    pub time: i64,
    pub price_usd: f64,
    pub sigma_fast_bps_per_year: u64,
    pub sigma_slow_bps_per_year: u64,
    pub threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub liquidations: u32,
    pub repaid_usd: f64,
    pub bonus_paid_usd: f64,
    /// Bad debt written off in this step, USD.
    pub bad_debt_usd: f64,
    /// Debt owed by the book after the step, USD.
    pub debt_usd: f64,
    pub unprofitable: u32,
    pub borrowed_usd: f64,
}

/// The figures of one run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RunMetrics {
    pub steps: usize,
    pub bad_debt_usd: f64,
    /// Bad debt per 10,000 USD of the largest debt the book owed.
    pub bad_debt_bps_of_peak_debt: f64,
    pub peak_debt_usd: f64,
    /// 95th and 99th percentile of bad debt over rolling windows, USD.
    pub loss_p95_usd: f64,
    pub loss_p99_usd: f64,
    pub window_days: f64,
    pub liquidations: u64,
    pub liquidated_usd: f64,
    pub bonus_paid_usd: f64,
    /// Liquidations no liquidator would take: slippage above the bonus.
    pub unprofitable_liquidations: u64,
    /// Max LTV offered to borrowers, time-weighted mean and minimum, bps.
    pub avg_max_ltv_bps: f64,
    pub min_max_ltv_bps: u16,
    /// Share of time the threshold sat at `lt_min` / `lt_max`, percent.
    pub time_at_lt_min_pct: f64,
    pub time_at_lt_max_pct: f64,
    pub borrowed_usd: f64,
}

/// Sums bad debt over each window of `window_secs` ending at a step.
fn rolling_losses(steps: &[Step], window_secs: i64) -> Vec<f64> {
    let mut sums = Vec::with_capacity(steps.len());
    let (mut start, mut running) = (0, 0.0);
    for (end, step) in steps.iter().enumerate() {
        running += step.bad_debt_usd;
        while steps[start].time <= step.time - window_secs && start < end {
            running -= steps[start].bad_debt_usd;
            start += 1;
        }
        sums.push(running.max(0.0));
    }
    sums
}

/// The `q` quantile (0..=1) by nearest rank.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

pub fn summarise(steps: &[Step], lt_min_bps: u16, lt_max_bps: u16, window_secs: i64) -> RunMetrics {
    if steps.is_empty() {
        return RunMetrics::default();
    }
    let mut losses = rolling_losses(steps, window_secs);
    let peak_debt_usd = steps.iter().map(|s| s.debt_usd).fold(0.0, f64::max);
    let bad_debt_usd: f64 = steps.iter().map(|s| s.bad_debt_usd).sum();
    // Each step counts for the time until the next one.
    let weights: Vec<f64> = steps
        .windows(2)
        .map(|w| (w[1].time - w[0].time) as f64)
        .chain(std::iter::once(0.0))
        .collect();
    let total_time: f64 = weights.iter().sum::<f64>().max(1.0);
    let weighted = |value: &dyn Fn(&Step) -> f64| -> f64 {
        steps
            .iter()
            .zip(&weights)
            .map(|(s, w)| value(s) * w)
            .sum::<f64>()
            / total_time
    };
    RunMetrics {
        steps: steps.len(),
        bad_debt_usd,
        bad_debt_bps_of_peak_debt: if peak_debt_usd > 0.0 {
            bad_debt_usd / peak_debt_usd * 10_000.0
        } else {
            0.0
        },
        peak_debt_usd,
        loss_p95_usd: percentile(&mut losses, 0.95),
        loss_p99_usd: percentile(&mut losses, 0.99),
        window_days: window_secs as f64 / 86_400.0,
        liquidations: steps.iter().map(|s| u64::from(s.liquidations)).sum(),
        liquidated_usd: steps.iter().map(|s| s.repaid_usd).sum(),
        bonus_paid_usd: steps.iter().map(|s| s.bonus_paid_usd).sum(),
        unprofitable_liquidations: steps.iter().map(|s| u64::from(s.unprofitable)).sum(),
        avg_max_ltv_bps: weighted(&|s| f64::from(s.max_ltv_bps)),
        min_max_ltv_bps: steps.iter().map(|s| s.max_ltv_bps).min().unwrap_or(0),
        time_at_lt_min_pct: 100.0
            * weighted(&|s| f64::from(u8::from(s.threshold_bps <= lt_min_bps))),
        time_at_lt_max_pct: 100.0
            * weighted(&|s| f64::from(u8::from(s.threshold_bps >= lt_max_bps))),
        borrowed_usd: steps.iter().map(|s| s.borrowed_usd).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(time: i64, bad_debt_usd: f64) -> Step {
        Step {
            time,
            price_usd: 1.0,
            sigma_fast_bps_per_year: 0,
            sigma_slow_bps_per_year: 0,
            threshold_bps: 8_000,
            max_ltv_bps: 7_500,
            liquidations: 0,
            repaid_usd: 0.0,
            bonus_paid_usd: 0.0,
            bad_debt_usd,
            debt_usd: 100.0,
            unprofitable: 0,
            borrowed_usd: 0.0,
        }
    }

    #[test]
    fn rolling_windows_sum_what_falls_inside_them() {
        let steps = [step(0, 1.0), step(10, 2.0), step(20, 4.0), step(30, 0.0)];
        assert_eq!(rolling_losses(&steps, 15), vec![1.0, 3.0, 6.0, 4.0]);
        let mut values = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&mut values, 0.95), 5.0);
        assert_eq!(percentile(&mut values, 0.4), 2.0);
    }

    #[test]
    fn capital_efficiency_is_time_weighted() {
        let mut steps = [step(0, 0.0), step(30, 0.0), step(40, 0.0)];
        steps[1].max_ltv_bps = 6_000;
        steps[1].threshold_bps = 7_000;
        let metrics = summarise(&steps, 7_000, 9_000, 100);
        // 30 s at 7,500 and 10 s at 6,000.
        assert!((metrics.avg_max_ltv_bps - 7_125.0).abs() < 1e-9);
        assert_eq!(metrics.min_max_ltv_bps, 6_000);
        assert!((metrics.time_at_lt_min_pct - 25.0).abs() < 1e-9);
    }
}
