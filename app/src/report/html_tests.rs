use super::chart::{LineChart, Series, XAxis};
use super::html::*;

#[test]
fn escape_covers_markup_quotes_and_control_characters() {
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(escape("σ 85 %\u{0}\u{7}\n"), "σ 85 %\n");
    assert_eq!(
        escape("&amp;"),
        "&amp;amp;",
        "text that looks escaped is still text"
    );
}

#[test]
fn quantities_are_recognised_by_their_first_characters() {
    for numeric in [
        "1.25M",
        "-3",
        "$12",
        "-$4",
        "$-4",
        ".5",
        "80 %",
        "1,250,000 USD",
    ] {
        assert!(looks_numeric(numeric), "{numeric}");
    }
    for text in ["-", "$", "SOL", "", "n/a", "— ", "σ"] {
        assert!(!looks_numeric(text), "{text}");
    }
}

#[test]
fn a_report_is_a_complete_self_contained_document() {
    let chart = LineChart::new("price", XAxis::Time, "price (USD)")
        .with_series(Series::line("SOL", vec![(0.0, 1.0), (3600.0, 2.0)]));
    let mut report = HtmlReport::new("Backtest <SOL & ETH>");
    report
        .heading("Summary")
        .paragraph("Bad debt stayed at \"zero\".")
        .svg(chart.to_svg());
    let html = report.render();

    assert!(html.starts_with("<!DOCTYPE html>\n"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<title>Backtest &lt;SOL &amp; ETH&gt;</title>"));
    assert!(html.contains("<h1>Backtest &lt;SOL &amp; ETH&gt;</h1>"));
    assert!(html.contains("<style>") && html.trim_end().ends_with("</html>"));
    let heading = html.find("<h2>Summary</h2>").unwrap();
    let paragraph = html
        .find("<p>Bad debt stayed at &quot;zero&quot;.</p>")
        .unwrap();
    let figure = html.find("<figure><svg").unwrap();
    assert!(
        heading < paragraph && paragraph < figure,
        "blocks keep their order"
    );

    assert!(!html.contains("<script") && !html.contains("@import") && !html.contains("url("));
    let namespaces = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(html.matches("http").count(), namespaces, "nothing to fetch");
}

#[test]
fn table_cells_are_escaped_and_quantities_right_aligned() {
    let rows = vec![
        vec![
            "<SOL>".to_string(),
            "$1,250".to_string(),
            "-3.5 %".to_string(),
        ],
        vec!["a&b".to_string(), "12".to_string(), "—".to_string()],
    ];
    let mut report = HtmlReport::new("t");
    report.table(&["asset", "value", "change"], &rows);
    let html = report.render();

    assert!(html.contains("<th scope=\"col\">asset</th>"));
    assert!(html.contains("<th scope=\"col\" class=\"num\">value</th>"));
    assert!(
        html.contains("<th scope=\"col\">change</th>"),
        "a column with text"
    );
    assert!(html.contains("<td>&lt;SOL&gt;</td>") && html.contains("<td>a&amp;b</td>"));
    assert!(html.contains("<td class=\"num\">$1,250</td>"));
    assert!(
        html.contains("<td class=\"num\">-3.5 %</td></tr>"),
        "a quantity cell"
    );
    assert!(html.contains("<td>—</td>"));
    assert!(!html.contains("<SOL>"));
}

#[test]
fn key_values_are_a_two_column_summary() {
    let mut report = HtmlReport::new("t");
    report.key_values(&[
        ("max LTV", "80 %".to_string()),
        ("oracle", "Pyth <SOL/USD>".to_string()),
    ]);
    let html = report.render();
    assert!(html.contains("<tr><th scope=\"row\">max LTV</th><td class=\"num\">80 %</td></tr>"));
    assert!(html.contains("<tr><th scope=\"row\">oracle</th><td>Pyth &lt;SOL/USD&gt;</td></tr>"));
}

#[test]
fn write_to_creates_missing_directories() {
    let root = std::env::temp_dir().join(format!("riskctl-report-{}", std::process::id()));
    let path = root.join("runs").join("2021-05-19").join("report.html");
    let mut report = HtmlReport::new("written");
    report.paragraph("é ✓");
    report.write_to(&path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(written, report.render());
}
