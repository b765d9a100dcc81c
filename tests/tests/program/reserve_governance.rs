//! Reserve listing and the reserve setters.

use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_interface::spl_token_2022::extension::ExtensionType;
use risk_engine::constants::*;
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::pda;
use risk_engine::state::*;
use risk_engine_tests::fixture::BreakCase;
use risk_engine_tests::fixture::{SOL_USD_FEED, USDC_USD_FEED};
use risk_engine_tests::{builders, error_code, presets, tokens, TestFixture};
use solana_sdk::signature::{Keypair, Signer};

#[tokio::test]
async fn add_reserve_lists_spl_and_token_2022_mints() {
    let mut f = TestFixture::new().await;
    for (token_program, decimals) in [(spl_token::ID, 8), (spl_token_2022::ID, 6)] {
        let mint = f.create_mint(token_program, decimals).await;
        let mut args = TestFixture::add_reserve_args(SOL_USD_FEED);
        args.depth_reporter = Pubkey::new_unique();
        let ix = builders::add_reserve(
            f.authority.pubkey(),
            f.market,
            mint,
            token_program,
            args.clone(),
        );
        let events = f.send_as_authority(&[ix]).await.expect("add_reserve");

        let (reserve_address, bump) = pda::reserve(&f.market, &mint);
        let (vault, vault_bump) = pda::vault(&reserve_address);
        let event: ReserveAdded = events.one();
        assert_eq!(
            (event.reserve, event.mint, event.vault),
            (reserve_address, mint, vault)
        );
        assert_eq!(event.token_program, token_program);
        assert_eq!(event.feed_id, SOL_USD_FEED);
        let bounds = presets::bounds();
        assert_eq!(event.liquidation_threshold_bps, bounds.lt_min_bps);
        assert_eq!(event.max_ltv_bps, bounds.lt_min_bps - bounds.ltv_buffer_bps);
        assert_eq!(event.liquidation_bonus_bps, bounds.bonus_min_bps);

        let reserve = f.reserve_state(reserve_address).await;
        assert_eq!(reserve.market, f.market);
        assert_eq!(reserve.mint, mint);
        assert_eq!(reserve.vault, vault);
        assert_eq!(reserve.token_program, token_program);
        assert_eq!(reserve.depth_reporter, args.depth_reporter);
        assert_eq!(reserve.oracle, args.oracle);
        assert_eq!(reserve.bounds, args.bounds);
        assert_eq!(reserve.calibration, args.calibration);
        assert_eq!(reserve.interest, args.interest);
        assert_eq!(
            reserve.calibrated.liquidation_threshold_bps,
            bounds.lt_min_bps
        );
        assert_eq!(
            reserve.calibrated.max_ltv_bps,
            bounds.lt_min_bps - bounds.ltv_buffer_bps
        );
        assert_eq!(
            reserve.calibrated.last_publish_time, 0,
            "no price history yet"
        );
        assert_eq!(fixed::types::I80F48::from(reserve.lending.borrow_index), 1);
        assert_eq!(
            (reserve.version, reserve.bump, reserve.vault_bump),
            (ACCOUNT_VERSION, bump, vault_bump)
        );
        assert_eq!(reserve.mint_decimals, decimals);

        // The vault is a real, empty token account of the mint, owned by the reserve PDA.
        let account = f
            .context
            .banks_client
            .get_account(vault)
            .await
            .unwrap()
            .expect("vault exists");
        assert_eq!(account.owner, token_program);
        assert_eq!(&account.data[0..32], mint.as_ref());
        assert_eq!(&account.data[32..64], reserve_address.as_ref());
        assert_eq!(tokens::token_amount(&account.data), 0);
    }
}

#[tokio::test]
async fn add_reserve_twice_for_the_same_mint_fails() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let args = TestFixture::add_reserve_args(USDC_USD_FEED);
    let ix = builders::add_reserve(
        authority.pubkey(),
        f.market,
        f.t22.mint,
        f.t22.token_program,
        args,
    );
    let watched = [f.t22.reserve, f.t22.vault];
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::ReserveAlreadyExists,
        &watched,
    )
    .await;
}

#[tokio::test]
async fn add_reserve_by_a_stranger_or_the_guardian_fails() {
    let mut f = TestFixture::new().await;
    let mint = f.create_mint(spl_token::ID, 6).await;
    let reserve = pda::reserve(&f.market, &mint).0;
    let guardian = f.guardian.insecure_clone();
    for signer in [Keypair::new(), guardian] {
        f.airdrop(signer.pubkey(), 1_000_000_000).await;
        let args = TestFixture::add_reserve_args(SOL_USD_FEED);
        let ix = builders::add_reserve(signer.pubkey(), f.market, mint, spl_token::ID, args);
        f.assert_rejected(
            &[ix],
            &[&signer],
            RiskError::NotMarketAuthority,
            &[f.market],
        )
        .await;
        assert!(f.raw(reserve).await.is_none());
    }
}

#[tokio::test]
async fn add_reserve_rejects_each_invalid_block() {
    let mut f = TestFixture::new().await;
    let mint = f.create_mint(spl_token::ID, 6).await;
    let reserve = pda::reserve(&f.market, &mint).0;
    type Break = fn(&mut risk_engine::instructions::AddReserveArgs);
    let cases: Vec<(Break, RiskError)> = vec![
        (|a| a.oracle.feed_id = [0; 32], RiskError::FeedIdMissing),
        (
            |a| a.oracle.max_age_secs = 0,
            RiskError::OracleMaxAgeOutOfRange,
        ),
        (
            |a| a.bounds.lt_min_bps = 9_000,
            RiskError::ThresholdBoundsInvalid,
        ),
        (
            |a| a.bounds.bonus_max_bps = 1_500,
            RiskError::ThresholdTimesBonusAboveOne,
        ),
        (
            |a| a.calibration.horizon_secs = 0,
            RiskError::HorizonOutOfRange,
        ),
        (
            |a| a.calibration.fast_half_life_secs = 30 * 86_400,
            RiskError::HalfLivesInverted,
        ),
        (
            |a| a.interest.kink_utilization_bps = 0,
            RiskError::KinkOutOfRange,
        ),
    ];
    let authority = f.authority.insecure_clone();
    for (break_it, expected) in cases {
        let mut args = TestFixture::add_reserve_args(SOL_USD_FEED);
        break_it(&mut args);
        let ix = builders::add_reserve(authority.pubkey(), f.market, mint, spl_token::ID, args);
        f.assert_rejected(&[ix], &[&authority], expected, &[f.market])
            .await;
        assert!(
            f.raw(reserve).await.is_none(),
            "no reserve after {expected:?}"
        );
    }
}

#[tokio::test]
async fn add_reserve_rejects_a_mint_of_another_token_program() {
    let mut f = TestFixture::new().await;
    let mint = f.create_mint(spl_token_2022::ID, 6).await;
    let args = TestFixture::add_reserve_args(SOL_USD_FEED);
    let ix = builders::add_reserve(f.authority.pubkey(), f.market, mint, spl_token::ID, args);
    let result = f.send_as_authority(&[ix]).await;
    let expected = anchor_lang::error::ErrorCode::ConstraintMintTokenProgram;
    assert_eq!(error_code(&result), Some(expected.into()));
    assert!(f.raw(pda::reserve(&f.market, &mint).0).await.is_none());
}

#[tokio::test]
async fn add_reserve_refuses_a_token_2022_mint_with_transfer_fees() {
    let mut f = TestFixture::new().await;
    let mint = Keypair::new();
    let fee_ix =
        spl_token_2022::extension::transfer_fee::instruction::initialize_transfer_fee_config(
            &spl_token_2022::ID,
            &mint.pubkey(),
            None,
            None,
            50,
            u64::MAX,
        )
        .unwrap();
    f.create_mint_with_extension(&mint, ExtensionType::TransferFeeConfig, fee_ix)
        .await;
    let args = TestFixture::add_reserve_args(SOL_USD_FEED);
    let ix = builders::add_reserve(
        f.authority.pubkey(),
        f.market,
        mint.pubkey(),
        spl_token_2022::ID,
        args,
    );
    let authority = f.authority.insecure_clone();
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::UnsupportedMintExtension,
        &[f.market],
    )
    .await;
    assert!(f
        .raw(pda::reserve(&f.market, &mint.pubkey()).0)
        .await
        .is_none());
}

#[tokio::test]
async fn set_risk_bounds_snaps_the_threshold_into_new_bounds() {
    let mut f = TestFixture::new().await;
    let (authority, market, reserve) = (f.authority.pubkey(), f.market, f.spl.reserve);
    let new = RiskBounds {
        lt_min_bps: 8_000,
        lt_max_bps: 8_600,
        max_tighten_bps_per_hour: 300,
        max_loosen_bps_per_hour: 30,
        bonus_min_bps: 600,
        bonus_max_bps: 900,
        ltv_buffer_bps: 400,
        _padding: 0,
    };
    let events = f
        .send_as_authority(&[builders::set_risk_bounds(authority, market, reserve, new)])
        .await
        .unwrap();
    let event: RiskBoundsUpdated = events.one();
    assert_eq!((event.old, event.new), (presets::bounds(), new));
    assert_eq!(
        (event.old_threshold_bps, event.new_threshold_bps),
        (7_500, 8_000)
    );
    assert_eq!((event.old_bonus_bps, event.new_bonus_bps), (500, 600));
    assert_eq!(event.max_ltv_bps, 7_600);
    let state = f.reserve_state(reserve).await;
    assert_eq!(state.bounds, new);
    assert_eq!(state.calibrated.liquidation_threshold_bps, 8_000);
    assert_eq!(state.calibrated.liquidation_bonus_bps, 600);
    assert_eq!(state.calibrated.max_ltv_bps, 7_600);
}

#[tokio::test]
async fn set_risk_bounds_rejects_each_broken_rule_and_changes_nothing() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let (market, reserve) = (f.market, f.spl.reserve);
    let cases: Vec<BreakCase<RiskBounds>> = vec![
        (|b| b.lt_min_bps = 0, RiskError::ThresholdBoundsInvalid),
        (|b| b.lt_min_bps = 8_900, RiskError::ThresholdBoundsInvalid),
        (|b| b.lt_max_bps = 9_950, RiskError::ThresholdBoundsInvalid),
        (
            |b| b.max_tighten_bps_per_hour = 0,
            RiskError::RateLimitOutOfRange,
        ),
        (
            |b| b.max_loosen_bps_per_hour = 10_001,
            RiskError::RateLimitOutOfRange,
        ),
        (|b| b.bonus_min_bps = 1_100, RiskError::BonusBoundsInvalid),
        (|b| b.bonus_max_bps = 5_001, RiskError::BonusBoundsInvalid),
        (
            |b| b.bonus_max_bps = 1_400,
            RiskError::ThresholdTimesBonusAboveOne,
        ),
        (|b| b.ltv_buffer_bps = 0, RiskError::LtvBufferOutOfRange),
        (|b| b.ltv_buffer_bps = 7_500, RiskError::LtvBufferOutOfRange),
    ];
    let build = |bounds| builders::set_risk_bounds(authority.pubkey(), market, reserve, bounds);
    f.assert_each_rejected(&presets::bounds(), &cases, &authority, &[reserve], build)
        .await;
}

#[tokio::test]
async fn reserve_setters_refuse_strangers_guardian_and_pending_authority() {
    let mut f = TestFixture::new().await;
    let (market, reserve) = (f.market, f.spl.reserve);
    let pending = Keypair::new();
    let ix = builders::propose_authority(f.authority.pubkey(), market, pending.pubkey());
    f.send_as_authority(&[ix]).await.unwrap();
    let guardian = f.guardian.insecure_clone();
    for signer in [Keypair::new(), guardian, pending] {
        let key = signer.pubkey();
        let ixs = [
            builders::set_risk_bounds(key, market, reserve, presets::bounds()),
            builders::set_calibration_params(key, market, reserve, presets::calibration()),
            builders::set_oracle_config(key, market, reserve, presets::oracle(SOL_USD_FEED)),
            builders::set_interest_model(key, market, reserve, presets::interest()),
            builders::set_depth_reporter(key, market, reserve, key),
        ];
        for ix in ixs {
            f.assert_rejected(&[ix], &[&signer], RiskError::NotMarketAuthority, &[reserve])
                .await;
        }
    }
}

#[tokio::test]
async fn a_reserve_of_another_market_is_refused() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    f.send_as_authority(&[f.init_market_ix(2)]).await.unwrap();
    let other_market = pda::market(&authority.pubkey(), 2).0;
    let reserve = f.spl.reserve;
    let ix =
        builders::set_risk_bounds(authority.pubkey(), other_market, reserve, presets::bounds());
    f.assert_rejected(&[ix], &[&authority], RiskError::WrongMarket, &[reserve])
        .await;
}

#[tokio::test]
async fn calibration_params_are_validated_stored_and_emitted() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let (market, reserve) = (f.market, f.t22.reserve);
    let mut new = presets::calibration();
    new.horizon_secs = 4 * 3_600;
    new.quantile_z_milli = 3_090;
    let events = f
        .send_as_authority(&[builders::set_calibration_params(
            authority.pubkey(),
            market,
            reserve,
            new,
        )])
        .await
        .unwrap();
    let event: CalibrationParamsUpdated = events.one();
    assert_eq!((event.old, event.new), (presets::calibration(), new));
    assert_eq!(f.reserve_state(reserve).await.calibration, new);

    let cases: Vec<BreakCase<CalibrationParams>> = vec![
        (|c| c.horizon_secs = 59, RiskError::HorizonOutOfRange),
        (
            |c| c.quantile_z_milli = 10_001,
            RiskError::QuantileOutOfRange,
        ),
        (|c| c.slow_half_life_secs = 0, RiskError::HalfLifeOutOfRange),
        (
            |c| c.fast_half_life_secs = 15 * 86_400,
            RiskError::HalfLivesInverted,
        ),
        (
            |c| c.calibration_max_age_secs = 0,
            RiskError::StalenessLimitOutOfRange,
        ),
        (
            |c| c.max_slippage_bps = 5_001,
            RiskError::SlippageOutOfRange,
        ),
        (|c| c.min_depth_quote = 0, RiskError::DepthParamsOutOfRange),
    ];
    let build =
        |params| builders::set_calibration_params(authority.pubkey(), market, reserve, params);
    f.assert_each_rejected(&new, &cases, &authority, &[reserve], build)
        .await;
}

#[tokio::test]
async fn oracle_config_change_of_feed_resets_the_price_history() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let (market, reserve) = (f.market, f.spl.reserve);

    // Same feed, tighter limits: history kept.
    let mut same_feed = presets::oracle(SOL_USD_FEED);
    same_feed.max_age_secs = 30;
    same_feed.min_verification = 13;
    let events = f
        .send_as_authority(&[builders::set_oracle_config(
            authority.pubkey(),
            market,
            reserve,
            same_feed,
        )])
        .await
        .unwrap();
    let event: OracleConfigUpdated = events.one();
    assert_eq!(
        (event.old, event.new),
        (presets::oracle(SOL_USD_FEED), same_feed)
    );
    assert!(!event.price_history_reset);
    assert_eq!(f.reserve_state(reserve).await.oracle, same_feed);

    // New feed: history reset.
    let other = presets::oracle([9; 32]);
    let events = f
        .send_as_authority(&[builders::set_oracle_config(
            authority.pubkey(),
            market,
            reserve,
            other,
        )])
        .await
        .unwrap();
    assert!(events.one::<OracleConfigUpdated>().price_history_reset);
    let state = f.reserve_state(reserve).await;
    assert_eq!(state.oracle.feed_id, [9; 32]);
    assert_eq!(state.calibrated.last_publish_time, 0);

    let cases: Vec<BreakCase<OracleConfig>> = vec![
        (|o| o.feed_id = [0; 32], RiskError::FeedIdMissing),
        (
            |o| o.max_age_secs = 3_601,
            RiskError::OracleMaxAgeOutOfRange,
        ),
        (
            |o| o.max_confidence_bps = 0,
            RiskError::ConfidenceLimitOutOfRange,
        ),
        (
            |o| o.min_verification = 0,
            RiskError::VerificationLevelOutOfRange,
        ),
    ];
    let build = |config| builders::set_oracle_config(authority.pubkey(), market, reserve, config);
    f.assert_each_rejected(&other, &cases, &authority, &[reserve], build)
        .await;
}

#[tokio::test]
async fn interest_model_and_depth_reporter_are_stored_and_emitted() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let (market, reserve) = (f.market, f.t22.reserve);
    let mut model = presets::interest();
    model.borrow_cap = 5_000_000_000;
    model.slope1_bps = 900;
    let events = f
        .send_as_authority(&[builders::set_interest_model(
            authority.pubkey(),
            market,
            reserve,
            model,
        )])
        .await
        .unwrap();
    let event: InterestModelUpdated = events.one();
    assert_eq!((event.old, event.new), (presets::interest(), model));
    assert_eq!(f.reserve_state(reserve).await.interest, model);

    let cases: Vec<BreakCase<InterestModel>> = vec![
        (
            |m| m.base_rate_bps = 100_001,
            RiskError::InterestRateOutOfRange,
        ),
        (
            |m| m.kink_utilization_bps = 10_000,
            RiskError::KinkOutOfRange,
        ),
        (
            |m| m.reserve_factor_bps = 10_001,
            RiskError::ReserveFactorOutOfRange,
        ),
    ];
    let build = |model| builders::set_interest_model(authority.pubkey(), market, reserve, model);
    f.assert_each_rejected(&model, &cases, &authority, &[reserve], build)
        .await;

    let reporter = Pubkey::new_unique();
    let events = f
        .send_as_authority(&[builders::set_depth_reporter(
            authority.pubkey(),
            market,
            reserve,
            reporter,
        )])
        .await
        .unwrap();
    let event: DepthReporterUpdated = events.one();
    assert_eq!((event.old, event.new), (Pubkey::default(), reporter));
    assert_eq!(f.reserve_state(reserve).await.depth_reporter, reporter);
}
