//! A chain halt as a stress case: Solana stopped for about 17 hours in
//! September 2021, 7 hours in April-May 2022, 4.5 hours in June 2022,
//! 6 to 8 hours in September-October 2022, close to 20 hours in February
//! 2023 and 5 hours in February 2024 (Solana's and the press's incident
//! reports). While halted nothing lands: no refresh, no liquidation, no
//! borrow; the market moves on without the chain, and the calibration
//! goes stale as it would. The replay halts at the worst moment it has:
//! the start of its path's largest drawdown.

use crate::history::Tick;

/// The halt the stress case runs by default: 6 hours.
pub const DEFAULT_HALT_SECS: i64 = 6 * 3_600;

/// A span of time in which nothing lands on chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Halt {
    pub from: i64,
    pub until: i64,
}

impl Halt {
    pub fn covers(&self, time: i64) -> bool {
        time >= self.from && time < self.until
    }
}

/// The time of the peak that starts `path`'s largest relative drawdown
/// (peak to later trough), or its first tick when prices never fall.
pub fn largest_drawdown_start(path: &[Tick]) -> Option<i64> {
    let first = path.first()?;
    let (mut peak, mut worst, mut start) = (*first, 0.0, first.time);
    for tick in path {
        if tick.price > peak.price {
            peak = *tick;
        }
        let drawdown = 1.0 - tick.price / peak.price;
        if drawdown > worst {
            worst = drawdown;
            start = peak.time;
        }
    }
    Some(start)
}

/// A halt of `secs` from the start of `path`'s largest drawdown.
pub fn at_worst_moment(path: &[Tick], secs: i64) -> Option<Halt> {
    let from = largest_drawdown_start(path)?;
    Some(Halt {
        from,
        until: from + secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(prices: &[f64]) -> Vec<Tick> {
        prices
            .iter()
            .enumerate()
            .map(|(i, &price)| Tick {
                time: i as i64 * 100,
                price,
            })
            .collect()
    }

    #[test]
    fn the_halt_starts_at_the_peak_of_the_deepest_fall() {
        // -20 % from 100 at t=100, then -50 % from 120 at t=400.
        let ticks = path(&[90.0, 100.0, 80.0, 110.0, 120.0, 70.0, 60.0, 130.0]);
        assert_eq!(largest_drawdown_start(&ticks), Some(400));
        assert_eq!(
            at_worst_moment(&ticks, 6 * 3_600),
            Some(Halt {
                from: 400,
                until: 400 + 21_600
            })
        );
        assert_eq!(largest_drawdown_start(&path(&[1.0, 2.0, 3.0])), Some(0));
        assert!(Halt {
            from: 10,
            until: 20
        }
        .covers(10));
        assert!(!Halt {
            from: 10,
            until: 20
        }
        .covers(20));
    }
}
