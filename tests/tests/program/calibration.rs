//! `refresh_reserve` and `report_depth` through real transactions.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use fixed::types::I80F48;
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};
use risk_engine::calibration;
use risk_engine::constants::*;
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::oracle::pyth::{load_price, PriceUse};
use risk_engine::state::Reserve;
use risk_engine_tests::fixture::ReserveFixture;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::{builders, presets, TestFixture};
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signer};

const HOUR: i64 = 3_600;

/// Publishes `price_e8` one hour later, refreshes, and checks the chain
/// against the pure math applied to the same inputs. Returns the reserve
/// before and after.
async fn step(f: &mut TestFixture, asset: &ReserveFixture, price_e8: i64) -> (Reserve, Reserve) {
    let before = f.reserve_state(asset.reserve).await;
    f.advance_clock(HOUR).await;
    let price = f.publish_now(asset, price_e8).await;
    f.refresh(asset).await.expect("refresh");
    let after = f.reserve_state(asset.reserve).await;

    let now = f.now().await;
    let mut mirror = before;
    let oracle_price = load_price(
        &price.to_update(),
        &mirror.oracle,
        now,
        PriceUse::Calibration,
    )
    .expect("valid price");
    mirror
        .accept_price_time(oracle_price.publish_time, 0)
        .expect("newer");
    calibration::apply_price(&mut mirror, &oracle_price, now).expect("math applies");
    assert_eq!(
        bytemuck::bytes_of(&mirror),
        bytemuck::bytes_of(&after),
        "chain and pure math disagree"
    );
    (before, after)
}

fn threshold(reserve: &Reserve) -> u16 {
    reserve.calibrated.liquidation_threshold_bps
}

#[tokio::test]
async fn the_first_refresh_seeds_and_a_replay_is_a_no_op() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let events = f.refresh(&asset).await.expect("seed");
    let seeded: ReservePriceSeeded = events.one();
    assert_eq!(I80F48::from(seeded.price), 150);
    let reserve = f.reserve_state(asset.reserve).await;
    assert_eq!(I80F48::from(reserve.calibrated.last_price), 150);
    assert_eq!(reserve.calibrated.last_publish_time, seeded.publish_time);
    assert_eq!(threshold(&reserve), presets::bounds().lt_min_bps);

    // The same update again: nothing counted twice, nothing changed.
    let raw = f.raw(asset.reserve).await;
    let events = f.refresh(&asset).await.expect("replay");
    let skipped: ReserveRefreshSkipped = events.one();
    assert_eq!(skipped.publish_time, skipped.last_publish_time);
    assert_eq!(skipped.reason, calibration::SkipReason::NotNewer);
    assert!(
        f.raw(asset.reserve).await == raw,
        "a skipped refresh changes nothing"
    );
    // An older genuine update is refused outright (M3).
    let older = PythPrice::new(asset.feed_id, 100_00000000, -8, seeded.publish_time - 5);
    f.set_price(&asset, older);
    let ix = builders::refresh_reserve(f.market, asset.reserve, asset.price_account);
    f.assert_rejected(
        &[ix],
        &[],
        RiskError::OraclePriceOlderThanAccepted,
        &[asset.reserve],
    )
    .await;
}

#[tokio::test]
async fn crash_tightens_within_the_limit_and_calm_loosens_more_slowly() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let bounds = presets::bounds();
    f.refresh(&asset).await.expect("seed");

    // Calm: ±0.1 % an hour. The threshold loosens from lt_min by exactly the
    // loosening rate each hour until it reaches lt_max.
    let mut price = 150_00000000i64;
    for hour in 0..60 {
        price += if hour % 2 == 0 {
            price / 1_000
        } else {
            -(price / 1_000)
        };
        let (before, after) = step(&mut f, &asset, price).await;
        let expected = (threshold(&before) + bounds.max_loosen_bps_per_hour).min(bounds.lt_max_bps);
        assert_eq!(threshold(&after), expected, "calm hour {hour}");
        assert_eq!(
            after.calibrated.max_ltv_bps,
            threshold(&after) - bounds.ltv_buffer_bps
        );
    }
    assert_eq!(
        threshold(&f.reserve_state(asset.reserve).await),
        bounds.lt_max_bps
    );

    // Crash: -30 % then -10 % an hour. The threshold falls by exactly the
    // tightening rate each hour and stops at lt_min.
    let mut saw_threshold_changed = false;
    for hour in 0..10 {
        price = if hour == 0 {
            price * 7 / 10
        } else {
            price * 9 / 10
        };
        let before = f.reserve_state(asset.reserve).await;
        f.advance_clock(HOUR).await;
        f.publish_now(&asset, price).await;
        let events = f.refresh(&asset).await.expect("crash refresh");
        let after = f.reserve_state(asset.reserve).await;
        let expected = threshold(&before)
            .saturating_sub(bounds.max_tighten_bps_per_hour)
            .max(bounds.lt_min_bps);
        assert_eq!(threshold(&after), expected, "crash hour {hour}");
        let refreshed: ReserveRefreshed = events.one();
        assert_eq!(refreshed.liquidation_threshold_bps, expected);
        assert!(
            refreshed.fast_sigma_bps > refreshed.slow_sigma_bps,
            "fast estimate reacts first"
        );
        if let Some(changed) = events.all::<ThresholdChanged>().first() {
            assert_eq!(
                (changed.old_threshold_bps, changed.new_threshold_bps),
                (threshold(&before), expected)
            );
            saw_threshold_changed = true;
        }
    }
    assert!(saw_threshold_changed);
    assert_eq!(
        threshold(&f.reserve_state(asset.reserve).await),
        bounds.lt_min_bps
    );

    // Calm again: the slow estimate remembers the crash, so the threshold
    // stays tight for hours, and when it rises it rises at most 25 bps/h.
    for hour in 0..48 {
        let (before, after) = step(&mut f, &asset, price).await;
        assert!(
            threshold(&after) >= threshold(&before),
            "calm never tightens, hour {hour}"
        );
        assert!(threshold(&after) - threshold(&before) <= bounds.max_loosen_bps_per_hour);
        assert!((bounds.lt_min_bps..=bounds.lt_max_bps).contains(&threshold(&after)));
    }
}

#[tokio::test]
async fn frequent_refreshes_add_up_to_the_allowed_rate() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    f.refresh(&asset).await.expect("seed");
    // Every 6 minutes the loosening allowance is 2.5 bps: moves of 2 bps with
    // the remainder carried, never more than 25 bps over any hour.
    let start = threshold(&f.reserve_state(asset.reserve).await);
    for _ in 0..10 {
        f.advance_clock(360).await;
        f.publish_now(&asset, 150_00000000).await;
        f.refresh(&asset).await.expect("refresh");
    }
    let moved = threshold(&f.reserve_state(asset.reserve).await) - start;
    assert!((20..=25).contains(&moved), "moved {moved} bps in an hour");
}

/// A reserve's Pyth account rewritten badly must fail with `expected` and
/// change nothing.
async fn assert_bad_price(f: &mut TestFixture, account: Account, expected: u32) {
    let asset = f.spl;
    f.context.set_account(&asset.price_account, &account.into());
    let ix = builders::refresh_reserve(f.market, asset.reserve, asset.price_account);
    f.assert_rejected(&[ix], &[], expected, &[asset.reserve])
        .await;
}

#[tokio::test]
async fn bad_oracle_input_gets_its_own_error_and_changes_nothing() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    f.refresh(&asset).await.expect("seed");
    f.advance_clock(HOUR).await;
    let now = f.now().await;
    let good = PythPrice::new(asset.feed_id, 150_00000000, -8, now);

    type Break = fn(&mut PythPrice);
    let cases: Vec<(&str, Break, RiskError)> = vec![
        (
            "wrong feed",
            |p| p.feed_id = [3; 32],
            RiskError::OracleFeedMismatch,
        ),
        (
            "stale",
            |p| p.publish_time -= 61,
            RiskError::OraclePriceStale,
        ),
        (
            "zero price",
            |p| p.price = 0,
            RiskError::OraclePriceNotPositive,
        ),
        (
            "negative price",
            |p| p.price = -5,
            RiskError::OraclePriceNotPositive,
        ),
        (
            "negative ema",
            |p| p.ema_price = -1,
            RiskError::OraclePriceNotPositive,
        ),
        (
            "wide confidence",
            |p| p.conf = p.price.unsigned_abs() / 40,
            RiskError::OracleConfidenceTooWide,
        ),
        (
            "partial verification",
            |p| p.verification = VerificationLevel::Partial { num_signatures: 13 },
            RiskError::OracleVerificationTooLow,
        ),
        (
            "exponent -19",
            |p| p.exponent = -19,
            RiskError::OracleExponentOutOfRange,
        ),
        (
            "exponent 13",
            |p| p.exponent = 13,
            RiskError::OracleExponentOutOfRange,
        ),
        (
            "overflowing price",
            |p| {
                p.exponent = 12;
                p.price = i64::MAX / 2;
                p.ema_price = i64::MAX / 2
            },
            RiskError::OracleExponentOutOfRange,
        ),
        (
            "below resolution",
            |p| {
                p.price = 1;
                p.conf = 0;
                p.ema_price = 1;
                p.ema_conf = 0;
                p.exponent = -18
            },
            RiskError::OracleExponentOutOfRange,
        ),
    ];
    for (name, break_it, expected) in cases {
        let mut price = good;
        break_it(&mut price);
        println!("case: {name}");
        assert_bad_price(&mut f, price.to_account(), expected.into()).await;
    }

    // Not owned by the Pyth receiver: Anchor's owner check.
    let mut foreign = good.to_account();
    foreign.owner = Pubkey::new_unique();
    let code = anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram;
    assert_bad_price(&mut f, foreign, code.into()).await;

    // Owned by the receiver but not a PriceUpdateV2: Anchor's type check.
    let mut wrong_type = good.to_account();
    wrong_type.data[..8].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    let code = anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch;
    assert_bad_price(&mut f, wrong_type, code.into()).await;

    // The good price still works afterwards.
    f.set_price(&asset, good);
    f.refresh(&asset).await.expect("good price");
}

#[tokio::test]
async fn a_lower_verification_minimum_accepts_partial_updates() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let mut config = presets::oracle(asset.feed_id);
    config.min_verification = 13;
    let ix = builders::set_oracle_config(f.authority.pubkey(), f.market, asset.reserve, config);
    f.send_as_authority(&[ix]).await.unwrap();
    let now = f.now().await;
    let mut price = PythPrice::new(asset.feed_id, 150_00000000, -8, now);
    price.verification = VerificationLevel::Partial { num_signatures: 13 };
    f.set_price(&asset, price);
    f.refresh(&asset)
        .await
        .expect("13 signatures meet a minimum of 13");
    price.verification = VerificationLevel::Partial { num_signatures: 12 };
    price.publish_time += 1;
    f.set_price(&asset, price);
    let ix = builders::refresh_reserve(f.market, asset.reserve, asset.price_account);
    f.assert_rejected(
        &[ix],
        &[],
        RiskError::OracleVerificationTooLow,
        &[asset.reserve],
    )
    .await;
}

#[tokio::test]
async fn paused_refresh_is_refused() {
    let mut f = TestFixture::new().await;
    let guardian = f.guardian.insecure_clone();
    let ix = builders::set_pause(guardian.pubkey(), f.market, PAUSE_REFRESH);
    f.send(&[ix], &[&guardian]).await.unwrap();
    let ix = builders::refresh_reserve(f.market, f.spl.reserve, f.spl.price_account);
    let reserve = f.spl.reserve;
    f.assert_rejected(&[ix], &[], RiskError::RefreshPaused, &[reserve])
        .await;
}

#[tokio::test]
async fn a_real_mainnet_price_update_passes_the_adapter() {
    let path = risk_engine_tests::crate_file("fixtures/pyth/sol-usd-price-update-v2.bin");
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let update =
        PriceUpdateV2::try_deserialize(&mut data.as_slice()).expect("decodes as PriceUpdateV2");
    let message = update.price_message;

    let mut f = TestFixture::new().await;
    let asset = f.spl;
    assert_eq!(
        asset.feed_id, message.feed_id,
        "the fixture's SOL reserve uses Pyth's SOL/USD feed"
    );
    f.set_clock(message.publish_time + 10).await;
    let account = Account {
        lamports: risk_engine_tests::tokens::rent_exempt(data.len()),
        data,
        owner: pyth_solana_receiver_sdk::ID,
        executable: false,
        rent_epoch: 0,
    };
    f.context.set_account(&asset.price_account, &account.into());
    let reserve = f.reserve_state(asset.reserve).await;
    let read = load_price(
        &update,
        &reserve.oracle,
        message.publish_time + 10,
        PriceUse::Calibration,
    )
    .expect("the adapter reads it");
    let expected = message.price as f64 * 10f64.powi(message.exponent);
    assert!((read.price.to_num::<f64>() - expected).abs() < 1e-9);
    let events = f.refresh(&asset).await.expect("real update accepted");
    // Accepted as the newest price; published 402 s into its 15-minute
    // sample slot, it is not one the calibration counts.
    let skipped: ReserveRefreshSkipped = events.one();
    assert_eq!(skipped.publish_time, message.publish_time);
    assert_eq!(skipped.reason, calibration::SkipReason::AfterSampleWindow);
    let reserve = f.reserve_state(asset.reserve).await;
    assert_eq!(reserve.newest_price_publish_time, message.publish_time);

    // Ten minutes later the same update is stale.
    f.set_clock(message.publish_time + 600).await;
    let ix = builders::refresh_reserve(f.market, asset.reserve, asset.price_account);
    f.assert_rejected(&[ix], &[], RiskError::OraclePriceStale, &[asset.reserve])
        .await;
}

#[tokio::test]
async fn depth_reports_feed_the_slippage_term_until_stale() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let reporter = Keypair::new();
    let authority = f.authority.pubkey();
    let ix = builders::set_depth_reporter(authority, f.market, asset.reserve, reporter.pubkey());
    f.send_as_authority(&[ix]).await.unwrap();
    f.refresh(&asset).await.expect("seed");

    // Wrong signer and out-of-range values are refused.
    let stranger = Keypair::new();
    let ix = builders::report_depth(stranger.pubkey(), asset.reserve, 1_000_000);
    f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotDepthReporter,
        &[asset.reserve],
    )
    .await;
    for depth in [0, MAX_REPORTED_DEPTH_QUOTE + 1] {
        let ix = builders::report_depth(reporter.pubkey(), asset.reserve, depth);
        f.assert_rejected(
            &[ix],
            &[&reporter],
            RiskError::DepthOutOfRange,
            &[asset.reserve],
        )
        .await;
    }

    // $1 bn of depth: s = 100 bps × sqrt(250,000 / 10^9) = 1.58 bps,
    // rounded up to 2 bps.
    let events = f
        .send(
            &[builders::report_depth(
                reporter.pubkey(),
                asset.reserve,
                1_000_000_000,
            )],
            &[&reporter],
        )
        .await
        .unwrap();
    let reported: DepthReported = events.one();
    assert_eq!(
        (reported.old_depth_quote, reported.new_depth_quote),
        (0, 1_000_000_000)
    );
    let state = f.reserve_state(asset.reserve).await;
    assert_eq!(state.calibrated.reported_depth_quote, 1_000_000_000);
    assert_eq!(state.calibrated.depth_updated_ts, f.now().await);

    f.advance_clock(HOUR).await;
    f.publish_now(&asset, 150_00000000).await;
    let refreshed: ReserveRefreshed = f.refresh(&asset).await.unwrap().one();
    assert_eq!(refreshed.slippage_bps, 2);

    // A day and a second later the report is stale: the governance minimum
    // ($1 m) counts, s = 100 bps × sqrt(250,000 / 10^6) = 50 bps.
    f.advance_clock(86_401).await;
    f.publish_now(&asset, 150_00000000).await;
    let refreshed: ReserveRefreshed = f.refresh(&asset).await.unwrap().one();
    assert_eq!(refreshed.slippage_bps, 50);

    // Governance rotates the reporter: the old key loses its right.
    let next = Pubkey::new_unique();
    let ix = builders::set_depth_reporter(authority, f.market, asset.reserve, next);
    f.send_as_authority(&[ix]).await.unwrap();
    let ix = builders::report_depth(reporter.pubkey(), asset.reserve, 5_000_000);
    f.assert_rejected(
        &[ix],
        &[&reporter],
        RiskError::NotDepthReporter,
        &[asset.reserve],
    )
    .await;
}
