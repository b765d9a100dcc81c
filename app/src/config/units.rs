//! Human units to the program's integers and back, exactly.
//!
//! Every value is parsed as a decimal string, never through a float, so
//! "87.5 %" is 8,750 bps and "0.1 %" is 10 bps with no rounding. A value
//! finer than the field's resolution is refused rather than rounded.

use serde::Deserialize;

/// A value as written in a file or on the command line: TOML strings,
/// integers and floats all arrive here as their decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Human(pub String);

impl<'de> Deserialize<'de> for Human {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Integer(i64),
            Float(f64),
        }
        Ok(Human(match Raw::deserialize(deserializer)? {
            Raw::Text(text) => text,
            Raw::Integer(value) => value.to_string(),
            // Rust prints the shortest text that reads back as the same
            // float, which is the literal the user wrote.
            Raw::Float(value) => value.to_string(),
        }))
    }
}

impl std::fmt::Display for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `digits × 10^-scale`, non-negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    digits: u128,
    scale: u32,
}

fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    if cleaned.starts_with('-') {
        return Err(format!("\"{text}\" is negative"));
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(format!("\"{text}\" is not a number"));
    }
    let fraction = fraction.trim_end_matches('0');
    let digits = format!("{whole}{fraction}").parse::<u128>().unwrap_or(
        if whole.is_empty() && fraction.is_empty() {
            0
        } else {
            u128::MAX
        },
    );
    if digits == u128::MAX {
        return Err(format!("\"{text}\" is too large"));
    }
    Ok(Decimal {
        digits,
        scale: fraction.len() as u32,
    })
}

/// `decimal × 10^places` as an integer; refuses a value with more
/// fractional digits than `places`.
fn scale_exactly(
    decimal: Decimal,
    places: u32,
    text: &str,
    resolution: &str,
) -> Result<u128, String> {
    if decimal.scale > places {
        return Err(format!("\"{text}\" is finer than {resolution}"));
    }
    10u128
        .checked_pow(places - decimal.scale)
        .and_then(|factor| decimal.digits.checked_mul(factor))
        .ok_or_else(|| format!("\"{text}\" is too large"))
}

fn fit<T: TryFrom<u128>>(value: u128, text: &str, max: &str) -> Result<T, String> {
    T::try_from(value).map_err(|_| format!("\"{text}\" is above the largest allowed, {max}"))
}

/// Strips a unit suffix (case-insensitive), returning the number part.
fn strip_unit<'a>(text: &'a str, units: &[&str]) -> Option<&'a str> {
    let trimmed = text.trim();
    units.iter().find_map(|unit| {
        let split = trimmed.len().checked_sub(unit.len())?;
        let (number, suffix) = trimmed.split_at_checked(split)?;
        suffix.eq_ignore_ascii_case(unit).then(|| number.trim_end())
    })
}

/// A percentage ("87.5%", "87.5 %") or basis points ("8750 bps") to bps.
pub fn percent_to_bps(text: &str) -> Result<u32, String> {
    let bps = if let Some(number) = strip_unit(text, &["%"]) {
        scale_exactly(parse_decimal(number)?, 2, text, "0.01 %")?
    } else if let Some(number) = strip_unit(text, &["bps"]) {
        scale_exactly(parse_decimal(number)?, 0, text, "1 bps")?
    } else {
        return Err(format!("\"{text}\" needs a unit: \"%\" or \"bps\""));
    };
    fit(bps, text, "42,949,672.95 %")
}

/// A yearly rate ("7%", "7 %/year") to bps per year.
pub fn annual_percent_to_bps(text: &str) -> Result<u32, String> {
    percent_to_bps(strip_unit(text, &["/year"]).unwrap_or(text))
}

/// A percentage that must fit a `u16` field of bps (at most 655.35 %).
pub fn percent_to_bps_u16(text: &str) -> Result<u16, String> {
    let bps = percent_to_bps(text)?;
    fit(u128::from(bps), text, "655.35 %")
}

/// A plain ratio ("0.95") to bps of 1 (9,500): health factors.
pub fn ratio_to_bps(text: &str) -> Result<u16, String> {
    let bps = scale_exactly(parse_decimal(text)?, 4, text, "0.0001")?;
    fit(bps, text, "6.5535")
}

/// A duration with its unit ("90s", "15 min", "6h", "14d") to seconds.
pub fn duration_to_secs(text: &str) -> Result<u32, String> {
    const UNITS: [(&str, u128); 6] = [
        ("min", 60),
        ("s", 1),
        ("m", 60),
        ("h", 3_600),
        ("d", 86_400),
        ("w", 604_800),
    ];
    for (unit, seconds) in UNITS {
        if let Some(number) = strip_unit(text, &[unit]) {
            if number
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphabetic())
            {
                continue;
            }
            // "1.5h" is 5,400 s: scale by the unit, then check the result
            // is a whole number of seconds.
            let decimal = parse_decimal(number)?;
            let scaled = decimal
                .digits
                .checked_mul(seconds)
                .ok_or_else(|| format!("\"{text}\" is too long"))?;
            let factor = 10u128.pow(decimal.scale);
            if scaled % factor != 0 {
                return Err(format!("\"{text}\" is finer than 1 s"));
            }
            let total = scaled / factor;
            return fit(total, text, "4,294,967,295 s");
        }
    }
    Err(format!("\"{text}\" needs a unit: s, min, h, d or w"))
}

/// Whole US dollars ("250000", "250,000 USD", "$250000").
pub fn usd_whole(text: &str) -> Result<u64, String> {
    let number = strip_unit(text, &["usd"])
        .unwrap_or(text)
        .trim()
        .trim_start_matches('$');
    let value = scale_exactly(parse_decimal(number)?, 0, text, "1 USD")?;
    fit(value, text, "18,446,744,073,709,551,615 USD")
}

/// US dollars with cents and below, to millionths of a dollar.
pub fn usd_e6(text: &str) -> Result<u64, String> {
    let number = strip_unit(text, &["usd"])
        .unwrap_or(text)
        .trim()
        .trim_start_matches('$');
    let value = scale_exactly(parse_decimal(number)?, 6, text, "0.000001 USD")?;
    fit(value, text, "18,446,744,073,709.551615 USD")
}

/// A price in US dollars to Pyth's integer form with exponent -8.
pub fn usd_to_price_e8(text: &str) -> Result<i64, String> {
    let number = strip_unit(text, &["usd"])
        .unwrap_or(text)
        .trim()
        .trim_start_matches('$');
    let value = scale_exactly(parse_decimal(number)?, 8, text, "0.00000001 USD")?;
    if value == 0 {
        return Err(format!("price \"{text}\" must be above 0"));
    }
    fit(value, text, "92,233,720,368.54775807 USD")
}

/// Whole tokens ("1.5") to base units of a mint with `decimals`.
pub fn tokens_to_base_units(text: &str, decimals: u8) -> Result<u64, String> {
    let resolution = format!("the mint's {decimals} decimals");
    let value = scale_exactly(parse_decimal(text)?, u32::from(decimals), text, &resolution)?;
    fit(value, text, "u64::MAX base units")
}

/// A plain non-negative integer (z in thousandths, ids).
pub fn integer(text: &str) -> Result<u64, String> {
    let value = scale_exactly(parse_decimal(text)?, 0, text, "1")?;
    fit(value, text, "18,446,744,073,709,551,615")
}

/// bps as a percentage with two decimals: 8,750 → "87.50 %".
pub fn fmt_bps(bps: u64) -> String {
    format!("{}.{:02} %", bps / 100, bps % 100)
}

/// Seconds in the largest unit that divides them: 21,600 → "6 h".
pub fn fmt_secs(secs: u64) -> String {
    for (unit, seconds) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("min", 60)] {
        if secs >= seconds && secs.is_multiple_of(seconds) {
            return format!("{} {unit}", secs / seconds);
        }
    }
    format!("{secs} s")
}

/// Base units as whole tokens, exactly: (1_500_000_000, 9) → "1.5".
pub fn fmt_tokens(amount: u64, decimals: u8) -> String {
    let factor = 10u128.pow(u32::from(decimals));
    let (whole, fraction) = (u128::from(amount) / factor, u128::from(amount) % factor);
    if fraction == 0 {
        return group_thousands(whole);
    }
    let fraction = format!("{fraction:0width$}", width = usize::from(decimals));
    format!(
        "{}.{}",
        group_thousands(whole),
        fraction.trim_end_matches('0')
    )
}

/// Dollars for display, with cents and thousands separators: "$1,234.56".
pub fn fmt_usd(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let cents = (value.abs() * 100.0).round() as u128;
    let sign = if value < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${}.{:02}", group_thousands(cents / 100), cents % 100)
}

/// A unit price: cents from $1 up, four significant digits below
/// ("$0.00002", "$0.9998").
pub fn fmt_usd_price(value: f64) -> String {
    if !value.is_finite() || value.abs() >= 1.0 || value == 0.0 {
        return fmt_usd(value);
    }
    let decimals = (3 - value.abs().log10().floor() as i32).clamp(2, 12) as usize;
    let text = format!("{:.*}", decimals, value.abs());
    let text = text.trim_end_matches('0');
    format!("{}${text}", if value < 0.0 { "-" } else { "" })
}

fn group_thousands(value: u128) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
