//! `liquidate` through real transactions: the worked check, close factor,
//! dust, collateral cap and bad debt, calibration-driven liquidations, and
//! every refusal.

use anchor_lang::prelude::Pubkey;
use fixed::types::I80F48;
use risk_engine::constants::PAUSE_LIQUIDATIONS;
use risk_engine::error::RiskError;
use risk_engine::events::Liquidated;
use risk_engine::lending::supply_pool_value;
use risk_engine::state::RiskBounds;
use risk_engine_tests::builders::{self, LiquidatorAccounts, PricedPosition};
use risk_engine_tests::fixture::ReserveFixture;
use risk_engine_tests::TestFixture;
use solana_sdk::signature::Signer;

use risk_engine_tests::position_setup::*;

fn ratio(value: risk_engine::state::WrappedI80F48) -> f64 {
    I80F48::from(value).to_num()
}

async fn balances(s: &mut Setup) -> [u64; 4] {
    let a = s.accounts;
    [
        s.f.token_balance(a.collateral_account).await,
        s.f.token_balance(a.debt_account).await,
        s.f.token_balance(a.treasury_collateral_account).await,
        s.f.token_balance(s.p.debt.vault).await,
    ]
}

async fn assert_books(f: &mut TestFixture, assets: [ReserveFixture; 2]) {
    for asset in assets {
        f.assert_vault_matches(&asset).await;
    }
}

#[tokio::test]
async fn the_design_worked_check_through_real_transactions() {
    let mut s = setup(pinned_bounds(), 2_000).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let before = balances(&mut s).await;

    // One unit short of the liquidator's minimum: refused, nothing moves.
    let ix = builders::liquidate(&p, &a, u64::MAX, 4_441_250_001);
    let watched = [p.position, p.collateral.reserve, p.debt.reserve];
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::CollateralOutBelowMinimum,
        &watched,
    )
    .await;

    let ix = builders::liquidate(&p, &a, u64::MAX, 4_441_250_000);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.threshold_bps, 8_300);
    assert!((ratio(event.health_before) - 0.9765).abs() < 0.0001);
    assert_eq!(event.repaid, 8_500 * USDC);
    assert_eq!(event.seized, 4_462_500_000);
    assert_eq!(event.protocol_fee, 21_250_000);
    assert_eq!(event.to_liquidator, 4_441_250_000);
    assert_eq!(event.bonus, 212_500_000);
    assert_eq!(event.deficit, 0);
    assert!((ratio(event.health_after) - 1.0814).abs() < 0.0001);
    assert_eq!(ratio(event.collateral_price), 2_000.0);
    assert_eq!(ratio(event.debt_price), 1.0);

    let after = balances(&mut s).await;
    assert_eq!(after[0], before[0] + 4_441_250_000, "liquidator's SOL");
    assert_eq!(after[1], before[1] - 8_500 * USDC, "liquidator's USDC");
    assert_eq!(after[2], before[2] + 21_250_000, "treasury's SOL");
    assert_eq!(after[3], before[3] + 8_500 * USDC, "USDC vault");
    let position = s.f.position_state(p.position).await;
    assert_eq!(position.collateral_amount, 10 * SOL - 4_462_500_000);
    assert_eq!(position.debt_shares, 8_500 * USDC);
    assert_books(&mut s.f, [p.collateral, p.debt]).await;

    // Now healthy: a second liquidation is refused.
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
        .await;
}

#[tokio::test]
async fn below_the_full_liquidation_level_all_debt_may_go() {
    // $1,800: HF 0.879 < 0.95.
    let mut s = setup(pinned_bounds(), 1_800).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.repaid, 17_000 * USDC);
    // 17,000 / 1,800 × 1.05 = 9.916666666 SOL, rounded down.
    assert_eq!(event.seized, 9_916_666_666);
    assert_eq!(event.deficit, 0);
    let position = s.f.position_state(p.position).await;
    assert_eq!(position.debt_shares, 0);
    assert_eq!(position.collateral_amount, 10 * SOL - 9_916_666_666);
    assert_books(&mut s.f, [p.collateral, p.debt]).await;

    // The owner takes the rest back without any price.
    let owner = s.owner.insecure_clone();
    let ix =
        builders::withdraw_collateral(&p, s.f.users[1].spl_account, position.collateral_amount);
    s.f.send(&[ix], &[&owner]).await.unwrap();
}

#[tokio::test]
async fn a_partial_liquidation_may_not_leave_dust() {
    let mut s = setup(pinned_bounds(), 1_800).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    // Leaving $0.50 of debt, under the $1 dust value.
    let ix = builders::liquidate(&p, &a, 17_000 * USDC - 500_000, 0);
    let watched = [p.position, p.collateral.reserve, p.debt.reserve];
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::LiquidationLeavesDust,
        &watched,
    )
    .await;
    // Leaving $2 is fine.
    let ix = builders::liquidate(&p, &a, 17_000 * USDC - 2 * USDC, 0);
    s.f.send(&[ix], &[&liquidator]).await.unwrap();
    assert_books(&mut s.f, [p.collateral, p.debt]).await;
}

#[tokio::test]
async fn collateral_runs_out_and_the_rest_is_bad_debt_taken_from_suppliers() {
    // $1,500: 10 SOL = $15,000 buys back at most 15,000 / 1.05 of the 17,000 owed.
    let mut s = setup(pinned_bounds(), 1_500).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let pool_before = supply_pool_value(&s.f.reserve_state(p.debt.reserve).await).unwrap();
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.seized, 10 * SOL);
    // 15,000 / 1.05 = 14,285.714285..., rounded up.
    assert_eq!(event.repaid, 14_285_714_286);
    assert_eq!(event.deficit, 17_000 * USDC - 14_285_714_286);

    let reserve = s.f.reserve_state(p.debt.reserve).await;
    assert_eq!(reserve.lending.deficit, event.deficit);
    assert_eq!(reserve.lending.debt_shares, 0);
    let pool_after = supply_pool_value(&reserve).unwrap();
    // No time passed, so no fees stood before the suppliers.
    assert_eq!(event.deficit_absorbed_by_fees, 0);
    assert_eq!(
        pool_before - pool_after,
        I80F48::from_num(event.deficit),
        "suppliers lose exactly the deficit"
    );
    let position = s.f.position_state(p.position).await;
    assert_eq!(
        (position.collateral_amount, position.debt_shares),
        (0, 0),
        "nothing left on a dead position"
    );
    assert_books(&mut s.f, [p.collateral, p.debt]).await;

    // The emptied position can be closed.
    let owner = s.owner.insecure_clone();
    s.f.send(
        &[builders::close_position(owner.pubkey(), p.position)],
        &[&owner],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_crash_seen_by_refresh_reserve_makes_a_position_liquidatable() {
    // Wide bounds and fast rates so one refresh moves the threshold a lot.
    let bounds = RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 8_800,
        max_tighten_bps_per_hour: 1_000,
        max_loosen_bps_per_hour: 10_000,
        ..pinned_bounds()
    };
    let mut s = position_with_collateral(bounds, true).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let (spl, t22) = (p.collateral, p.debt);
    assert_eq!(
        s.f.reserve_state(spl.reserve)
            .await
            .calibrated
            .liquidation_threshold_bps,
        8_800
    );
    // Max LTV 83 % of $1,500.
    s.borrow(1_245 * USDC).await;

    // -5 % in an hour: at the old threshold (88 %) still healthy.
    s.f.advance_clock(3_600).await;
    s.f.publish_now(&spl, 14_250_000_000).await;
    s.f.publish_now(&t22, DOLLAR).await;
    let watched = [p.position, spl.reserve, t22.reserve];
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
        .await;

    // The keeper refreshes: volatility jumps, the threshold tightens below
    // the position's LTV, and the same liquidation now goes through.
    s.f.refresh(&spl).await.unwrap();
    let threshold =
        s.f.reserve_state(spl.reserve)
            .await
            .calibrated
            .liquidation_threshold_bps;
    assert!(threshold < 8_300, "threshold tightened to {threshold}");
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.threshold_bps, threshold);
    assert!(ratio(event.health_before) < 1.0);
    assert!(ratio(event.health_after) > ratio(event.health_before));
    assert_books(&mut s.f, [spl, t22]).await;
}

/// M2: a stale calibration is no cliff. The threshold in use declines from
/// the calibrated 88 % at the tightening rate (2 %/h) from the moment the
/// calibration went stale, and a position at 79.93 % LTV becomes
/// liquidatable only when the decline reaches it, four hours later.
#[tokio::test]
async fn a_stale_calibration_declines_at_the_tightening_rate() {
    let bounds = RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 8_800,
        max_loosen_bps_per_hour: 10_000,
        ..pinned_bounds()
    };
    let mut s = position_with_collateral(bounds, true).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let calibrated = s.f.reserve_state(p.collateral.reserve).await.calibrated;
    assert_eq!(calibrated.liquidation_threshold_bps, 8_800);
    let stale_since = calibrated.last_calibration_ts + 3_600;
    // LTV 79.93 %: healthy at 88 %, not below 79.93 % (and its interest).
    s.borrow(1_199 * USDC).await;
    let watched = [p.position, p.collateral.reserve, p.debt.reserve];
    // Stale for a second, then for four hours: 88 % - 8 % = 80 %, still healthy.
    for at in [stale_since + 1, stale_since + 4 * 3_600] {
        s.f.set_clock(at).await;
        s.f.republish_prices().await;
        let ix = builders::liquidate(&p, &a, u64::MAX, 0);
        s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
            .await;
    }
    // Ten minutes more: 200 bps/h × 4 h 10 min = 833 bps, so 79.67 %.
    s.f.set_clock(stale_since + 4 * 3_600 + 600).await;
    s.f.republish_prices().await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.threshold_bps, 7_967);
}

#[tokio::test]
async fn bad_liquidation_input_gets_its_error_and_changes_nothing() {
    let mut s = setup(pinned_bounds(), 2_000).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let watched = [p.position, p.collateral.reserve, p.debt.reserve];

    // The owner cannot liquidate its own position.
    let owner = s.owner.insecure_clone();
    let own = LiquidatorAccounts {
        liquidator: owner.pubkey(),
        collateral_account: s.f.users[1].spl_account,
        debt_account: s.f.users[1].t22_account,
        ..a
    };
    let ix = builders::liquidate(&p, &own, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&owner], RiskError::SelfLiquidation, &watched)
        .await;

    // Zero repay.
    let ix = builders::liquidate(&p, &a, 0, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::ZeroAmount, &watched)
        .await;

    // Swapped price accounts.
    let swapped = PricedPosition {
        collateral: ReserveFixture {
            price_account: p.debt.price_account,
            ..p.collateral
        },
        debt: ReserveFixture {
            price_account: p.collateral.price_account,
            ..p.debt
        },
        ..p
    };
    let ix = builders::liquidate(&swapped, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::OracleFeedMismatch,
        &watched,
    )
    .await;

    // A vault that is not the reserve's (a look-alike account of the same mint).
    let stranger = Pubkey::new_unique();
    let look_alike =
        s.f.create_token_account(p.collateral.mint, stranger, p.collateral.token_program)
            .await;
    let wrong_vault = PricedPosition {
        collateral: ReserveFixture {
            vault: look_alike,
            ..p.collateral
        },
        ..p
    };
    let ix = builders::liquidate(&wrong_vault, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::WrongVault, &watched)
        .await;

    // A treasury account that is not the treasury's.
    let not_treasury = LiquidatorAccounts {
        treasury_collateral_account: look_alike,
        ..a
    };
    let ix = builders::liquidate(&p, &not_treasury, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::WrongTreasury, &watched)
        .await;

    // Paused liquidations.
    let guardian = s.f.guardian.insecure_clone();
    let market = s.f.market;
    s.f.send(
        &[builders::set_pause(
            guardian.pubkey(),
            market,
            PAUSE_LIQUIDATIONS,
        )],
        &[&guardian],
    )
    .await
    .unwrap();
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::LiquidationsPaused,
        &watched,
    )
    .await;
    let authority = s.f.authority.pubkey();
    s.f.send_as_authority(&[builders::set_pause(authority, market, 0)])
        .await
        .unwrap();

    // Stale price: a minute and a second later.
    s.f.advance_clock(61).await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::OraclePriceStale, &watched)
        .await;

    // A healthy position: price back to $2,500.
    s.f.publish_now(&p.collateral, 2_500 * DOLLAR).await;
    s.f.publish_now(&p.debt, DOLLAR).await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
        .await;
}

/// A position too large for its market gets a lower threshold than a small
/// one. Depth $10,000 at 1 % (governance's minimum, no report), reference
/// liquidation $10,000 (impact 1 %), LT 83 %, bonus 5 %, the whole size
/// weight. At $150 a 1,000 SOL position ($150,000) would move the price
/// 1 % × sqrt(15) = 3.87 %: 288 bps beyond the reference, 275 bps off its
/// threshold through the bonus, so its max LTV is 75.25 % where a 10 SOL
/// position's is 78 %. Both borrow at 74 %; at $137 the small one (81 %)
/// is healthy, the large one is not: its threshold is
/// 8,300 - ceil((ceil(100 × sqrt(13.7)) - 100) / 1.05) = 8,041 bps.
#[tokio::test]
async fn a_position_too_large_for_its_market_has_a_lower_threshold() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let (spl, t22, market) = (s.p.collateral, s.p.debt, s.f.market);
    let authority = s.f.authority.pubkey();
    let params = risk_engine::state::CalibrationParams {
        reference_liquidation_quote: 10_000,
        min_depth_quote: 10_000,
        max_slippage_bps: 2_500,
        size_weight_bps: 10_000,
        ..risk_engine_tests::presets::calibration()
    };
    let ix = builders::set_calibration_params(authority, market, spl.reserve, params);
    s.f.send_as_authority(&[ix]).await.unwrap();
    // Liquidity for the large borrow.
    let supplier = s.f.users[0].keypair.insecure_clone();
    let ix = builders::supply(
        supplier.pubkey(),
        market,
        &t22,
        s.f.users[0].t22_account,
        200_000 * USDC,
        0,
    );
    s.f.send(&[ix], &[&supplier]).await.unwrap();
    let owner = s.owner.insecure_clone();
    let large = s.f.open_position(&owner, 1, spl, t22).await;
    let owner_sol = s.f.users[1].spl_account;
    let ix =
        builders::deposit_collateral(owner.pubkey(), large.position, &spl, owner_sol, 1_000 * SOL);
    s.f.send(&[ix], &[&owner]).await.unwrap();
    s.f.publish_now(&spl, 150 * DOLLAR).await;

    let owner_usdc = s.f.users[1].t22_account;
    let watched = [large.position, spl.reserve, t22.reserve, owner_usdc];
    let ix = builders::borrow(&large, owner_usdc, 112_880 * USDC);
    s.f.assert_rejected(&[ix], &[&owner], RiskError::MaxLtvExceeded, &watched)
        .await;
    s.f.send(
        &[builders::borrow(&large, owner_usdc, 111_000 * USDC)],
        &[&owner],
    )
    .await
    .expect("74 % of $150,000, under its 75.25 %");
    s.borrow(1_110 * USDC).await;

    s.f.publish_now(&spl, 137 * DOLLAR).await;
    s.f.publish_now(&t22, DOLLAR).await;
    let (a, liquidator) = (s.accounts, s.liquidator.insecure_clone());
    let ix = builders::liquidate(&s.p, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::PositionHealthy,
        &[s.p.position, spl.reserve, t22.reserve],
    )
    .await;
    let ix = builders::liquidate(&large, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.threshold_bps, 8_041);
    assert!(ratio(event.health_before) < 1.0);
    assert_books(&mut s.f, [spl, t22]).await;
}
