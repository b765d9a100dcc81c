//! Price history CSV: `unix_timestamp,price` or OHLCV
//! (`unix_timestamp,open,high,low,close,VOLUME`), with a header line, any
//! interval. The volume column names its unit: `volume_base` (whole tokens
//! of the asset, valued at the bar's close), `volume_usd` (USD), or
//! `volume` (unit not stated: read for its prices only). `read` gives each
//! row's close; `read_bars` each row's bar (a `price` row is a bar that
//! never moved), whose low and high must hold its open and close. Every
//! problem is reported with its line.

use std::path::Path;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use super::bars::Bar;
use super::Tick;

/// Where the prices sit in a row of a known header.
fn price_columns(header: &[&str]) -> Option<Columns> {
    let volume = |unit: &str| match unit {
        "volume" => Some(Volume::Unstated),
        "volume_base" => Some(Volume::Base),
        "volume_usd" => Some(Volume::Usd),
        _ => None,
    };
    match header {
        ["unix_timestamp", "price"] => Some(Columns::Price(1)),
        ["unix_timestamp", "open", "high", "low", "close", unit] => volume(unit).map(Columns::Ohlc),
        _ => None,
    }
}

/// The headers a history may have, for messages.
const HEADERS: &str = "`unix_timestamp,price` or `unix_timestamp,open,high,low,close,volume_base` (or `volume_usd`, or `volume` with no stated unit)";

#[derive(Clone, Copy, PartialEq)]
enum Columns {
    /// One price per row, in this column.
    Price(usize),
    /// Open, high, low and close in columns 1 to 4, the volume in 5.
    Ohlc(Volume),
}

/// The unit of a volume column.
#[derive(Clone, Copy, PartialEq)]
enum Volume {
    Unstated,
    /// Whole tokens of the asset.
    Base,
    Usd,
}

pub fn read(path: &Path) -> Result<Vec<Tick>> {
    parse(&read_text(path)?).with_context(|| format!("in {}", path.display()))
}

pub fn read_bars(path: &Path) -> Result<Vec<Bar>> {
    parse_bars(&read_text(path)?).with_context(|| format!("in {}", path.display()))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read price file {}", path.display()))
}

fn closes(bars: Vec<Bar>) -> Vec<Tick> {
    bars.into_iter()
        .map(|bar| Tick {
            time: bar.time,
            price: bar.close,
        })
        .collect()
}

/// Bytes per chunk read in parallel.
const CHUNK_BYTES: usize = 1 << 20;

/// Each row's close; see `parse_bars`.
pub fn parse(text: &str) -> Result<Vec<Tick>> {
    Ok(closes(parse_rows_of(text, Wanted::Closes)?))
}

/// Parses and validates: sorted, no duplicate timestamps, positive prices,
/// each bar's low at or below its open and close and its high at or above.
/// Large files are read in chunks in parallel; the first problem by line
/// is the one reported.
pub fn parse_bars(text: &str) -> Result<Vec<Bar>> {
    parse_rows_of(text, Wanted::Bars)
}

/// What a reader uses of each row: a replay of closes reads only the
/// close, as it always has; one that walks bars reads and checks them.
#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    Closes,
    Bars,
}

fn parse_rows_of(text: &str, wanted: Wanted) -> Result<Vec<Bar>> {
    let mut lines = text.split_inclusive('\n').enumerate();
    let (header_line, header) = loop {
        match lines.next() {
            None => bail!("the file is empty: expected a header {HEADERS}"),
            Some((i, line)) if !line.trim().is_empty() => break (i + 1, line.trim()),
            Some(_) => {}
        }
    };
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    let Some(prices) = price_columns(&columns) else {
        bail!("line {header_line}: unknown columns `{header}`; expected {HEADERS}");
    };
    let shape = Shape {
        columns: columns.len(),
        prices,
        wanted,
    };
    let body_start = text
        .split_inclusive('\n')
        .take(header_line)
        .map(str::len)
        .sum::<usize>();
    let chunks = chunks_at_lines(&text[body_start..], header_line + 1);
    let parsed: Vec<Result<Rows>> = chunks
        .par_iter()
        .map(|(first_line, chunk)| parse_rows(chunk, *first_line, shape))
        .collect();
    let mut bars: Vec<Bar> = Vec::new();
    for rows in parsed {
        let rows = rows?;
        if let (Some(last), Some(first), Some(line_number)) =
            (bars.last(), rows.bars.first(), rows.first_line)
        {
            in_order(last.time, first.time, line_number)?;
        }
        bars.extend(rows.bars);
    }
    if bars.len() < 2 {
        bail!("fewer than 2 prices: nothing to replay");
    }
    Ok(bars)
}

#[derive(Clone, Copy)]
struct Shape {
    columns: usize,
    prices: Columns,
    wanted: Wanted,
}

/// The rows of one chunk, and the line of its first row.
struct Rows {
    bars: Vec<Bar>,
    first_line: Option<usize>,
}

/// `text` cut into pieces of about `CHUNK_BYTES` at line ends, each with
/// the number of its first line.
fn chunks_at_lines(text: &str, first_line: usize) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let (mut rest, mut line) = (text, first_line);
    while !rest.is_empty() {
        let cut = if rest.len() <= CHUNK_BYTES {
            rest.len()
        } else {
            rest[CHUNK_BYTES..]
                .find('\n')
                .map_or(rest.len(), |at| CHUNK_BYTES + at + 1)
        };
        let (chunk, tail) = rest.split_at(cut);
        chunks.push((line, chunk));
        line += chunk.bytes().filter(|b| *b == b'\n').count();
        rest = tail;
    }
    chunks
}

fn in_order(last: i64, time: i64, line_number: usize) -> Result<()> {
    if time == last {
        bail!("line {line_number}: timestamp {time} repeats the line before");
    }
    if time < last {
        bail!("line {line_number}: timestamp {time} is before the line before ({last}): rows must be in time order");
    }
    Ok(())
}

fn parse_rows(chunk: &str, first_line: usize, shape: Shape) -> Result<Rows> {
    let mut rows = Rows {
        bars: Vec::with_capacity(chunk.len() / 24),
        first_line: None,
    };
    for (offset, line) in chunk.lines().enumerate() {
        let line_number = first_line + offset;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut cells = [""; 6];
        let mut count = 0;
        for (i, cell) in line.split(',').enumerate() {
            count += 1;
            if let Some(slot) = cells.get_mut(i) {
                *slot = cell.trim();
            }
        }
        if count != shape.columns {
            bail!(
                "line {line_number}: {count} values, the header has {}",
                shape.columns
            );
        }
        let time: i64 = cells[0].parse().with_context(|| {
            format!(
                "line {line_number}: timestamp `{}` is not whole unix seconds",
                cells[0]
            )
        })?;
        let bar = match shape.prices {
            Columns::Price(at) => {
                let price = positive_price(cells[at], "price", line_number)?;
                Bar::flat(time, price)
            }
            Columns::Ohlc(_) if shape.wanted == Wanted::Closes => {
                Bar::flat(time, positive_price(cells[4], "price", line_number)?)
            }
            Columns::Ohlc(unit) => {
                let [open, high, low, close] = [(1, "open"), (2, "high"), (3, "low"), (4, "close")]
                    .map(|(at, name)| positive_price(cells[at], name, line_number));
                let close = close?;
                let traded = |scale: f64| -> Result<Option<f64>> {
                    let volume = non_negative(cells[5], line_number)?;
                    Ok(Some(volume * scale))
                };
                let bar = Bar {
                    time,
                    open: open?,
                    high: high?,
                    low: low?,
                    close,
                    traded_usd: match unit {
                        Volume::Unstated => None,
                        Volume::Base => traded(close)?,
                        Volume::Usd => traded(1.0)?,
                    },
                };
                if bar.low > bar.open.min(bar.close) || bar.high < bar.open.max(bar.close) {
                    bail!(
                        "line {line_number}: the low {} and high {} do not hold the open {} and close {}",
                        bar.low, bar.high, bar.open, bar.close
                    );
                }
                bar
            }
        };
        match rows.bars.last() {
            Some(last) => in_order(last.time, time, line_number)?,
            None => rows.first_line = Some(line_number),
        }
        rows.bars.push(bar);
    }
    Ok(rows)
}

fn non_negative(cell: &str, line_number: usize) -> Result<f64> {
    let volume: f64 = cell
        .parse()
        .with_context(|| format!("line {line_number}: volume `{cell}` is not a number"))?;
    if !(volume.is_finite() && volume >= 0.0) {
        bail!("line {line_number}: volume {volume} is negative");
    }
    Ok(volume)
}

fn positive_price(cell: &str, name: &str, line_number: usize) -> Result<f64> {
    let price: f64 = cell
        .parse()
        .with_context(|| format!("line {line_number}: {name} `{cell}` is not a number"))?;
    if !(price.is_finite() && price > 0.0) {
        bail!("line {line_number}: {name} {price} is not positive");
    }
    Ok(price)
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
    fn bars_keep_their_extremes_and_must_hold_their_open_and_close() {
        let bars =
            parse_bars("unix_timestamp,open,high,low,close,volume\n1,9,11,8,10,5\n2,10,12,9,11,6")
                .unwrap();
        assert_eq!(
            bars[0],
            Bar {
                time: 1,
                open: 9.0,
                high: 11.0,
                low: 8.0,
                close: 10.0,
                traded_usd: None,
            }
        );
        let flat = parse_bars("unix_timestamp,price\n100,1.5\n160,1.25\n").unwrap();
        assert_eq!(flat[1], Bar::flat(160, 1.25));
        let refused = |row: &str| {
            let text = format!("unix_timestamp,open,high,low,close,volume\n1,9,11,8,10,5\n{row}");
            format!("{:#}", parse_bars(&text).unwrap_err())
        };
        assert!(refused("2,10,12,10.5,11,6")
            .contains("line 3: the low 10.5 and high 12 do not hold the open 10 and close 11"));
        assert!(refused("2,10,10.5,9,11,6").contains("line 3: the low 9 and high 10.5"));
        assert!(refused("2,10,12,0,11,6").contains("line 3: low 0 is not positive"));
        assert!(refused("2,10,x,9,11,6").contains("line 3: high `x` is not a number"));
    }

    #[test]
    fn the_volume_column_names_its_unit() {
        let row = "\n1,9,11,8,10,5\n2,10,12,9,11,6";
        let traded = |unit: &str| {
            parse_bars(&format!("unix_timestamp,open,high,low,close,{unit}{row}"))
                .unwrap()
                .iter()
                .map(|bar| bar.traded_usd)
                .collect::<Vec<_>>()
        };
        // Whole tokens are valued at the bar's close.
        assert_eq!(traded("volume_base"), vec![Some(50.0), Some(66.0)]);
        assert_eq!(traded("volume_usd"), vec![Some(5.0), Some(6.0)]);
        assert_eq!(traded("volume"), vec![None, None]);
        let error = format!(
            "{:#}",
            parse_bars("unix_timestamp,open,high,low,close,volume_eur\n1,9,11,8,10,5").unwrap_err()
        );
        assert!(error.contains("volume_base"), "{error}");
        let negative = format!(
            "{:#}",
            parse_bars("unix_timestamp,open,high,low,close,volume_usd\n1,9,11,8,10,-5")
                .unwrap_err()
        );
        assert!(
            negative.contains("line 2: volume -5 is negative"),
            "{negative}"
        );
    }

    #[test]
    fn chunks_read_in_parallel_keep_lines_and_order() {
        let mut text = String::from("unix_timestamp,price\n\n");
        for i in 0..200_000 {
            text.push_str(&format!("{},{}\n", 1_000 + i, 1.0 + i as f64 / 1e3));
        }
        let ticks = parse(&text).unwrap();
        assert_eq!(ticks.len(), 200_000);
        assert!(ticks.windows(2).all(|w| w[1].time == w[0].time + 1));
        // A problem near the end of a later chunk names its own line.
        let broken = text.replacen("190000,", "190000x,", 1);
        let line = 3 + (190_000 - 1_000);
        assert!(format!("{:#}", parse(&broken).unwrap_err()).contains(&format!("line {line}:")));
        // Order is checked across the cut between chunks too: the first
        // row of the second chunk goes back in time.
        let body_start = "unix_timestamp,price\n\n".len();
        let body = &text[body_start..];
        let chunks = chunks_at_lines(body, 3);
        assert!(chunks.len() > 2, "{} chunks", chunks.len());
        let (line, chunk) = chunks[1];
        let at = body_start + (chunk.as_ptr() as usize - body.as_ptr() as usize);
        let row_end = at + text[at..].find('\n').unwrap();
        let mut swapped = text.clone();
        swapped.replace_range(at..row_end, "5,1");
        let message = format!("{:#}", parse(&swapped).unwrap_err());
        assert!(
            message.contains(&format!("line {line}: timestamp 5 is before")),
            "{message}"
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
