//! Per-step records of a backtest and the figures a risk analyst compares:
//! bad debt, tail losses over rolling windows, liquidations, capital
//! efficiency and time spent at the bounds.

use serde::Serialize;

/// One step, in display units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
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
    /// Collateral liquidators sold into the market in this step, USD.
    pub sold_usd: f64,
}

impl Step {
    /// A step where only the clock, the price and the threshold moved:
    /// nothing liquidated, borrowed or sold, the rest as in `last`.
    pub fn quiet(
        last: Step,
        time: i64,
        price_usd: f64,
        threshold_bps: u16,
        max_ltv_bps: u16,
    ) -> Step {
        Step {
            time,
            price_usd,
            threshold_bps,
            max_ltv_bps,
            liquidations: 0,
            repaid_usd: 0.0,
            bonus_paid_usd: 0.0,
            bad_debt_usd: 0.0,
            unprofitable: 0,
            borrowed_usd: 0.0,
            sold_usd: 0.0,
            ..last
        }
    }
}

/// The figures of one run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RunMetrics {
    pub steps: usize,
    pub bad_debt_usd: f64,
    /// Bad debt per 10,000 USD of the largest debt the book owed.
    pub bad_debt_bps_of_peak_debt: f64,
    /// Bad debt per 100 USD of all that was borrowed.
    pub bad_debt_pct_of_borrowed: f64,
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
    /// Collateral liquidators sold into the market (a market replay), USD.
    pub sold_usd: f64,
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

/// Time-weighted figures of the threshold path: each step weighs its
/// threshold and max LTV for the time until the next step. Whole seconds,
/// so sums are exact in any order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathWeights {
    pub lt_min_bps: u16,
    pub lt_max_bps: u16,
    pub total_secs: i64,
    pub max_ltv_bps_secs: i64,
    pub at_min_secs: i64,
    pub at_max_secs: i64,
    pub min_max_ltv_bps: u16,
    /// The last step's max LTV: the mean when no time passed.
    pub last_max_ltv_bps: u16,
}

impl PathWeights {
    pub fn new(lt_min_bps: u16, lt_max_bps: u16) -> Self {
        Self {
            lt_min_bps,
            lt_max_bps,
            total_secs: 0,
            max_ltv_bps_secs: 0,
            at_min_secs: 0,
            at_max_secs: 0,
            min_max_ltv_bps: u16::MAX,
            last_max_ltv_bps: 0,
        }
    }

    /// A step at `threshold_bps` and `max_ltv_bps` that lasts `seconds`.
    pub fn weigh(&mut self, threshold_bps: u16, max_ltv_bps: u16, seconds: i64) {
        self.total_secs += seconds;
        self.max_ltv_bps_secs += i64::from(max_ltv_bps) * seconds;
        if threshold_bps <= self.lt_min_bps {
            self.at_min_secs += seconds;
        }
        if threshold_bps >= self.lt_max_bps {
            self.at_max_secs += seconds;
        }
    }

    /// A step's max LTV, for the lowest one offered.
    pub fn offer(&mut self, max_ltv_bps: u16) {
        self.min_max_ltv_bps = self.min_max_ltv_bps.min(max_ltv_bps);
        self.last_max_ltv_bps = max_ltv_bps;
    }

    fn write_to(&self, m: &mut RunMetrics) {
        let total = self.total_secs.max(1) as f64;
        m.min_max_ltv_bps = self.min_max_ltv_bps;
        m.avg_max_ltv_bps = if self.total_secs == 0 {
            f64::from(self.last_max_ltv_bps)
        } else {
            self.max_ltv_bps_secs as f64 / total
        };
        m.time_at_lt_min_pct = 100.0 * self.at_min_secs as f64 / total;
        m.time_at_lt_max_pct = 100.0 * self.at_max_secs as f64 / total;
    }
}

/// What the weight of the next step needs from the last one.
#[derive(Debug, Clone, Copy)]
struct Previous {
    time: i64,
    threshold_bps: u16,
    max_ltv_bps: u16,
}

/// Builds `RunMetrics` one step at a time, without keeping the steps:
/// sweeps over millions of ticks only keep what is not zero. Either it
/// weighs every step itself, or (`events_only`) a sweep pushes only the
/// steps where something happened, counts the others in bulk
/// (`push_quiet`), and hands in the weights of the threshold path at the
/// end (`finish_with`).
pub struct Accumulator {
    window_secs: i64,
    metrics: RunMetrics,
    /// `None` when the weights come from the threshold path.
    weights: Option<(PathWeights, Option<Previous>)>,
    last_time: Option<i64>,
    /// Bad debt of the steps inside the current window, oldest first.
    window: std::collections::VecDeque<(i64, f64)>,
    running_loss: f64,
    /// Window sums above zero with how many steps had each; the rest are
    /// only counted.
    losses: Vec<(f64, u64)>,
    zero_losses: u64,
}

impl Accumulator {
    pub fn new(lt_min_bps: u16, lt_max_bps: u16, window_secs: i64) -> Self {
        let mut accumulator = Self::events_only(window_secs);
        accumulator.weights = Some((PathWeights::new(lt_min_bps, lt_max_bps), None));
        accumulator
    }

    /// For a run whose path weights are computed apart.
    pub fn events_only(window_secs: i64) -> Self {
        Self {
            window_secs,
            metrics: RunMetrics {
                window_days: window_secs as f64 / 86_400.0,
                ..RunMetrics::default()
            },
            weights: None,
            last_time: None,
            window: std::collections::VecDeque::new(),
            running_loss: 0.0,
            losses: Vec::new(),
            zero_losses: 0,
        }
    }

    pub fn push(&mut self, step: &Step) {
        if let Some((weights, previous)) = &mut self.weights {
            // Each step counts for the time until the next one.
            if let Some(previous) = previous {
                weights.weigh(
                    previous.threshold_bps,
                    previous.max_ltv_bps,
                    step.time - previous.time,
                );
            }
            weights.offer(step.max_ltv_bps);
            *previous = Some(Previous {
                time: step.time,
                threshold_bps: step.threshold_bps,
                max_ltv_bps: step.max_ltv_bps,
            });
        }
        self.last_time = Some(step.time);
        let m = &mut self.metrics;
        m.steps += 1;
        m.bad_debt_usd += step.bad_debt_usd;
        m.peak_debt_usd = m.peak_debt_usd.max(step.debt_usd);
        m.liquidations += u64::from(step.liquidations);
        m.liquidated_usd += step.repaid_usd;
        m.bonus_paid_usd += step.bonus_paid_usd;
        m.unprofitable_liquidations += u64::from(step.unprofitable);
        m.borrowed_usd += step.borrowed_usd;
        m.sold_usd += step.sold_usd;
        if step.bad_debt_usd != 0.0 {
            self.running_loss += step.bad_debt_usd;
            self.window.push_back((step.time, step.bad_debt_usd));
        }
        self.expire(step.time);
        self.count_loss(1);
    }

    /// Steps at `times` (ascending, after the last pushed one) where
    /// nothing happened: no liquidation, no borrowing, the same debt. For
    /// an events-only run, equal to pushing each of them.
    pub fn push_quiet(&mut self, times: &[i64]) {
        debug_assert!(self.weights.is_none(), "quiet steps carry no weights");
        self.count_quiet(times);
    }

    /// Quiet steps at `times` of a run that weighs its own steps, where the
    /// threshold and max LTV stay those of the last pushed step: the next
    /// pushed step weighs the whole gap with them, so only the counts and
    /// the loss windows are taken here.
    pub fn push_quiet_unchanged(&mut self, times: &[i64]) {
        self.count_quiet(times);
    }

    fn count_quiet(&mut self, times: &[i64]) {
        let Some(&last) = times.last() else {
            return;
        };
        self.last_time = Some(last);
        self.metrics.steps += times.len();
        // Window sums only change as old losses leave the window.
        let mut from = 0;
        while from < times.len() {
            let Some(&(oldest, _)) = self.window.front() else {
                self.count_loss((times.len() - from) as u64);
                return;
            };
            // Steps before the oldest loss leaves share one sum.
            let leaves =
                times[from..].partition_point(|t| oldest > t - self.window_secs || oldest == *t);
            self.count_loss(leaves as u64);
            from += leaves;
            if from < times.len() {
                self.expire(times[from]);
                self.count_loss(1);
                from += 1;
            }
        }
    }

    fn expire(&mut self, now: i64) {
        while let Some(&(time, loss)) = self.window.front() {
            if time > now - self.window_secs || time == now {
                break;
            }
            self.running_loss -= loss;
            self.window.pop_front();
        }
    }

    fn count_loss(&mut self, steps: u64) {
        if steps == 0 {
            return;
        }
        let loss = self.running_loss.max(0.0);
        if loss > 0.0 {
            match self.losses.last_mut() {
                // Steps in a row with the same sum share an entry.
                Some((last, count)) if *last == loss => *count += steps,
                _ => self.losses.push((loss, steps)),
            }
        } else {
            self.zero_losses += steps;
        }
    }

    /// The `q` quantile of the window sums by nearest rank, zeros included.
    fn loss_quantile(&mut self, q: f64) -> f64 {
        let counted: u64 = self.losses.iter().map(|(_, n)| n).sum();
        let count = counted + self.zero_losses;
        if count == 0 {
            return 0.0;
        }
        let rank = ((q * count as f64).ceil() as u64).clamp(1, count);
        if rank <= self.zero_losses {
            return 0.0;
        }
        self.losses.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut seen = self.zero_losses;
        for (loss, n) in &self.losses {
            seen += n;
            if seen >= rank {
                return *loss;
            }
        }
        0.0
    }

    pub fn finish(self) -> RunMetrics {
        let weights = self.weights.map(|(weights, _)| weights);
        self.finish_with(weights.expect("an accumulator that weighs its steps"))
    }

    /// The metrics with the weights of the threshold path.
    pub fn finish_with(mut self, weights: PathWeights) -> RunMetrics {
        if self.last_time.is_none() {
            return RunMetrics::default();
        }
        let (p95, p99) = (self.loss_quantile(0.95), self.loss_quantile(0.99));
        let m = &mut self.metrics;
        weights.write_to(m);
        m.loss_p95_usd = p95;
        m.loss_p99_usd = p99;
        m.bad_debt_bps_of_peak_debt = if m.peak_debt_usd > 0.0 {
            m.bad_debt_usd / m.peak_debt_usd * 10_000.0
        } else {
            0.0
        };
        m.bad_debt_pct_of_borrowed = if m.borrowed_usd > 0.0 {
            m.bad_debt_usd / m.borrowed_usd * 100.0
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
            sold_usd: 0.0,
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
    fn quiet_steps_and_path_weights_count_as_the_same_steps_one_by_one() {
        let mut steps: Vec<Step> = (0..50).map(|i| step(i * 10, 0.0)).collect();
        steps[3].bad_debt_usd = 2.0;
        steps[20].bad_debt_usd = 1.0;
        // The threshold (and max LTV) moves in both directions and stays a
        // while at each bound.
        for (i, s) in steps.iter_mut().enumerate().take(20).skip(4) {
            s.threshold_bps = [7_000, 7_200, 9_000, 9_000, 8_100][i % 5];
            s.max_ltv_bps = s.threshold_bps - 500;
        }
        let one_by_one = summarise(&steps, 7_000, 9_000, 95);
        let mut weights = PathWeights::new(7_000, 9_000);
        for pair in steps.windows(2) {
            weights.weigh(
                pair[0].threshold_bps,
                pair[0].max_ltv_bps,
                pair[1].time - pair[0].time,
            );
        }
        steps.iter().for_each(|s| weights.offer(s.max_ltv_bps));
        let mut events = Accumulator::events_only(95);
        for s in &steps[..4] {
            events.push(s);
        }
        let quiet: Vec<i64> = steps[4..20].iter().map(|s| s.time).collect();
        events.push_quiet(&quiet);
        for s in &steps[20..] {
            events.push(s);
        }
        assert_eq!(events.finish_with(weights), one_by_one);
        assert!(one_by_one.loss_p95_usd > 0.0);
        assert!(one_by_one.time_at_lt_min_pct > 0.0 && one_by_one.time_at_lt_max_pct > 0.0);
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
