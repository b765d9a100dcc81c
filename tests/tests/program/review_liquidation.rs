//! The second review's findings on prices and liquidations, each attack
//! sent through the bank: N3 (a borrower chose an older message), N4 (a
//! wide confidence band blocked liquidations), N5 (a refresh ahead of a
//! liquidation voided it), the toxic-spiral guard, and N7's pause rules
//! for borrowers.

use fixed::types::I80F48;
use risk_engine::constants::{PAUSE_LENDING, PAUSE_LIQUIDATIONS};
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::math::liquidation::{health_factor, seize_for_repay, Side};
use risk_engine::state::RiskBounds;
use risk_engine_tests::builders::{self, PricedPosition};
use risk_engine_tests::fixture::SOL_USD_FEED;
use risk_engine_tests::position_setup::*;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::TestFixture;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signer;

/// Writes `price` into a fresh Pyth account and returns the position as it
/// would be priced through that account.
fn priced_by(f: &mut TestFixture, p: &PricedPosition, price: PythPrice) -> PricedPosition {
    let account = Pubkey::new_unique();
    f.set_price_account(account, price);
    let mut chosen = *p;
    chosen.collateral.price_account = account;
    chosen
}

fn sol_at(dollars: f64) -> Side {
    Side {
        amount: 10 * SOL,
        decimals: 9,
        price: I80F48::from_num(dollars),
    }
}

fn usdc(amount: u64) -> Side {
    Side {
        amount,
        decimals: 6,
        price: I80F48::ONE,
    }
}

/// N3: borrowing read prices up to the oracle's max age (60 s here) while
/// liquidation reads them at most 15 s old, so a borrower could pick an
/// older message, and its older EMA, from the last minute: here $160 from
/// 30 s ago against $150 now, worth 78 USDC more of borrowing on 10 SOL.
/// Lending now reads prices as fresh as a liquidation does.
#[tokio::test]
async fn n3_lending_reads_prices_as_fresh_as_a_liquidation() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    s.f.advance_clock(60).await;
    let now = s.f.now().await;
    let p = s.p;
    let owner = s.owner.insecure_clone();
    let owner_usdc = s.f.users[1].t22_account;
    let owner_sol = s.f.users[1].spl_account;
    s.f.republish_prices().await;
    let watched = [p.position, p.collateral.reserve, p.debt.reserve, owner_usdc];

    // Max LTV 78 %: 1,248 USDC at $160, 1,170 at $150.
    let older = priced_by(
        &mut s.f,
        &p,
        PythPrice::new(SOL_USD_FEED, 160 * DOLLAR, -8, now - 30),
    );
    let ix = builders::borrow(&older, owner_usdc, 1_248 * USDC);
    s.f.assert_rejected(&[ix], &[&owner], RiskError::OraclePriceStale, &watched)
        .await;
    let fifteen = priced_by(
        &mut s.f,
        &p,
        PythPrice::new(SOL_USD_FEED, 150 * DOLLAR, -8, now - 15),
    );
    let ix = builders::borrow(&fifteen, owner_usdc, 1_171 * USDC);
    s.f.assert_rejected(&[ix], &[&owner], RiskError::MaxLtvExceeded, &watched)
        .await;
    let ix = builders::borrow(&fifteen, owner_usdc, 1_000 * USDC);
    s.f.send(&[ix], &[&owner])
        .await
        .expect("a price 15 s old is fresh enough");

    // Withdrawing collateral against debt reads the same fresh prices.
    let ix = builders::withdraw_collateral(&older, owner_sol, SOL);
    let watched = [p.position, p.collateral.reserve, p.debt.reserve, owner_sol];
    s.f.assert_rejected(&[ix], &[&owner], RiskError::OraclePriceStale, &watched)
        .await;
    let ix = builders::withdraw_collateral(&p, owner_sol, SOL);
    s.f.send(&[ix], &[&owner]).await.expect("a fresh price");
}

/// N4: in a crash Pyth's band widens. The SOL price here is $2,000 ± 3 %
/// (the reserve allows 2 %), its EMA band 20 %. Before the fix every
/// liquidation was refused with `OracleConfidenceTooWide` exactly then.
/// Now a liquidation goes through, valuing the collateral at the band's
/// low edge ($1,940) and ignoring the EMA it does not use; a refresh and a
/// borrow still refuse the band, and a band past 10 % refuses even a
/// liquidation.
#[tokio::test]
async fn n4_a_wide_band_does_not_block_a_liquidation() {
    let mut s = setup(pinned_bounds(), 2_000).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let (spl, t22) = (p.collateral, p.debt);
    let now = s.f.now().await;
    let owner = s.owner.insecure_clone();
    let watched = [p.position, spl.reserve, t22.reserve];

    // A wide EMA band alone: a refresh (which reads only spot) takes the
    // price, a borrow (which values at the EMA too) does not.
    let ema_wide = PythPrice {
        ema_conf: (500 * DOLLAR) as u64,
        ..PythPrice::new(SOL_USD_FEED, 2_000 * DOLLAR, -8, now)
    };
    let ema_priced = priced_by(&mut s.f, &p, ema_wide);
    let ix = builders::borrow(&ema_priced, s.f.users[1].t22_account, USDC);
    s.f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::OracleConfidenceTooWide,
        &watched,
    )
    .await;
    let refresh =
        builders::refresh_reserve(s.f.market, spl.reserve, ema_priced.collateral.price_account);
    s.f.send(&[refresh], &[])
        .await
        .expect("the EMA is not refresh's business");

    let wide = PythPrice {
        conf: (60 * DOLLAR) as u64,
        ema_price: 2_500 * DOLLAR,
        ema_conf: (500 * DOLLAR) as u64,
        ..PythPrice::new(SOL_USD_FEED, 2_000 * DOLLAR, -8, now)
    };
    s.f.set_price(&spl, wide);

    let refresh = builders::refresh_reserve(s.f.market, spl.reserve, spl.price_account);
    s.f.assert_rejected(
        &[refresh],
        &[],
        RiskError::OracleConfidenceTooWide,
        &[spl.reserve],
    )
    .await;
    let ix = builders::borrow(&p, s.f.users[1].t22_account, USDC);
    s.f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::OracleConfidenceTooWide,
        &watched,
    )
    .await;

    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    // At $1,940: HF = 19,400 × 0.83 / 17,000 = 0.947, under 0.95: all of it.
    let debt = usdc(17_000 * USDC);
    let expected_health = health_factor(&sol_at(1_940.0), &debt, 8_300).unwrap();
    assert_eq!(I80F48::from(event.health_before), expected_health);
    assert_eq!(event.repaid, 17_000 * USDC);
    assert_eq!(
        event.seized,
        seize_for_repay(event.repaid, &debt, &sol_at(1_940.0), 500).unwrap()
    );
    assert_eq!(
        I80F48::from(event.collateral_price),
        I80F48::from_num(1_940)
    );
    s.f.assert_vault_matches(&spl).await;
    s.f.assert_vault_matches(&t22).await;

    // Past 10 % nothing reads the price.
    let mut q = s.f.open_position(&owner, 1, spl, t22).await;
    let wider = PythPrice {
        conf: (201 * DOLLAR) as u64,
        ..wide
    };
    q = priced_by(&mut s.f, &q, wider);
    let ix = builders::liquidate(&q, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::OracleConfidenceTooWide,
        &[q.position, spl.reserve],
    )
    .await;
}

/// N5: a liquidator sends a liquidation with the price of 5 s ago; a
/// borrower (or anyone) lands a refresh with a slightly newer price first.
/// Before the fix the liquidation failed with `OraclePriceOlderThanAccepted`,
/// and the borrower could delay it again and again. Now a liquidation's
/// price may lag the newest accepted one by 5 s, no more, and the newest
/// accepted time does not go back; borrowing gets no such tolerance.
#[tokio::test]
async fn n5_a_refresh_ahead_of_a_liquidation_does_not_void_it() {
    let mut s = setup(pinned_bounds(), 2_000).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let spl = p.collateral;
    s.f.advance_clock(6).await;
    let now = s.f.now().await;
    let at = |age: i64| PythPrice::new(SOL_USD_FEED, 2_000 * DOLLAR, -8, now - age);
    let six = priced_by(&mut s.f, &p, at(6));
    let five = priced_by(&mut s.f, &p, at(5));
    let newest = priced_by(&mut s.f, &p, at(0));
    s.f.republish_prices().await;

    let ix = builders::refresh_reserve(s.f.market, spl.reserve, newest.collateral.price_account);
    s.f.send(&[ix], &[]).await.expect("the borrower's refresh");
    assert_eq!(
        s.f.reserve_state(spl.reserve)
            .await
            .newest_price_publish_time,
        now
    );
    let watched = [p.position, spl.reserve, p.debt.reserve];

    let owner = s.owner.insecure_clone();
    let ix = builders::borrow(&five, s.f.users[1].t22_account, USDC);
    s.f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::OraclePriceOlderThanAccepted,
        &watched,
    )
    .await;
    let ix = builders::liquidate(&six, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::OraclePriceOlderThanAccepted,
        &watched,
    )
    .await;
    let ix = builders::liquidate(&five, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    // Half the debt (17,000 USDC and six seconds of interest).
    assert!((8_500 * USDC..8_501 * USDC).contains(&event.repaid));
    assert_eq!(
        s.f.reserve_state(spl.reserve)
            .await
            .newest_price_publish_time,
        now,
        "the newest accepted price never goes back"
    );
}

/// The toxic-spiral guard: LT 88 %, bonus 10 %, so below HF 0.968 a
/// partial liquidation lowers health. At HF 0.959 (above governance's 0.95)
/// the close factor used to cap a liquidation at half the debt, which left
/// the position sicker (0.950) for the next one. Now the whole debt may go
/// at once: the collateral does not cover it with the bonus, so all of it
/// is seized and the rest is written off as a deficit, openly.
#[tokio::test]
async fn a_position_in_the_toxic_spiral_may_be_liquidated_in_full() {
    let bounds = RiskBounds {
        lt_min_bps: 8_800,
        lt_max_bps: 8_800,
        bonus_min_bps: 1_000,
        bonus_max_bps: 1_000,
        ..pinned_bounds()
    };
    let mut s = position_with_collateral(bounds, false).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let (spl, t22) = (p.collateral, p.debt);
    s.f.publish_now(&spl, 2_500 * DOLLAR).await;
    s.borrow(20_000 * USDC).await;
    s.f.publish_now(&spl, 2_180 * DOLLAR).await;

    let debt = usdc(20_000 * USDC);
    let before = health_factor(&sol_at(2_180.0), &debt, 8_800).unwrap();
    let before_f64 = before.to_num::<f64>();
    assert!(before_f64 > 0.95 && before_f64 < 0.968, "HF {before}");
    // What the close factor's half would have done: lower it.
    let half = 10_000 * USDC;
    let seized = seize_for_repay(half, &debt, &sol_at(2_180.0), 1_000).unwrap();
    let after_half = health_factor(
        &Side {
            amount: 10 * SOL - seized,
            ..sol_at(2_180.0)
        },
        &usdc(20_000 * USDC - half),
        8_800,
    )
    .unwrap();
    assert!(after_half < before, "half: {before} -> {after_half}");

    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert_eq!(event.seized, 10 * SOL, "every unit of collateral");
    assert!(event.deficit > 0);
    // Each side rounded up to its unit: together the debt, within a unit.
    assert!((event.repaid + event.deficit).abs_diff(20_000 * USDC) <= 1);
    let position = s.f.position_state(p.position).await;
    assert_eq!((position.collateral_amount, position.debt_shares), (0, 0));
    let reserve = s.f.reserve_state(t22.reserve).await;
    assert_eq!(reserve.lending.deficit, event.deficit);
    s.f.assert_vault_matches(&spl).await;
    s.f.assert_vault_matches(&t22).await;
}

/// N7: `PAUSE_LENDING` used to stop a debt-free owner's collateral
/// withdrawal too, though nothing is at risk and it is their own tokens.
/// Now it goes; a position in debt still may not withdraw.
#[tokio::test]
async fn n7_a_debt_free_owner_withdraws_while_lending_is_paused() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let p = s.p;
    let owner = s.owner.insecure_clone();
    let owner_sol = s.f.users[1].spl_account;
    let guardian = s.f.guardian.insecure_clone();
    let ix = builders::set_pause(guardian.pubkey(), s.f.market, PAUSE_LENDING);
    s.f.send(&[ix], &[&guardian]).await.unwrap();

    let before = s.f.token_balance(owner_sol).await;
    let ix = builders::withdraw_collateral(&p, owner_sol, 4 * SOL);
    s.f.send(&[ix], &[&owner])
        .await
        .expect("a debt-free withdrawal");
    assert_eq!(s.f.token_balance(owner_sol).await, before + 4 * SOL);
    s.f.assert_vault_matches(&p.collateral).await;

    // Unpaused, a borrow; paused again, no withdrawal from a position in debt.
    let authority = s.f.authority.pubkey();
    let ix = builders::set_pause(authority, s.f.market, 0);
    s.f.send_as_authority(&[ix]).await.unwrap();
    s.borrow(100 * USDC).await;
    let ix = builders::set_pause(guardian.pubkey(), s.f.market, PAUSE_LENDING);
    s.f.send(&[ix], &[&guardian]).await.unwrap();
    let ix = builders::withdraw_collateral(&p, owner_sol, SOL);
    let watched = [p.position, p.collateral.reserve, owner_sol];
    s.f.assert_rejected(&[ix], &[&owner], RiskError::LendingPaused, &watched)
        .await;
}

/// N7: pausing liquidations alone left borrowing open: new risk nobody may
/// liquidate. Now borrowing and withdrawing collateral against debt stop
/// with liquidations; repaying, depositing and a debt-free withdrawal go on.
#[tokio::test]
async fn n7_no_new_risk_while_liquidations_are_paused() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let (p, spl, t22) = (s.p, s.p.collateral, s.p.debt);
    s.borrow(500 * USDC).await;
    let guardian = s.f.guardian.insecure_clone();
    let ix = builders::set_pause(guardian.pubkey(), s.f.market, PAUSE_LIQUIDATIONS);
    s.f.send(&[ix], &[&guardian]).await.unwrap();

    let owner = s.owner.insecure_clone();
    let (owner_sol, owner_usdc) = (s.f.users[1].spl_account, s.f.users[1].t22_account);
    let watched = [p.position, spl.reserve, t22.reserve, owner_sol, owner_usdc];
    let refusals = [
        builders::borrow(&p, owner_usdc, USDC),
        builders::withdraw_collateral(&p, owner_sol, SOL),
    ];
    for ix in refusals {
        s.f.assert_rejected(
            &[ix],
            &[&owner],
            RiskError::RiskIncreaseWhileLiquidationsPaused,
            &watched,
        )
        .await;
    }
    let ixs = [
        builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, SOL),
        builders::repay(owner.pubkey(), p.position, &t22, owner_usdc, u64::MAX),
    ];
    s.f.send(&ixs, &[&owner]).await.expect("de-risking goes on");
    let ix = builders::withdraw_collateral(&p, owner_sol, 11 * SOL);
    s.f.send(&[ix], &[&owner])
        .await
        .expect("a debt-free withdrawal goes on");
    s.f.assert_vault_matches(&spl).await;
    s.f.assert_vault_matches(&t22).await;
}
