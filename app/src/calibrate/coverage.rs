//! Whether the threshold's buffer covered what it was meant to: at each
//! sample the calibration took, the buffer `z × σ × sqrt(W)` it set against
//! the loss the price then suffered over the next window `W` (the horizon,
//! at least a bar: a walked bar's inside carries no volatility of its own,
//! as for the tails it was measured on). A buffer set at confidence `c`
//! should be broken in a share `1 - c` of the windows; Kupiec's
//! proportion-of-failures test (Kupiec, "Techniques for verifying the
//! accuracy of risk measurement models", J. Derivatives 3(2), 1995)
//! rejects it when the count of breaks is too far from that, either way.

use serde::Serialize;

/// The 95th percentile of a chi-square with one degree of freedom: the
/// test rejects at 5 % above it.
pub const CHI_SQUARE_1_AT_95: f64 = 3.841_458_820_694_124;

/// A coverage test's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Windows observed.
    pub windows: usize,
    /// Windows whose loss broke the buffer.
    pub breaks: usize,
    /// The confidence the buffer was set at.
    pub confidence: f64,
    /// Kupiec's likelihood ratio.
    pub likelihood_ratio: f64,
    /// Whether the buffer's coverage is rejected at 5 %.
    pub rejected: bool,
}

/// Kupiec's test of `breaks` out of `windows` against a break rate of
/// `1 - confidence`.
pub fn kupiec(windows: usize, breaks: usize, confidence: f64) -> Coverage {
    let (n, x) = (windows as f64, breaks as f64);
    let p = 1.0 - confidence;
    let log_likelihood = |rate: f64| {
        let term = |count: f64, probability: f64| {
            if count == 0.0 {
                0.0
            } else {
                count * probability.ln()
            }
        };
        term(n - x, 1.0 - rate) + term(x, rate)
    };
    let likelihood_ratio = if windows == 0 {
        0.0
    } else {
        (-2.0 * (log_likelihood(p) - log_likelihood(x / n))).max(0.0)
    };
    Coverage {
        windows,
        breaks,
        confidence,
        likelihood_ratio,
        rejected: likelihood_ratio > CHI_SQUARE_1_AT_95,
    }
}

/// One window: the buffer set at its start and the loss it then saw, both
/// log moves of the price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub buffer: f64,
    pub loss: f64,
}

/// Kupiec's test of `windows` at `confidence`.
pub fn test(windows: &[Window], confidence: f64) -> Coverage {
    let breaks = windows.iter().filter(|w| w.loss > w.buffer).count();
    kupiec(windows.len(), breaks, confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kupiec_accepts_the_expected_rate_and_rejects_either_side() {
        // 1,000 windows at 99 %: 10 breaks expected.
        let at = |breaks| kupiec(1_000, breaks, 0.99);
        assert_eq!(at(10).likelihood_ratio, 0.0);
        assert!(!at(10).rejected);
        assert!(!at(15).rejected);
        // Too many breaks, and too few: a buffer far too wide is wrong too.
        assert!(at(25).rejected);
        assert!(at(1).rejected);
        // Worked: 0 breaks in 1,000 gives -2 × 1,000 × ln(0.99) = 20.1.
        assert!((at(0).likelihood_ratio - 20.100_671_707_002).abs() < 1e-9);
        let windows = [
            Window {
                buffer: 0.05,
                loss: 0.06,
            },
            Window {
                buffer: 0.05,
                loss: 0.01,
            },
        ];
        assert_eq!(test(&windows, 0.5).breaks, 1);
    }
}
