use super::*;

/// Evenly spaced round values covering `[min, max]`: the step is 1, 2 or 5
/// times a power of ten, the first tick is at or below `min`, the last at
/// or above `max`, and there are at most `max_count` (at least 2) ticks.
/// A zero-width range is widened so a constant still gets an axis.
pub fn nice_ticks(min: f64, max: f64, max_count: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() {
        return Vec::new();
    }
    let (mut low, mut high) = (min.min(max), min.max(max));
    if high - low <= high.abs().max(low.abs()) * 1e-12 {
        let pad = padding_for_constant(low);
        low -= pad;
        high += pad;
    }
    let max_count = max_count.max(2);
    let needed = (high - low) / (max_count - 1) as f64;
    if !needed.is_finite() {
        return vec![low, high];
    }
    let smallest_exponent = (needed.log10().floor() as i32).clamp(-300, 300);
    for exponent in smallest_exponent..smallest_exponent + 8 {
        for mantissa in [1_i64, 2, 5] {
            let step = mantissa as f64 * 10f64.powi(exponent);
            let first = (low / step).floor() as i64;
            let last = (high / step).ceil() as i64;
            if last.saturating_sub(first) < max_count as i64 {
                return (first..=last)
                    .map(|i| tick_value(i, mantissa, exponent))
                    .collect();
            }
        }
    }
    vec![low, high]
}

/// `i × mantissa × 10^exponent`, computed so that 3 × 0.1 is 0.3 exactly.
pub(super) fn tick_value(i: i64, mantissa: i64, exponent: i32) -> f64 {
    let units = (i * mantissa) as f64;
    if exponent < 0 {
        units / 10f64.powi(-exponent)
    } else {
        units * 10f64.powi(exponent)
    }
}

/// Tick labels sharing one suffix and as many decimals as the step needs.
pub(super) fn numeric_tick_labels(ticks: &[f64]) -> Vec<(f64, String)> {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    };
    let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
    let (scale, suffix) = magnitude_suffix(largest);
    let decimals = (-(step / scale).log10()).ceil().clamp(0.0, 12.0) as usize;
    ticks
        .iter()
        .map(|&t| (t, format_scaled(t / scale, decimals, suffix)))
        .collect()
}

/// A short human reading of a number: 1,250,000 → "1.25M", 2500 →
/// "2,500", 0.035 → "0.035", to four significant digits.
pub fn format_compact(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let rounded = round_significant(value.abs(), 4);
    if rounded != 0.0 && rounded < 1e-6 {
        return format!("{value:.2e}");
    }
    let (scale, suffix) = magnitude_suffix(rounded);
    let scaled = round_significant(value / scale, 4);
    let decimals = if scaled == 0.0 {
        0
    } else {
        (3 - scaled.abs().log10().floor() as i32).clamp(0, 12) as usize
    };
    format_scaled(scaled, decimals, suffix)
}

pub(super) fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    let power = digits - 1 - value.abs().log10().floor() as i32;
    let factor = 10f64.powi(power.abs());
    if power >= 0 {
        (value * factor).round() / factor
    } else {
        (value / factor).round() * factor
    }
}

pub(super) fn magnitude_suffix(magnitude: f64) -> (f64, &'static str) {
    match magnitude {
        m if m >= 1e12 => (1e12, "T"),
        m if m >= 1e9 => (1e9, "B"),
        m if m >= 1e6 => (1e6, "M"),
        m if m >= 1e4 => (1e3, "k"),
        _ => (1.0, ""),
    }
}

/// Fixed decimals, trailing zeros trimmed, thousands grouped; zero is
/// plain "0", never "-0" or "0M".
pub(super) fn format_scaled(value: f64, decimals: usize, suffix: &str) -> String {
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let point = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{grouped}{point}{fraction}{suffix}")
}

pub(super) fn with_unit(value: &str, unit: &str) -> String {
    if unit.is_empty() {
        value.to_string()
    } else {
        format!("{value} {unit}")
    }
}
