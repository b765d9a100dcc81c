//! A bar's path inside its interval, for replays that act between bars.
//!
//! A daily close-to-close replay lets a keeper act once a day: a crash that
//! took a day is one step, and any position it crosses is liquidated at the
//! bottom or not at all. On chain a keeper acts within minutes. `path`
//! replays each bar in its own time instead: its open at its timestamp, its
//! two extremes, and its close at its end, the legs between them walked in
//! steps of `step_secs` (geometric, the bar's only information about how
//! fast it moved). Which extreme came first is unknown; the usual reading is
//! taken: a bar that closed up dipped first, one that closed down rallied
//! first. A jump between one bar's close and the next bar's open stays a
//! jump.
//!
//! Only the open sits on the sample grid. Every other point of the path is
//! placed just after the grid's window, so the program's volatility counts
//! one return per bar, as it does on the closes alone: an interpolated leg
//! has no volatility of its own, and counting it would shrink the estimate.

use risk_engine::state::CalibrationParams;

use super::Tick;

/// One row of an OHLC history: its interval starts at `time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// What traded in the bar, USD; `None` when the file gives no volume
    /// or does not say its unit (a `volume` column).
    pub traded_usd: Option<f64>,
}

impl Bar {
    /// A bar of a history that has one price per row.
    pub fn flat(time: i64, price: f64) -> Self {
        Self {
            time,
            open: price,
            high: price,
            low: price,
            close: price,
            traded_usd: None,
        }
    }

    /// Open, the extreme reached first, the other extreme, close.
    fn corners(&self) -> [f64; 4] {
        if self.close >= self.open {
            [self.open, self.low, self.high, self.close]
        } else {
            [self.open, self.high, self.low, self.close]
        }
    }
}

/// The usual gap between bars (the median): the history's interval. A
/// longer gap is missing data and a shorter one a stray row; neither
/// changes how long the other bars are.
pub fn interval_secs(bars: &[Bar]) -> i64 {
    let mut gaps: Vec<i64> = bars
        .windows(2)
        .map(|pair| pair[1].time - pair[0].time)
        .collect();
    if gaps.is_empty() {
        return 0;
    }
    let middle = gaps.len() / 2;
    *gaps.select_nth_unstable(middle).1
}

/// Each bar's `(start, end)`: it lasts until the next one opens, at most
/// the history's interval.
pub fn spans(bars: &[Bar]) -> impl Iterator<Item = (i64, i64)> + '_ {
    let interval = interval_secs(bars);
    bars.iter().enumerate().map(move |(index, bar)| {
        let end = bars.get(index + 1).map_or(bar.time + interval, |next| {
            next.time.min(bar.time + interval)
        });
        (bar.time, end)
    })
}

/// The reserve's sample grid: slots of `interval_secs` from the epoch, each
/// taking a sample in its first `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct SampleGrid {
    pub interval_secs: i64,
    pub window_secs: i64,
}

impl SampleGrid {
    /// The grid of a reserve calibrated with `calibration`.
    pub fn of(calibration: &CalibrationParams) -> Self {
        Self {
            interval_secs: i64::from(calibration.sample_interval_secs),
            window_secs: i64::from(calibration.sample_window_secs()),
        }
    }

    /// `time`, or when it lies in a sample window the second after the
    /// window, or else the second before the slot: the first of these
    /// after `after` and before `before`.
    fn place(&self, time: i64, after: i64, before: i64) -> Option<i64> {
        let into_slot = time.rem_euclid(self.interval_secs);
        let slot_start = time - into_slot;
        let choices = if into_slot > self.window_secs {
            [time, time]
        } else {
            [slot_start + self.window_secs + 1, slot_start - 1]
        };
        choices.into_iter().find(|&t| t > after && t < before)
    }
}

/// Bars shorter than this many sample windows keep their open only: their
/// legs would not fit between the windows.
const WINDOWS_PER_WALKED_BAR: i64 = 3;

/// Each bar's path, walked every `step_secs` (see the module). A bar lasts
/// until the next one opens, at most the history's interval; every point
/// but the open is kept off `grid`, and times only move forward.
pub fn path(bars: &[Bar], step_secs: i64, grid: SampleGrid) -> Vec<Tick> {
    assert!(step_secs > 0, "a step of {step_secs} s");
    let interval = interval_secs(bars);
    let per_bar = usize::try_from(interval / step_secs).unwrap_or(0) + 4;
    let mut ticks: Vec<Tick> = Vec::with_capacity(bars.len().saturating_mul(per_bar));
    for (bar, (_, end)) in bars.iter().zip(spans(bars)) {
        ticks.push(Tick {
            time: bar.time,
            price: bar.open,
        });
        let open_at = ticks.len() - 1;
        let length = end - bar.time;
        if length < WINDOWS_PER_WALKED_BAR * (grid.window_secs + 2) {
            continue;
        }
        // Corners at a third, two thirds and the last second of the bar.
        let corner_targets = [bar.time + length / 3, bar.time + 2 * length / 3, end - 1];
        let corners = bar.corners();
        for leg in 0..3 {
            let (from_time, from_price) = ticks
                .last()
                .map(|t| (t.time, t.price))
                .expect("the open is in");
            let Some(to_time) = grid.place(corner_targets[leg], from_time, end) else {
                // No second left for it: the corner takes the last point
                // (never the open, which the calibration samples).
                if ticks.len() - 1 > open_at {
                    ticks.last_mut().expect("the open is in").price = corners[leg + 1];
                }
                continue;
            };
            let (from_log, to_log) = (from_price.ln(), corners[leg + 1].ln());
            let mut time = from_time + step_secs;
            while time < to_time {
                let last = ticks.last().expect("the open is in").time;
                if let Some(at) = grid.place(time, last, to_time) {
                    let share = (at - from_time) as f64 / (to_time - from_time) as f64;
                    ticks.push(Tick {
                        time: at,
                        price: (from_log + (to_log - from_log) * share).exp(),
                    });
                }
                time += step_secs;
            }
            ticks.push(Tick {
                time: to_time,
                price: corners[leg + 1],
            });
        }
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(interval_secs: i64, window_secs: i64) -> SampleGrid {
        SampleGrid {
            interval_secs,
            window_secs,
        }
    }

    fn bar(time: i64, open: f64, high: f64, low: f64, close: f64) -> Bar {
        Bar {
            time,
            open,
            high,
            low,
            close,
            traded_usd: None,
        }
    }

    #[test]
    fn a_falling_bar_rallies_first_and_its_legs_are_geometric() {
        // Bars of 90 s, a step of 10 s, a grid of 60 s slots sampled in
        // their first second.
        let bars = [
            bar(0, 100.0, 110.0, 80.0, 90.0),
            bar(90, 90.0, 90.0, 90.0, 90.0),
        ];
        let ticks = path(&bars, 10, grid(60, 1));
        let first: Vec<(i64, f64)> = ticks
            .iter()
            .take_while(|t| t.time < 90)
            .map(|t| (t.time, (t.price * 1e6).round() / 1e6))
            .collect();
        // Open at 0; high 110 at 30 s (10 and 20 s on the way, 100 ×
        // 1.1^(1/3) = 103.228012); low 80 at 60 s, which is a slot start,
        // so it moves to 62 s, and the step due at 60 s to the second
        // before the slot; close 90 at 89 s.
        let expected = [
            (0, 100.0),
            (10, 103.228012),
            (20, 106.560224),
            (30, 110.0),
            (
                40,
                (110.0f64.ln() + (80.0f64 / 110.0).ln() * 10.0 / 32.0).exp(),
            ),
            (
                50,
                (110.0f64.ln() + (80.0f64 / 110.0).ln() * 20.0 / 32.0).exp(),
            ),
            (
                59,
                (110.0f64.ln() + (80.0f64 / 110.0).ln() * 29.0 / 32.0).exp(),
            ),
            (62, 80.0),
            (
                72,
                (80.0f64.ln() + (90.0f64 / 80.0).ln() * 10.0 / 27.0).exp(),
            ),
            (
                82,
                (80.0f64.ln() + (90.0f64 / 80.0).ln() * 20.0 / 27.0).exp(),
            ),
            (89, 90.0),
        ];
        assert_eq!(first.len(), expected.len(), "{first:?}");
        for ((time, price), (want_time, want_price)) in first.iter().zip(expected) {
            assert_eq!(*time, want_time);
            assert!(
                (price - want_price).abs() < 1e-6,
                "{time}: {price} vs {want_price}"
            );
        }
    }

    #[test]
    fn a_rising_bar_dips_first() {
        let bars = [
            bar(0, 100.0, 120.0, 95.0, 110.0),
            bar(300, 110.0, 110.0, 110.0, 110.0),
        ];
        let ticks = path(&bars, 50, grid(60, 1));
        let at = |time: i64| ticks.iter().find(|t| t.time == time).unwrap().price;
        assert_eq!(at(0), 100.0);
        assert_eq!(at(100), 95.0);
        assert_eq!(at(200), 120.0);
        assert_eq!(at(299), 110.0);
        assert_eq!(at(300), 110.0);
    }

    #[test]
    fn only_the_opens_are_on_the_sample_grid_and_time_only_moves_forward() {
        // Daily bars on a 15-minute grid sampled in its first 15 s.
        let bars: Vec<Bar> = (0..5)
            .map(|day| {
                let open = 100.0 + day as f64;
                bar(day * 86_400, open, open * 1.1, open * 0.8, open * 1.01)
            })
            .collect();
        let ticks = path(&bars, 60, grid(900, 15));
        assert!(ticks.windows(2).all(|pair| pair[1].time > pair[0].time));
        let on_grid: Vec<&Tick> = ticks.iter().filter(|t| t.time % 900 <= 15).collect();
        assert_eq!(on_grid.len(), 5);
        for (tick, bar) in on_grid.iter().zip(&bars) {
            assert_eq!((tick.time, tick.price), (bar.time, bar.open));
        }
        // Every extreme is reached, and nothing goes beyond them.
        for bar in &bars {
            let inside: Vec<f64> = ticks
                .iter()
                .filter(|t| t.time >= bar.time && t.time < bar.time + 86_400)
                .map(|t| t.price)
                .collect();
            let low = inside.iter().copied().fold(f64::MAX, f64::min);
            let high = inside.iter().copied().fold(f64::MIN, f64::max);
            assert!((low / bar.low - 1.0).abs() < 1e-12, "{low} vs {}", bar.low);
            assert!(
                (high / bar.high - 1.0).abs() < 1e-12,
                "{high} vs {}",
                bar.high
            );
            // About one tick a minute.
            assert!((1_400..=1_445).contains(&inside.len()), "{}", inside.len());
        }
    }

    #[test]
    fn bars_off_the_grid_or_of_uneven_length_stay_inside_themselves() {
        // Daily bars 1..20 s after midnight, on a 15-minute grid sampled in
        // its first 15 s, and a stray row 30 s after one of them.
        for offset in 1..20 {
            let mut bars: Vec<Bar> = (0..4)
                .map(|day| {
                    let open = 100.0 + day as f64;
                    bar(
                        day * 86_400 + offset,
                        open,
                        open * 1.1,
                        open * 0.8,
                        open * 1.01,
                    )
                })
                .collect();
            bars.insert(2, bar(86_400 + offset + 30, 101.0, 102.0, 100.0, 101.5));
            let ticks = path(&bars, 60, grid(900, 15));
            assert!(
                ticks.windows(2).all(|pair| pair[1].time > pair[0].time),
                "offset {offset}"
            );
            for (index, bar) in bars.iter().enumerate() {
                let end = bars.get(index + 1).map_or(i64::MAX, |next| next.time);
                let inside: Vec<&Tick> = ticks
                    .iter()
                    .filter(|t| t.time >= bar.time && t.time < end)
                    .collect();
                assert_eq!(inside[0].price, bar.open, "offset {offset}");
                // Every point but the open is off the grid.
                assert!(
                    inside[1..].iter().all(|t| t.time % 900 > 15),
                    "offset {offset}"
                );
                if index != 1 {
                    assert_eq!(inside.last().unwrap().price, bar.close, "offset {offset}");
                }
            }
        }
        // The usual gap, not the stray one, sets a bar's length.
        let bars = [
            bar(0, 1.0, 1.0, 1.0, 1.0),
            bar(900, 1.0, 1.0, 1.0, 1.0),
            bar(901, 1.0, 1.0, 1.0, 1.0),
            bar(1_800, 1.0, 1.0, 1.0, 1.0),
            bar(2_700, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(interval_secs(&bars), 900);
    }
}
