//! Plain-text tables for the terminal: columns padded to their widest
//! cell, numbers right-aligned.

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) -> &mut Self {
        self.rows.push(cells);
        self
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .take(columns)
                .map(|(i, cell)| {
                    if looks_numeric(cell) {
                        format!("{cell:>width$}", width = widths[i])
                    } else {
                        format!("{cell:<width$}", width = widths[i])
                    }
                })
                .collect();
            out.push_str(padded.join("  ").trim_end());
            out.push('\n');
        };
        line(&self.header, &mut out);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&rule.join("  "));
        out.push('\n');
        for row in &self.rows {
            line(row, &mut out);
        }
        out
    }
}

/// Amounts with their units ("87.50 %", "$1,234.00", "-3", "1 d") align
/// right; a label that starts with a number ("95th pct ...") does not.
fn looks_numeric(cell: &str) -> bool {
    let amount = cell
        .trim_start_matches(['-', '$'])
        .split_whitespace()
        .next()
        .unwrap_or("");
    amount.starts_with(|c: char| c.is_ascii_digit())
        && amount
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_columns_and_aligns_numbers_right() {
        let mut table = Table::new(&["name", "value"]);
        table.row(vec!["lt_max".into(), "88.00 %".into()]);
        table.row(vec!["horizon".into(), "1 d".into()]);
        table.row(vec!["99th pct".into(), "$1,234.00".into()]);
        assert_eq!(
            table.render(),
            "name      value\n--------  ---------\nlt_max      88.00 %\nhorizon         1 d\n99th pct  $1,234.00\n"
        );
    }
}
