//! `riskctl prices fetch`: price history from Coinbase Exchange's public
//! market-data API (`GET /products/{product}/candles`, no key needed), in
//! pages of at most 300 candles, written as the OHLCV CSV every command
//! reads.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use super::csv;
use crate::report::chart::civil_from_days;

pub const COINBASE_EXCHANGE: &str = "https://api.exchange.coinbase.com";

/// Candles per request, as the API allows.
const PAGE: i64 = 300;

/// Granularities the API serves, seconds.
pub const GRANULARITIES: [i64; 6] = [60, 300, 900, 3_600, 21_600, 86_400];

#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub api_url: String,
    /// e.g. "BTC-USD".
    pub product: String,
    pub granularity_secs: i64,
    /// Unix seconds, start inclusive, end exclusive.
    pub from: i64,
    pub to: i64,
}

/// One candle: `[time, low, high, open, close, volume]`.
type Candle = (i64, f64, f64, f64, f64, f64);

fn iso(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// Downloads the candles and returns them as CSV text, oldest first,
/// checked by the same reader every command uses.
pub fn fetch(request: &FetchRequest, mut on_page: impl FnMut(usize, usize)) -> Result<String> {
    if !GRANULARITIES.contains(&request.granularity_secs) {
        bail!(
            "interval of {} s is not served; use 1m, 5m, 15m, 1h, 6h or 1d",
            request.granularity_secs
        );
    }
    if request.to <= request.from {
        bail!("--to must be after --from");
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("riskctl/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let span = PAGE * request.granularity_secs;
    let pages = ((request.to - request.from) + span - 1) / span;
    let mut candles: Vec<Candle> = Vec::new();
    for page in 0..pages {
        let start = request.from + page * span;
        let end = (start + span).min(request.to);
        let url = format!(
            "{}/products/{}/candles?granularity={}&start={}&end={}",
            request.api_url.trim_end_matches('/'),
            request.product,
            request.granularity_secs,
            iso(start),
            iso(end)
        );
        let response = client.get(&url).send().map_err(|error| {
            if error.is_connect() || error.is_timeout() {
                anyhow!("cannot reach {}: {error}", request.api_url)
            } else {
                anyhow!("{url}: {error}")
            }
        })?;
        let status = response.status();
        let body = response
            .text()
            .with_context(|| format!("{url}: reading the answer"))?;
        if !status.is_success() {
            bail!(
                "{url}: {status}: {}",
                body.chars().take(200).collect::<String>()
            );
        }
        let page_candles: Vec<Candle> = serde_json::from_str(&body).with_context(|| {
            format!("{url}: not a list of [time, low, high, open, close, volume]")
        })?;
        candles.extend(
            page_candles
                .into_iter()
                .filter(|c| (start..end).contains(&c.0)),
        );
        on_page(page as usize + 1, pages as usize);
    }
    candles.sort_by_key(|c| c.0);
    candles.dedup_by_key(|c| c.0);
    if candles.len() < 2 {
        bail!(
            "{} returned {} candles for {}: nothing to write",
            request.api_url,
            candles.len(),
            request.product
        );
    }
    // Coinbase Exchange candles give volume in the base asset.
    let mut text = String::from("unix_timestamp,open,high,low,close,volume_base\n");
    for (time, low, high, open, close, volume) in &candles {
        text.push_str(&format!("{time},{open},{high},{low},{close},{volume}\n"));
    }
    csv::parse(&text).context("the downloaded history does not validate")?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_utc() {
        assert_eq!(iso(1_621_382_400), "2021-05-19T00:00:00Z");
        assert_eq!(iso(1_621_382_400 + 3_661), "2021-05-19T01:01:01Z");
    }
}
