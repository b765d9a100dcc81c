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

/// The `q` quantile (0..=1) by nearest rank.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

/// Builds `RunMetrics` one step at a time, without keeping the steps:
/// sweeps over millions of ticks only keep what is not zero.
pub struct Accumulator {
    lt_min_bps: u16,
    lt_max_bps: u16,
    window_secs: i64,
    metrics: RunMetrics,
    previous: Option<Step>,
    total_time: f64,
    max_ltv_time: f64,
    at_min_time: f64,
    at_max_time: f64,
    /// Bad debt of the steps inside the current window, oldest first.
    window: std::collections::VecDeque<(i64, f64)>,
    running_loss: f64,
    /// Window sums above zero; the others are only counted.
    losses: Vec<f64>,
    zero_losses: usize,
}

impl Accumulator {
    pub fn new(lt_min_bps: u16, lt_max_bps: u16, window_secs: i64) -> Self {
        Self {
            lt_min_bps,
            lt_max_bps,
            window_secs,
            metrics: RunMetrics {
                min_max_ltv_bps: u16::MAX,
                window_days: window_secs as f64 / 86_400.0,
                ..RunMetrics::default()
            },
            previous: None,
            total_time: 0.0,
            max_ltv_time: 0.0,
            at_min_time: 0.0,
            at_max_time: 0.0,
            window: std::collections::VecDeque::new(),
            running_loss: 0.0,
            losses: Vec::new(),
            zero_losses: 0,
        }
    }

    pub fn push(&mut self, step: &Step) {
        // Each step counts for the time until the next one.
        if let Some(previous) = self.previous {
            self.weigh(&previous, (step.time - previous.time) as f64);
        }
        self.previous = Some(*step);
        let m = &mut self.metrics;
        m.steps += 1;
        m.bad_debt_usd += step.bad_debt_usd;
        m.peak_debt_usd = m.peak_debt_usd.max(step.debt_usd);
        m.liquidations += u64::from(step.liquidations);
        m.liquidated_usd += step.repaid_usd;
        m.bonus_paid_usd += step.bonus_paid_usd;
        m.unprofitable_liquidations += u64::from(step.unprofitable);
        m.min_max_ltv_bps = m.min_max_ltv_bps.min(step.max_ltv_bps);
        m.borrowed_usd += step.borrowed_usd;
        if step.bad_debt_usd != 0.0 {
            self.running_loss += step.bad_debt_usd;
            self.window.push_back((step.time, step.bad_debt_usd));
        }
        while let Some(&(time, loss)) = self.window.front() {
            if time > step.time - self.window_secs || time == step.time {
                break;
            }
            self.running_loss -= loss;
            self.window.pop_front();
        }
        let loss = self.running_loss.max(0.0);
        if loss > 0.0 {
            self.losses.push(loss);
        } else {
            self.zero_losses += 1;
        }
    }

    fn weigh(&mut self, step: &Step, seconds: f64) {
        self.total_time += seconds;
        self.max_ltv_time += f64::from(step.max_ltv_bps) * seconds;
        if step.threshold_bps <= self.lt_min_bps {
            self.at_min_time += seconds;
        }
        if step.threshold_bps >= self.lt_max_bps {
            self.at_max_time += seconds;
        }
    }

    /// The `q` quantile of the window sums, zeros included.
    fn loss_quantile(&mut self, q: f64) -> f64 {
        let count = self.losses.len() + self.zero_losses;
        if count == 0 {
            return 0.0;
        }
        let rank = ((q * count as f64).ceil() as usize).clamp(1, count);
        if rank <= self.zero_losses {
            return 0.0;
        }
        self.losses.sort_by(f64::total_cmp);
        self.losses[rank - self.zero_losses - 1]
    }

    pub fn finish(mut self) -> RunMetrics {
        if self.metrics.steps == 0 {
            return RunMetrics::default();
        }
        let total = self.total_time.max(1.0);
        let (p95, p99) = (self.loss_quantile(0.95), self.loss_quantile(0.99));
        let m = &mut self.metrics;
        // With a single step there is no time to weigh: its own values count.
        let single = self.total_time == 0.0;
        let last = self.previous.expect("a step was pushed");
        m.avg_max_ltv_bps = if single {
            f64::from(last.max_ltv_bps)
        } else {
            self.max_ltv_time / total
        };
        m.time_at_lt_min_pct = 100.0 * self.at_min_time / total;
        m.time_at_lt_max_pct = 100.0 * self.at_max_time / total;
        m.loss_p95_usd = p95;
        m.loss_p99_usd = p99;
        m.bad_debt_bps_of_peak_debt = if m.peak_debt_usd > 0.0 {
            m.bad_debt_usd / m.peak_debt_usd * 10_000.0
        } else {
            0.0
        };
        self.metrics
    }
}

/// The metrics of a list of steps.
pub fn summarise(steps: &[Step], lt_min_bps: u16, lt_max_bps: u16, window_secs: i64) -> RunMetrics {
    let mut accumulator = Accumulator::new(lt_min_bps, lt_max_bps, window_secs);
    for step in steps {
        accumulator.push(step);
    }
    accumulator.finish()
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
        // Window sums: 1, 3, 6, 4 (the step at 10 leaves the window at 30).
        let steps = [step(0, 1.0), step(10, 2.0), step(20, 4.0), step(30, 0.0)];
        let metrics = summarise(&steps, 7_000, 9_000, 15);
        assert_eq!((metrics.loss_p95_usd, metrics.bad_debt_usd), (6.0, 7.0));
        assert_eq!(summarise(&steps, 7_000, 9_000, 15).loss_p99_usd, 6.0);
        let calm = [step(0, 0.0), step(10, 0.0), step(20, 0.0), step(30, 5.0)];
        assert_eq!(summarise(&calm, 7_000, 9_000, 15).loss_p95_usd, 5.0);
        let mostly_calm: Vec<Step> = (0..100)
            .map(|i| step(i * 100, if i == 50 { 5.0 } else { 0.0 }))
            .collect();
        assert_eq!(
            summarise(&mostly_calm, 7_000, 9_000, 15).loss_p95_usd,
            0.0,
            "one window in a hundred"
        );
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
