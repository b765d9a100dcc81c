//! The second review's findings on stale data and pauses, each attack sent
//! through the bank: N1 (a feed change revived a stale threshold), N7 (a
//! refresh pause made thresholds decline), the rate limits governance may
//! set (a cliff by another name) and the loosening one refresh may store up.

use risk_consumer::error::ConsumerError;
use risk_engine::calibration::effective_threshold_bps;
use risk_engine::constants::PAUSE_REFRESH;
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::state::{CalibrationParams, OracleConfig, RiskBounds};
use risk_engine_tests::builders;
use risk_engine_tests::consumer;
use risk_engine_tests::position_setup::*;
use risk_engine_tests::presets;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::TestFixture;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signer;

const HOUR: i64 = 3_600;

/// Bounds with instant loosening, so one calm hour of calibration lifts
/// the threshold to its 88 % cap; tightening at the presets' 2 %/hour.
fn wide_bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 8_800,
        max_loosen_bps_per_hour: 10_000,
        ..pinned_bounds()
    }
}

/// The major-asset presets' bounds: 75 % to 88 %, tightening 2 %/hour,
/// loosening 0.25 %/hour, bonus 5 %, LTV buffer 5 %.
fn preset_bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 7_500,
        lt_max_bps: 8_800,
        max_loosen_bps_per_hour: 25,
        ..pinned_bounds()
    }
}

/// N1: calibrated at 88 %, the feed goes silent; five hours after the
/// calibration went stale the threshold in use has declined to 78 %
/// (max LTV 73 %). Governance points the reserve at a new feed, as one does
/// in an outage, and a keeper seeds it. Before the fix the seed restarted
/// the staleness clock: the stored 88 % was in use again (max LTV 83 %), on
/// a calibration six hours old, and the consumer program called it fresh.
/// Now the threshold stays where the decline brought it, a borrow at 80 %
/// is refused, the consumer still calls it stale, and the first return of
/// the new feed loosens it only at the loosening rate.
#[tokio::test]
async fn n1_a_feed_change_does_not_revive_a_stale_threshold() {
    let f = TestFixture::on(consumer::program_test()).await;
    let mut s = position_with_collateral_on(f, wide_bounds(), true).await;
    let (spl, market) = (s.p.collateral, s.f.market);
    let authority = s.f.authority.pubkey();
    let ix = builders::set_risk_bounds(authority, market, spl.reserve, preset_bounds());
    s.f.send_as_authority(&[ix]).await.unwrap();
    let calibrated = s.f.reserve_state(spl.reserve).await;
    assert_eq!(calibrated.calibrated.liquidation_threshold_bps, 8_800);

    // Stale at calibration + 1 h; five hours later: 88 % - 5 × 2 % = 78 %.
    let outage_end = calibrated.stale_from_ts + 5 * HOUR;
    s.f.set_clock(outage_end).await;
    s.f.republish_prices().await;
    let reserve = s.f.reserve_state(spl.reserve).await;
    assert_eq!(effective_threshold_bps(&reserve, outage_end), 7_800);

    let new_feed = [7u8; 32];
    let ix = builders::set_oracle_config(
        authority,
        market,
        spl.reserve,
        OracleConfig {
            feed_id: new_feed,
            ..presets::oracle(new_feed)
        },
    );
    s.f.send_as_authority(&[ix]).await.unwrap();
    // The keeper's seed lands a few seconds later.
    let seeded_at = outage_end + 3;
    s.f.set_clock(seeded_at).await;
    s.f.republish_prices().await;
    let new_account = Pubkey::new_unique();
    let publish = |f: &mut TestFixture, at: i64| {
        f.set_price_account(new_account, PythPrice::new(new_feed, 150 * DOLLAR, -8, at));
    };
    publish(&mut s.f, seeded_at);
    let ix = builders::refresh_reserve(market, spl.reserve, new_account);
    let seeded: ReservePriceSeeded = s.f.send(&[ix], &[]).await.unwrap().one();
    assert_eq!(seeded.publish_time, seeded_at);

    let reserve = s.f.reserve_state(spl.reserve).await;
    assert_eq!(
        effective_threshold_bps(&reserve, seeded_at),
        7_800,
        "the seed revived the stored threshold"
    );
    assert!(reserve.stale_from_ts < seeded_at, "still stale");

    // Max LTV 73 %: a borrow at 80 % of 10 SOL at $150 is refused.
    let mut p = s.p;
    p.collateral.price_account = new_account;
    let owner = s.owner.insecure_clone();
    let owner_usdc = s.f.users[1].t22_account;
    let watched = [p.position, spl.reserve, p.debt.reserve, owner_usdc];
    let ix = builders::borrow(&p, owner_usdc, 1_200 * USDC);
    s.f.assert_rejected(&[ix], &[&owner], RiskError::MaxLtvExceeded, &watched)
        .await;
    let ix = consumer::read_threshold(market, spl.reserve, 7 * 86_400);
    s.f.assert_rejected(&[ix], &[], ConsumerError::CalibrationStale, &[])
        .await;

    // The new feed's first return, a slot later: it loosens from 78 % at
    // 0.25 %/hour from the feed change, so by 6 bps at most.
    let next_slot = outage_end + 900;
    s.f.set_clock(next_slot).await;
    publish(&mut s.f, next_slot);
    let ix = builders::refresh_reserve(market, spl.reserve, new_account);
    let refreshed: ReserveRefreshed = s.f.send(&[ix], &[]).await.unwrap().one();
    assert!(
        (7_700..=7_806).contains(&refreshed.liquidation_threshold_bps),
        "threshold after the new feed's first return: {}",
        refreshed.liquidation_threshold_bps
    );
}

/// N7: the guardian pauses refreshes half an hour into a calibration's
/// hour of grace. Before the fix, the threshold in use declined through the
/// pause (2 %/hour from the end of the grace) and a position borrowed at
/// 83 % became liquidatable by the pause alone. Now nothing ages while
/// refreshes are paused: ten hours on the position is still healthy and
/// the consumer program still calls the calibration fresh; after the
/// authority resumes refreshes, the half hour of grace left runs out and
/// the decline starts from there.
#[tokio::test]
async fn n7_a_refresh_pause_freezes_the_calibration_clock() {
    let mut s = TestFixture::on(consumer::program_test()).await;
    let (spl, market) = (s.spl, s.market);
    let authority = s.authority.pubkey();
    let ix = builders::set_risk_bounds(authority, market, spl.reserve, wide_bounds());
    s.send_as_authority(&[ix]).await.unwrap();
    s.refresh(&spl).await.unwrap();
    s.advance_clock(HOUR).await;
    s.republish_prices().await;
    s.refresh(&spl).await.unwrap();
    let p = s.sol_backed_position().await;
    let owner = s.users[1].keypair.insecure_clone();
    let ix = builders::borrow(&p, s.users[1].t22_account, 1_245 * USDC);
    s.send(&[ix], &[&owner]).await.expect("borrow at 83 %");
    let liquidator = s.users[2].keypair.insecure_clone();
    let treasury_sol = s
        .create_token_account(spl.mint, s.treasury, spl.token_program)
        .await;
    let accounts = builders::LiquidatorAccounts {
        liquidator: liquidator.pubkey(),
        collateral_account: s.users[2].spl_account,
        debt_account: s.users[2].t22_account,
        treasury_collateral_account: treasury_sol,
    };
    let calibrated_at = s
        .reserve_state(spl.reserve)
        .await
        .calibrated
        .last_calibration_ts;

    let paused_at = calibrated_at + HOUR / 2;
    s.set_clock(paused_at).await;
    let guardian = s.guardian.insecure_clone();
    let ix = builders::set_pause(guardian.pubkey(), market, PAUSE_REFRESH);
    s.send(&[ix], &[&guardian]).await.unwrap();
    let watched = [p.position, spl.reserve, p.debt.reserve];
    for hours in [1, 4, 10] {
        s.set_clock(paused_at + hours * HOUR).await;
        s.republish_prices().await;
        let ix = builders::liquidate(&p, &accounts, u64::MAX, 0);
        s.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
            .await;
        // The maximum age varies so that each quote is a new transaction.
        let max_age_secs = 7 * 86_400 - hours as u32;
        let quote = consumer::quote(&mut s.context, market, spl.reserve, max_age_secs)
            .await
            .expect("fresh while refreshes are paused");
        assert_eq!(quote.liquidation_threshold_bps, 8_800, "{hours} h paused");
    }

    let resumed_at = paused_at + 10 * HOUR;
    let ix = builders::set_pause(authority, market, 0);
    s.send_as_authority(&[ix]).await.unwrap();
    let market_state = s.market_state().await;
    assert_eq!(market_state.refresh_paused_secs, 10 * 3_600);
    assert_eq!(market_state.refresh_paused_since_ts, 0);
    // Half an hour of grace was left: still 88 % then, 82 % three hours on.
    s.set_clock(resumed_at + HOUR / 2).await;
    s.republish_prices().await;
    let ix = builders::liquidate(&p, &accounts, u64::MAX, 0);
    s.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
        .await;
    s.set_clock(resumed_at + HOUR / 2 + 3 * HOUR).await;
    s.republish_prices().await;
    let ix = builders::liquidate(&p, &accounts, u64::MAX, 0);
    let event: Liquidated = s.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.threshold_bps, 8_200);
    s.assert_vault_matches(&spl).await;
}

/// Governance may not set a tightening rate above 10 %/hour: up to 100 %
/// an hour was allowed, a cliff by another name (a stale reserve at that
/// rate fell from 88 % to its floor in minutes).
#[tokio::test]
async fn tightening_faster_than_ten_percent_an_hour_is_refused() {
    let mut f = TestFixture::new().await;
    let (spl, market) = (f.spl, f.market);
    let authority = f.authority.insecure_clone();
    let cliff = RiskBounds {
        max_tighten_bps_per_hour: 1_001,
        ..presets::bounds()
    };
    let ix = builders::set_risk_bounds(authority.pubkey(), market, spl.reserve, cliff);
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::RateLimitOutOfRange,
        &[spl.reserve],
    )
    .await;
    let fastest = RiskBounds {
        max_tighten_bps_per_hour: 1_000,
        ..presets::bounds()
    };
    let ix = builders::set_risk_bounds(authority.pubkey(), market, spl.reserve, fastest);
    f.send(&[ix], &[&authority])
        .await
        .expect("10 %/hour is allowed");
}

/// A calibration that may age thirty days, loosening at 0.1 %/hour from
/// `lt_min`. A keeper that stays away for twenty days (not stale) and then
/// refreshes in calm weather used to loosen by 0.1 %/hour × 480 hours:
/// from 75 % to the 88 % cap in one refresh. One refresh now counts at most
/// the max age of loosening, and never more than a day: 2.4 %.
#[tokio::test]
async fn one_refresh_after_a_long_gap_loosens_by_a_day_of_its_rate_at_most() {
    let mut f = TestFixture::new().await;
    let (spl, market) = (f.spl, f.market);
    let authority = f.authority.pubkey();
    let bounds = RiskBounds {
        max_loosen_bps_per_hour: 10,
        ..presets::bounds()
    };
    let params = CalibrationParams {
        calibration_max_age_secs: 30 * 86_400,
        ..presets::calibration()
    };
    let ixs = [
        builders::set_risk_bounds(authority, market, spl.reserve, bounds),
        builders::set_calibration_params(authority, market, spl.reserve, params),
    ];
    f.send_as_authority(&ixs).await.unwrap();
    f.refresh(&spl).await.unwrap();
    f.advance_clock(900).await;
    f.republish_prices().await;
    let first: ReserveRefreshed = f.refresh(&spl).await.unwrap().one();
    let start = first.liquidation_threshold_bps;
    assert!(
        first.target_threshold_bps >= 8_800,
        "calm: target at the cap"
    );

    f.advance_clock(20 * 86_400).await;
    f.republish_prices().await;
    let later: ReserveRefreshed = f.refresh(&spl).await.unwrap().one();
    assert_eq!(
        later.liquidation_threshold_bps,
        start + 240,
        "twenty days stored up no more than a day of loosening"
    );
}
