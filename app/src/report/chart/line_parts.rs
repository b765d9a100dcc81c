use super::*;

/// The x axis's labelled ticks, the range they span and what is written
/// under them.
pub(super) struct XTicks {
    pub(super) ticks: Vec<(f64, String)>,
    pub(super) from: f64,
    pub(super) to: f64,
    pub(super) caption: String,
}

impl XTicks {
    /// Time axes keep the data's own range (the first and last moments
    /// matter); numeric axes widen to the round ticks around the data.
    pub(super) fn new(axis: &XAxis, min: f64, max: f64, plot_width: f64) -> Self {
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
pub(super) fn push_swatch(out: &mut String, style: SeriesStyle, color: &str, x: f64, y: f64) {
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

pub(super) fn point_tooltip(chart: &LineChart, series: &Series, x: f64, y: f64) -> String {
    escape(&format!(
        "{}: {} at {}",
        series.name,
        format_compact(y),
        chart.x_value_text(x)
    ))
}

/// Legend items laid out left to right, wrapping at `available` pixels:
/// each item's x offset and row, and the number of rows.
pub(super) fn legend_positions(series: &[Series], available: f64) -> (Vec<(f64, usize)>, usize) {
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
pub(super) fn smallest_bar_gap(chart: &LineChart, segments: &[Vec<Vec<(f64, f64)>>]) -> f64 {
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
pub(super) fn padded_x_range(bounds: Bounds, axis: &XAxis, bar_gap: Option<f64>) -> (f64, f64) {
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

pub(super) fn padding_for_constant(value: f64) -> f64 {
    if value == 0.0 {
        1.0
    } else {
        value.abs() * 0.1
    }
}

/// Splits a series at non-finite points, so a missing value shows as a
/// gap, and orders each piece by x.
pub(super) fn finite_segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
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
pub(super) fn step_vertices(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut vertices = Vec::with_capacity(points.len() * 2);
    for (index, &(x, y)) in points.iter().enumerate() {
        if index > 0 {
            vertices.push((x, points[index - 1].1));
        }
        vertices.push((x, y));
    }
    vertices
}
