use super::*;

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// The inverse of [`civil_from_days`].
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let march_based_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * march_based_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// "2021-05-19" for a unix time, in UTC.
pub fn format_utc_date(unix_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(SECONDS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// "2021-05-19 14:00" for a unix time, in UTC.
pub fn format_utc_minute(unix_seconds: i64) -> String {
    let (hour, minute) = hour_and_minute(unix_seconds);
    format!("{} {hour:02}:{minute:02}", format_utc_date(unix_seconds))
}

pub(super) fn hour_and_minute(unix_seconds: i64) -> (i64, i64) {
    let second_of_day = unix_seconds.rem_euclid(SECONDS_PER_DAY);
    (second_of_day / 3600, second_of_day % 3600 / 60)
}

/// A time-axis label: the date, or "05-19 14:00" when the axis spans less
/// than three days and the hour matters.
pub fn format_time_tick(unix_seconds: f64, span_seconds: f64) -> String {
    let seconds = unix_seconds.floor() as i64;
    if span_seconds >= SHORT_SPAN_SECONDS {
        return format_utc_date(seconds);
    }
    let (_, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let (hour, minute) = hour_and_minute(seconds);
    format!("{month:02}-{day:02} {hour:02}:{minute:02}")
}

/// Round moments inside `[min, max]`: whole hours or days when they fit,
/// month starts for long spans. Spans of three days or more never get
/// ticks finer than a day, since their labels show only the date.
pub(super) fn time_ticks(min: f64, max: f64, max_count: usize) -> Vec<f64> {
    const HOUR: i64 = 3600;
    const DAY: i64 = SECONDS_PER_DAY;
    const SUB_DAY: [i64; 10] = [
        60,
        300,
        600,
        900,
        1800,
        HOUR,
        2 * HOUR,
        3 * HOUR,
        6 * HOUR,
        12 * HOUR,
    ];
    const DAYS: [i64; 4] = [DAY, 2 * DAY, 7 * DAY, 14 * DAY];
    const MONTHS: [i64; 10] = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600];
    let max_count = max_count.max(2) as f64;
    let short = max - min < SHORT_SPAN_SECONDS;
    let fixed_steps = SUB_DAY.iter().filter(|_| short).chain(DAYS.iter());
    for &step in fixed_steps {
        // Weeks start on Monday; 1970-01-05 was one.
        let origin = if step >= 7 * DAY { 4 * DAY } else { 0 } as f64;
        let first = ((min - origin) / step as f64).ceil();
        let last = ((max - origin) / step as f64).floor();
        if last - first + 1.0 <= max_count {
            let to_tick = |i: i64| origin + (i * step) as f64;
            return (first as i64..=last as i64).map(to_tick).collect();
        }
    }
    for months in MONTHS {
        let approximate = (max - min) / (months as f64 * 30.4 * DAY as f64);
        if approximate <= max_count {
            let ticks = month_ticks(min, max, months);
            if ticks.len() as f64 <= max_count {
                return ticks;
            }
        }
    }
    Vec::new()
}

/// First days of months inside `[min, max]`, every `step` months counted
/// from January of year 0, so yearly ticks fall on 1 January.
pub(super) fn month_ticks(min: f64, max: f64, step: i64) -> Vec<f64> {
    let (year, month, _) = civil_from_days((min / SECONDS_PER_DAY as f64).floor() as i64);
    let mut index = year * 12 + i64::from(month) - 1;
    let start_of = |index: i64| {
        let days = days_from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1);
        (days * SECONDS_PER_DAY) as f64
    };
    if start_of(index) < min {
        index += 1;
    }
    index = (index + step - 1).div_euclid(step) * step;
    let mut ticks = Vec::new();
    while start_of(index) <= max {
        ticks.push(start_of(index));
        index += step;
    }
    ticks
}
