//! The price path a replay reads from a history file: its closes, or with
//! `--intrabar STEP` its bars walked (see `history::bars`) on the sample
//! grid of the reserve whose prices they are.

use std::path::Path;

use anyhow::{bail, Result};

use super::backtest_cmd::seconds;
use crate::backtest::market::{liquidity, BarLiquidity, MarketPath};
use crate::config::{units, ReserveSpec};
use crate::history::bars::{self, SampleGrid};
use crate::history::{csv, Tick};

/// Walks longer than this are refused: a sweep keeps several values per
/// price, so a billion prices would not fit in memory.
const MAX_WALKED_PRICES: u64 = 100_000_000;

pub struct PricePath {
    pub ticks: Vec<Tick>,
    /// Each walked bar's liquidity (the square-root law's depth), when the
    /// history states its volume's unit; `None` for closes.
    pub liquidity: Option<Vec<BarLiquidity>>,
    /// How often a run need keep a quiet step for charts (0: every step).
    pub record_every_secs: i64,
    /// Walked bars, as `(start, end)` seconds; empty for closes.
    pub bar_spans: Vec<(i64, i64)>,
    /// The history's bar interval when walked, else 0.
    pub bar_interval_secs: i64,
}

impl PricePath {
    /// The walked bar that `time` cuts in two, if any: a training date
    /// there would let the training part see that bar's extremes.
    pub fn bar_cut_at(&self, time: i64) -> Option<(i64, i64)> {
        let after = self.bar_spans.partition_point(|&(start, _)| start < time);
        let (start, end) = *self.bar_spans.get(after.checked_sub(1)?)?;
        (time < end).then_some((start, end))
    }
}

/// What a replay reads with `intrabar`, in words.
pub fn describe(intrabar: Option<&str>) -> String {
    match intrabar {
        Some(step) => format!("each bar walked every {step}"),
        None => "the closes".into(),
    }
}

/// `path` as the reserve `spec` reads it, walked every `intrabar` when given.
pub fn read(path: &Path, intrabar: Option<&str>, spec: &ReserveSpec) -> Result<PricePath> {
    read_with(path, intrabar, spec, liquidity::DEFAULT_IMPACT_Y)
}

/// `read`, each walked bar's liquidity measured with the square-root law's
/// coefficient `impact_y`.
pub fn read_with(
    path: &Path,
    intrabar: Option<&str>,
    spec: &ReserveSpec,
    impact_y: f64,
) -> Result<PricePath> {
    let Some(step) = intrabar else {
        return Ok(PricePath {
            ticks: csv::read(path)?,
            liquidity: None,
            record_every_secs: 0,
            bar_spans: Vec::new(),
            bar_interval_secs: 0,
        });
    };
    let step_secs = seconds("intrabar", step)?;
    if step_secs < 1 {
        bail!("--intrabar {step}: the step must be at least 1 s");
    }
    let bars = csv::read_bars(path)?;
    let interval = bars::interval_secs(&bars);
    let grid = SampleGrid::of(&spec.calibration);
    let bar = units::fmt_secs(interval.max(0).unsigned_abs());
    if interval < 3 * step_secs {
        bail!("--intrabar {step}: a bar of {bar} must hold at least three steps");
    }
    if interval < 3 * (grid.window_secs + 2) {
        bail!(
            "--intrabar: bars of {bar} are too short to walk between sample windows of {} s",
            grid.window_secs
        );
    }
    let prices = bars.len() as u64 * (interval / step_secs + 4).unsigned_abs();
    if prices > MAX_WALKED_PRICES {
        bail!(
            "--intrabar {step}: walking {} bars of {bar} makes about {} million prices, more than {} million: choose a longer step",
            bars.len(),
            prices / 1_000_000,
            MAX_WALKED_PRICES / 1_000_000
        );
    }
    let bar_spans: Vec<(i64, i64)> = bars::spans(&bars).collect();
    Ok(PricePath {
        liquidity: liquidity::of_bars(&bars, &bar_spans, impact_y),
        ticks: bars::path(&bars, step_secs, grid),
        // Charts keep about one point an hour of a daily history's path.
        record_every_secs: interval / 24,
        bar_spans,
        bar_interval_secs: interval,
    })
}

impl PricePath {
    /// The walked history with its liquidity, for a market replay of the
    /// file `name`; refused when the file has no volume of a stated unit.
    pub fn market(self, name: &str) -> Result<MarketPath> {
        let Some(liquidity) = self.liquidity else {
            bail!(
                "{name}: a liquidation market needs each bar's traded value: walk the bars (--intrabar) of a file whose volume column states its unit (volume_base or volume_usd, see data/README.md)"
            );
        };
        MarketPath::new(self.ticks, liquidity)
    }
}
