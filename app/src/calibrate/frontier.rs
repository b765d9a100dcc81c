//! The static frontier a calibration is judged against: on one test part
//! and in one market, the mean max LTV every static threshold offers
//! against the bad debt it leaves. A dynamic set earns its keep only by
//! lying above it: more lending for the same bad debt, or less bad debt
//! for the same lending.

use super::walk_forward::{StaticRun, NEGLIGIBLE_BAD_DEBT_BPS_OF_PEAK};
use crate::backtest::RunMetrics;

/// Static thresholds the frontier is drawn with: 40 % to 95 % by whole
/// points.
pub fn grid() -> Vec<u16> {
    (40..=95).map(|percent| percent * 100).collect()
}

/// The most mean max LTV (bps) a static threshold offers while leaving at
/// most `bad_debt_bps` of peak debt (the negligible amount always allowed);
/// `None` when none is that clean.
pub fn lending_at(statics: &[StaticRun], bad_debt_bps: f64) -> Option<f64> {
    let allowed = bad_debt_bps.max(NEGLIGIBLE_BAD_DEBT_BPS_OF_PEAK);
    statics
        .iter()
        .filter(|s| s.metrics.bad_debt_bps_of_peak_debt < allowed + 1e-9)
        .map(|s| s.metrics.avg_max_ltv_bps)
        .reduce(f64::max)
}

/// How far above the frontier `dynamic` lies, in points of mean max LTV at
/// its own bad debt (positive above). `None` when no static threshold is
/// as clean as it: then it lies above the whole frontier.
pub fn distance_points(statics: &[StaticRun], dynamic: &RunMetrics) -> Option<f64> {
    lending_at(statics, dynamic.bad_debt_bps_of_peak_debt)
        .map(|frontier| (dynamic.avg_max_ltv_bps - frontier) / 100.0)
}

/// Whether `dynamic` lies above the frontier: more lending than any
/// static threshold that clean, or cleaner than all of them.
pub fn is_above(statics: &[StaticRun], dynamic: &RunMetrics) -> bool {
    distance_points(statics, dynamic).is_none_or(|distance| distance > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(threshold_bps: u16, bad: f64, ltv: f64) -> StaticRun {
        StaticRun {
            threshold_bps,
            metrics: RunMetrics {
                bad_debt_bps_of_peak_debt: bad,
                avg_max_ltv_bps: ltv,
                ..RunMetrics::default()
            },
        }
    }

    #[test]
    fn the_frontier_is_the_most_lending_at_each_level_of_bad_debt() {
        let statics = [
            run(8_000, 0.0, 7_500.0),
            run(8_500, 0.05, 8_000.0),
            run(9_000, 3.0, 8_500.0),
            run(9_500, 40.0, 9_000.0),
        ];
        // Negligible bad debt counts as none: 85 % is on the frontier at 0.
        assert_eq!(lending_at(&statics, 0.0), Some(8_000.0));
        assert_eq!(lending_at(&statics, 3.0), Some(8_500.0));
        assert_eq!(lending_at(&statics, 100.0), Some(9_000.0));
        let dynamic = |bad, ltv| RunMetrics {
            bad_debt_bps_of_peak_debt: bad,
            avg_max_ltv_bps: ltv,
            ..RunMetrics::default()
        };
        // 82 % of lending at no bad debt: 2 points above 80 %.
        assert_eq!(distance_points(&statics, &dynamic(0.0, 8_200.0)), Some(2.0));
        assert!(is_above(&statics, &dynamic(0.0, 8_200.0)));
        // 84 % at 5 bps: below the 85 % static that left 3 bps.
        assert_eq!(
            distance_points(&statics, &dynamic(5.0, 8_400.0)),
            Some(-1.0)
        );
        assert!(!is_above(&statics, &dynamic(5.0, 8_400.0)));
        let none_clean = [run(9_000, 3.0, 8_500.0)];
        assert_eq!(distance_points(&none_clean, &dynamic(0.0, 6_000.0)), None);
        assert!(is_above(&none_clean, &dynamic(0.0, 6_000.0)));
    }
}
