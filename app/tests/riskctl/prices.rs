//! `riskctl prices fetch` against a local stand-in for Coinbase Exchange's
//! candles endpoint: pages are requested, stitched, sorted and written as
//! a CSV the other commands read; no network means a clear error.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use riskctl::history::csv;

/// The stand-in's price for a candle starting at `time`.
fn close(time: i64) -> f64 {
    30_000.0 + (time / 86_400 % 97) as f64
}

fn query(path: &str, key: &str) -> String {
    path.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .unwrap_or_default()
        .to_string()
}

fn unix(iso: &str) -> i64 {
    let (date, _) = iso.split_once('T').unwrap();
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    riskctl::report::chart::days_from_civil(parts[0], parts[1] as u32, parts[2] as u32) * 86_400
}

/// Serves daily candles, newest first as the real API does, for every
/// request; returns its address and the paths it was asked for.
fn stand_in() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            log.lock().unwrap().push(path.clone());
            let (start, end) = (unix(&query(&path, "start")), unix(&query(&path, "end")));
            let mut candles: Vec<String> = (start / 86_400..end / 86_400)
                .map(|day| {
                    let t = day * 86_400;
                    format!(
                        "[{t},{},{},{},{},12.5]",
                        close(t) - 10.0,
                        close(t) + 10.0,
                        close(t) - 1.0,
                        close(t)
                    )
                })
                .collect();
            candles.reverse();
            let body = format!("[{}]", candles.join(","));
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    });
    (address, seen)
}

#[test]
fn a_long_range_is_fetched_in_pages_and_written_in_order() {
    let (address, seen) = stand_in();
    let out = std::env::temp_dir().join(format!("riskctl-{}-fetched.csv", std::process::id()));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_riskctl"))
        .args([
            "prices",
            "fetch",
            "--product",
            "BTC-USD",
            "--from",
            "2020-01-01",
            "--to",
            "2021-06-01",
        ])
        .args(["--out", out.to_str().unwrap(), "--api-url", &address])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // 517 days: two pages of at most 300.
    let paths = seen.lock().unwrap().clone();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths[0]
        .starts_with("/products/BTC-USD/candles?granularity=86400&start=2020-01-01T00:00:00Z"));
    let ticks = csv::read(&out).unwrap();
    assert_eq!(ticks.len(), 517);
    assert_eq!(ticks[0].time, 1_577_836_800);
    assert!(ticks.iter().all(|t| t.price == close(t.time)));
    assert!(String::from_utf8_lossy(&output.stdout).contains("517 candles of BTC-USD written to"));
    std::fs::remove_file(out).ok();
}
