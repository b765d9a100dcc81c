//! Self-contained HTML reports for simulations, backtests and parameter
//! sweeps.
//!
//! A report is a single file that opens in any browser straight from disk:
//! charts are inline SVG, styling is an inline stylesheet, and nothing is
//! fetched from elsewhere (no scripts, fonts or images), so a report can be
//! mailed, attached to a governance proposal or archived and still read the
//! same years later.
//!
//! - [`chart`] draws time series (prices, volatility, thresholds,
//!   liquidations, bad debt) and heat maps of a score over a 2-D grid.
//! - [`html`] assembles headings, text, tables and charts into the page.

pub mod chart;
#[cfg(test)]
mod chart_tests;
pub mod html;
#[cfg(test)]
mod html_tests;

pub use chart::{nice_ticks, HeatMap, LineChart, Series, SeriesStyle, XAxis};
pub use html::{escape, HtmlReport};
