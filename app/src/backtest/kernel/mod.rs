//! The replay kernel of a sweep: what a refresh computes, split by what it
//! depends on, so that candidates sharing a history, half-lives, a
//! horizon or a quantile share that work.
//!
//! `apply_price` reads the price and takes its return (`prices`: once per
//! history), updates both variance estimates (`variance`: once per
//! half-life), takes `sigma × sqrt(T)` (once per pair and horizon), finds
//! the VaR target (`targets`: once per `z`, bonus and slippage), and moves
//! the threshold. A candidate only does the last step, with the same
//! program functions in the same order, so its thresholds equal a full
//! replay's; it traces them before its book runs, which then only runs at
//! its events (`path`).

mod bits;
pub mod path;
pub mod prices;
pub mod targets;
pub mod variance;

use fixed::types::I80F48;

pub use path::{ReferencePath, ThresholdPath};
pub use prices::PricePath;
pub use targets::{target_path, TargetTable};
pub use variance::{ewma_path, sigma_path};

use super::range_index::RangeIndex;

/// What the candidates of one group share on one path.
pub struct SharedPaths<'a> {
    pub prices: &'a PricePath,
    /// Variance estimates after each tick, annualised.
    pub fast: &'a [I80F48],
    pub slow: &'a [I80F48],
    /// The unclamped VaR target of each tick, bps.
    pub targets: &'a RangeIndex<u16>,
    /// A trace that candidates within its bounds and with its rates follow.
    pub reference: Option<&'a ReferencePath>,
}

/// The paths one parameter set adds to a history's prices, for runs that
/// are not part of a sweep (the report's comparison, stress cases): the
/// same results as a full replay, at a sweep's cost per tick.
pub struct PreparedPaths {
    pub fast: Vec<I80F48>,
    pub slow: Vec<I80F48>,
    pub targets: RangeIndex<u16>,
}

impl PreparedPaths {
    /// For `prices` under `spec`'s calibration (any bounds: thresholds
    /// that differ only in bounds share these paths).
    pub fn new(prices: &PricePath, spec: &crate::config::ReserveSpec) -> anyhow::Result<Self> {
        let (bonus_bps, slippage_bps) = table_key(spec);
        let table = TargetTable::new(bonus_bps, slippage_bps);
        Self::with_table(prices, spec, &table)
    }

    /// As `new`, with the target table of `spec`'s bonus and slippage.
    pub fn with_table(
        prices: &PricePath,
        spec: &crate::config::ReserveSpec,
        table: &TargetTable,
    ) -> anyhow::Result<Self> {
        let calibration = spec.calibration;
        let (fast, slow) = rayon::join(
            || ewma_path(prices, calibration.fast_half_life_secs, prices.listed_fast),
            || ewma_path(prices, calibration.slow_half_life_secs, prices.listed_slow),
        );
        let (fast, slow) = (fast?, slow?);
        let sigma = sigma_path(&fast, &slow, calibration.horizon_secs)?;
        let targets = target_path(&sigma, calibration.quantile_z_milli, table)?;
        Ok(Self {
            fast,
            slow,
            targets,
        })
    }

    pub fn shared<'a>(&'a self, prices: &'a PricePath) -> SharedPaths<'a> {
        SharedPaths {
            prices,
            fast: &self.fast,
            slow: &self.slow,
            targets: &self.targets,
            reference: None,
        }
    }
}

/// The bonus and slippage of a collateral spec as listed: what its target
/// table depends on.
pub fn table_key(spec: &crate::config::ReserveSpec) -> (u16, u16) {
    let reserve = super::replay::listed_reserve(spec, 0);
    (
        reserve.calibrated.liquidation_bonus_bps,
        risk_engine::calibration::slippage_now_bps(&reserve, 0),
    )
}
