use super::chart::*;

/// Every element of the SVG that starts with `open`, up to its closing `>`.
fn elements<'a>(svg: &'a str, open: &str) -> Vec<&'a str> {
    svg.match_indices(open)
        .map(|(start, _)| &svg[start..start + svg[start..].find('>').unwrap()])
        .collect()
}

fn attribute(element: &str, name: &str) -> f64 {
    let marker = format!(" {name}=\"");
    let start = element.find(&marker).expect(name) + marker.len();
    let end = start + element[start..].find('"').unwrap();
    element[start..end].parse().unwrap()
}

fn polyline_points(element: &str) -> Vec<(f64, f64)> {
    let start = element.find("points=\"").unwrap() + "points=\"".len();
    let end = start + element[start..].find('"').unwrap();
    let pair = |text: &str| {
        let (x, y) = text.split_once(',').unwrap();
        (x.parse().unwrap(), y.parse().unwrap())
    };
    element[start..end].split(' ').map(pair).collect()
}

/// The plot area as (left, top, right, bottom) in pixels.
fn plot_box(svg: &str) -> (f64, f64, f64, f64) {
    let frame = elements(svg, "<rect class=\"plot-area\"")[0];
    let (x, y) = (attribute(frame, "x"), attribute(frame, "y"));
    let (width, height) = (attribute(frame, "width"), attribute(frame, "height"));
    (x, y, x + width, y + height)
}

fn series_polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    let lines = elements(svg, "<polyline class=\"series\"");
    lines.into_iter().map(polyline_points).collect()
}

fn number_chart(series: Series) -> LineChart {
    let axis = XAxis::Number {
        unit: "LTV (%)".into(),
    };
    LineChart::new("score", axis, "score (USD)").with_series(series)
}

#[test]
fn nice_ticks_step_by_1_2_or_5_and_cover_the_range() {
    let ticks = nice_ticks(0.0, 97.0, 6);
    assert_eq!(ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    assert_eq!(nice_ticks(0.0, 0.3, 4), [0.0, 0.1, 0.2, 0.3]);
    let cases = [
        (0.0, 97.0, 6),
        (-3.2, 14.9, 8),
        (0.0012, 0.0371, 5),
        (1_000_000.0, 1_250_000.0, 6),
        (1_621_382_400.0, 1_623_974_400.0, 9),
        (5.0, 5.0, 5),
        (14.9, -3.2, 3),
    ];
    for (min, max, count) in cases {
        let ticks = nice_ticks(min, max, count);
        assert!((2..=count).contains(&ticks.len()), "{ticks:?}");
        assert!(ticks[0] <= min.min(max) && *ticks.last().unwrap() >= min.max(max));
        let step = ticks[1] - ticks[0];
        for pair in ticks.windows(2) {
            assert!(((pair[1] - pair[0]) / step - 1.0).abs() < 1e-9, "{ticks:?}");
        }
        let mantissa = step / 10f64.powf(step.log10().floor());
        let nice = [1.0, 2.0, 5.0, 10.0].map(|m| (mantissa - m).abs() < 1e-9);
        assert!(nice.contains(&true), "step {step} in {ticks:?}");
    }
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
}

#[test]
fn numbers_read_compactly() {
    assert_eq!(format_compact(1_250_000.0), "1.25M");
    assert_eq!(format_compact(0.035), "0.035");
    assert_eq!(format_compact(2_500.0), "2,500");
    assert_eq!(format_compact(-12_340.0), "-12.34k");
    assert_eq!(format_compact(999_999.0), "1M");
    assert_eq!(format_compact(3.0e9), "3B");
    assert_eq!(format_compact(0.0), "0");
    assert_eq!(format_compact(f64::NAN), "n/a");
}

#[test]
fn a_three_point_line_is_one_polyline_inside_the_plot() {
    let points = vec![(50.0, 1.0), (60.0, 3.0), (70.0, 2.0)];
    let svg = number_chart(Series::line("a", points)).to_svg();
    let lines = series_polylines(&svg);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].len(), 3);
    let (left, top, right, bottom) = plot_box(&svg);
    let inside = |&(x, y): &(f64, f64)| (left..=right).contains(&x) && (top..=bottom).contains(&y);
    assert!(lines[0].iter().all(inside), "{:?}", lines[0]);
    assert!(lines[0][0].0 < lines[0][1].0 && lines[0][1].0 < lines[0][2].0);
    // y grows downwards: the highest value is the smallest pixel y.
    assert!(lines[0][1].1 < lines[0][2].1 && lines[0][2].1 < lines[0][0].1);
    assert!(svg.contains(">LTV (%)</text>") && svg.contains(">score (USD)</text>"));
    assert!(svg.contains(">a</text>"), "legend names the series");
}

#[test]
fn a_step_series_holds_each_value_until_the_next_point() {
    let points = vec![(0.0, 80.0), (10.0, 75.0), (20.0, 75.0), (30.0, 70.0)];
    let svg = number_chart(Series::step("threshold", points)).to_svg();
    let vertices = &series_polylines(&svg)[0];
    assert_eq!(vertices.len(), 2 * 4 - 1);
    for corner in (1..vertices.len()).step_by(2) {
        assert_eq!(vertices[corner].1, vertices[corner - 1].1, "level holds");
        assert_eq!(vertices[corner].0, vertices[corner + 1].0, "then jumps");
    }
}

/// Scrambled values in [0, 100), a spike up and one down.
fn spiky_series(count: usize) -> Vec<(f64, f64)> {
    let scrambled = |i: usize| (i as f64, ((i * 7919) % 1000) as f64 / 10.0);
    let mut points: Vec<(f64, f64)> = (0..count).map(scrambled).collect();
    points[61_234].1 = 1_000.0;
    points[7_777].1 = -1_000.0;
    points
}

#[test]
fn downsampling_keeps_the_extremes_within_two_points_per_column() {
    let points = spiky_series(100_000);
    let kept = downsample_min_max(&points, 800);
    assert!(kept.len() <= 1_600, "{}", kept.len());
    assert!(kept.contains(&(61_234.0, 1_000.0)) && kept.contains(&(7_777.0, -1_000.0)));
    assert!(kept.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert_eq!(downsample_min_max(&points[..100], 800), &points[..100]);

    let svg = number_chart(Series::line("price", points)).to_svg();
    let (left, top, right, bottom) = plot_box(&svg);
    let line = &series_polylines(&svg)[0];
    assert!(line.len() as f64 <= 2.0 * (right - left) + 2.0);
    let highest = line.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let lowest = line.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let y_range = bottom - top;
    assert!(highest - top < y_range * 0.1 && bottom - lowest < y_range * 0.1);
}

#[test]
fn non_finite_points_leave_a_gap() {
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    let points = vec![(0.0, 1.0), (1.0, nan), (2.0, 3.0), (3.0, 4.0), (inf, 5.0)];
    let svg = number_chart(Series::line("a", points)).to_svg();
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    let lines = series_polylines(&svg);
    assert_eq!(lines.len(), 1, "the piece after the gap");
    assert_eq!(lines[0].len(), 2);
    assert_eq!(elements(&svg, "<circle").len(), 1, "the lone point before");
}

#[test]
fn a_chart_without_points_says_no_data() {
    let empty = LineChart::new("empty", XAxis::Time, "price (USD)");
    let all_missing = number_chart(Series::markers("liquidations", vec![(f64::NAN, 1.0)]));
    let no_cells = HeatMap::default();
    for svg in [empty.to_svg(), all_missing.to_svg(), no_cells.to_svg()] {
        assert!(svg.contains(">no data</text>"));
        assert!(series_polylines(&svg).is_empty());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}

#[test]
fn a_constant_series_still_gets_a_range() {
    let flat = (0..10).map(|i| (i as f64, 5.0)).collect();
    let svg = number_chart(Series::line("flat", flat)).to_svg();
    let (left, top, right, bottom) = plot_box(&svg);
    let line = &series_polylines(&svg)[0];
    assert_eq!(line.len(), 10);
    assert!(line
        .iter()
        .all(|&(x, y)| (left..=right).contains(&x) && y == line[0].1));
    assert!(
        top < line[0].1 && line[0].1 < bottom,
        "inside, not on the frame"
    );
}

#[test]
fn bars_start_at_zero_and_markers_carry_tooltips() {
    let chart = number_chart(Series::bars("bad debt", vec![(1.0, 10.0), (2.0, 30.0)]))
        .with_series(Series::markers("liquidation", vec![(1.5, 20.0)]));
    let svg = chart.to_svg();
    assert!(svg.contains("<title>liquidation: 20 at 1.5 LTV (%)</title>"));
    let (_, _, _, bottom) = plot_box(&svg);
    let bars = elements(&svg, "<rect x=")
        .into_iter()
        .filter(|r| r.contains("0.75\""));
    let bar_bottoms: Vec<f64> = bars
        .map(|b| attribute(b, "y") + attribute(b, "height"))
        .collect();
    assert_eq!(bar_bottoms.len(), 2 + 1, "two bars and the legend swatch");
    assert!((bar_bottoms[0] - bottom).abs() < 0.2 && (bar_bottoms[1] - bottom).abs() < 0.2);
}

#[test]
fn dates_are_civil_utc() {
    const MAY_19: i64 = 1_621_382_400;
    assert_eq!(format_utc_date(MAY_19), "2021-05-19");
    assert_eq!(
        format_utc_minute(MAY_19 + 14 * 3600 + 5 * 60),
        "2021-05-19 14:05"
    );
    assert_eq!(
        format_time_tick((MAY_19 + 14 * 3600) as f64, 86_400.0),
        "05-19 14:00"
    );
    assert_eq!(
        format_time_tick(MAY_19 as f64, 10.0 * 86_400.0),
        "2021-05-19"
    );
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    for days in (-800_000..800_000).step_by(37) {
        let (year, month, day) = civil_from_days(days);
        assert_eq!(days_from_civil(year, month, day), days);
    }
}

#[test]
fn time_axes_label_dates_or_hours_by_span() {
    let start = 1_621_382_400.0;
    let hourly = |hours: usize| {
        (0..hours)
            .map(|h| (start + h as f64 * 3600.0, 2_500.0 + h as f64))
            .collect()
    };
    let month = LineChart::new("SOL", XAxis::Time, "price (USD)")
        .with_series(Series::line("SOL", hourly(720)));
    let svg = month.to_svg();
    assert!(svg.contains(">date (UTC)</text>"));
    // 2021-05-19 was a Wednesday; weekly ticks fall on Mondays.
    assert!(svg.contains(">2021-05-24</text>") && svg.contains(">2021-06-14</text>"));
    assert!(!svg.contains(">2021-05-19</text>") && !svg.contains(":00</text>"));
    let day = LineChart::new("SOL", XAxis::Time, "price (USD)")
        .with_series(Series::line("SOL", hourly(24)));
    let svg = day.to_svg();
    assert!(svg.contains(">05-19 00:00</text>") && svg.contains(">05-19 12:00</text>"));
}

#[test]
fn chart_text_is_escaped() {
    let svg = LineChart::new("<b>&\"'", XAxis::Time, "y").to_svg();
    assert!(svg.contains(">&lt;b&gt;&amp;&quot;&#39;</text>") && !svg.contains("<b>"));
}

fn sweep() -> HeatMap {
    let cell = |row: usize, col: usize| (row + col != 9).then_some((row * 5 + col) as f64 * 1e3);
    let values = (0..6)
        .map(|r| (0..5).map(|c| cell(r, c)).collect())
        .collect();
    HeatMap {
        title: "sweep".into(),
        x_label: "liquidation threshold (%)".into(),
        y_label: "max LTV (%)".into(),
        x_ticks: (0..5).map(|c| format!("{}", 80 + c)).collect(),
        y_ticks: (0..6).map(|r| format!("{}", 60 + 3 * r)).collect(),
        values,
        value_label: "bad debt (USD)".into(),
        highlight: Some((2, 3)),
    }
}

#[test]
fn a_heat_map_draws_every_cell_the_legend_and_the_highlight() {
    let svg = sweep().to_svg();
    let cells = elements(&svg, "<rect class=\"cell\"");
    assert_eq!(cells.len(), 30);
    assert!(cells
        .iter()
        .all(|cell| svg[svg.find(cell).unwrap()..].starts_with(&format!("{cell}><title>"))));
    let tooltip = |row: &str, column: &str, value: &str| {
        let text = format!("max LTV (%) = {row}, liquidation threshold (%) = {column}: {value}");
        svg.contains(&format!("<title>{text}</title>"))
    };
    assert!(tooltip("66", "83", "bad debt (USD) = 13k"));
    assert!(tooltip("75", "84", "infeasible"));
    assert!(!elements(&svg, "<rect class=\"legend\"").is_empty());
    let legend_label = |text: &str| svg.contains(&format!("fill=\"#5b6270\">{text}</text>"));
    assert!(legend_label("0") && legend_label("28k"), "min and max");
    assert!(svg.contains(">bad debt (USD)</text>") && svg.contains(">infeasible</text>"));

    let outline = elements(&svg, "<rect class=\"highlight\"");
    assert_eq!(outline.len(), 1);
    let cell = cells[2 * 5 + 3];
    assert!((attribute(outline[0], "x") - attribute(cell, "x") - 1.5).abs() < 0.11);
    assert!((attribute(outline[0], "y") - attribute(cell, "y") - 1.5).abs() < 0.11);

    let mut outside = sweep();
    outside.highlight = Some((6, 0));
    assert!(elements(&outside.to_svg(), "<rect class=\"highlight\"").is_empty());
}
