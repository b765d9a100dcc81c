//! Liquidation sales move the market the book lives in. What liquidators
//! have sold and not yet been absorbed (`sold_usd`, decaying with a
//! half-life as the market's impact relaxes) depresses the price everyone
//! sees, the oracle included, by the square-root law: a price that falls
//! makes more positions liquidatable, whose sales push it further, so a
//! cascade can happen.
//!
//! The depression is applied in log terms (`seen = price × e^-d`, `d =
//! 1 % × sqrt(sold / D)`), which is the law for small impacts and keeps a
//! price positive under a large one.

/// How long half of a liquidation's impact takes to relax, by default: an
/// hour. Impact relaxes after a metaorder ends, over about the time it
/// took (Bouchaud et al., 2018); liquidators sell within minutes, and an
/// hour is the cautious side of that.
pub const DEFAULT_HALF_LIFE_SECS: i64 = 3_600;

/// Liquidation sales still weighing on the price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pressure {
    /// USD of sales not yet absorbed, as of `at`.
    sold_usd: f64,
    at: i64,
    half_life_secs: i64,
}

impl Pressure {
    pub fn new(half_life_secs: i64) -> Self {
        Self {
            sold_usd: 0.0,
            at: 0,
            half_life_secs: half_life_secs.max(1),
        }
    }

    /// What still weighs at `now` (not before the last sale).
    pub fn sold_usd_at(&self, now: i64) -> f64 {
        if self.sold_usd == 0.0 || now <= self.at {
            return self.sold_usd;
        }
        let halves = (now - self.at) as f64 / self.half_life_secs as f64;
        self.sold_usd * (-halves * std::f64::consts::LN_2).exp()
    }

    /// A sale of `usd` at `now`.
    pub fn sell(&mut self, usd: f64, now: i64) {
        self.sold_usd = self.sold_usd_at(now) + usd.max(0.0);
        self.at = self.at.max(now);
    }

    /// The log depression `d` at `now` in a market of depth `depth_1pct_usd`.
    pub fn depression(&self, now: i64, depth_1pct_usd: f64) -> f64 {
        super::liquidity::impact(self.sold_usd_at(now), depth_1pct_usd)
    }

    /// The price seen at `now` when the market alone would be at `price`.
    pub fn seen(&self, price: f64, now: i64, depth_1pct_usd: f64) -> f64 {
        if self.sold_usd == 0.0 {
            return price;
        }
        price * (-self.depression(now, depth_1pct_usd)).exp()
    }

    /// Whether nothing weighs any more (exactly: no sale yet).
    pub fn is_idle(&self) -> bool {
        self.sold_usd == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_depress_the_price_by_the_law_and_relax_by_half_each_half_life() {
        let mut pressure = Pressure::new(3_600);
        assert_eq!(pressure.seen(100.0, 0, 1e6), 100.0);
        // $1 M into a depth of $1 M at 1 %: d = 1 %.
        pressure.sell(1e6, 1_000);
        let d = pressure.depression(1_000, 1e6);
        assert!((d - 0.01).abs() < 1e-12);
        assert!((pressure.seen(100.0, 1_000, 1e6) - 100.0 * (-0.01f64).exp()).abs() < 1e-9);
        // An hour later half the sale weighs: d = 1 % × sqrt(1/2).
        assert!((pressure.sold_usd_at(4_600) - 5e5).abs() < 1e-6);
        let relaxed = pressure.depression(4_600, 1e6);
        assert!((relaxed - 0.01 * 0.5f64.sqrt()).abs() < 1e-12);
        // A second sale adds to what is left.
        pressure.sell(5e5, 4_600);
        assert!((pressure.sold_usd_at(4_600) - 1e6).abs() < 1e-6);
    }
}
