//! The built-in crash: a calm week, a one-day crash, a choppy aftermath.
//! Deterministic (a fixed seed), so every run and every test sees the same
//! path.

use super::random::Random;
use super::Tick;

const HOUR: i64 = 3_600;
const HOURS_PER_YEAR: f64 = 8_760.0;

/// One phase: `hours` of hourly log returns with annualised volatility
/// `sigma_per_year` and a total drift of `total_move` (log-space).
struct Phase {
    hours: usize,
    sigma_per_year: f64,
    total_move: f64,
}

/// Hourly prices from `start_price` at `start_time`: 96 calm hours at
/// 50 %/year volatility, a 24-hour crash of -40 % at 200 %/year, and 48
/// hours of aftermath at 120 %/year with a partial rebound.
pub fn crash(start_time: i64, start_price: f64) -> Vec<Tick> {
    let phases = [
        Phase {
            hours: 96,
            sigma_per_year: 0.50,
            total_move: 0.0,
        },
        Phase {
            hours: 24,
            sigma_per_year: 2.00,
            total_move: (0.60f64).ln(),
        },
        Phase {
            hours: 48,
            sigma_per_year: 1.20,
            total_move: (1.08f64).ln(),
        },
    ];
    let mut noise = Random::new(0x5eed_cafe);
    let mut ticks = vec![Tick {
        time: start_time,
        price: start_price,
    }];
    let mut log_price = start_price.ln();
    for phase in phases {
        let step_sigma = phase.sigma_per_year / HOURS_PER_YEAR.sqrt();
        let drift = phase.total_move / phase.hours as f64;
        for _ in 0..phase.hours {
            log_price += drift + step_sigma * noise.normal();
            let time = ticks.last().map_or(start_time, |t| t.time) + HOUR;
            ticks.push(Tick {
                time,
                price: log_price.exp(),
            });
        }
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crash_is_hourly_deterministic_and_falls_about_forty_percent() {
        let path = crash(1_000_000, 150.0);
        assert_eq!(path.len(), 1 + 96 + 24 + 48);
        assert!(path.windows(2).all(|w| w[1].time - w[0].time == HOUR));
        assert_eq!(path, crash(1_000_000, 150.0));
        let before_crash = path[96].price;
        let after_crash = path[120].price;
        let fall = after_crash / before_crash - 1.0;
        assert!((-0.55..=-0.25).contains(&fall), "crash day moved {fall}");
        let low = path.iter().map(|t| t.price).fold(f64::MAX, f64::min);
        assert!(low < 0.75 * 150.0, "lowest price {low}");
    }
}
