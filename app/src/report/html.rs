//! One HTML file holding a whole report: headings, text, tables and charts.
//!
//! The page carries its own stylesheet and embeds charts as SVG, so it
//! needs no server, script, font or network access to display or print.

use std::fmt::Write as _;
use std::path::Path;

/// Layout for a laptop screen and for paper: a centred column of readable
/// width, tables with tabular digits, charts that shrink to fit.
const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #1d2330;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 36px 56px; background: #fff; min-height: 100vh; }
h1 { font-size: 1.65rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .7rem; padding-bottom: .25rem; border-bottom: 1px solid #e3e6ea; }
p { margin: .6rem 0; max-width: 78ch; }
.table-wrap { overflow-x: auto; margin: .8rem 0; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
thead th { background: #f1f3f6; border-bottom: 2px solid #c9ced6; font-weight: 600; }
tbody tr:nth-child(even) { background: #fafbfc; }
table.kv th { font-weight: 600; color: #3d4452; padding-right: 28px; }
.num { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0 1.4rem; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; min-height: 0; }
  figure, table { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

/// Escapes text for HTML and XML content and attribute values. Control
/// characters that XML forbids are dropped, so stray bytes from a data
/// source cannot make an SVG unreadable.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Whether a cell reads as a quantity ("1,250", "-3.5 %", "$12k", "$-4"),
/// which is right-aligned so digits line up down a column.
pub fn looks_numeric(cell: &str) -> bool {
    let rest = cell.trim().trim_start_matches(['-', '+', '$', '−']);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(String),
    Paragraph(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    KeyValues(Vec<(String, String)>),
    Svg(String),
}

/// A report built block by block, then rendered to one HTML document.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlReport {
    title: String,
    blocks: Vec<Block>,
}

impl HtmlReport {
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    /// A section heading (`<h2>`; the title is the only `<h1>`).
    pub fn heading(&mut self, text: &str) -> &mut Self {
        self.push(Block::Heading(text.to_string()))
    }

    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.push(Block::Paragraph(text.to_string()))
    }

    /// A table; a column whose cells all read as quantities is
    /// right-aligned, header included.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) -> &mut Self {
        self.push(Block::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: rows.to_vec(),
        })
    }

    /// A text table as an HTML one: a column per field.
    pub fn text_table(&mut self, table: &crate::table::Table) -> &mut Self {
        self.push(Block::Table {
            header: table.header().to_vec(),
            rows: table.rows().to_vec(),
        })
    }

    /// A two-column summary: a name per row and its value.
    pub fn key_values(&mut self, pairs: &[(&str, String)]) -> &mut Self {
        let pairs = pairs.iter().map(|(k, v)| (k.to_string(), v.clone()));
        self.push(Block::KeyValues(pairs.collect()))
    }

    /// An SVG chart, inserted as given: it must come from a trusted
    /// builder such as [`super::chart`], which escapes its own text.
    pub fn svg(&mut self, svg: String) -> &mut Self {
        self.push(Block::Svg(svg))
    }

    fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(64 * 1024);
        let title = escape(&self.title);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>{title}</h1>\n"
        );
        for block in &self.blocks {
            render_block(&mut out, block);
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// Writes the document, creating missing parent directories.
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, self.render())
    }
}

fn render_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(text) => {
            let _ = writeln!(out, "<h2>{}</h2>", escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
        Block::Table { header, rows } => render_table(out, header, rows),
        Block::KeyValues(pairs) => render_key_values(out, pairs),
        Block::Svg(svg) => {
            let _ = writeln!(out, "<figure>{svg}</figure>");
        }
    }
}

fn render_table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let columns = rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(header.len());
    let numeric: Vec<bool> = (0..columns)
        .map(|column| column_is_numeric(rows, column))
        .collect();
    out.push_str("<div class=\"table-wrap\"><table>\n");
    if !header.is_empty() {
        out.push_str("<thead><tr>");
        for (column, name) in header.iter().enumerate() {
            let class = if numeric[column] {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(name));
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            push_data_cell(out, cell);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// A column is numeric when it has a value and every non-empty cell reads
/// as a quantity.
fn column_is_numeric(rows: &[Vec<String>], column: usize) -> bool {
    let mut cells = rows
        .iter()
        .filter_map(|row| row.get(column))
        .filter(|cell| !cell.trim().is_empty())
        .peekable();
    cells.peek().is_some() && cells.all(|cell| looks_numeric(cell))
}

fn render_key_values(out: &mut String, pairs: &[(String, String)]) {
    out.push_str("<div class=\"table-wrap\"><table class=\"kv\"><tbody>\n");
    for (key, value) in pairs {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(key));
        push_data_cell(out, value);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn push_data_cell(out: &mut String, text: &str) {
    let class = if looks_numeric(text) {
        " class=\"num\""
    } else {
        ""
    };
    let _ = write!(out, "<td{class}>{}</td>", escape(text));
}
