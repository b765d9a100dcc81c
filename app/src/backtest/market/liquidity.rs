//! How much a market absorbs, bar by bar, from the history's own traded
//! value and volatility: the square-root law of market impact (Tóth et
//! al., Phys. Rev. X 1, 021006, 2011; Bouchaud et al., *Trades, Quotes and
//! Prices*, 2018; on Bitcoin, Donier and Bonart, 2015), the same law the
//! program's slippage term and size penalty use:
//!
//! ```text
//! impact(q) = Y × σ_day × sqrt(q / V_day)  =  1 % × sqrt(q / D),   D = V_day × (1 % / (Y × σ_day))²
//! ```
//!
//! with `V_day` the USD traded per day and `σ_day` the daily volatility,
//! both measured over the trailing window before the bar (never the bar
//! itself: a replay inside the bar does not know how it ends), and `D`
//! the depth at 1 % impact that a depth reporter would send the program.

use crate::history::bars::Bar;

const DAY_SECS: f64 = 86_400.0;

/// The square-root law's coefficient `Y`, "of order one" in the studies
/// above (0.5 to 1 for the ones that fit it); 1 is the cautious end.
pub const DEFAULT_IMPACT_Y: f64 = 1.0;

/// Days of history the traded value and the volatility are measured over.
pub const WINDOW_DAYS: f64 = 30.0;

/// The least daily volatility a bar's depth is computed with: 1 %. A
/// trailing window of flat prints (early exchange data) measures none,
/// which would make the depth infinite; no liquid crypto market has stayed
/// that calm for a month.
pub const MIN_SIGMA_DAY: f64 = 0.01;

/// One bar's liquidity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarLiquidity {
    /// The bar's span, unix seconds (start included, end excluded).
    pub start: i64,
    pub end: i64,
    /// Mean USD traded per day over the window before the bar.
    pub traded_usd_per_day: f64,
    /// Daily volatility of log returns over the window before the bar.
    pub sigma_day: f64,
    /// USD that moves the price 1 % (`D` above).
    pub depth_1pct_usd: f64,
}

impl BarLiquidity {
    /// The price impact of selling `size_usd` at once, as a fraction.
    pub fn impact(&self, size_usd: f64) -> f64 {
        impact(size_usd, self.depth_1pct_usd)
    }

    /// The sale whose impact is `fraction` (0.25 for 25 %), USD.
    pub fn size_with_impact(&self, fraction: f64) -> f64 {
        self.depth_1pct_usd * (fraction / 0.01).powi(2)
    }
}

/// `1 % × sqrt(size / depth)`.
pub fn impact(size_usd: f64, depth_1pct_usd: f64) -> f64 {
    if size_usd <= 0.0 {
        return 0.0;
    }
    0.01 * (size_usd / depth_1pct_usd).sqrt()
}

/// Each bar's liquidity under the law with coefficient `y`, from the bars'
/// traded value (`None` if a bar has none) and closes. `spans` are the
/// bars' `(start, end)` as the walk lasts them. The first bar, with no
/// history before it, is measured on itself.
pub fn of_bars(bars: &[Bar], spans: &[(i64, i64)], y: f64) -> Option<Vec<BarLiquidity>> {
    let window_secs = (WINDOW_DAYS * DAY_SECS) as i64;
    let mut out = Vec::with_capacity(bars.len());
    // Sliding window over bars [from, to): sums of traded value, span
    // seconds and squared returns with their seconds.
    let (mut from, mut traded, mut seconds, mut squares, mut return_secs) = (0, 0.0, 0.0, 0.0, 0.0);
    for (to, (bar, &(start, end))) in bars.iter().zip(spans).enumerate() {
        while from < to && bars[from].time < start - window_secs {
            let (from_start, from_end) = spans[from];
            traded -= bars[from].traded_usd?;
            seconds -= (from_end - from_start) as f64;
            if from > 0 {
                let r = (bars[from].close / bars[from - 1].close).ln();
                squares -= r * r;
                return_secs -= (bars[from].time - bars[from - 1].time) as f64;
            }
            from += 1;
        }
        let (traded_usd_per_day, variance_per_sec) = if to == from {
            let own = bar.traded_usd?;
            let length = ((end - start) as f64).max(1.0);
            let high_low = (bar.high / bar.low).ln();
            // Parkinson's estimator from the bar's own range.
            (
                own / length * DAY_SECS,
                high_low * high_low / (4.0 * 2f64.ln()) / length,
            )
        } else {
            let variance = if return_secs > 0.0 {
                squares / return_secs
            } else {
                0.0
            };
            (traded / seconds.max(1.0) * DAY_SECS, variance)
        };
        let sigma_day = (variance_per_sec.max(0.0) * DAY_SECS)
            .sqrt()
            .max(MIN_SIGMA_DAY);
        out.push(BarLiquidity {
            start,
            end,
            traded_usd_per_day,
            sigma_day,
            depth_1pct_usd: traded_usd_per_day * (0.01 / (y * sigma_day)).powi(2),
        });
        traded += bar.traded_usd?;
        seconds += (end - start) as f64;
        if to > 0 {
            let r = (bar.close / bars[to - 1].close).ln();
            squares += r * r;
            return_secs += (bar.time - bars[to - 1].time) as f64;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(day: i64, close: f64, traded_usd: f64) -> Bar {
        Bar {
            time: day * 86_400,
            open: close,
            high: close,
            low: close,
            close,
            traded_usd: Some(traded_usd),
        }
    }

    fn spans(bars: &[Bar]) -> Vec<(i64, i64)> {
        bars.iter().map(|b| (b.time, b.time + 86_400)).collect()
    }

    #[test]
    fn the_law_at_its_depth_and_its_worked_numbers() {
        // $1 B a day at 4 % a day: D = 1e9 × (0.01 / 0.04)² = $62.5 M.
        let liquidity = BarLiquidity {
            start: 0,
            end: 86_400,
            traded_usd_per_day: 1e9,
            sigma_day: 0.04,
            depth_1pct_usd: 1e9 * 0.0625,
        };
        assert!((liquidity.impact(62.5e6) - 0.01).abs() < 1e-12);
        // A tenth of a day's value moves it 4 % × sqrt(0.1) = 1.26 %.
        assert!((liquidity.impact(1e8) - 0.04 * 0.1f64.sqrt()).abs() < 1e-12);
        // 25 % takes 625 times the depth: $39 B, 39 days of trading.
        assert!((liquidity.size_with_impact(0.25) - 625.0 * 62.5e6).abs() < 1.0);
        assert_eq!(impact(0.0, 1.0), 0.0);
    }

    #[test]
    fn each_bar_is_measured_on_the_window_before_it() {
        // Alternating ±2 % days, $10 M a day, then one day of $1 B that
        // must not count for itself.
        let mut bars: Vec<Bar> = (0..40)
            .map(|day| bar(day, if day % 2 == 0 { 100.0 } else { 102.0 }, 1e7))
            .collect();
        bars.push(bar(40, 100.0, 1e9));
        bars.push(bar(41, 102.0, 1e7));
        let spans = spans(&bars);
        let liquidity = of_bars(&bars, &spans, 1.0).unwrap();
        let on_40 = liquidity[40];
        assert!((on_40.traded_usd_per_day - 1e7).abs() < 1e-3, "{on_40:?}");
        let r = (102.0f64 / 100.0).ln();
        assert!((on_40.sigma_day - r).abs() < 1e-9, "{on_40:?}");
        assert!((on_40.depth_1pct_usd - 1e7 * (0.01 / r).powi(2)).abs() < 1e-3);
        // The next day sees the billion: a thirtieth of it more per day.
        let on_41 = liquidity[41];
        let expected = (29.0 * 1e7 + 1e9) / 30.0;
        assert!(
            (on_41.traded_usd_per_day - expected).abs() < 1e-3,
            "{on_41:?}"
        );
        // Flat prints measure no volatility: the floor holds.
        let flat: Vec<Bar> = (0..5).map(|day| bar(day, 10.0, 1e6)).collect();
        let flat_liquidity = of_bars(&flat, &super::tests::spans(&flat), 1.0).unwrap();
        assert!(flat_liquidity.iter().all(|l| l.sigma_day == MIN_SIGMA_DAY));
    }

    #[test]
    fn a_history_without_traded_value_has_no_liquidity() {
        let mut bars: Vec<Bar> = (0..3).map(|day| bar(day, 10.0, 1e6)).collect();
        bars[1].traded_usd = None;
        assert!(of_bars(&bars, &spans(&bars), 1.0).is_none());
    }
}
