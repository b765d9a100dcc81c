//! SVG charts for the report: series over time or over a numeric axis, and
//! heat maps of a score over a parameter grid.
//!
//! The SVG uses presentation attributes only and declares no `id`, so any
//! number of charts can share one HTML page without clashing and without a
//! script or an external stylesheet. Input is taken as it comes from a
//! simulation: non-finite values leave gaps, empty inputs draw "no data",
//! and very long series are thinned to what the pixels can show.

use std::fmt::Write as _;

use super::html::escape;

/// Okabe–Ito colours (yellow and black swapped for darker tones that read
/// on white), chosen to stay distinguishable with common colour blindness.
const PALETTE: [&str; 8] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#3b3b3b",
];
const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
const TICK_PX: f64 = 11.0;
const LABEL_PX: f64 = 12.0;
const TITLE_PX: f64 = 15.0;
const TEXT_COLOR: &str = "#1d2330";
const MUTED_COLOR: &str = "#5b6270";
const GRID_COLOR: &str = "#e6e8ec";
const SECONDS_PER_DAY: i64 = 86_400;
/// Below this span, time labels show the hour as well as the day.
const SHORT_SPAN_SECONDS: f64 = 3.0 * 86_400.0;

mod downsample;
mod heat_map;
mod layout;
mod line;
mod line_parts;
mod svg;
mod ticks;
mod time;

pub use downsample::downsample_min_max;
pub use heat_map::HeatMap;
pub use line::{LineChart, Series, SeriesStyle, XAxis};
pub use ticks::{format_compact, nice_ticks};
pub use time::{
    civil_from_days, days_from_civil, format_time_tick, format_utc_date, format_utc_minute,
};

// Private items of each part, for the others.
use {layout::*, line_parts::*, svg::*, ticks::*, time::*};
