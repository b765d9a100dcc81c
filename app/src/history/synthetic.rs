//! Synthetic minute prices for benchmarks and sweeps of long horizons:
//! geometric Brownian motion whose volatility switches between a calm and a
//! stressed regime, with a crash day every few months. Deterministic for a
//! given seed.

use super::random::Random;
use super::Tick;

const MINUTES_PER_YEAR: f64 = 525_600.0;
/// 2026-01-01 00:00 UTC.
const START: i64 = 1_767_225_600;

/// `count` minute ticks from `start_price`.
pub fn minutes(count: usize, start_price: f64, seed: u64) -> Vec<Tick> {
    let mut random = Random::new(seed);
    let mut ticks = Vec::with_capacity(count);
    let mut log_price = start_price.ln();
    let mut stressed = false;
    for i in 0..count {
        // Regimes last days: switch with a small chance each minute.
        if random.uniform() < 1.0 / (3.0 * 1_440.0) {
            stressed = !stressed;
        }
        let sigma = if stressed { 1.5 } else { 0.5 };
        let crash_day = (i / 1_440) % 97 == 96;
        let drift = if crash_day {
            (0.7f64).ln() / 1_440.0
        } else {
            0.0
        };
        log_price += drift + sigma / MINUTES_PER_YEAR.sqrt() * random.normal();
        ticks.push(Tick {
            time: START + 60 * i as i64,
            price: log_price.exp(),
        });
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_ticks_are_regular_positive_and_repeatable() {
        let path = minutes(10_000, 100.0, 3);
        assert_eq!(path.len(), 10_000);
        assert!(path.windows(2).all(|w| w[1].time - w[0].time == 60));
        assert!(path.iter().all(|t| t.price > 0.0));
        assert_eq!(path, minutes(10_000, 100.0, 3));
    }
}
