//! The parameter sets a sweep tries: every combination of the listed
//! values that governance could actually set.

use risk_engine::state::{CalibrationParams, RiskBounds};
use serde::Serialize;

use crate::config::units::{fmt_bps, fmt_secs};
use crate::config::ReserveSpec;

/// Values to try for each swept parameter.
#[derive(Debug, Clone)]
pub struct Grid {
    pub quantile_z_milli: Vec<u32>,
    pub horizon_secs: Vec<u32>,
    pub fast_half_life_secs: Vec<u32>,
    pub slow_half_life_secs: Vec<u32>,
    pub lt_min_bps: Vec<u16>,
    pub lt_max_bps: Vec<u16>,
    pub max_tighten_bps_per_hour: Vec<u16>,
    pub max_loosen_bps_per_hour: Vec<u16>,
    pub bonus_bps: Vec<u16>,
}

/// One parameter set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Candidate {
    pub calibration: CalibrationParamsView,
    pub bounds: BoundsView,
}

/// The swept calibration values, flat for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalibrationParamsView {
    pub quantile_z_milli: u32,
    pub horizon_secs: u32,
    pub fast_half_life_secs: u32,
    pub slow_half_life_secs: u32,
}

/// The swept bounds, flat for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BoundsView {
    pub lt_min_bps: u16,
    pub lt_max_bps: u16,
    pub max_tighten_bps_per_hour: u16,
    pub max_loosen_bps_per_hour: u16,
    pub bonus_bps: u16,
}

impl Candidate {
    /// `base` with this candidate's values.
    pub fn apply(&self, base: &ReserveSpec) -> ReserveSpec {
        let mut spec = base.clone();
        let (c, b) = (self.calibration, self.bounds);
        spec.calibration = CalibrationParams {
            quantile_z_milli: c.quantile_z_milli,
            horizon_secs: c.horizon_secs,
            fast_half_life_secs: c.fast_half_life_secs,
            slow_half_life_secs: c.slow_half_life_secs,
            ..base.calibration
        };
        spec.bounds = RiskBounds {
            lt_min_bps: b.lt_min_bps,
            lt_max_bps: b.lt_max_bps,
            max_tighten_bps_per_hour: b.max_tighten_bps_per_hour,
            max_loosen_bps_per_hour: b.max_loosen_bps_per_hour,
            bonus_min_bps: b.bonus_bps,
            bonus_max_bps: b.bonus_bps,
            ..base.bounds
        };
        spec
    }

    /// Whether governance could set it: the program's own checks.
    pub fn is_valid(&self, base: &ReserveSpec) -> bool {
        let spec = self.apply(base);
        spec.bounds.validate().is_ok() && spec.calibration.validate().is_ok()
    }

    /// One line for tables: "z 2.326, T 1 d, half-lives 6 h / 14 d, LT 75.00 %..88.00 %, ...".
    pub fn describe(&self) -> String {
        let (c, b) = (self.calibration, self.bounds);
        format!(
            "z {}, T {}, half-lives {} / {}, LT {}..{}, tighten {}/h, loosen {}/h, bonus {}",
            c.quantile_z_milli as f64 / 1_000.0,
            fmt_secs(c.horizon_secs.into()),
            fmt_secs(c.fast_half_life_secs.into()),
            fmt_secs(c.slow_half_life_secs.into()),
            fmt_bps(b.lt_min_bps.into()),
            fmt_bps(b.lt_max_bps.into()),
            fmt_bps(b.max_tighten_bps_per_hour.into()),
            fmt_bps(b.max_loosen_bps_per_hour.into()),
            fmt_bps(b.bonus_bps.into()),
        )
    }
}

impl Grid {
    /// The grid of one set: `base`'s own values.
    pub fn single(base: &ReserveSpec) -> Self {
        let (c, b) = (base.calibration, base.bounds);
        Self {
            quantile_z_milli: vec![c.quantile_z_milli],
            horizon_secs: vec![c.horizon_secs],
            fast_half_life_secs: vec![c.fast_half_life_secs],
            slow_half_life_secs: vec![c.slow_half_life_secs],
            lt_min_bps: vec![b.lt_min_bps],
            lt_max_bps: vec![b.lt_max_bps],
            max_tighten_bps_per_hour: vec![b.max_tighten_bps_per_hour],
            max_loosen_bps_per_hour: vec![b.max_loosen_bps_per_hour],
            bonus_bps: vec![b.bonus_min_bps],
        }
    }

    /// Every valid combination, in a stable order.
    pub fn candidates(&self, base: &ReserveSpec) -> Vec<Candidate> {
        let mut out = Vec::new();
        for &quantile_z_milli in &self.quantile_z_milli {
            for &horizon_secs in &self.horizon_secs {
                for &fast_half_life_secs in &self.fast_half_life_secs {
                    for &slow_half_life_secs in &self.slow_half_life_secs {
                        let calibration = CalibrationParamsView {
                            quantile_z_milli,
                            horizon_secs,
                            fast_half_life_secs,
                            slow_half_life_secs,
                        };
                        self.push_bounds(calibration, base, &mut out);
                    }
                }
            }
        }
        out
    }

    fn push_bounds(
        &self,
        calibration: CalibrationParamsView,
        base: &ReserveSpec,
        out: &mut Vec<Candidate>,
    ) {
        for &lt_min_bps in &self.lt_min_bps {
            for &lt_max_bps in &self.lt_max_bps {
                for &max_tighten_bps_per_hour in &self.max_tighten_bps_per_hour {
                    for &max_loosen_bps_per_hour in &self.max_loosen_bps_per_hour {
                        for &bonus_bps in &self.bonus_bps {
                            let bounds = BoundsView {
                                lt_min_bps,
                                lt_max_bps,
                                max_tighten_bps_per_hour,
                                max_loosen_bps_per_hour,
                                bonus_bps,
                            };
                            let candidate = Candidate {
                                calibration,
                                bounds,
                            };
                            if candidate.is_valid(base) {
                                out.push(candidate);
                            }
                        }
                    }
                }
            }
        }
    }
}
