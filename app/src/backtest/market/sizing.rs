//! How large the book is against its market: today's borrowers (the book's
//! spread of sizes and targets) scaled so that their collateral, when they
//! open, is a stated share of what the market trades in a day; and a whale
//! sized as Gauntlet's public LLTV tool for Morpho sizes one
//! (`morpho-org/morpho-blue-lltv-recommendation`, `gauntlet/sim.py`): the
//! larger of a fixed sum and a sale with 25 % price impact, borrowing at
//! its max LTV.

use super::liquidity::BarLiquidity;

/// Shares of a day's traded value the case grid runs: 0.1 %, 1 % and 10 %.
pub const BOOK_SHARES: [f64; 3] = [0.001, 0.01, 0.1];

/// The book's share by default: 1 % of a day's traded value.
pub const DEFAULT_BOOK_SHARE: f64 = 0.01;

/// The impact a whale's sale has, by Gauntlet's rule.
pub const WHALE_IMPACT: f64 = 0.25;

/// The most a whale holds, in days of the market's traded value. Gauntlet
/// reads its 25 % from on-chain quotes; the square-root law read from a
/// day's traded value puts that impact at `(0.25 / σ_day)²` days (39 at
/// 4 % a day), far past the order sizes the law was measured on (up to
/// about a day), and past what base units of a token can count. Ten days
/// keeps the whale's own impact above any bonus (12.6 % at 4 % a day).
pub const WHALE_MAX_DAYS: f64 = 10.0;

/// How the book is sized.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Sizing {
    /// Collateral of the whole book when it opens, as a share of a day's
    /// traded value.
    pub book_share: f64,
    /// Whether a whale borrows beside the book.
    pub whale: bool,
    /// The whale's least collateral, USD (Gauntlet's $200 M for large caps
    /// was set against 2023 markets; over a decade of one exchange's
    /// history a fixed sum would dwarf some years and vanish in others,
    /// so by default the 25 % rule alone sizes it).
    pub whale_min_usd: f64,
}

impl Sizing {
    /// The collateral (USD) of a borrower that holds `weight` of the book
    /// (weights summing to 1), opening in `bar`.
    pub fn borrower_usd(&self, weight: f64, bar: &BarLiquidity) -> f64 {
        weight * self.book_share * bar.traded_usd_per_day
    }

    /// The whale's collateral (USD) when it opens in `bar`.
    pub fn whale_usd(&self, bar: &BarLiquidity) -> f64 {
        bar.size_with_impact(WHALE_IMPACT)
            .min(WHALE_MAX_DAYS * bar.traded_usd_per_day)
            .max(self.whale_min_usd)
    }
}

/// The most decimals, up to `decimals`, with which the largest collateral
/// the book can hold in `bars` (every position at twice its size, the
/// whale beside it) still counts in base units of a `u64` with room to
/// spare, at the lowest price `min_price`. A token listed at $0.002 with
/// nine decimals (DOGE on a SOL-like listing) could not count a book of a
/// tenth of a day's trading; the replay lists it with fewer, which only
/// changes rounding.
pub fn decimals_that_fit(
    sizing: &Sizing,
    bars: &[BarLiquidity],
    min_price: f64,
    decimals: u8,
) -> u8 {
    let largest_usd = bars
        .iter()
        .map(|bar| {
            let whale = if sizing.whale {
                sizing.whale_usd(bar)
            } else {
                0.0
            };
            2.0 * (sizing.borrower_usd(1.0, bar) + whale)
        })
        .fold(0.0, f64::max);
    let tokens = largest_usd / min_price.max(f64::MIN_POSITIVE);
    let room = u64::MAX as f64 / 16.0;
    (0..=decimals)
        .rev()
        .find(|&d| tokens * 10f64.powi(i32::from(d)) <= room)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_is_a_share_of_a_day_and_the_whale_moves_it_a_quarter() {
        let bar = BarLiquidity {
            start: 0,
            end: 86_400,
            traded_usd_per_day: 2e9,
            sigma_day: 0.1,
            depth_1pct_usd: 2e9 * (0.01f64 / 0.1).powi(2),
        };
        let sizing = Sizing {
            book_share: 0.01,
            whale: true,
            whale_min_usd: 0.0,
        };
        // A borrower with a tenth of a 1 % book: $2 M.
        assert!((sizing.borrower_usd(0.1, &bar) - 2e6).abs() < 1e-6);
        // 625 times a depth of $20 M: $12.5 B (6.25 days), and its sale
        // moves the price 25 %.
        let whale = sizing.whale_usd(&bar);
        assert!((whale - 1.25e10).abs() < 1.0);
        assert!((bar.impact(whale) - 0.25).abs() < 1e-12);
        // In a calmer market that sale would be 156 days of trading: held
        // to ten days ($20 B), it moves the price 2 % x sqrt(10) = 6.3 %.
        let calm = BarLiquidity {
            sigma_day: 0.02,
            depth_1pct_usd: 2e9 * (0.01f64 / 0.02).powi(2),
            ..bar
        };
        let whale = sizing.whale_usd(&calm);
        assert!((whale - 2e10).abs() < 1.0);
        assert!((calm.impact(whale) - 0.02 * 10f64.sqrt()).abs() < 1e-12);
        let floored = Sizing {
            whale_min_usd: 1e11,
            ..sizing
        };
        assert_eq!(floored.whale_usd(&bar), 1e11);
    }

    #[test]
    fn a_cheap_token_is_listed_with_the_decimals_its_book_fits_in() {
        let bar = BarLiquidity {
            start: 0,
            end: 86_400,
            traded_usd_per_day: 1e10,
            sigma_day: 0.05,
            depth_1pct_usd: 1e10 * (0.01f64 / 0.05).powi(2),
        };
        let sizing = Sizing {
            book_share: 0.1,
            whale: false,
            whale_min_usd: 0.0,
        };
        // $2 B of collateral at $0.002: 1e12 tokens. u64 / 16 is 1.15e18
        // base units: six decimals fit, seven do not.
        assert_eq!(decimals_that_fit(&sizing, &[bar], 0.002, 9), 6);
        // At $40,000 nine decimals fit.
        assert_eq!(decimals_that_fit(&sizing, &[bar], 40_000.0, 9), 9);
    }
}
