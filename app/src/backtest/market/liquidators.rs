//! Who liquidates, how late and how much: a liquidation lands `latency`
//! after its position became liquidatable (Chaos Labs sizes buffers on the
//! delay between eligibility and execution; marginfi assumes seconds per
//! liquidation), at the price of that moment, and a liquidator only takes
//! what its bonus pays for once it has sold the collateral it receives
//! (marginfi and Gauntlet both stop where slippage passes the incentive).
//! The rest waits for the market to absorb what was sold.
//!
//! Selling `q` on top of the sales still weighing `S` moves the price from
//! `e^-d(S)` to `e^-d(S+q)`; the liquidator is charged the whole move on
//! all of `q` (the cautious side: a real one would sell along the way) and
//! its own cost:
//!
//! ```text
//! proceeds = q × e^-(d(S+q) - d(S)) × (1 - cost)  >=  repaid,   q = repaid × (1 + b_liquidator)
//! ⇔ d(S+q) - d(S) <= m = ln((1 + b_liquidator) × (1 - cost))
//! ⇔ q <= (sqrt(S) + 100 m sqrt(D))² - S
//! ```

/// The latency of a liquidation by default: a minute from eligibility to
/// execution (a bot watching Pyth and landing a transaction on Solana in
/// seconds, with margin for a congested block).
pub const DEFAULT_LATENCY_SECS: i64 = 60;

/// A liquidator's cost of selling, as a fraction of the sale: DEX fees and
/// priority fees, 10 bps by default (Solana AMM pools charge 1 to 30 bps,
/// an aggregator's route a few more).
pub const DEFAULT_COST: f64 = 0.001;

/// The liquidators of a market.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Liquidators {
    /// Seconds from a position becoming liquidatable to its liquidation.
    pub latency_secs: i64,
    /// Cost of selling, as a fraction of what is sold.
    pub cost: f64,
}

impl Liquidators {
    /// The log move a sale may cause and still pay: `m` above, for a
    /// liquidator whose share of the bonus is `bonus_to_liquidator`
    /// (a fraction of the debt repaid).
    pub fn margin(&self, bonus_to_liquidator: f64) -> f64 {
        ((1.0 + bonus_to_liquidator) * (1.0 - self.cost)).ln()
    }

    /// The most collateral (USD at the price seen) a liquidator takes
    /// profitably with `sold_usd` still weighing on a market of depth
    /// `depth_1pct_usd`; 0 when nothing pays.
    pub fn capacity_usd(
        &self,
        bonus_to_liquidator: f64,
        sold_usd: f64,
        depth_1pct_usd: f64,
    ) -> f64 {
        let margin = self.margin(bonus_to_liquidator);
        if margin <= 0.0 {
            return 0.0;
        }
        let root = sold_usd.max(0.0).sqrt() + 100.0 * margin * depth_1pct_usd.sqrt();
        (root * root - sold_usd.max(0.0)).max(0.0)
    }

    /// Whether receiving `received_usd` of collateral for `repaid_usd` of
    /// debt pays, with `sold_usd` still weighing.
    pub fn pays(
        &self,
        repaid_usd: f64,
        received_usd: f64,
        sold_usd: f64,
        depth_1pct_usd: f64,
    ) -> bool {
        if repaid_usd <= 0.0 {
            return false;
        }
        let moved = super::liquidity::impact(sold_usd + received_usd, depth_1pct_usd)
            - super::liquidity::impact(sold_usd, depth_1pct_usd);
        received_usd * (-moved).exp() * (1.0 - self.cost) >= repaid_usd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIQUIDATORS: Liquidators = Liquidators {
        latency_secs: 60,
        cost: 0.001,
    };

    #[test]
    fn capacity_is_where_the_move_eats_the_bonus() {
        // A 4.5 % share of the bonus, 10 bps of cost: m = ln(1.045 × 0.999).
        let margin = (1.045f64 * 0.999).ln();
        assert!((LIQUIDATORS.margin(0.045) - margin).abs() < 1e-15);
        // Into a quiet market of depth $1 M: q = (100 m)² × $1 M, about $18.9 M.
        let quiet = LIQUIDATORS.capacity_usd(0.045, 0.0, 1e6);
        assert!((quiet - (100.0 * margin).powi(2) * 1e6).abs() < 1e-3);
        assert!(LIQUIDATORS.pays(quiet / 1.045 * 0.999_999, quiet * 0.999_999, 0.0, 1e6));
        assert!(!LIQUIDATORS.pays(quiet * 1.01 / 1.045, quiet * 1.01, 0.0, 1e6));
        // With $10 M still weighing, the next one can take more: the law is
        // concave, and the first sales already moved the price seen.
        let weighed = LIQUIDATORS.capacity_usd(0.045, 1e7, 1e6);
        assert!(weighed > quiet);
        // A bonus that does not cover the cost pays nothing.
        assert_eq!(LIQUIDATORS.capacity_usd(0.0005, 0.0, 1e6), 0.0);
    }
}
