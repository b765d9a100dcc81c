//! M4: who posts, and which genuine updates, must not decide the variance.
//! One price path is posted through the bank in five ways: at each sample
//! slot's start (an honest keeper), every second, at each minute's extreme
//! (with hindsight), and by a poster who alone chooses, in every slot's
//! sample window, the price that makes the return largest or smallest. The
//! calibration counts one price per slot, from the slot's first 1/60
//! (`calibration::take_price`), so posting every second is the honest
//! keeper exactly, and the others move the volatility estimate by at most
//! about a quarter of itself, the VaR target by at most about
//! 0.25 × z·σ·√T / (1 + b): on this path (σ 60 %/year, 1 bp of noise, T 1
//! day, z 2.326, bonus 5 %) 175 bps, against 500 bps before the grid.

use fixed::types::I80F48;
use risk_engine::math::threshold::target_threshold_bps;
use risk_engine::math::volatility::{annualised_sigma_bps, effective_variance, SECONDS_PER_YEAR};
use risk_engine::state::Reserve;
use risk_engine_tests::fixture::ReserveFixture;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::TestFixture;
use riskctl::history::random::Random;

/// Length of the path, seconds: three days, a dozen fast half-lives.
const SPAN_SECS: i64 = 3 * 86_400;
/// The every-second poster posts the first two hours (7,200 refreshes).
const EVERY_SECOND_SPAN_SECS: i64 = 2 * 3_600;
/// The fixture's sample slots (`presets::calibration`) and their window.
const SLOT_SECS: i64 = 900;
const WINDOW_SECS: i64 = 15;
/// Most the poster's choice may move the target, bps (see the module doc;
/// this path gives -69 .. +67 bps).
const TARGET_BOUND_BPS: i32 = 175;

/// Log prices, one per second: a random walk of 60 %/year with 1 bp of
/// independent noise on every print.
fn path() -> Vec<f64> {
    let mut random = Random::new(60);
    let step = 0.60 / (SECONDS_PER_YEAR as f64).sqrt();
    let mut walk = 150f64.ln();
    (0..=SPAN_SECS)
        .map(|_| {
            walk += step * random.normal();
            walk + 1e-4 * random.normal()
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Poster {
    SlotStart,
    EverySecond,
    MinuteExtremes,
    LargestReturn,
    SmallestReturn,
}

/// Posts the price of second `at` of the path and refreshes.
async fn post(f: &mut TestFixture, asset: &ReserveFixture, start: i64, path: &[f64], at: i64) {
    f.set_clock(start + at).await;
    let price_e8 = (path[at as usize].exp() * 1e8).round() as i64;
    f.set_price(
        asset,
        PythPrice::new(asset.feed_id, price_e8, -8, start + at),
    );
    f.refresh(asset)
        .await
        .expect("every genuine update is accepted");
}

/// The second of `seconds` whose price is farthest from (or nearest to)
/// the last price the calibration counted.
async fn chosen(
    f: &mut TestFixture,
    asset: &ReserveFixture,
    path: &[f64],
    seconds: std::ops::Range<i64>,
    farthest: bool,
) -> i64 {
    let last: I80F48 = f
        .reserve_state(asset.reserve)
        .await
        .calibrated
        .last_price
        .into();
    let last = last.to_num::<f64>().ln();
    let distance = |at: &i64| (path[*at as usize] - last).abs();
    let pick = if farthest {
        seconds.max_by(|a, b| distance(a).total_cmp(&distance(b)))
    } else {
        seconds.min_by(|a, b| distance(a).total_cmp(&distance(b)))
    };
    pick.expect("a non-empty range")
}

/// The reserve after `poster` posted the first `span_secs` of the path.
async fn posted_by(poster: Poster, path: &[f64], span_secs: i64) -> Reserve {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let start = f.now().await;
    post(&mut f, &asset, start, path, 0).await;
    let slots = span_secs / SLOT_SECS;
    for slot in 1..slots {
        let slot_start = slot * SLOT_SECS;
        match poster {
            Poster::SlotStart => post(&mut f, &asset, start, path, slot_start).await,
            Poster::EverySecond => {
                for at in slot_start..slot_start + SLOT_SECS {
                    post(&mut f, &asset, start, path, at).await;
                }
            }
            Poster::MinuteExtremes => {
                for minute in (slot_start..slot_start + SLOT_SECS).step_by(60) {
                    let at = chosen(&mut f, &asset, path, minute..minute + 60, true).await;
                    post(&mut f, &asset, start, path, at).await;
                }
            }
            Poster::LargestReturn | Poster::SmallestReturn => {
                let window = slot_start..slot_start + WINDOW_SECS + 1;
                let farthest = poster == Poster::LargestReturn;
                let at = chosen(&mut f, &asset, path, window, farthest).await;
                post(&mut f, &asset, start, path, at).await;
            }
        }
    }
    f.reserve_state(asset.reserve).await
}

/// The unclamped VaR target the reserve's estimates give.
fn target_bps(reserve: &Reserve) -> i32 {
    let variance = effective_variance(
        reserve.calibrated.fast_variance_per_year.into(),
        reserve.calibrated.slow_variance_per_year.into(),
    );
    let params = &reserve.calibration;
    let target = target_threshold_bps(
        variance,
        params.horizon_secs.into(),
        params.quantile_z_milli,
        reserve.calibrated.liquidation_bonus_bps,
        0,
    )
    .unwrap();
    i32::from(target)
}

#[tokio::test]
async fn m4_choosing_which_updates_to_post_barely_moves_the_target() {
    let path = path();
    let honest = posted_by(Poster::SlotStart, &path, EVERY_SECOND_SPAN_SECS).await;
    let every_second = posted_by(Poster::EverySecond, &path, EVERY_SECOND_SPAN_SECS).await;
    assert_eq!(
        every_second.calibrated, honest.calibrated,
        "posting every second counts exactly the slot starts"
    );
    let honest = posted_by(Poster::SlotStart, &path, SPAN_SECS).await;
    let sigma = |r: &Reserve| annualised_sigma_bps(r.calibrated.fast_variance_per_year.into());
    let honest_target = target_bps(&honest);
    for poster in [
        Poster::MinuteExtremes,
        Poster::LargestReturn,
        Poster::SmallestReturn,
    ] {
        let chosen = posted_by(poster, &path, SPAN_SECS).await;
        let shift = target_bps(&chosen) - honest_target;
        println!(
            "{poster:?}: fast sigma {} bps/year against {}, target {} bps against {honest_target}",
            sigma(&chosen),
            sigma(&honest),
            target_bps(&chosen)
        );
        assert!(
            shift.abs() <= TARGET_BOUND_BPS,
            "{poster:?} moved the target by {shift} bps"
        );
    }
}
