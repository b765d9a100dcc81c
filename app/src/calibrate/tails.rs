//! The tails that `z × sigma × sqrt(T)` with a Gaussian `z` does not see,
//! measured on training history with the program's own volatility
//! estimate, for governance to set in the fields the program already has.
//!
//! - **Tail quantile** (filtered historical simulation). For each tick,
//!   the worst loss over the next horizon window, divided by the
//!   `sigma × sqrt(window)` the program predicted at that tick: a
//!   standardised loss. Its quantile at the confidence asked for is the
//!   `z` (`quantile_z_milli`) that would have covered that share of the
//!   training windows; fat tails give a larger `z` than the Gaussian one.
//! - **Jump floor.** The largest loss over a window seen in training, and
//!   the highest threshold at which a position sitting on it still pays
//!   the liquidator the bonus after that loss:
//!   `LT ≤ (1 - d_max - s) / (1 + b)`, the program's `threshold_for_move`.
//!   `lt_max` above it bets that the worst move is behind us.
//!
//! A window is the horizon, or the gap to the next price when that is
//! longer: a price series cannot show a move shorter than its interval,
//! and the standardisation by `sqrt(window)` keeps `z` comparable across
//! daily, hourly and minute data.

use std::collections::VecDeque;

use anyhow::{bail, Result};
use fixed::types::I80F48;
use risk_engine::math::threshold::{sigma_over_horizon, threshold_for_move};
use risk_engine::math::volatility::effective_variance;
use serde::Serialize;

use rayon::prelude::*;

use super::Candidate;
use crate::backtest::kernel::{ewma_path, table_key, PricePath};
use crate::config::ReserveSpec;

/// What training showed of one volatility model's tails.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tails {
    /// Windows measured (after the warm-up).
    pub windows: usize,
    /// The standardised loss at `confidence`, thousandths, rounded up.
    pub z_milli: u32,
    pub confidence: f64,
    /// The largest loss over one window, a fraction of the price.
    pub worst_loss: f64,
    /// The standardised loss at each of `CURVE_CONFIDENCES`, for the
    /// report's comparison with a Gaussian tail.
    pub curve: [f64; CURVE_CONFIDENCES.len()],
}

/// Confidences at which the report draws the tail against a Gaussian one.
pub const CURVE_CONFIDENCES: [f64; 6] = [0.90, 0.95, 0.975, 0.99, 0.995, 0.999];

/// One tick's window: its worst loss and the predicted `sigma × sqrt(window)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowLoss {
    /// `1 - min(price in the window) / price`, 0 when the price only rose.
    pub loss: f64,
    /// `-ln(1 - loss) / (sigma × sqrt(window))`.
    pub standardised: f64,
}

/// The worst loss over each tick's window `(t, t + max(horizon, gap)]` and
/// the program's predicted `sigma × sqrt(window)` after that tick.
/// Windows that start within `warm_up_secs` of the first price, run past
/// the last one, or start before the estimate has any variance, are left
/// out.
pub fn window_losses(
    prices: &PricePath,
    variance: (&[I80F48], &[I80F48]),
    horizon_secs: u32,
    warm_up_secs: i64,
) -> Result<Vec<WindowLoss>> {
    let (fast, slow) = variance;
    let spot = prices.spot.values();
    let times = &prices.times;
    let n = times.len();
    let mut out = Vec::new();
    // The window ends move forward with the start: a deque of candidate
    // minima gives every window's minimum in linear time.
    let mut minima: VecDeque<usize> = VecDeque::new();
    let mut end = 0usize;
    for start in 0..n.saturating_sub(1) {
        let gap = times[start + 1] - times[start];
        let window = i64::from(horizon_secs).max(gap);
        let last = times[start] + window;
        if last > times[n - 1] {
            break;
        }
        while end + 1 < n && times[end + 1] <= last {
            end += 1;
            while minima.back().is_some_and(|&j| spot[j] >= spot[end]) {
                minima.pop_back();
            }
            minima.push_back(end);
        }
        while minima.front().is_some_and(|&j| j <= start) {
            minima.pop_front();
        }
        if times[start] - times[0] < warm_up_secs {
            continue;
        }
        let Some(&lowest) = minima.front() else {
            continue;
        };
        let ratio = (spot[lowest] / spot[start]).min(1.0);
        let window_secs = u64::try_from(window).unwrap_or(u64::MAX);
        let sigma = sigma_over_horizon(effective_variance(fast[start], slow[start]), window_secs)
            .map_err(|e| anyhow::anyhow!("sigma at tick {start}: {e:?}"))?
            .to_num::<f64>();
        // No estimate yet (a listing without a variance): nothing to
        // standardise by.
        if sigma <= 0.0 {
            continue;
        }
        out.push(WindowLoss {
            loss: 1.0 - ratio,
            standardised: (-ratio.ln()).max(0.0) / sigma,
        });
    }
    Ok(out)
}

/// The empirical quantile at `confidence` (the smallest value at or above
/// that share of the sample).
pub fn quantile(values: &mut [f64], confidence: f64) -> Result<f64> {
    if values.is_empty() {
        bail!("no window to measure: the history is shorter than its warm-up and one horizon");
    }
    if !(0.5..1.0).contains(&confidence) {
        bail!("the tail confidence must be in [50 %, 100 %), got {confidence}");
    }
    values.sort_by(f64::total_cmp);
    let rank = ((confidence * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Ok(values[rank - 1])
}

/// Tails of the histories `prices`, pooled, for one pair of half-lives and
/// horizon. The first two slow half-lives of each history are its
/// warm-up: before them the estimate still leans on the listing's.
pub fn measure(
    prices: &[PricePath],
    half_lives_secs: (u32, u32),
    horizon_secs: u32,
    confidence: f64,
) -> Result<Tails> {
    let (fast_half_life, slow_half_life) = half_lives_secs;
    let mut losses = Vec::new();
    for path in prices {
        let fast = ewma_path(path, fast_half_life, path.listed_fast)?;
        let slow = ewma_path(path, slow_half_life, path.listed_slow)?;
        let warm_up = 2 * i64::from(slow_half_life);
        losses.extend(window_losses(path, (&fast, &slow), horizon_secs, warm_up)?);
    }
    let worst_loss = losses.iter().map(|w| w.loss).fold(0.0, f64::max);
    let mut standardised: Vec<f64> = losses.iter().map(|w| w.standardised).collect();
    let z = quantile(&mut standardised, confidence)?;
    if !z.is_finite() {
        bail!("a window lost value where the estimate predicted no volatility at all");
    }
    let mut curve = [0.0; CURVE_CONFIDENCES.len()];
    for (point, level) in curve.iter_mut().zip(CURVE_CONFIDENCES) {
        *point = quantile(&mut standardised, level)?;
    }
    Ok(Tails {
        windows: losses.len(),
        z_milli: (z * 1_000.0).ceil().max(1.0) as u32,
        confidence,
        worst_loss,
        curve,
    })
}

/// The Gaussian quantile at `p` (Acklam's rational approximation, relative
/// error under 1.2e-9): the `z` a thin-tailed model would use, for the
/// report's comparison only.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The highest threshold (bps) at which a position on it still pays the
/// bonus after losing `worst_loss` with `slippage_bps` on top: the
/// program's `threshold_for_move`.
pub fn jump_floor_bps(worst_loss: f64, bonus_bps: u16, slippage_bps: u16) -> u16 {
    let delta = I80F48::checked_from_num(worst_loss.clamp(0.0, 1.0)).unwrap_or(I80F48::ONE);
    threshold_for_move(delta, bonus_bps, slippage_bps)
}

/// The tails measured for one volatility model (half-lives and horizon).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeasuredTails {
    pub fast_half_life_secs: u32,
    pub slow_half_life_secs: u32,
    pub horizon_secs: u32,
    pub tails: Tails,
}

/// How the candidates take what training showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailRules {
    /// Measure `z` at this confidence instead of sweeping given values.
    pub confidence: Option<f64>,
    /// Cap `lt_max` (and `lt_min` with it) at the jump floor.
    pub jump_floor: bool,
    /// Windows last at least this long, whatever the horizon (a walked
    /// path's bar interval; 0 on closes, whose gaps already set it).
    pub min_window_secs: u32,
}

/// `candidates` with `z` measured and thresholds capped as `rules` ask,
/// from the training histories `train` (each priced as the reserve reads
/// it): one measurement per volatility model, shared by the candidates
/// that use it. Candidates that end up the same are kept once.
pub fn apply(
    candidates: &[Candidate],
    base: &ReserveSpec,
    train: &[PricePath],
    rules: TailRules,
) -> Result<(Vec<Candidate>, Vec<MeasuredTails>)> {
    if rules.confidence.is_none() && !rules.jump_floor {
        return Ok((candidates.to_vec(), Vec::new()));
    }
    // The worst loss does not depend on the confidence; 99 % serves when
    // only the floor is asked for.
    let confidence = rules.confidence.unwrap_or(0.99);
    let mut models: Vec<(u32, u32, u32)> = candidates
        .iter()
        .map(|c| {
            let c = c.calibration;
            (c.fast_half_life_secs, c.slow_half_life_secs, c.horizon_secs)
        })
        .collect();
    models.sort_unstable();
    models.dedup();
    let measured: Vec<MeasuredTails> = models
        .par_iter()
        .map(|&(fast, slow, horizon)| {
            Ok(MeasuredTails {
                fast_half_life_secs: fast,
                slow_half_life_secs: slow,
                horizon_secs: horizon,
                tails: measure(
                    train,
                    (fast, slow),
                    horizon.max(rules.min_window_secs),
                    confidence,
                )?,
            })
        })
        .collect::<Result<_>>()?;
    let mut out: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        let mut adjusted = *candidate;
        let c = candidate.calibration;
        let tails = measured
            .iter()
            .find(|m| {
                (m.fast_half_life_secs, m.slow_half_life_secs, m.horizon_secs)
                    == (c.fast_half_life_secs, c.slow_half_life_secs, c.horizon_secs)
            })
            .expect("every model measured")
            .tails;
        if rules.confidence.is_some() {
            adjusted.calibration.quantile_z_milli = tails.z_milli;
        }
        if rules.jump_floor {
            let (bonus, slippage) = table_key(&candidate.apply(base));
            let floor = jump_floor_bps(tails.worst_loss, bonus, slippage);
            adjusted.bounds.lt_max_bps = adjusted.bounds.lt_max_bps.min(floor);
            adjusted.bounds.lt_min_bps = adjusted.bounds.lt_min_bps.min(floor);
        }
        if adjusted.is_valid(base) && !out.contains(&adjusted) {
            out.push(adjusted);
        }
    }
    Ok((out, measured))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::source::ConfigSource;
    use crate::history::Tick;
    use anchor_lang::prelude::Pubkey;

    fn sol() -> crate::config::ReserveSpec {
        let deployment = ConfigSource::BuiltInLocalnet
            .load(&Pubkey::new_unique())
            .unwrap();
        deployment
            .reserves
            .into_iter()
            .find(|r| r.symbol == "SOL")
            .unwrap()
    }

    fn daily(prices: &[f64]) -> Vec<Tick> {
        prices
            .iter()
            .enumerate()
            .map(|(day, &price)| Tick {
                time: 1_600_000_000 - 1_600_000_000 % 86_400 + day as i64 * 86_400,
                price,
            })
            .collect()
    }

    #[test]
    fn the_quantile_is_the_smallest_value_covering_the_share() {
        let mut values: Vec<f64> = (0..10).map(f64::from).rev().collect();
        // 90 % of 10 values: the 9th smallest, 8.
        assert_eq!(quantile(&mut values, 0.9).unwrap(), 8.0);
        // 99.5 % of 10 values rounds up to the largest.
        assert_eq!(quantile(&mut values, 0.995).unwrap(), 9.0);
        assert!(quantile(&mut [], 0.99).is_err());
        assert!(quantile(&mut [1.0], 1.0).is_err());
    }

    #[test]
    fn the_gaussian_quantiles_are_the_textbook_ones() {
        for (p, z) in [
            (0.5, 0.0),
            (0.99, 2.326_348),
            (0.995, 2.575_829),
            (0.999, 3.090_232),
        ] {
            assert!(
                (normal_quantile(p) - z).abs() < 1e-5,
                "{p}: {}",
                normal_quantile(p)
            );
        }
        assert!((normal_quantile(0.01) + 2.326_348).abs() < 1e-5);
    }

    #[test]
    fn the_jump_floor_keeps_the_bonus_after_the_worst_loss() {
        // (1 - 30 %) / (1 + 5 %) = 66.67 %, rounded down.
        assert_eq!(jump_floor_bps(0.30, 500, 0), 6_666);
        // With 1 % slippage: (1 - 30 % - 1 %) / 1.05 = 65.71 %.
        assert_eq!(jump_floor_bps(0.30, 500, 100), 6_571);
        // No loss at all: only the bonus limits, 1 / 1.05 = 95.23 %.
        assert_eq!(jump_floor_bps(0.0, 500, 0), 9_523);
        assert_eq!(jump_floor_bps(1.5, 500, 0), 0);
    }

    #[test]
    fn a_window_takes_its_lowest_price_and_the_sigma_predicted_at_its_start() {
        // Daily prices, horizon 2 days: from 100 the next two days go to
        // 90 then 95, so the window's worst loss is 10 %.
        let spec = sol();
        let path = daily(&[100.0, 90.0, 95.0, 110.0, 99.0, 120.0]);
        let prices = PricePath::new(&path, &spec).unwrap();
        let fast = ewma_path(&prices, 21_600, prices.listed_fast).unwrap();
        let slow = ewma_path(&prices, 1_209_600, prices.listed_slow).unwrap();
        let losses = window_losses(&prices, (&fast, &slow), 172_800, 0).unwrap();
        // Six prices, windows of two days: starts 0..=3 end inside the
        // path; the first has no variance to standardise by (the listing
        // has none), so starts 1..=3 remain.
        assert_eq!(fast[0], 0);
        assert_eq!(losses.len(), 3);
        let expect = [0.0, 0.0, 0.10];
        for (window, loss) in losses.iter().zip(expect) {
            assert!((window.loss - loss).abs() < 1e-6, "{window:?} vs {loss}");
        }
        // From 110 on day 3 to 99 on day 4: ln(110 / 99) over the sigma of
        // two days predicted after day 3.
        let sigma = sigma_over_horizon(effective_variance(fast[3], slow[3]), 172_800)
            .unwrap()
            .to_num::<f64>();
        let expected = (110.0f64 / 99.0).ln() / sigma;
        assert!(
            (losses[2].standardised / expected - 1.0).abs() < 1e-6,
            "{losses:?} {expected}"
        );
        assert_eq!(losses[0].standardised, 0.0);
    }

    #[test]
    fn a_window_shorter_than_the_data_s_interval_is_the_interval() {
        // A one-hour horizon on daily prices: each window is the next day.
        let spec = sol();
        let path = daily(&[100.0, 110.0, 88.0, 100.0]);
        let prices = PricePath::new(&path, &spec).unwrap();
        let fast = ewma_path(&prices, 21_600, prices.listed_fast).unwrap();
        let slow = ewma_path(&prices, 1_209_600, prices.listed_slow).unwrap();
        let losses = window_losses(&prices, (&fast, &slow), 3_600, 0).unwrap();
        // Starts 1 and 2 (the first has no variance yet): 110 to 88 is -20 %.
        assert_eq!(losses.len(), 2);
        assert!((losses[0].loss - 0.20).abs() < 1e-9);
        let day_sigma = sigma_over_horizon(effective_variance(fast[1], slow[1]), 86_400)
            .unwrap()
            .to_num::<f64>();
        let expected = (1.25f64).ln() / day_sigma;
        assert!(
            (losses[0].standardised / expected - 1.0).abs() < 1e-6,
            "{losses:?} {expected}"
        );
    }

    #[test]
    fn fat_tails_ask_for_a_larger_z_than_thin_ones() {
        // Two paths with the same calm: one never jumps, the other drops
        // 15 % once a month. Measured at 99 %, the jumpy one needs a larger
        // z, and its worst loss is the jump.
        let spec = sol();
        let calm: Vec<f64> = (0..400)
            .map(|day| 100.0 * (1.0 + 0.01 * if day % 2 == 0 { 1.0 } else { -1.0 }))
            .collect();
        let jumpy: Vec<f64> = calm
            .iter()
            .enumerate()
            .map(|(day, p)| if day % 30 == 29 { p * 0.85 } else { *p })
            .collect();
        let measure_on = |prices: &[f64]| {
            let path = PricePath::new(&daily(prices), &spec).unwrap();
            measure(&[path], (21_600, 1_209_600), 86_400, 0.99).unwrap()
        };
        let (thin, fat) = (measure_on(&calm), measure_on(&jumpy));
        assert!(fat.z_milli > thin.z_milli, "{fat:?} vs {thin:?}");
        assert!(
            (fat.worst_loss - (1.0 - 0.99 * 0.85 / 1.01)).abs() < 1e-6,
            "{fat:?}"
        );
        assert!(thin.worst_loss < 0.021);
        // Two slow half-lives (four weeks) of warm-up are left out.
        assert_eq!(thin.windows, 400 - 1 - 28);
    }
}
