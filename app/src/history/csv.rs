//! Price history CSV: `unix_timestamp,price` or OHLCV
//! (`unix_timestamp,open,high,low,close,volume`, the close is used), with a
//! header line, any interval. Every problem is reported with its line.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::Tick;

/// Where the price sits in a row of a known header.
fn price_column(header: &[&str]) -> Option<usize> {
    match header {
        ["unix_timestamp", "price"] => Some(1),
        ["unix_timestamp", "open", "high", "low", "close", "volume"] => Some(4),
        _ => None,
    }
}

pub fn read(path: &Path) -> Result<Vec<Tick>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read price file {}", path.display()))?;
    parse(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses and validates: sorted, no duplicate timestamps, positive prices.
pub fn parse(text: &str) -> Result<Vec<Tick>> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty());
    let Some((header_line, header)) = lines.next() else {
        bail!("the file is empty: expected a header `unix_timestamp,price` or `unix_timestamp,open,high,low,close,volume`");
    };
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    let Some(price_at) = price_column(&columns) else {
        bail!(
            "line {header_line}: unknown columns `{header}`; expected `unix_timestamp,price` or `unix_timestamp,open,high,low,close,volume`"
        );
    };
    let mut ticks: Vec<Tick> = Vec::new();
    for (line_number, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            bail!(
                "line {line_number}: {} values, the header has {}",
                cells.len(),
                columns.len()
            );
        }
        let time: i64 = cells[0].parse().with_context(|| {
            format!(
                "line {line_number}: timestamp `{}` is not whole unix seconds",
                cells[0]
            )
        })?;
        let price: f64 = cells[price_at].parse().with_context(|| {
            format!(
                "line {line_number}: price `{}` is not a number",
                cells[price_at]
            )
        })?;
        if !(price.is_finite() && price > 0.0) {
            bail!("line {line_number}: price {price} is not positive");
        }
        if let Some(last) = ticks.last() {
            if time == last.time {
                bail!("line {line_number}: timestamp {time} repeats the line before");
            }
            if time < last.time {
                bail!("line {line_number}: timestamp {time} is before the line before ({}): rows must be in time order", last.time);
            }
        }
        ticks.push(Tick { time, price });
    }
    if ticks.len() < 2 {
        bail!("fewer than 2 prices: nothing to replay");
    }
    Ok(ticks)
}

/// Writes `unix_timestamp,price` rows, creating the parent folder.
pub fn write(ticks: &[Tick], path: &Path) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "unix_timestamp,price")?;
    for tick in ticks {
        writeln!(out, "{},{}", tick.time, tick.price)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn reads_both_shapes() {
        let simple = parse("unix_timestamp,price\n100,1.5\n160,1.25\n").unwrap();
        assert_eq!(
            simple,
            vec![
                Tick {
                    time: 100,
                    price: 1.5
                },
                Tick {
                    time: 160,
                    price: 1.25
                }
            ]
        );
        let ohlcv =
            parse("unix_timestamp,open,high,low,close,volume\n1,9,11,8,10,5\n2,10,12,9,11,6")
                .unwrap();
        assert_eq!(
            ohlcv[1],
            Tick {
                time: 2,
                price: 11.0
            }
        );
    }

    #[test]
    fn names_the_line_at_fault() {
        assert!(error("").contains("empty"));
        assert!(error("time,value\n1,2").contains("line 1: unknown columns"));
        assert!(error("unix_timestamp,price\n10,1\n5,1").contains("line 3: timestamp 5 is before"));
        assert!(error("unix_timestamp,price\n10,1\n10,2").contains("line 3: timestamp 10 repeats"));
        assert!(
            error("unix_timestamp,price\n10,1\n11,0").contains("line 3: price 0 is not positive")
        );
        assert!(
            error("unix_timestamp,price\n10,1\n11,-2").contains("line 3: price -2 is not positive")
        );
        assert!(error("unix_timestamp,price\n10,abc").contains("line 2: price `abc`"));
        assert!(error("unix_timestamp,price\n10,1,3").contains("line 2: 3 values"));
        assert!(error("unix_timestamp,price\n10,1").contains("fewer than 2"));
    }
}
