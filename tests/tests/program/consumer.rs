//! The risk consumer program reading the engine's thresholds through the
//! committed IDL, with both programs loaded on one bank.

use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::{AccountDeserialize, Discriminator};
use risk_consumer::error::ConsumerError;
use risk_consumer::risk_engine as engine_idl;
use risk_consumer::state::CollateralConfig;
use risk_engine::state::Reserve;
use risk_engine_tests::consumer;
use risk_engine_tests::fixture::ReserveFixture;
use risk_engine_tests::TestFixture;
use solana_sdk::account::Account;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signer;

const HOUR: i64 = 3_600;

async fn fixture() -> TestFixture {
    TestFixture::on(consumer::program_test()).await
}

/// Seeds the asset's price, then `hours` calm hourly prices: the reserve is
/// calibrated and its threshold has moved off `lt_min`.
async fn calibrate(f: &mut TestFixture, asset: &ReserveFixture, hours: u32) -> Reserve {
    let mut price = 150_00000000i64;
    f.publish_now(asset, price).await;
    f.refresh(asset).await.expect("seed");
    for hour in 0..hours {
        f.advance_clock(HOUR).await;
        price += if hour % 2 == 0 {
            price / 500
        } else {
            -(price / 500)
        };
        f.publish_now(asset, price).await;
        f.refresh(asset).await.expect("refresh");
    }
    f.reserve_state(asset.reserve).await
}

/// The config user 0 (the consumer's admin in these tests) keeps for `asset`.
async fn collateral_state(f: &mut TestFixture, asset: &ReserveFixture) -> CollateralConfig {
    let admin = f.users[0].keypair.pubkey();
    config_at(f, consumer::collateral_address(&admin, &asset.reserve)).await
}

async fn config_at(f: &mut TestFixture, address: Pubkey) -> CollateralConfig {
    let data = f.raw(address).await.expect("collateral config exists");
    CollateralConfig::try_deserialize(&mut data.as_slice()).expect("a collateral config")
}

/// User 0, as the consumer's admin, pins `asset`'s reserve with
/// `max_age_secs`; returns the collateral config's address.
async fn init_collateral(f: &mut TestFixture, asset: &ReserveFixture, max_age_secs: u32) -> Pubkey {
    let admin = f.users[0].keypair.insecure_clone();
    let ix = consumer::init_collateral(admin.pubkey(), asset.reserve, max_age_secs);
    f.send(&[ix], &[&admin]).await.expect("init_collateral");
    consumer::collateral_address(&admin.pubkey(), &asset.reserve)
}

/// Both ways in refuse with `expected`: `read_threshold` (with
/// `max_age_secs`) and `sync_threshold`, which leaves the config as it was.
async fn assert_both_refuse(
    f: &mut TestFixture,
    asset: &ReserveFixture,
    collateral: Pubkey,
    max_age_secs: u32,
    expected: ConsumerError,
) {
    let read = consumer::read_threshold(f.market, asset.reserve, max_age_secs);
    f.assert_rejected(&[read], &[], expected, &[]).await;
    let sync = consumer::sync_threshold(collateral, asset.reserve, f.market);
    f.assert_rejected(&[sync], &[], expected, &[collateral])
        .await;
}

#[tokio::test]
async fn the_idl_types_read_a_real_reserve_exactly_as_the_engine_does() {
    let mut f = fixture().await;
    let asset = f.spl;
    let engine = calibrate(&mut f, &asset, 6).await;
    let data = f.raw(asset.reserve).await.expect("reserve");
    let generated = engine_idl::accounts::Reserve::try_deserialize(&mut data.as_slice())
        .expect("the IDL's Reserve decodes the account");

    // Same size and same bytes: every field sits where the engine put it.
    assert_eq!(
        std::mem::size_of::<engine_idl::accounts::Reserve>(),
        std::mem::size_of::<Reserve>()
    );
    assert_eq!(bytemuck::bytes_of(&generated), bytemuck::bytes_of(&engine));
    assert_eq!(generated.mint, engine.mint);
    assert_eq!(
        generated.calibrated.liquidation_threshold_bps,
        engine.calibrated.liquidation_threshold_bps
    );
    assert_eq!(generated.bounds.lt_max_bps, engine.bounds.lt_max_bps);
    assert_eq!(generated.stale_from_ts, engine.stale_from_ts);
    assert_eq!(
        generated.calibrated.fast_variance_per_year.value,
        engine.calibrated.fast_variance_per_year.value
    );
}

#[tokio::test]
async fn read_threshold_returns_the_calibrated_values() {
    let mut f = fixture().await;
    let asset = f.spl;
    let engine = calibrate(&mut f, &asset, 6).await;
    assert!(
        engine.calibrated.liquidation_threshold_bps > engine.bounds.lt_min_bps,
        "calm hours loosened the threshold"
    );
    let quote = consumer::quote(&mut f.context, f.market, asset.reserve, 3_600)
        .await
        .expect("a fresh calibration is quoted");
    assert_eq!(quote.market, f.market);
    assert_eq!(quote.mint, asset.mint);
    assert_eq!(
        quote.liquidation_threshold_bps,
        engine.calibrated.liquidation_threshold_bps
    );
    assert_eq!(quote.max_ltv_bps, engine.calibrated.max_ltv_bps);
    assert_eq!(
        quote.liquidation_bonus_bps,
        engine.calibrated.liquidation_bonus_bps
    );
    assert_eq!(quote.lt_min_bps, engine.bounds.lt_min_bps);
    assert_eq!(quote.lt_max_bps, engine.bounds.lt_max_bps);
    assert_eq!(
        quote.calibrated_at_ts,
        engine.calibrated.last_calibration_ts
    );
    assert_eq!(quote.stale_from_ts, engine.stale_from_ts);
}

#[tokio::test]
async fn sync_copies_each_new_calibration_into_the_consumers_config() {
    let mut f = fixture().await;
    let asset = f.spl;
    let admin = f.users[0].keypair.insecure_clone();
    calibrate(&mut f, &asset, 2).await;
    let collateral = init_collateral(&mut f, &asset, 1_800).await;
    let config = collateral_state(&mut f, &asset).await;
    assert_eq!(config.admin, admin.pubkey());
    assert_eq!(config.risk_reserve, asset.reserve);
    assert_eq!(config.risk_market, f.market);
    assert_eq!(config.mint, asset.mint);
    assert_eq!(
        config.liquidation_threshold_bps, 0,
        "nothing to lend against before the first sync"
    );

    // Anyone may sync: a stranger pays for it, the admin signs nothing.
    f.send(
        &[consumer::sync_threshold(
            collateral,
            asset.reserve,
            f.market,
        )],
        &[],
    )
    .await
    .expect("sync");
    let engine = f.reserve_state(asset.reserve).await;
    let first = collateral_state(&mut f, &asset).await;
    assert_eq!(
        first.liquidation_threshold_bps,
        engine.calibrated.liquidation_threshold_bps
    );
    assert_eq!(first.max_ltv_bps, engine.calibrated.max_ltv_bps);
    assert_eq!(
        first.liquidation_bonus_bps,
        engine.calibrated.liquidation_bonus_bps
    );
    assert_eq!(
        first.calibrated_at_ts,
        engine.calibrated.last_calibration_ts
    );
    assert_eq!(first.synced_at_ts, f.now().await);

    // Four more calm hours loosen the engine's threshold; the next sync
    // follows it.
    let mut price = 150_00000000i64;
    for _ in 0..4 {
        f.advance_clock(HOUR).await;
        price += price / 1_000;
        f.publish_now(&asset, price).await;
        f.refresh(&asset).await.expect("refresh");
    }
    f.send(
        &[consumer::sync_threshold(
            collateral,
            asset.reserve,
            f.market,
        )],
        &[],
    )
    .await
    .expect("second sync");
    let engine = f.reserve_state(asset.reserve).await;
    let second = collateral_state(&mut f, &asset).await;
    assert!(second.liquidation_threshold_bps > first.liquidation_threshold_bps);
    assert_eq!(
        second.liquidation_threshold_bps,
        engine.calibrated.liquidation_threshold_bps
    );
    assert_eq!(
        second.calibrated_at_ts,
        engine.calibrated.last_calibration_ts
    );
}

#[tokio::test]
async fn a_reserve_that_never_calibrated_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    // A collateral may be set up before its first calibration.
    let collateral = init_collateral(&mut f, &asset, 1_800).await;
    assert_both_refuse(
        &mut f,
        &asset,
        collateral,
        3_600,
        ConsumerError::NotCalibrated,
    )
    .await;
}

#[tokio::test]
async fn a_calibration_the_engine_calls_stale_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    let engine = calibrate(&mut f, &asset, 2).await;
    // The consumer would accept a week-old calibration; the engine's own
    // rule still wins.
    let collateral = init_collateral(&mut f, &asset, 7 * 86_400).await;
    f.send(
        &[consumer::sync_threshold(
            collateral,
            asset.reserve,
            f.market,
        )],
        &[],
    )
    .await
    .expect("fresh sync");

    f.set_clock(engine.stale_from_ts).await;
    consumer::quote(&mut f.context, f.market, asset.reserve, 7 * 86_400)
        .await
        .expect("up to stale_from_ts the calibration is usable");
    f.set_clock(engine.stale_from_ts + 1).await;
    assert_both_refuse(
        &mut f,
        &asset,
        collateral,
        7 * 86_400,
        ConsumerError::CalibrationStale,
    )
    .await;
}

#[tokio::test]
async fn a_calibration_older_than_the_consumer_accepts_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    let engine = calibrate(&mut f, &asset, 2).await;
    let collateral = init_collateral(&mut f, &asset, 600).await;
    // Ten minutes and a second after the calibration: the engine still
    // calls it fresh (its limit is an hour), this consumer does not.
    f.set_clock(engine.calibrated.last_calibration_ts + 601)
        .await;
    assert!(f.now().await < engine.stale_from_ts);
    assert_both_refuse(
        &mut f,
        &asset,
        collateral,
        600,
        ConsumerError::CalibrationTooOld,
    )
    .await;
    let quote = consumer::quote(&mut f.context, f.market, asset.reserve, 601)
        .await
        .expect("601 s old is within a 601 s limit");
    assert_eq!(
        quote.calibrated_at_ts,
        engine.calibrated.last_calibration_ts
    );
}

#[tokio::test]
async fn a_reserve_look_alike_of_another_program_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    calibrate(&mut f, &asset, 2).await;
    let genuine = f.raw(asset.reserve).await.expect("reserve");

    // The same bytes, discriminator and all, owned by another program.
    let forged = Pubkey::new_unique();
    let rent = f.context.banks_client.get_rent().await.expect("rent");
    f.context.set_account(
        &forged,
        &Account {
            lamports: rent.minimum_balance(genuine.len()),
            data: genuine.clone(),
            owner: Pubkey::new_unique(),
            executable: false,
            rent_epoch: 0,
        }
        .into(),
    );
    f.assert_rejected(
        &[consumer::read_threshold(f.market, forged, 3_600)],
        &[],
        AnchorError::AccountOwnedByWrongProgram,
        &[],
    )
    .await;
    let admin = f.users[0].keypair.insecure_clone();
    f.assert_rejected(
        &[consumer::init_collateral(admin.pubkey(), forged, 3_600)],
        &[&admin],
        AnchorError::AccountOwnedByWrongProgram,
        &[consumer::collateral_address(&admin.pubkey(), &forged)],
    )
    .await;

    // An engine account of another type: the market.
    assert_ne!(
        &f.raw(f.market).await.expect("market")[..8],
        engine_idl::accounts::Reserve::DISCRIMINATOR
    );
    f.assert_rejected(
        &[consumer::read_threshold(f.market, f.market, 3_600)],
        &[],
        AnchorError::AccountDiscriminatorMismatch,
        &[],
    )
    .await;
    f.assert_rejected(
        &[consumer::init_collateral(admin.pubkey(), f.market, 3_600)],
        &[&admin],
        AnchorError::AccountDiscriminatorMismatch,
        &[consumer::collateral_address(&admin.pubkey(), &f.market)],
    )
    .await;
}

#[tokio::test]
async fn a_collateral_config_takes_only_its_own_reserve() {
    let mut f = fixture().await;
    let (spl, t22) = (f.spl, f.t22);
    let admin = f.users[0].keypair.insecure_clone();
    calibrate(&mut f, &spl, 2).await;
    calibrate(&mut f, &t22, 2).await;
    let collateral = init_collateral(&mut f, &spl, 3_600).await;
    f.assert_rejected(
        &[consumer::sync_threshold(collateral, t22.reserve, f.market)],
        &[],
        ConsumerError::WrongReserve,
        &[collateral],
    )
    .await;
    let admin_collateral = collateral_state(&mut f, &spl).await;
    assert_eq!(admin_collateral.admin, admin.pubkey());
}

/// Nobody takes a protocol's config by creating it first: a stranger's
/// config for the same reserve lives at its own address, and the admin's
/// is created, synced and kept apart from it.
#[tokio::test]
async fn a_stranger_cannot_take_a_protocol_s_config() {
    let mut f = fixture().await;
    let asset = f.spl;
    calibrate(&mut f, &asset, 2).await;
    let stranger = f.users[2].keypair.insecure_clone();
    let ix = consumer::init_collateral(stranger.pubkey(), asset.reserve, 7 * 86_400);
    f.send(&[ix], &[&stranger])
        .await
        .expect("a config of one's own");
    let stranger_config = consumer::collateral_address(&stranger.pubkey(), &asset.reserve);
    let collateral = init_collateral(&mut f, &asset, 600).await;
    assert_ne!(collateral, stranger_config);
    let config = collateral_state(&mut f, &asset).await;
    assert_eq!(config.admin, f.users[0].keypair.pubkey());
    assert_eq!(config.max_age_secs, 600);
    assert_eq!(
        config_at(&mut f, stranger_config).await.max_age_secs,
        7 * 86_400
    );
    // The stranger cannot create a config under the admin's key.
    let mut ix = consumer::init_collateral(stranger.pubkey(), asset.reserve, 60);
    ix.accounts[2].pubkey = collateral;
    let result = f.send(&[ix], &[&stranger]).await;
    assert_eq!(
        risk_engine_tests::error_code(&result),
        Some(AnchorError::ConstraintSeeds.into()),
        "{result:?}"
    );
    assert_eq!(collateral_state(&mut f, &asset).await.max_age_secs, 600);
}

/// A synced threshold stops being usable for new borrowing once the
/// engine calls its calibration stale, while the engine's own threshold in
/// use declines: the protocol does not lend against the old, higher value,
/// and liquidates at the engine's declined one, not at the last synced
/// value (second review: the consumer followed no decline).
#[tokio::test]
async fn a_synced_threshold_is_not_usable_once_its_calibration_is_stale() {
    let mut f = fixture().await;
    let asset = f.spl;
    let engine = calibrate(&mut f, &asset, 6).await;
    let collateral = init_collateral(&mut f, &asset, 7 * 86_400).await;
    f.send(
        &[consumer::sync_threshold(
            collateral,
            asset.reserve,
            f.market,
        )],
        &[],
    )
    .await
    .expect("sync");
    let config = collateral_state(&mut f, &asset).await;
    assert_eq!(config.stale_from_ts, engine.stale_from_ts);
    assert_eq!(
        config.usable_threshold_bps(engine.stale_from_ts),
        Some(engine.calibrated.liquidation_threshold_bps)
    );
    f.set_clock(engine.stale_from_ts + 48 * HOUR).await;
    let now = f.now().await;
    let in_use = risk_engine::calibration::effective_threshold_bps(
        &f.reserve_state(asset.reserve).await,
        now,
    );
    assert!(in_use < config.liquidation_threshold_bps);
    assert_eq!(config.usable_threshold_bps(now), None);
    // Liquidation follows the engine's decline, not the last synced value.
    assert_eq!(config.liquidation_threshold_bps(now), Some(in_use));
    for hours in [0, 1, 3, 10] {
        let at = engine.stale_from_ts + hours * HOUR + 17;
        let mut reserve = f.reserve_state(asset.reserve).await;
        reserve.stale_from_ts = engine.stale_from_ts;
        assert_eq!(
            config.liquidation_threshold_bps(at),
            Some(risk_engine::calibration::effective_threshold_bps(
                &reserve, at
            )),
            "{hours} h after it went stale"
        );
    }
    // A sync cannot carry the stale value over either.
    f.assert_rejected(
        &[consumer::sync_threshold(
            collateral,
            asset.reserve,
            f.market,
        )],
        &[],
        ConsumerError::CalibrationStale,
        &[collateral],
    )
    .await;
}

/// A reserve of another layout version (written here under the engine's
/// ownership, as an upgraded engine would) is refused, not misread.
#[tokio::test]
async fn a_reserve_of_another_layout_version_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    calibrate(&mut f, &asset, 2).await;
    let mut data = f.raw(asset.reserve).await.expect("reserve");
    let version_at = 8 + std::mem::offset_of!(Reserve, version);
    data[version_at] = 2;
    let account = f
        .context
        .banks_client
        .get_account(asset.reserve)
        .await
        .unwrap()
        .unwrap();
    f.context
        .set_account(&asset.reserve, &Account { data, ..account }.into());
    let admin = f.users[0].keypair.insecure_clone();
    f.assert_rejected(
        &[consumer::read_threshold(f.market, asset.reserve, 3_600)],
        &[],
        ConsumerError::UnsupportedReserveVersion,
        &[],
    )
    .await;
    f.assert_rejected(
        &[consumer::init_collateral(
            admin.pubkey(),
            asset.reserve,
            3_600,
        )],
        &[&admin],
        ConsumerError::UnsupportedReserveVersion,
        &[],
    )
    .await;
}

#[tokio::test]
async fn a_maximum_age_out_of_range_is_refused() {
    let mut f = fixture().await;
    let asset = f.spl;
    let admin = f.users[0].keypair.insecure_clone();
    let collateral = consumer::collateral_address(&admin.pubkey(), &asset.reserve);
    for max_age_secs in [0, 7 * 86_400 + 1, u32::MAX] {
        f.assert_rejected(
            &[consumer::init_collateral(
                admin.pubkey(),
                asset.reserve,
                max_age_secs,
            )],
            &[&admin],
            ConsumerError::InvalidMaxAge,
            &[collateral],
        )
        .await;
    }
}
