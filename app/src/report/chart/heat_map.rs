use super::*;

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

    pub(super) fn cell(&self, row: usize, column: usize) -> Option<f64> {
        let value = self.values.get(row)?.get(column).copied().flatten()?;
        value.is_finite().then_some(value)
    }

    pub(super) fn value_range(&self) -> Option<(f64, f64)> {
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

    pub(super) fn has_infeasible(&self, rows: usize, columns: usize) -> bool {
        (0..rows).any(|row| (0..columns).any(|column| self.cell(row, column).is_none()))
    }
}

pub(super) struct HeatLayout {
    pub(super) total_width: f64,
    pub(super) total_height: f64,
    pub(super) left: f64,
    pub(super) top: f64,
    pub(super) cell_width: f64,
    pub(super) cell_height: f64,
    pub(super) rows: usize,
    pub(super) columns: usize,
    pub(super) rotate_x_ticks: bool,
    pub(super) x_ticks_height: f64,
    pub(super) legend_left: f64,
    pub(super) legend_height: f64,
    pub(super) range: Option<(f64, f64)>,
}

impl HeatLayout {
    pub(super) fn new(map: &HeatMap, rows: usize, columns: usize) -> Self {
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

    pub(super) fn grid_bottom(&self) -> f64 {
        self.top + self.rows as f64 * self.cell_height
    }

    pub(super) fn draw_labels(&self, out: &mut String, map: &HeatMap) {
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

    pub(super) fn draw_cells(&self, out: &mut String, map: &HeatMap) {
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

    pub(super) fn cell_tooltip(&self, map: &HeatMap, row: usize, column: usize) -> String {
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
    pub(super) fn position_in_range(&self, value: f64) -> f64 {
        match self.range {
            Some((low, high)) if high > low => ((value - low) / (high - low)).clamp(0.0, 1.0),
            _ => 0.5,
        }
    }

    pub(super) fn draw_highlight(&self, out: &mut String, highlight: Option<(usize, usize)>) {
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

    pub(super) fn draw_legend(&self, out: &mut String, map: &HeatMap) {
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
pub(super) fn push_hatch(out: &mut String, x: f64, y: f64, width: f64, height: f64) {
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
pub(super) fn push_outline(
    out: &mut String,
    class: &str,
    (x, y): (f64, f64),
    (width, height): (f64, f64),
) {
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
pub(super) fn sequential_color(t: f64) -> String {
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
