use super::*;

/// A rough width for layout; SVG cannot measure text without a script.
pub(super) fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * 0.6
}

pub(super) fn svg_open(width: f64, height: f64, title: &str) -> String {
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

pub(super) fn push_title(out: &mut String, title: &str) {
    let attrs = format!(r#"font-size="{TITLE_PX}" font-weight="600" fill="{TEXT_COLOR}""#);
    push_text(out, 16.0, 24.0, &attrs, title);
}

/// `attrs` are trusted attribute text; `content` is escaped.
pub(super) fn push_text(out: &mut String, x: f64, y: f64, attrs: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" {attrs}>{}</text>"#,
        escape(content)
    );
}

/// A framed placeholder, so a run that produced nothing still shows where
/// the chart would be and why it is empty.
pub(super) fn no_data_svg(title: &str, width: f64, height: f64) -> String {
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
