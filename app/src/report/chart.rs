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

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    /// Straight segments between points.
    Line,
    /// Each value holds until the next point, as a parameter or threshold
    /// does between governance updates.
    Step,
    /// A dot per point, for events such as liquidations.
    Markers,
    /// A vertical bar from zero per point, for per-period totals.
    Bars,
}

/// One named set of `(x, y)` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub style: SeriesStyle,
}

impl Series {
    pub fn new(name: impl Into<String>, style: SeriesStyle, points: Vec<(f64, f64)>) -> Self {
        Self {
            name: name.into(),
            points,
            style,
        }
    }

    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, SeriesStyle::Line, points)
    }

    pub fn step(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, SeriesStyle::Step, points)
    }

    pub fn markers(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, SeriesStyle::Markers, points)
    }

    pub fn bars(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, SeriesStyle::Bars, points)
    }
}

/// What the x values mean, which decides how they are labelled.
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// Unix seconds, labelled as UTC dates, or as day and hour when the
    /// span is under three days.
    Time,
    /// A plain number; `unit` is written under the axis.
    Number { unit: String },
}

/// A chart of one or more series sharing both axes.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_axis: XAxis,
    /// Includes the unit, e.g. "price (USD)".
    pub y_label: String,
    pub series: Vec<Series>,
    pub width: u32,
    pub height: u32,
    /// Keeps zero on the y axis so that sizes compare honestly; bar series
    /// always include zero because bars start there.
    pub y_from_zero: bool,
}

impl LineChart {
    pub fn new(title: impl Into<String>, x_axis: XAxis, y_label: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            x_axis,
            y_label: y_label.into(),
            series: Vec::new(),
            width: 900,
            height: 340,
            y_from_zero: false,
        }
    }

    pub fn with_series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    pub fn with_y_from_zero(mut self, from_zero: bool) -> Self {
        self.y_from_zero = from_zero;
        self
    }

    pub fn to_svg(&self) -> String {
        let segments: Vec<Vec<Vec<(f64, f64)>>> = self
            .series
            .iter()
            .map(|series| finite_segments(&series.points))
            .collect();
        let all_points = segments.iter().flatten().flatten();
        let Some(bounds) = Bounds::of(all_points) else {
            return no_data_svg(&self.title, self.width as f64, self.height as f64);
        };
        let layout = ChartLayout::new(self, &segments, bounds);
        let mut out = svg_open(layout.total_width, layout.total_height, &self.title);
        push_title(&mut out, &self.title);
        layout.draw_axes(&mut out, self);
        for style in [
            SeriesStyle::Bars,
            SeriesStyle::Line,
            SeriesStyle::Step,
            SeriesStyle::Markers,
        ] {
            for (index, series) in self.series.iter().enumerate() {
                if series.style == style {
                    layout.draw_series(&mut out, self, index, &segments[index]);
                }
            }
        }
        layout.draw_legend(&mut out, &self.series);
        out.push_str("</svg>");
        out
    }

    /// How an x value reads in a tooltip.
    fn x_value_text(&self, x: f64) -> String {
        match &self.x_axis {
            XAxis::Time => format_utc_minute(x.floor() as i64),
            XAxis::Number { unit } => with_unit(&format_compact(x), unit),
        }
    }
}

/// The extent of the finite data.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

impl Bounds {
    fn of<'a>(points: impl Iterator<Item = &'a (f64, f64)>) -> Option<Self> {
        points.fold(None, |bounds: Option<Bounds>, &(x, y)| {
            Some(match bounds {
                None => Bounds {
                    x_min: x,
                    x_max: x,
                    y_min: y,
                    y_max: y,
                },
                Some(b) => Bounds {
                    x_min: b.x_min.min(x),
                    x_max: b.x_max.max(x),
                    y_min: b.y_min.min(y),
                    y_max: b.y_max.max(y),
                },
            })
        })
    }
}

/// A linear map from data values to pixels.
#[derive(Debug, Clone, Copy)]
struct Scale {
    from: f64,
    to: f64,
    px_from: f64,
    px_to: f64,
}

impl Scale {
    fn px(&self, value: f64) -> f64 {
        self.px_from + (value - self.from) / (self.to - self.from) * (self.px_to - self.px_from)
    }
}

/// Where everything goes, worked out once before drawing.
struct ChartLayout {
    total_width: f64,
    total_height: f64,
    left: f64,
    top: f64,
    plot_width: f64,
    plot_height: f64,
    x: Scale,
    y: Scale,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    x_caption: String,
    legend: Vec<(f64, usize)>,
    /// Bars of different series at the same x stand side by side.
    bar_width: f64,
    bar_series: usize,
}

impl ChartLayout {
    fn new(chart: &LineChart, segments: &[Vec<Vec<(f64, f64)>>], bounds: Bounds) -> Self {
        let width = (chart.width as f64).max(240.0);
        let has_bars = chart.series.iter().any(|s| s.style == SeriesStyle::Bars);
        let (y_min, y_max) = if chart.y_from_zero || has_bars {
            (bounds.y_min.min(0.0), bounds.y_max.max(0.0))
        } else {
            (bounds.y_min, bounds.y_max)
        };
        let bar_gap = smallest_bar_gap(chart, segments);
        let (x_min, x_max) = padded_x_range(bounds, &chart.x_axis, has_bars.then_some(bar_gap));

        let (legend, legend_rows) = legend_positions(&chart.series, width - 110.0);
        let top = 40.0;
        let bottom = 24.0 + 18.0 + 20.0 * legend_rows as f64 + 10.0;
        let plot_height = ((chart.height as f64) - top - bottom).max(80.0);
        let y_values = nice_ticks(y_min, y_max, (plot_height / 42.0) as usize + 1);
        let y_ticks = numeric_tick_labels(&y_values);
        let widest_y = y_ticks.iter().map(|(_, l)| text_width(l, TICK_PX));
        let left = 16.0 + 14.0 + 10.0 + widest_y.fold(0.0, f64::max) + 8.0;
        // Room for half a date label when a tick falls on the right edge.
        let right = match chart.x_axis {
            XAxis::Time => 40.0,
            XAxis::Number { .. } => 28.0,
        };
        let plot_width = (width - left - right).max(80.0);
        let x_axis = XTicks::new(&chart.x_axis, x_min, x_max, plot_width);
        let x = Scale {
            from: x_axis.from,
            to: x_axis.to,
            px_from: left,
            px_to: left + plot_width,
        };
        let y = Scale {
            from: y_values[0],
            to: y_values[y_values.len() - 1],
            px_from: top + plot_height,
            px_to: top,
        };
        let bar_series = chart
            .series
            .iter()
            .filter(|s| s.style == SeriesStyle::Bars)
            .count()
            .max(1);
        let group_width = if bar_gap > 0.0 {
            x.px(x.from + bar_gap) - x.px(x.from)
        } else {
            12.0 * bar_series as f64 / 0.8
        };
        let bar_width = (group_width * 0.8 / bar_series as f64).clamp(1.0, 36.0);
        Self {
            total_width: left + plot_width + right,
            total_height: top + plot_height + bottom,
            left,
            top,
            plot_width,
            plot_height,
            x,
            y,
            x_ticks: x_axis.ticks,
            y_ticks,
            x_caption: x_axis.caption,
            legend,
            bar_width,
            bar_series,
        }
    }

    fn plot_bottom(&self) -> f64 {
        self.top + self.plot_height
    }

    fn draw_axes(&self, out: &mut String, chart: &LineChart) {
        for (value, label) in &self.y_ticks {
            let y = self.y.px(*value);
            let stroke = if *value == 0.0 { "#b8bcc4" } else { GRID_COLOR };
            let right = self.left + self.plot_width;
            let _ = write!(
                out,
                r#"<line x1="{:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="{stroke}"/>"#,
                self.left
            );
            let attrs =
                format!(r##"text-anchor="end" font-size="{TICK_PX}" fill="{MUTED_COLOR}""##);
            push_text(out, self.left - 6.0, y + 4.0, &attrs, label);
        }
        for (value, label) in &self.x_ticks {
            let x = self.x.px(*value);
            let _ = write!(
                out,
                r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{GRID_COLOR}"/>"#,
                self.top,
                self.plot_bottom()
            );
            let attrs =
                format!(r##"text-anchor="middle" font-size="{TICK_PX}" fill="{MUTED_COLOR}""##);
            push_text(out, x, self.plot_bottom() + 18.0, &attrs, label);
        }
        let _ = write!(
            out,
            r##"<rect class="plot-area" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#b8bcc4"/>"##,
            self.left, self.top, self.plot_width, self.plot_height
        );
        let middle_y = self.top + self.plot_height / 2.0;
        let _ = write!(
            out,
            r#"<text transform="translate(18 {middle_y:.1}) rotate(-90)" text-anchor="middle" font-size="{LABEL_PX}" fill="{TEXT_COLOR}">{}</text>"#,
            escape(&chart.y_label)
        );
        if !self.x_caption.is_empty() {
            let attrs =
                format!(r#"text-anchor="middle" font-size="{LABEL_PX}" fill="{TEXT_COLOR}""#);
            let middle_x = self.left + self.plot_width / 2.0;
            push_text(
                out,
                middle_x,
                self.plot_bottom() + 36.0,
                &attrs,
                &self.x_caption,
            );
        }
    }

    fn draw_series(
        &self,
        out: &mut String,
        chart: &LineChart,
        index: usize,
        segments: &[Vec<(f64, f64)>],
    ) {
        let series = &chart.series[index];
        let color = PALETTE[index % PALETTE.len()];
        for segment in segments {
            let columns = self.columns_spanned(segment);
            let points = downsample_min_max(segment, columns);
            match series.style {
                SeriesStyle::Line => self.draw_polyline(out, &points, color, 1.6),
                SeriesStyle::Step => self.draw_polyline(out, &step_vertices(&points), color, 2.0),
                SeriesStyle::Markers => self.draw_markers(out, chart, series, &points, color),
                SeriesStyle::Bars => self.draw_bars(out, chart, index, &points),
            }
        }
    }

    /// How many pixel columns a segment covers, which bounds how many
    /// points are worth drawing.
    fn columns_spanned(&self, segment: &[(f64, f64)]) -> usize {
        let first = segment.first().map_or(0.0, |p| self.x.px(p.0));
        let last = segment.last().map_or(0.0, |p| self.x.px(p.0));
        ((last - first).abs().ceil() as usize).max(1)
    }

    fn draw_polyline(&self, out: &mut String, points: &[(f64, f64)], color: &str, stroke: f64) {
        if let [(x, y)] = points {
            let (cx, cy) = (self.x.px(*x), self.y.px(*y));
            let _ = write!(
                out,
                r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="2" fill="{color}"/>"#
            );
            return;
        }
        let coordinates: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", self.x.px(x), self.y.px(y)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline class="series" fill="none" stroke="{color}" stroke-width="{stroke}" stroke-linejoin="round" points="{}"/>"#,
            coordinates.join(" ")
        );
    }

    fn draw_markers(
        &self,
        out: &mut String,
        chart: &LineChart,
        series: &Series,
        points: &[(f64, f64)],
        color: &str,
    ) {
        for &(x, y) in points {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{color}" fill-opacity="0.85" stroke="white" stroke-width="0.8"><title>{}</title></circle>"#,
                self.x.px(x),
                self.y.px(y),
                point_tooltip(chart, series, x, y)
            );
        }
    }

    fn draw_bars(&self, out: &mut String, chart: &LineChart, index: usize, points: &[(f64, f64)]) {
        let series = &chart.series[index];
        let color = PALETTE[index % PALETTE.len()];
        let slot = chart.series[..index]
            .iter()
            .filter(|s| s.style == SeriesStyle::Bars)
            .count();
        let offset = (slot as f64 - self.bar_series as f64 / 2.0) * self.bar_width;
        let baseline = self.y.px(0.0_f64.clamp(self.y.from, self.y.to));
        for &(x, y) in points {
            let top = self.y.px(y).min(baseline);
            let height = (self.y.px(y) - baseline).abs();
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{height:.1}" fill="{color}" fill-opacity="0.75"><title>{}</title></rect>"#,
                self.x.px(x) + offset,
                self.bar_width,
                point_tooltip(chart, series, x, y)
            );
        }
    }

    fn draw_legend(&self, out: &mut String, series: &[Series]) {
        let first_row_y = self.plot_bottom() + 60.0;
        for (index, (item, &(offset, row))) in series.iter().zip(&self.legend).enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let x = self.left + offset;
            let y = first_row_y + 20.0 * row as f64;
            push_swatch(out, item.style, color, x, y);
            let attrs = format!(r#"font-size="{LABEL_PX}" fill="{TEXT_COLOR}""#);
            push_text(out, x + 26.0, y + 4.0, &attrs, &item.name);
        }
    }
}

/// The x axis's labelled ticks, the range they span and what is written
/// under them.
struct XTicks {
    ticks: Vec<(f64, String)>,
    from: f64,
    to: f64,
    caption: String,
}

impl XTicks {
    /// Time axes keep the data's own range (the first and last moments
    /// matter); numeric axes widen to the round ticks around the data.
    fn new(axis: &XAxis, min: f64, max: f64, plot_width: f64) -> Self {
        match axis {
            XAxis::Time => {
                let span = max - min;
                let ticks = time_ticks(min, max, (plot_width / 95.0) as usize + 1);
                let caption = if span < SHORT_SPAN_SECONDS {
                    "time (UTC)"
                } else {
                    "date (UTC)"
                };
                Self {
                    ticks: ticks
                        .iter()
                        .map(|&t| (t, format_time_tick(t, span)))
                        .collect(),
                    from: min,
                    to: max,
                    caption: caption.to_string(),
                }
            }
            XAxis::Number { unit } => {
                let values = nice_ticks(min, max, (plot_width / 70.0) as usize + 1);
                Self {
                    from: values[0],
                    to: values[values.len() - 1],
                    ticks: numeric_tick_labels(&values),
                    caption: unit.clone(),
                }
            }
        }
    }
}

/// A small sample of each style, so the legend shows how a series looks.
fn push_swatch(out: &mut String, style: SeriesStyle, color: &str, x: f64, y: f64) {
    let _ = match style {
        SeriesStyle::Line => write!(
            out,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{color}" stroke-width="2"/>"#,
            x + 20.0
        ),
        SeriesStyle::Step => write!(
            out,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"/>"#,
            y + 4.0,
            x + 10.0,
            y + 4.0,
            x + 10.0,
            y - 4.0,
            x + 20.0,
            y - 4.0
        ),
        SeriesStyle::Markers => write!(
            out,
            r#"<circle cx="{:.1}" cy="{y:.1}" r="4" fill="{color}"/>"#,
            x + 10.0
        ),
        SeriesStyle::Bars => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="12" height="10" fill="{color}" fill-opacity="0.75"/>"#,
            x + 4.0,
            y - 5.0
        ),
    };
}

fn point_tooltip(chart: &LineChart, series: &Series, x: f64, y: f64) -> String {
    escape(&format!(
        "{}: {} at {}",
        series.name,
        format_compact(y),
        chart.x_value_text(x)
    ))
}

/// Legend items laid out left to right, wrapping at `available` pixels:
/// each item's x offset and row, and the number of rows.
fn legend_positions(series: &[Series], available: f64) -> (Vec<(f64, usize)>, usize) {
    let mut positions = Vec::with_capacity(series.len());
    let (mut offset, mut row) = (0.0, 0);
    for item in series {
        let item_width = 26.0 + text_width(&item.name, LABEL_PX) + 22.0;
        if offset > 0.0 && offset + item_width > available {
            offset = 0.0;
            row += 1;
        }
        positions.push((offset, row));
        offset += item_width;
    }
    let rows = if series.is_empty() { 0 } else { row + 1 };
    (positions, rows)
}

/// The smallest distance between neighbouring bars, which sets how wide a
/// bar can be without overlapping the next.
fn smallest_bar_gap(chart: &LineChart, segments: &[Vec<Vec<(f64, f64)>>]) -> f64 {
    let gaps = chart
        .series
        .iter()
        .zip(segments)
        .filter(|(series, _)| series.style == SeriesStyle::Bars)
        .flat_map(|(_, segments)| segments.iter())
        .flat_map(|segment| segment.windows(2).map(|pair| pair[1].0 - pair[0].0))
        .filter(|gap| *gap > 0.0);
    let smallest = gaps.fold(f64::INFINITY, f64::min);
    if smallest.is_finite() {
        smallest
    } else {
        0.0
    }
}

/// The x range to draw: the data, widened when it has no width, and by
/// half a bar on each side so edge bars are not cut in half.
fn padded_x_range(bounds: Bounds, axis: &XAxis, bar_gap: Option<f64>) -> (f64, f64) {
    let (mut min, mut max) = (bounds.x_min, bounds.x_max);
    if max - min <= 0.0 {
        let pad = match axis {
            XAxis::Time => SECONDS_PER_DAY as f64 / 2.0,
            XAxis::Number { .. } => padding_for_constant(min),
        };
        return (min - pad, max + pad);
    }
    if let Some(gap) = bar_gap.filter(|gap| *gap > 0.0) {
        min -= gap / 2.0;
        max += gap / 2.0;
    }
    (min, max)
}

fn padding_for_constant(value: f64) -> f64 {
    if value == 0.0 {
        1.0
    } else {
        value.abs() * 0.1
    }
}

/// Splits a series at non-finite points, so a missing value shows as a
/// gap, and orders each piece by x.
fn finite_segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut segments = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            segments.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        segments.push(current);
    }
    for segment in &mut segments {
        segment.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    segments
}

/// The corners of a staircase through `points`: every value holds until
/// the next x, giving `2n - 1` vertices for `n` points.
fn step_vertices(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut vertices = Vec::with_capacity(points.len() * 2);
    for (index, &(x, y)) in points.iter().enumerate() {
        if index > 0 {
            vertices.push((x, points[index - 1].1));
        }
        vertices.push((x, y));
    }
    vertices
}

/// Thins points sorted by x to at most two per pixel column: the lowest and
/// the highest, in their original order, so spikes and crashes survive.
/// Returns the points unchanged when there are no more than `2 × columns`.
pub fn downsample_min_max(points: &[(f64, f64)], columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns {
        return points.to_vec();
    }
    let first = points[0].0;
    let span = points[points.len() - 1].0 - first;
    let column_of = |x: f64| {
        if span > 0.0 {
            (((x - first) / span * columns as f64) as usize).min(columns - 1)
        } else {
            0
        }
    };
    let mut kept = Vec::with_capacity(2 * columns);
    let mut start = 0;
    while start < points.len() {
        let column = column_of(points[start].0);
        let mut end = start + 1;
        while end < points.len() && column_of(points[end].0) == column {
            end += 1;
        }
        kept.extend(lowest_and_highest(&points[start..end]));
        start = end;
    }
    kept
}

fn lowest_and_highest(run: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut low = 0;
    let mut high = 0;
    for (index, point) in run.iter().enumerate() {
        if point.1 < run[low].1 {
            low = index;
        }
        if point.1 > run[high].1 {
            high = index;
        }
    }
    match low.cmp(&high) {
        std::cmp::Ordering::Equal => vec![run[low]],
        std::cmp::Ordering::Less => vec![run[low], run[high]],
        std::cmp::Ordering::Greater => vec![run[high], run[low]],
    }
}

/// Evenly spaced round values covering `[min, max]`: the step is 1, 2 or 5
/// times a power of ten, the first tick is at or below `min`, the last at
/// or above `max`, and there are at most `max_count` (at least 2) ticks.
/// A zero-width range is widened so a constant still gets an axis.
pub fn nice_ticks(min: f64, max: f64, max_count: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() {
        return Vec::new();
    }
    let (mut low, mut high) = (min.min(max), min.max(max));
    if high - low <= high.abs().max(low.abs()) * 1e-12 {
        let pad = padding_for_constant(low);
        low -= pad;
        high += pad;
    }
    let max_count = max_count.max(2);
    let needed = (high - low) / (max_count - 1) as f64;
    if !needed.is_finite() {
        return vec![low, high];
    }
    let smallest_exponent = (needed.log10().floor() as i32).clamp(-300, 300);
    for exponent in smallest_exponent..smallest_exponent + 8 {
        for mantissa in [1_i64, 2, 5] {
            let step = mantissa as f64 * 10f64.powi(exponent);
            let first = (low / step).floor() as i64;
            let last = (high / step).ceil() as i64;
            if last.saturating_sub(first) < max_count as i64 {
                return (first..=last)
                    .map(|i| tick_value(i, mantissa, exponent))
                    .collect();
            }
        }
    }
    vec![low, high]
}

/// `i × mantissa × 10^exponent`, computed so that 3 × 0.1 is 0.3 exactly.
fn tick_value(i: i64, mantissa: i64, exponent: i32) -> f64 {
    let units = (i * mantissa) as f64;
    if exponent < 0 {
        units / 10f64.powi(-exponent)
    } else {
        units * 10f64.powi(exponent)
    }
}

/// Tick labels sharing one suffix and as many decimals as the step needs.
fn numeric_tick_labels(ticks: &[f64]) -> Vec<(f64, String)> {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    };
    let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
    let (scale, suffix) = magnitude_suffix(largest);
    let decimals = (-(step / scale).log10()).ceil().clamp(0.0, 12.0) as usize;
    ticks
        .iter()
        .map(|&t| (t, format_scaled(t / scale, decimals, suffix)))
        .collect()
}

/// A short human reading of a number: 1,250,000 → "1.25M", 2500 →
/// "2,500", 0.035 → "0.035", to four significant digits.
pub fn format_compact(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let rounded = round_significant(value.abs(), 4);
    if rounded != 0.0 && rounded < 1e-6 {
        return format!("{value:.2e}");
    }
    let (scale, suffix) = magnitude_suffix(rounded);
    let scaled = round_significant(value / scale, 4);
    let decimals = if scaled == 0.0 {
        0
    } else {
        (3 - scaled.abs().log10().floor() as i32).clamp(0, 12) as usize
    };
    format_scaled(scaled, decimals, suffix)
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    let power = digits - 1 - value.abs().log10().floor() as i32;
    let factor = 10f64.powi(power.abs());
    if power >= 0 {
        (value * factor).round() / factor
    } else {
        (value / factor).round() * factor
    }
}

fn magnitude_suffix(magnitude: f64) -> (f64, &'static str) {
    match magnitude {
        m if m >= 1e12 => (1e12, "T"),
        m if m >= 1e9 => (1e9, "B"),
        m if m >= 1e6 => (1e6, "M"),
        m if m >= 1e4 => (1e3, "k"),
        _ => (1.0, ""),
    }
}

/// Fixed decimals, trailing zeros trimmed, thousands grouped; zero is
/// plain "0", never "-0" or "0M".
fn format_scaled(value: f64, decimals: usize, suffix: &str) -> String {
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let point = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{grouped}{point}{fraction}{suffix}")
}

fn with_unit(value: &str, unit: &str) -> String {
    if unit.is_empty() {
        value.to_string()
    } else {
        format!("{value} {unit}")
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// The inverse of [`civil_from_days`].
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let march_based_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * march_based_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// "2021-05-19" for a unix time, in UTC.
pub fn format_utc_date(unix_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(SECONDS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// "2021-05-19 14:00" for a unix time, in UTC.
pub fn format_utc_minute(unix_seconds: i64) -> String {
    let (hour, minute) = hour_and_minute(unix_seconds);
    format!("{} {hour:02}:{minute:02}", format_utc_date(unix_seconds))
}

fn hour_and_minute(unix_seconds: i64) -> (i64, i64) {
    let second_of_day = unix_seconds.rem_euclid(SECONDS_PER_DAY);
    (second_of_day / 3600, second_of_day % 3600 / 60)
}

/// A time-axis label: the date, or "05-19 14:00" when the axis spans less
/// than three days and the hour matters.
pub fn format_time_tick(unix_seconds: f64, span_seconds: f64) -> String {
    let seconds = unix_seconds.floor() as i64;
    if span_seconds >= SHORT_SPAN_SECONDS {
        return format_utc_date(seconds);
    }
    let (_, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let (hour, minute) = hour_and_minute(seconds);
    format!("{month:02}-{day:02} {hour:02}:{minute:02}")
}

/// Round moments inside `[min, max]`: whole hours or days when they fit,
/// month starts for long spans. Spans of three days or more never get
/// ticks finer than a day, since their labels show only the date.
fn time_ticks(min: f64, max: f64, max_count: usize) -> Vec<f64> {
    const HOUR: i64 = 3600;
    const DAY: i64 = SECONDS_PER_DAY;
    const SUB_DAY: [i64; 10] = [
        60,
        300,
        600,
        900,
        1800,
        HOUR,
        2 * HOUR,
        3 * HOUR,
        6 * HOUR,
        12 * HOUR,
    ];
    const DAYS: [i64; 4] = [DAY, 2 * DAY, 7 * DAY, 14 * DAY];
    const MONTHS: [i64; 10] = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600];
    let max_count = max_count.max(2) as f64;
    let short = max - min < SHORT_SPAN_SECONDS;
    let fixed_steps = SUB_DAY.iter().filter(|_| short).chain(DAYS.iter());
    for &step in fixed_steps {
        // Weeks start on Monday; 1970-01-05 was one.
        let origin = if step >= 7 * DAY { 4 * DAY } else { 0 } as f64;
        let first = ((min - origin) / step as f64).ceil();
        let last = ((max - origin) / step as f64).floor();
        if last - first + 1.0 <= max_count {
            let to_tick = |i: i64| origin + (i * step) as f64;
            return (first as i64..=last as i64).map(to_tick).collect();
        }
    }
    for months in MONTHS {
        let approximate = (max - min) / (months as f64 * 30.4 * DAY as f64);
        if approximate <= max_count {
            let ticks = month_ticks(min, max, months);
            if ticks.len() as f64 <= max_count {
                return ticks;
            }
        }
    }
    Vec::new()
}

/// First days of months inside `[min, max]`, every `step` months counted
/// from January of year 0, so yearly ticks fall on 1 January.
fn month_ticks(min: f64, max: f64, step: i64) -> Vec<f64> {
    let (year, month, _) = civil_from_days((min / SECONDS_PER_DAY as f64).floor() as i64);
    let mut index = year * 12 + i64::from(month) - 1;
    let start_of = |index: i64| {
        let days = days_from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1);
        (days * SECONDS_PER_DAY) as f64
    };
    if start_of(index) < min {
        index += 1;
    }
    index = (index + step - 1).div_euclid(step) * step;
    let mut ticks = Vec::new();
    while start_of(index) <= max {
        ticks.push(start_of(index));
        index += step;
    }
    ticks
}

/// A grid of scores from a parameter sweep: `values[row][col]`, row 0 drawn
/// at the top like a table, `None` for combinations that are infeasible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeatMap {
    pub title: String,
    /// Names the column parameter, with its unit.
    pub x_label: String,
    /// Names the row parameter, with its unit.
    pub y_label: String,
    pub x_ticks: Vec<String>,
    pub y_ticks: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
    /// Names the score, with its unit.
    pub value_label: String,
    /// `(row, col)` of the recommended cell, drawn outlined.
    pub highlight: Option<(usize, usize)>,
}

impl HeatMap {
    pub fn to_svg(&self) -> String {
        let rows = self.values.len();
        let columns = self.values.iter().map(Vec::len).max().unwrap_or(0);
        if rows == 0 || columns == 0 {
            return no_data_svg(&self.title, 640.0, 240.0);
        }
        let layout = HeatLayout::new(self, rows, columns);
        let mut out = svg_open(layout.total_width, layout.total_height, &self.title);
        push_title(&mut out, &self.title);
        layout.draw_labels(&mut out, self);
        layout.draw_cells(&mut out, self);
        layout.draw_highlight(&mut out, self.highlight);
        layout.draw_legend(&mut out, self);
        out.push_str("</svg>");
        out
    }

    fn cell(&self, row: usize, column: usize) -> Option<f64> {
        let value = self.values.get(row)?.get(column).copied().flatten()?;
        value.is_finite().then_some(value)
    }

    fn value_range(&self) -> Option<(f64, f64)> {
        let finite = self
            .values
            .iter()
            .flatten()
            .flatten()
            .filter(|v| v.is_finite());
        finite.fold(None, |range, &v| match range {
            None => Some((v, v)),
            Some((low, high)) => Some((low.min(v), high.max(v))),
        })
    }

    fn has_infeasible(&self, rows: usize, columns: usize) -> bool {
        (0..rows).any(|row| (0..columns).any(|column| self.cell(row, column).is_none()))
    }
}

struct HeatLayout {
    total_width: f64,
    total_height: f64,
    left: f64,
    top: f64,
    cell_width: f64,
    cell_height: f64,
    rows: usize,
    columns: usize,
    rotate_x_ticks: bool,
    x_ticks_height: f64,
    legend_left: f64,
    legend_height: f64,
    range: Option<(f64, f64)>,
}

impl HeatLayout {
    fn new(map: &HeatMap, rows: usize, columns: usize) -> Self {
        let cell_width = (600.0 / columns as f64).clamp(36.0, 96.0);
        let cell_height = (300.0 / rows as f64).clamp(24.0, 56.0);
        let widest = |labels: &[String]| {
            labels
                .iter()
                .map(|l| text_width(l, TICK_PX))
                .fold(0.0, f64::max)
        };
        let rotate_x_ticks = widest(&map.x_ticks) > cell_width - 6.0;
        let x_ticks_height = if rotate_x_ticks {
            widest(&map.x_ticks) * 0.72 + 14.0
        } else {
            18.0
        };
        let room_for_y_ticks = 16.0 + 14.0 + 12.0 + widest(&map.y_ticks) + 8.0;
        // A slanted first column label reaches left of its cell.
        let room_for_slant = if rotate_x_ticks {
            widest(&map.x_ticks) * 0.77 - cell_width / 2.0 + 8.0
        } else {
            0.0
        };
        let left = room_for_y_ticks.max(room_for_slant);
        let top = 48.0;
        let grid_height = rows as f64 * cell_height;
        let legend_left = left + columns as f64 * cell_width + 28.0;
        let legend_height = grid_height.max(120.0);
        let range = map.value_range();
        let range_labels = range.map_or(0.0, |(low, high)| {
            text_width(&format_compact(low), TICK_PX)
                .max(text_width(&format_compact(high), TICK_PX))
        });
        let notes = text_width("recommended", TICK_PX) + 22.0;
        let legend_width = (14.0 + 8.0 + range_labels)
            .max(notes)
            .max(text_width(&map.value_label, LABEL_PX));
        let below_grid = x_ticks_height + 34.0;
        let legend_extra = 2.0 * 22.0 + 8.0;
        Self {
            total_width: (legend_left + legend_width + 16.0)
                .max(32.0 + text_width(&map.title, TITLE_PX)),
            total_height: top + (grid_height + below_grid).max(legend_height + legend_extra) + 8.0,
            left,
            top,
            cell_width,
            cell_height,
            rows,
            columns,
            rotate_x_ticks,
            x_ticks_height,
            legend_left,
            legend_height,
            range,
        }
    }

    fn grid_bottom(&self) -> f64 {
        self.top + self.rows as f64 * self.cell_height
    }

    fn draw_labels(&self, out: &mut String, map: &HeatMap) {
        let tick_attrs = format!(r#"font-size="{TICK_PX}" fill="{MUTED_COLOR}""#);
        for (row, label) in map.y_ticks.iter().take(self.rows).enumerate() {
            let y = self.top + (row as f64 + 0.5) * self.cell_height + 4.0;
            let attrs = format!(r#"text-anchor="end" {tick_attrs}"#);
            push_text(out, self.left - 6.0, y, &attrs, label);
        }
        for (column, label) in map.x_ticks.iter().take(self.columns).enumerate() {
            let x = self.left + (column as f64 + 0.5) * self.cell_width;
            let y = self.grid_bottom() + 14.0;
            let attrs = if self.rotate_x_ticks {
                format!(r#"text-anchor="end" transform="rotate(-40 {x:.1} {y:.1})" {tick_attrs}"#)
            } else {
                format!(r#"text-anchor="middle" {tick_attrs}"#)
            };
            push_text(out, x, y, &attrs, label);
        }
        let label_attrs =
            format!(r#"text-anchor="middle" font-size="{LABEL_PX}" fill="{TEXT_COLOR}""#);
        let middle_x = self.left + self.columns as f64 * self.cell_width / 2.0;
        let x_label_y = self.grid_bottom() + self.x_ticks_height + 16.0;
        push_text(out, middle_x, x_label_y, &label_attrs, &map.x_label);
        let middle_y = (self.top + self.grid_bottom()) / 2.0;
        let _ = write!(
            out,
            r#"<text transform="translate(18 {middle_y:.1}) rotate(-90)" {label_attrs}>{}</text>"#,
            escape(&map.y_label)
        );
    }

    fn draw_cells(&self, out: &mut String, map: &HeatMap) {
        for row in 0..self.rows {
            for column in 0..self.columns {
                let x = self.left + column as f64 * self.cell_width;
                let y = self.top + row as f64 * self.cell_height;
                let tooltip = self.cell_tooltip(map, row, column);
                let Some(value) = map.cell(row, column) else {
                    let _ = write!(
                        out,
                        r##"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#e4e6ea" stroke="#fff"><title>{tooltip}</title></rect>"##,
                        self.cell_width, self.cell_height
                    );
                    push_hatch(out, x, y, self.cell_width, self.cell_height);
                    continue;
                };
                let t = self.position_in_range(value);
                let _ = write!(
                    out,
                    r##"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}" stroke="#fff"><title>{tooltip}</title></rect>"##,
                    self.cell_width,
                    self.cell_height,
                    sequential_color(t)
                );
                if self.cell_width >= 44.0 && self.cell_height >= 20.0 {
                    let ink = if t < 0.6 { "#ffffff" } else { TEXT_COLOR };
                    let attrs = format!(
                        r#"text-anchor="middle" font-size="{TICK_PX}" fill="{ink}" pointer-events="none""#
                    );
                    let (cx, cy) = (x + self.cell_width / 2.0, y + self.cell_height / 2.0 + 4.0);
                    push_text(out, cx, cy, &attrs, &format_compact(value));
                }
            }
        }
    }

    fn cell_tooltip(&self, map: &HeatMap, row: usize, column: usize) -> String {
        let tick = |ticks: &[String], i: usize| ticks.get(i).cloned().unwrap_or_default();
        let value = map.cell(row, column).map_or_else(
            || "infeasible".to_string(),
            |v| format!("{} = {}", map.value_label, format_compact(v)),
        );
        escape(&format!(
            "{} = {}, {} = {}: {}",
            map.y_label,
            tick(&map.y_ticks, row),
            map.x_label,
            tick(&map.x_ticks, column),
            value
        ))
    }

    /// Where a value sits between the grid's lowest (0) and highest (1).
    fn position_in_range(&self, value: f64) -> f64 {
        match self.range {
            Some((low, high)) if high > low => ((value - low) / (high - low)).clamp(0.0, 1.0),
            _ => 0.5,
        }
    }

    fn draw_highlight(&self, out: &mut String, highlight: Option<(usize, usize)>) {
        let Some((row, column)) = highlight else {
            return;
        };
        if row >= self.rows || column >= self.columns {
            return;
        }
        let x = self.left + column as f64 * self.cell_width;
        let y = self.top + row as f64 * self.cell_height;
        let size = (self.cell_width, self.cell_height);
        push_outline(out, "highlight", (x, y), size);
    }

    fn draw_legend(&self, out: &mut String, map: &HeatMap) {
        let x = self.legend_left;
        let attrs = format!(r#"font-size="{LABEL_PX}" fill="{TEXT_COLOR}""#);
        push_text(out, x, self.top - 8.0, &attrs, &map.value_label);
        let tick_attrs = format!(r#"font-size="{TICK_PX}" fill="{MUTED_COLOR}""#);
        let mut notes_y = self.top + 10.0;
        if let Some((low, high)) = self.range {
            const STRIPES: usize = 64;
            let stripe = self.legend_height / STRIPES as f64;
            for i in 0..STRIPES {
                let t = 1.0 - (i as f64 + 0.5) / STRIPES as f64;
                let y = self.top + i as f64 * stripe;
                let _ = write!(
                    out,
                    r#"<rect class="legend" x="{x:.1}" y="{y:.1}" width="14" height="{:.2}" fill="{}" shape-rendering="crispEdges"/>"#,
                    stripe + 0.3,
                    sequential_color(t)
                );
            }
            let bottom = self.top + self.legend_height;
            push_text(
                out,
                x + 20.0,
                self.top + 9.0,
                &tick_attrs,
                &format_compact(high),
            );
            push_text(out, x + 20.0, bottom, &tick_attrs, &format_compact(low));
            notes_y = bottom + 20.0;
        }
        if map.has_infeasible(self.rows, self.columns) {
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="#e4e6ea"/>"##,
                notes_y - 10.0
            );
            push_hatch(out, x, notes_y - 10.0, 14.0, 14.0);
            push_text(out, x + 20.0, notes_y + 1.0, &tick_attrs, "infeasible");
            notes_y += 22.0;
        }
        if map.highlight.is_some() {
            push_outline(out, "highlight-key", (x, notes_y - 10.0), (14.0, 14.0));
            push_text(out, x + 20.0, notes_y + 1.0, &tick_attrs, "recommended");
        }
    }
}

/// Diagonal lines across a box, marking it as having no value.
fn push_hatch(out: &mut String, x: f64, y: f64, width: f64, height: f64) {
    let mut offset = 7.0;
    while offset < width + height {
        let (u0, u1) = ((offset - height).max(0.0), offset.min(width));
        let _ = write!(
            out,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#b3b8c0" stroke-width="1"/>"##,
            x + u0,
            y + height - (offset - u0),
            x + u1,
            y + height - (offset - u1)
        );
        offset += 7.0;
    }
}

/// A black outline with a white inner line, visible on any cell colour.
fn push_outline(out: &mut String, class: &str, (x, y): (f64, f64), (width, height): (f64, f64)) {
    let _ = write!(
        out,
        r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="black" stroke-width="3"/>"#,
        x + 1.5,
        y + 1.5,
        width - 3.0,
        height - 3.0
    );
    let _ = write!(
        out,
        r#"<rect class="{class}-inner" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="white" stroke-width="1"/>"#,
        x + 3.5,
        y + 3.5,
        (width - 7.0).max(0.0),
        (height - 7.0).max(0.0)
    );
}

/// Viridis: perceptually even and readable in greyscale print.
fn sequential_color(t: f64) -> String {
    const STOPS: [(u8, u8, u8); 9] = [
        (0x44, 0x01, 0x54),
        (0x48, 0x28, 0x78),
        (0x3e, 0x49, 0x89),
        (0x31, 0x68, 0x8e),
        (0x26, 0x82, 0x8e),
        (0x1f, 0x9e, 0x89),
        (0x35, 0xb7, 0x79),
        (0x6e, 0xce, 0x58),
        (0xfd, 0xe7, 0x25),
    ];
    let position = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let index = (position.floor() as usize).min(STOPS.len() - 2);
    let fraction = position - index as f64;
    let (a, b) = (STOPS[index], STOPS[index + 1]);
    let mix = |from: u8, to: u8| (from as f64 + (to as f64 - from as f64) * fraction).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// A rough width for layout; SVG cannot measure text without a script.
fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * 0.6
}

fn svg_open(width: f64, height: f64, title: &str) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{}" font-family="{FONT_FAMILY}">"#,
        escape(title)
    );
    let _ = write!(
        out,
        r#"<rect width="{width:.0}" height="{height:.0}" fill="white"/>"#
    );
    out
}

fn push_title(out: &mut String, title: &str) {
    let attrs = format!(r#"font-size="{TITLE_PX}" font-weight="600" fill="{TEXT_COLOR}""#);
    push_text(out, 16.0, 24.0, &attrs, title);
}

/// `attrs` are trusted attribute text; `content` is escaped.
fn push_text(out: &mut String, x: f64, y: f64, attrs: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" {attrs}>{}</text>"#,
        escape(content)
    );
}

/// A framed placeholder, so a run that produced nothing still shows where
/// the chart would be and why it is empty.
fn no_data_svg(title: &str, width: f64, height: f64) -> String {
    let (width, height) = (width.max(240.0), height.max(120.0));
    let mut out = svg_open(width, height, title);
    push_title(&mut out, title);
    let _ = write!(
        out,
        r##"<rect class="plot-area" x="16" y="40" width="{:.0}" height="{:.0}" fill="#fafbfc" stroke="#d5d8de"/>"##,
        width - 32.0,
        height - 56.0
    );
    let attrs = format!(r#"text-anchor="middle" font-size="14" fill="{MUTED_COLOR}""#);
    push_text(
        &mut out,
        width / 2.0,
        40.0 + (height - 56.0) / 2.0,
        &attrs,
        "no data",
    );
    out.push_str("</svg>");
    out
}
