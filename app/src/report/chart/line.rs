use super::*;

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
    pub(super) fn x_value_text(&self, x: f64) -> String {
        match &self.x_axis {
            XAxis::Time => format_utc_minute(x.floor() as i64),
            XAxis::Number { unit } => with_unit(&format_compact(x), unit),
        }
    }
}
