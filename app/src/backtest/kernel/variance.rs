//! Variance estimates along a path, once per half-life, and `sigma ×
//! sqrt(T)` once per pair of half-lives and horizon: the program's own
//! `EwmaGap`, `effective_variance` and `sigma_over_horizon`, in the order
//! `apply_price` applies them. A regular series has one gap, so its EWMA
//! decay is computed once.

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use rayon::prelude::*;
use risk_engine::math::threshold::sigma_over_horizon;
use risk_engine::math::volatility::{effective_variance, EwmaGap};

use super::prices::{Counted, PricePath};

fn math(error: risk_engine::math::MathError, index: usize) -> anyhow::Error {
    anyhow!("the volatility estimate fails at tick {index}: {error:?}")
}

/// The EWMA variance (annualised) after each tick for one half-life,
/// starting from `listed`.
pub fn ewma_path(prices: &PricePath, half_life_secs: u32, listed: I80F48) -> Result<Vec<I80F48>> {
    let mut variance = listed;
    let mut gap: Option<(u64, Option<EwmaGap>)> = None;
    let mut out = Vec::with_capacity(prices.len());
    for (index, counted) in prices.counted.iter().enumerate() {
        if *counted == Counted::Calibrated {
            let dt_secs = prices.gaps_secs[index];
            let step = match gap {
                Some((dt, step)) if dt == dt_secs => step,
                _ => {
                    let step =
                        EwmaGap::new(dt_secs, half_life_secs.into()).map_err(|e| math(e, index))?;
                    gap = Some((dt_secs, step));
                    step
                }
            };
            if let Some(step) = step {
                variance = step
                    .update(variance, prices.returns[index])
                    .map_err(|e| math(e, index))?;
            }
        }
        out.push(variance);
    }
    Ok(out)
}

/// `sigma × sqrt(T)` after each tick, from the fast and slow estimates.
pub fn sigma_path(fast: &[I80F48], slow: &[I80F48], horizon_secs: u32) -> Result<Vec<I80F48>> {
    fast.par_iter()
        .zip(slow)
        .enumerate()
        .map(|(index, (fast, slow))| {
            sigma_over_horizon(effective_variance(*fast, *slow), horizon_secs.into())
                .map_err(|e| math(e, index))
        })
        .collect()
}
