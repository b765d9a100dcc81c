use super::*;

/// The extent of the finite data.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bounds {
    pub(super) x_min: f64,
    pub(super) x_max: f64,
    pub(super) y_min: f64,
    pub(super) y_max: f64,
}

impl Bounds {
    pub(super) fn of<'a>(points: impl Iterator<Item = &'a (f64, f64)>) -> Option<Self> {
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
pub(super) struct Scale {
    pub(super) from: f64,
    pub(super) to: f64,
    pub(super) px_from: f64,
    pub(super) px_to: f64,
}

impl Scale {
    pub(super) fn px(&self, value: f64) -> f64 {
        self.px_from + (value - self.from) / (self.to - self.from) * (self.px_to - self.px_from)
    }
}

/// Where everything goes, worked out once before drawing.
pub(super) struct ChartLayout {
    pub(super) total_width: f64,
    pub(super) total_height: f64,
    pub(super) left: f64,
    pub(super) top: f64,
    pub(super) plot_width: f64,
    pub(super) plot_height: f64,
    pub(super) x: Scale,
    pub(super) y: Scale,
    pub(super) x_ticks: Vec<(f64, String)>,
    pub(super) y_ticks: Vec<(f64, String)>,
    pub(super) x_caption: String,
    pub(super) legend: Vec<(f64, usize)>,
    /// Bars of different series at the same x stand side by side.
    pub(super) bar_width: f64,
    pub(super) bar_series: usize,
}

impl ChartLayout {
    pub(super) fn new(
        chart: &LineChart,
        segments: &[Vec<Vec<(f64, f64)>>],
        bounds: Bounds,
    ) -> Self {
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

    pub(super) fn plot_bottom(&self) -> f64 {
        self.top + self.plot_height
    }

    pub(super) fn draw_axes(&self, out: &mut String, chart: &LineChart) {
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

    pub(super) fn draw_series(
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
    pub(super) fn columns_spanned(&self, segment: &[(f64, f64)]) -> usize {
        let first = segment.first().map_or(0.0, |p| self.x.px(p.0));
        let last = segment.last().map_or(0.0, |p| self.x.px(p.0));
        ((last - first).abs().ceil() as usize).max(1)
    }

    pub(super) fn draw_polyline(
        &self,
        out: &mut String,
        points: &[(f64, f64)],
        color: &str,
        stroke: f64,
    ) {
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

    pub(super) fn draw_markers(
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

    pub(super) fn draw_bars(
        &self,
        out: &mut String,
        chart: &LineChart,
        index: usize,
        points: &[(f64, f64)],
    ) {
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

    pub(super) fn draw_legend(&self, out: &mut String, series: &[Series]) {
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
