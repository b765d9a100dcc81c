//! The market a threshold must survive. A replay without it has a keeper
//! that acts at once and unlimited liquidity: every static threshold up to
//! `1 / (1 + bonus)` is then safe and a dynamic one can only cost lending.
//! Real bad debt came from frictions, each modelled in a file of its own
//! and each a flag of `backtest` and `calibrate` with a stated default:
//!
//! - `liquidity`: how much each bar's market absorbs, from the history's
//!   traded value and volatility (the square-root law of impact), which a
//!   depth reporter also sends the program;
//! - `liquidators`: a liquidation lands a latency after its position fell
//!   due and takes only what its bonus pays for after the sale's impact
//!   and its costs, the rest waiting;
//! - `pressure`: what liquidators sold weighs on the price everyone sees,
//!   the oracle included, relaxing with a half-life, so a cascade can
//!   happen;
//! - `sizing`: the book is a share of the market's daily traded value, and
//!   a whale may borrow beside it;
//! - `halt`: a chain halt from the worst moment of the path, as a stress.
//!
//! The program's own code still does all the lending and liquidation math:
//! the market only decides when a liquidation is sent, for how much, and
//! at what price. `run` replays a walked history through it.

pub mod halt;
pub mod liquidators;
pub mod liquidity;
pub mod path;
pub mod pressure;
pub mod run;
pub mod sizing;

pub use halt::Halt;
pub use liquidators::Liquidators;
pub use liquidity::BarLiquidity;
pub use path::MarketPath;
pub use pressure::Pressure;
pub use sizing::Sizing;

/// Every friction of one case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketConfig {
    pub liquidators: Liquidators,
    /// Half-life of the sales' weight on the price, seconds.
    pub impact_half_life_secs: i64,
    pub sizing: Sizing,
    /// How long a halt lasts, when the case has one; it starts at the
    /// path's worst moment (`halt::at_worst_moment`).
    pub halt_secs: Option<i64>,
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            liquidators: Liquidators {
                latency_secs: liquidators::DEFAULT_LATENCY_SECS,
                cost: liquidators::DEFAULT_COST,
            },
            impact_half_life_secs: pressure::DEFAULT_HALF_LIFE_SECS,
            sizing: Sizing {
                book_share: sizing::DEFAULT_BOOK_SHARE,
                whale: false,
                whale_min_usd: 0.0,
            },
            halt_secs: None,
        }
    }
}

impl MarketConfig {
    /// A short name of the case, for tables: "latency 5min, book 1 %, whale".
    pub fn label(&self) -> String {
        let latency =
            crate::config::units::fmt_secs(self.liquidators.latency_secs.max(0).unsigned_abs());
        let mut label = format!(
            "latency {latency}, book {} %",
            trim_float(self.sizing.book_share * 100.0)
        );
        if self.sizing.whale {
            label.push_str(", whale");
        }
        if let Some(halt) = self.halt_secs {
            label.push_str(&format!(
                ", halt {}",
                crate::config::units::fmt_secs(halt.max(0).unsigned_abs())
            ));
        }
        label
    }

    /// The VaR horizon this market asks of a calibration: the latency plus
    /// the oracle's (the oldest price a liquidation may read), at least the
    /// program's shortest horizon. Stated, never fitted.
    pub fn horizon_secs(&self, oracle_latency_secs: u32) -> u32 {
        let secs = self.liquidators.latency_secs.max(0) as u64 + u64::from(oracle_latency_secs);
        (secs.min(u64::from(risk_engine::constants::MAX_HORIZON_SECS)) as u32)
            .max(risk_engine::constants::MIN_HORIZON_SECS)
    }
}

/// `0.1`, `1`, `10`: a share printed without trailing zeros.
fn trim_float(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
