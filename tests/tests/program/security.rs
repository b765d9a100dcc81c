//! The security review's findings, each attack sent through the bank and
//! shown to fail or to gain nothing: H1 (share inflation by rounding), M1
//! (borrowing on a stale calibration), M2 (the stale-calibration cliff), M3
//! (choosing a price), L1 to L6, and the lender position's rent. M4
//! (steering the variance) has its own module, `sampling`.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::AccountMeta;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_interface::spl_token_2022::extension::ExtensionType;
use fixed::types::I80F48;
use risk_engine::calibration::{effective_threshold_bps, SkipReason};
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::lending::supply_pool_value;
use risk_engine::math::shares::{self, VIRTUAL_SUPPLY};
use risk_engine::pda;
use risk_engine::state::{Reserve, RiskBounds};
use risk_engine_tests::builders::{self, PricedPosition};
use risk_engine_tests::fixture::{ReserveFixture, SOL_USD_FEED};
use risk_engine_tests::position_setup::*;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::TestFixture;
use solana_sdk::signature::{Keypair, Signer};

const HOUR: i64 = 3_600;

/// A supply share's price in base units, `(A + V) / (S + V)` as the
/// program prices it while the pool is not under water.
fn share_price(reserve: &Reserve) -> f64 {
    let pool = supply_pool_value(reserve).unwrap().to_num::<f64>();
    let virtual_supply = VIRTUAL_SUPPLY as f64;
    (pool + virtual_supply) / (reserve.lending.supply_shares as f64 + virtual_supply)
}

/// What a supplier's shares are worth now, base units.
async fn supplier_value(f: &mut TestFixture, asset: &ReserveFixture, owner: Pubkey) -> u64 {
    let reserve = f.reserve_state(asset.reserve).await;
    let held = f.lender_state(asset, owner).await.supply_shares;
    shares::supply_value(
        held,
        reserve.lending.supply_shares,
        supply_pool_value(&reserve).unwrap(),
    )
    .unwrap()
}

/// H1: alone in an empty reserve, an attacker supplies 2, borrows 1, repays
/// 2 a second later (rounded up), then repeats "supply ceil(p), withdraw 1
/// unit" 30 times. Without virtual shares each round doubled one share's
/// price (about 1e9 base units after 30 rounds) and the next deposit of
/// 2p - 1 lost a quarter. Now each round raises it by at most 1e-6: the
/// victim loses at most 2 base units (a deposit keeps all but one share's
/// worth, p < 1.0001 here, plus one unit of rounding), and the attacker
/// ends with less than it put in.
#[tokio::test]
async fn h1_rounding_cannot_inflate_an_empty_reserves_share_price() {
    let mut f = TestFixture::new().await;
    let (spl, t22, market) = (f.spl, f.t22, f.market);
    let attacker = f.users[0].keypair.insecure_clone();
    let (attacker_sol, attacker_usdc) = (f.users[0].spl_account, f.users[0].t22_account);
    let sol_before = f.token_balance(attacker_sol).await;
    let usdc_before = f.token_balance(attacker_usdc).await;
    let supply =
        |amount| builders::supply(attacker.pubkey(), market, &t22, attacker_usdc, amount, 0);
    let withdraw = |amount| {
        builders::withdraw_supply(attacker.pubkey(), market, &t22, attacker_usdc, amount, 0)
    };

    f.send(&[supply(2)], &[&attacker]).await.unwrap();
    let p = f.open_position(&attacker, 0, spl, t22).await;
    let ix = builders::deposit_collateral(attacker.pubkey(), p.position, &spl, attacker_sol, SOL);
    f.send(&[ix], &[&attacker]).await.unwrap();
    f.send(&[builders::borrow(&p, attacker_usdc, 1)], &[&attacker])
        .await
        .unwrap();
    f.advance_clock(1).await;
    let ix = builders::repay(attacker.pubkey(), p.position, &t22, attacker_usdc, u64::MAX);
    let repaid: Repaid = f.send(&[ix], &[&attacker]).await.unwrap().one();
    assert_eq!(
        repaid.amount, 2,
        "1 unit and a second of interest, rounded up"
    );

    for round in 0..30 {
        let price = share_price(&f.reserve_state(t22.reserve).await);
        f.send(&[supply(price.ceil() as u64)], &[&attacker])
            .await
            .unwrap_or_else(|e| panic!("round {round}: supply {e:?}"));
        f.send(&[withdraw(1)], &[&attacker])
            .await
            .unwrap_or_else(|e| panic!("round {round}: withdraw {e:?}"));
    }
    let price = share_price(&f.reserve_state(t22.reserve).await);
    assert!(price < 1.0001, "share price after 30 rounds: {price}");

    // The victim deposits 2p - 1 (the amount that lost a quarter), then a
    // round thousand, and takes everything back.
    let victim = f.users[2].keypair.insecure_clone();
    let victim_usdc = f.users[2].t22_account;
    let victim_before = f.token_balance(victim_usdc).await;
    let mut deposited = 0;
    for deposit in [2 * price.ceil() as u64 - 1, 1_000 * USDC] {
        let ix = builders::supply(victim.pubkey(), market, &t22, victim_usdc, deposit, 0);
        f.send(&[ix], &[&victim]).await.unwrap();
        deposited += deposit;
        let worth = supplier_value(&mut f, &t22, victim.pubkey()).await;
        assert!(
            deposited - worth <= 2,
            "deposited {deposited}, worth {worth}"
        );
    }
    let ix = builders::withdraw_supply(victim.pubkey(), market, &t22, victim_usdc, u64::MAX, 0);
    f.send(&[ix], &[&victim]).await.unwrap();
    let victim_loss = victim_before - f.token_balance(victim_usdc).await;
    assert!(victim_loss <= 2, "the victim lost {victim_loss} base units");

    // The attacker leaves with everything it can take: less than it put in.
    f.send(&[withdraw(u64::MAX)], &[&attacker]).await.unwrap();
    let ix = builders::withdraw_collateral(&p, attacker_sol, SOL);
    f.send(&[ix], &[&attacker]).await.unwrap();
    assert_eq!(f.token_balance(attacker_sol).await, sol_before);
    let usdc_after = f.token_balance(attacker_usdc).await;
    assert!(
        usdc_after < usdc_before,
        "attacker: {usdc_before} before, {usdc_after} after"
    );
    f.assert_vault_matches(&t22).await;
    f.assert_vault_matches(&spl).await;
}

/// H1: a supplier names the fewest shares it accepts and the least it will
/// be paid; a deposit or withdrawal that would give less is refused and
/// changes nothing.
#[tokio::test]
async fn h1_supply_and_withdrawal_take_their_minimums() {
    let mut f = TestFixture::new().await;
    let (t22, market) = (f.t22, f.market);
    let supplier = f.users[0].keypair.insecure_clone();
    let account = f.users[0].t22_account;
    let first = builders::supply(supplier.pubkey(), market, &t22, account, 500 * USDC, 0);
    f.send(&[first], &[&supplier]).await.unwrap();

    let reserve = f.reserve_state(t22.reserve).await;
    let expected = shares::supply_shares_to_mint(
        100 * USDC,
        reserve.lending.supply_shares,
        supply_pool_value(&reserve).unwrap(),
    )
    .unwrap();
    let lender = pda::lender_position(&t22.reserve, &supplier.pubkey()).0;
    let watched = [t22.reserve, lender, account, t22.vault];
    let greedy = builders::supply(
        supplier.pubkey(),
        market,
        &t22,
        account,
        100 * USDC,
        expected + 1,
    );
    f.assert_rejected(
        &[greedy],
        &[&supplier],
        RiskError::SharesOutBelowMinimum,
        &watched,
    )
    .await;
    let exact = builders::supply(
        supplier.pubkey(),
        market,
        &t22,
        account,
        100 * USDC,
        expected,
    );
    let supplied: Supplied = f.send(&[exact], &[&supplier]).await.unwrap().one();
    assert_eq!(supplied.shares_minted, expected);

    let worth = supplier_value(&mut f, &t22, supplier.pubkey()).await;
    let greedy = builders::withdraw_supply(
        supplier.pubkey(),
        market,
        &t22,
        account,
        u64::MAX,
        worth + 1,
    );
    f.assert_rejected(
        &[greedy],
        &[&supplier],
        RiskError::AmountOutBelowMinimum,
        &watched,
    )
    .await;
    let exact =
        builders::withdraw_supply(supplier.pubkey(), market, &t22, account, u64::MAX, worth);
    let withdrawn: SupplyWithdrawn = f.send(&[exact], &[&supplier]).await.unwrap().one();
    assert_eq!(withdrawn.amount, worth);
    f.assert_vault_matches(&t22).await;
}

/// A lender position with no shares left can be closed by its owner alone,
/// for its rent; one that still holds shares cannot.
#[tokio::test]
async fn a_lender_position_closes_when_empty_and_returns_its_rent() {
    let mut f = TestFixture::new().await;
    let (t22, market) = (f.t22, f.market);
    let supplier = f.users[0].keypair.insecure_clone();
    let account = f.users[0].t22_account;
    let ix = builders::supply(supplier.pubkey(), market, &t22, account, 10 * USDC, 0);
    f.send(&[ix], &[&supplier]).await.unwrap();
    let lender = pda::lender_position(&t22.reserve, &supplier.pubkey()).0;

    let close = builders::close_lender_position(supplier.pubkey(), t22.reserve);
    f.assert_rejected(
        &[close.clone()],
        &[&supplier],
        RiskError::LenderPositionNotEmpty,
        &[lender],
    )
    .await;
    let ix = builders::withdraw_supply(supplier.pubkey(), market, &t22, account, u64::MAX, 0);
    f.send(&[ix], &[&supplier]).await.unwrap();

    // Another key cannot close it, even for nothing.
    let stranger = f.users[1].keypair.insecure_clone();
    let mut theirs = close.clone();
    theirs.accounts[0] = AccountMeta::new(stranger.pubkey(), true);
    f.assert_rejected(
        &[theirs],
        &[&stranger],
        RiskError::NotPositionOwner,
        &[lender],
    )
    .await;

    let rent = f.context.banks_client.get_balance(lender).await.unwrap();
    let before = f
        .context
        .banks_client
        .get_balance(supplier.pubkey())
        .await
        .unwrap();
    let closed: LenderPositionClosed = f.send(&[close], &[&supplier]).await.unwrap().one();
    assert_eq!(
        (closed.lender_position, closed.owner),
        (lender, supplier.pubkey())
    );
    assert!(f.raw(lender).await.is_none());
    let after = f
        .context
        .banks_client
        .get_balance(supplier.pubkey())
        .await
        .unwrap();
    assert_eq!(
        after,
        before + rent,
        "the owner paid no fee: the fixture's payer did"
    );
    // Supplying again opens it afresh.
    let ix = builders::supply(supplier.pubkey(), market, &t22, account, 10 * USDC, 0);
    f.send(&[ix], &[&supplier]).await.unwrap();
    assert!(f.lender_state(&t22, supplier.pubkey()).await.supply_shares > 0);
}

/// Bounds with a wide range and instant loosening, so one calm hour of
/// calibration lifts the threshold to its 88 % cap.
fn wide_bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 8_800,
        max_loosen_bps_per_hour: 10_000,
        ..pinned_bounds()
    }
}

/// M1: on a stale calibration, a borrow at the old max LTV (83 %) is
/// refused: borrowing uses the threshold liquidation uses, declined here to
/// 84 % two hours after it went stale, so max LTV is 79 %. A borrow inside
/// that is not liquidatable the moment it is made.
#[tokio::test]
async fn m1_a_stale_calibration_lowers_the_max_ltv_as_it_lowers_the_threshold() {
    let mut s = position_with_collateral(wide_bounds(), true).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let calibrated = s.f.reserve_state(p.collateral.reserve).await.calibrated;
    assert_eq!(
        (calibrated.liquidation_threshold_bps, calibrated.max_ltv_bps),
        (8_800, 8_300)
    );
    s.f.set_clock(calibrated.last_calibration_ts + 3 * HOUR)
        .await;
    s.f.republish_prices().await;

    // 10 SOL at $150: 83 % is 1,245 USDC, 79 % is 1,185.
    let owner = s.owner.insecure_clone();
    let owner_usdc = s.f.users[1].t22_account;
    let watched = [p.position, p.collateral.reserve, p.debt.reserve, owner_usdc];
    let old_max = builders::borrow(&p, owner_usdc, 1_245 * USDC);
    s.f.assert_rejected(&[old_max], &[&owner], RiskError::MaxLtvExceeded, &watched)
        .await;
    let over = builders::borrow(&p, owner_usdc, 1_186 * USDC);
    s.f.assert_rejected(&[over], &[&owner], RiskError::MaxLtvExceeded, &watched)
        .await;
    s.borrow(1_185 * USDC).await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::PositionHealthy,
        &watched[..3],
    )
    .await;
}

/// M2: the keepers stop cranking (prices are still published, nobody
/// refreshes). Nothing happens for the calibration's max age (1 h); then
/// the threshold declines at the tightening rate (2 %/h), and positions at
/// 83 %, 81 % and 77.5 % LTV become liquidatable one by one, each in the
/// hour the decline reaches it. (A refresh pause by governance freezes the
/// clock instead: `review_stale::n7_a_refresh_pause_freezes_the_calibration_clock`.)
#[tokio::test]
async fn m2_a_stale_calibration_lets_positions_fall_due_only_as_the_decline_reaches_them() {
    let mut s = position_with_collateral(wide_bounds(), true).await;
    let (a, liquidator) = (s.accounts, s.liquidator.insecure_clone());
    let (spl, t22) = (s.f.spl, s.f.t22);
    let owner = s.owner.insecure_clone();
    let (owner_sol, owner_usdc) = (s.f.users[1].spl_account, s.f.users[1].t22_account);
    // LTV in bps and the first hour after the last calibration at which
    // the declined threshold 8,800 - 200 × (h - 1) is below it.
    let book = [(8_300u64, 4i64), (8_100, 5), (7_750, 7)];
    let mut positions: Vec<PricedPosition> = vec![s.p];
    for id in 1..book.len() as u64 {
        let p = s.f.open_position(&owner, id, spl, t22).await;
        let ix =
            builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, 10 * SOL);
        s.f.send(&[ix], &[&owner]).await.unwrap();
        positions.push(p);
    }
    for (p, (ltv_bps, _)) in positions.iter().zip(book) {
        // 10 SOL at $150 = $1,500.
        let ix = builders::borrow(p, owner_usdc, 1_500 * USDC * ltv_bps / 10_000);
        s.f.send(&[ix], &[&owner]).await.unwrap();
    }

    let calibrated_at =
        s.f.reserve_state(spl.reserve)
            .await
            .calibrated
            .last_calibration_ts;
    let mut open: Vec<bool> = vec![true; book.len()];
    for hour in 1..=8 {
        s.f.set_clock(calibrated_at + hour * HOUR).await;
        s.f.republish_prices().await;
        let reserve = s.f.reserve_state(spl.reserve).await;
        let expected = (8_800 - 200 * (hour - 1)) as u16;
        assert_eq!(
            effective_threshold_bps(&reserve, s.f.now().await),
            expected,
            "hour {hour}"
        );
        for (i, (p, (_, due_hour))) in positions.iter().zip(book).enumerate() {
            if !open[i] {
                continue;
            }
            let ix = builders::liquidate(p, &a, u64::MAX, 0);
            if hour < due_hour {
                let watched = [p.position, spl.reserve, t22.reserve];
                s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
                    .await;
            } else {
                let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
                assert_eq!(
                    (hour, event.threshold_bps),
                    (due_hour, expected),
                    "position {i}"
                );
                open[i] = false;
            }
        }
    }
    assert!(open.iter().all(|still| !still), "every position fell due");
    s.f.assert_vault_matches(&spl).await;
    s.f.assert_vault_matches(&t22).await;
}

/// Writes `price` into a fresh Pyth account and returns the position as
/// it would be priced through that account.
fn priced_by(f: &mut TestFixture, p: &PricedPosition, price: PythPrice) -> PricedPosition {
    let account = Pubkey::new_unique();
    f.set_price_account(account, price);
    let mut chosen = *p;
    chosen.collateral.price_account = account;
    chosen
}

/// M3: callers cannot choose their price. After a refresh at `t` the
/// reserve has accepted `t`; a liquidator's genuine update from `t - 10 s`
/// at a lower price is refused, one from `t - 30 s` is past the
/// liquidation max age (15 s) anyway, and a borrower cannot use an older,
/// higher print either. The same 20-second-old price a borrow may use
/// (max age 60 s) is too old for a liquidation.
#[tokio::test]
async fn m3_no_instruction_accepts_a_price_older_than_the_reserve_has_seen() {
    // 17,000 USDC owed on 10 SOL: healthy at $2,100, not at $2,000.
    let mut s = setup(pinned_bounds(), 2_100).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    let (spl, feed) = (p.collateral, SOL_USD_FEED);
    let watched = [p.position, p.collateral.reserve, p.debt.reserve];
    s.f.advance_clock(60).await;
    let t = s.f.now().await;
    s.f.republish_prices().await;
    s.f.refresh(&spl).await.unwrap();
    assert_eq!(
        s.f.reserve_state(spl.reserve)
            .await
            .newest_price_publish_time,
        t
    );

    let low = |at| PythPrice::new(feed, 2_000 * DOLLAR, -8, at);
    let older = priced_by(&mut s.f, &p, low(t - 10));
    let ix = builders::liquidate(&older, &a, u64::MAX, 0);
    s.f.assert_rejected(
        &[ix],
        &[&liquidator],
        RiskError::OraclePriceOlderThanAccepted,
        &watched,
    )
    .await;
    let stale = priced_by(&mut s.f, &p, low(t - 30));
    let ix = builders::liquidate(&stale, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::OraclePriceStale, &watched)
        .await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::PositionHealthy, &watched)
        .await;

    // The borrower's side: an older print at $2,600 would lift the max borrow.
    let owner = s.owner.insecure_clone();
    let owner_usdc = s.f.users[1].t22_account;
    let high = priced_by(
        &mut s.f,
        &p,
        PythPrice::new(feed, 2_600 * DOLLAR, -8, t - 5),
    );
    let ix = builders::borrow(&high, owner_usdc, 1_000 * USDC);
    s.f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::OraclePriceOlderThanAccepted,
        &watched,
    )
    .await;

    // A minute on, a price 20 s old is fine for a refresh (max age 60 s),
    // not for a liquidation.
    s.f.advance_clock(60).await;
    let now = s.f.now().await;
    let twenty = priced_by(
        &mut s.f,
        &p,
        PythPrice::new(feed, 2_100 * DOLLAR, -8, now - 20),
    );
    s.f.republish_prices().await;
    let ix = builders::liquidate(&twenty, &a, u64::MAX, 0);
    s.f.assert_rejected(&[ix], &[&liquidator], RiskError::OraclePriceStale, &watched)
        .await;
    let ix = builders::refresh_reserve(s.f.market, spl.reserve, twenty.collateral.price_account);
    s.f.send(&[ix], &[]).await.unwrap();
    assert_eq!(
        s.f.reserve_state(spl.reserve)
            .await
            .newest_price_publish_time,
        now - 20
    );
}

/// L1: a Token-2022 mint with a close authority is refused: once its supply
/// is zero it could be closed and created again at the same address with a
/// permanent delegate, under a reserve that checked the old one.
#[tokio::test]
async fn l1_a_mint_that_can_be_closed_is_not_listed() {
    let mut f = TestFixture::new().await;
    let mint = Keypair::new();
    let payer = f.context.payer.pubkey();
    let close_ix = spl_token_2022::instruction::initialize_mint_close_authority(
        &spl_token_2022::ID,
        &mint.pubkey(),
        Some(&payer),
    )
    .unwrap();
    f.create_mint_with_extension(&mint, ExtensionType::MintCloseAuthority, close_ix)
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
    let market = f.market;
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::UnsupportedMintExtension,
        &[market],
    )
    .await;
    assert!(f
        .raw(pda::reserve(&market, &mint.pubkey()).0)
        .await
        .is_none());
}

/// L2: fixed-point products that overflow fail with `MathOverflow`
/// instead of wrapping (release) or panicking (debug). A reserve whose debt
/// times its borrow index exceeds `I80F48` refuses a deposit cleanly.
#[tokio::test]
async fn l2_an_overflowing_product_is_refused_with_math_overflow() {
    let mut f = TestFixture::new().await;
    let (t22, market) = (f.t22, f.market);
    let mut reserve = f.reserve_state(t22.reserve).await;
    reserve.lending.debt_shares = u64::MAX / 2;
    reserve.lending.borrow_index = I80F48::from_num(1u64 << 40).into();
    let mut account = f
        .context
        .banks_client
        .get_account(t22.reserve)
        .await
        .unwrap()
        .unwrap();
    account.data[8..].copy_from_slice(bytemuck::bytes_of(&reserve));
    f.context.set_account(&t22.reserve, &account.into());
    f.advance_clock(60).await;

    let supplier = f.users[0].keypair.insecure_clone();
    let ix = builders::supply(
        supplier.pubkey(),
        market,
        &t22,
        f.users[0].t22_account,
        USDC,
        0,
    );
    let watched = [t22.reserve, f.users[0].t22_account];
    f.assert_rejected(&[ix], &[&supplier], RiskError::MathOverflow, &watched)
        .await;
}

/// Publishes `price_e8` at a slot start `at` and refreshes.
async fn refresh_at(
    f: &mut TestFixture,
    asset: &ReserveFixture,
    at: i64,
    price_e8: i64,
) -> Reserve {
    f.set_clock(at).await;
    f.publish_now(asset, price_e8).await;
    f.refresh(asset).await.expect("refresh");
    f.reserve_state(asset.reserve).await
}

/// L3: after a day without refreshes, the first refresh does not loosen by
/// the rate times the gap (25 bps/h × 24 h = 6 %): the calibration went
/// stale an hour in, the threshold declined meanwhile, and the refresh
/// starts from there with the rate limit counted from now. The next one
/// loosens by at most a quarter hour's 25 bps/h.
#[tokio::test]
async fn l3_a_refresh_after_a_long_gap_does_not_loosen_at_once() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let bounds = RiskBounds {
        lt_min_bps: 7_000,
        lt_max_bps: 8_800,
        ..pinned_bounds()
    };
    let ix = builders::set_risk_bounds(f.authority.pubkey(), f.market, asset.reserve, bounds);
    f.send_as_authority(&[ix]).await.unwrap();
    let start = f.now().await;
    // Calm quarter hours: the target is above 88 %, the threshold climbs
    // from lt_min (70 %), where the uncalibrated reserve lends, by 6 bps a
    // refresh.
    let mut before = 0;
    for slot in 0..8 {
        let reserve = refresh_at(&mut f, &asset, start + 900 * slot, 150 * DOLLAR).await;
        before = reserve.calibrated.liquidation_threshold_bps;
    }
    assert_eq!(before, 7_000 + 7 * 6);

    let after_gap = refresh_at(&mut f, &asset, start + 900 * 7 + 24 * HOUR, 150 * DOLLAR).await;
    let threshold = after_gap.calibrated.liquidation_threshold_bps;
    assert!(
        threshold <= before,
        "loosened from {before} to {threshold} after a day's gap"
    );
    let next = refresh_at(&mut f, &asset, start + 900 * 8 + 24 * HOUR, 150 * DOLLAR).await;
    let step = next.calibrated.liquidation_threshold_bps - threshold;
    assert!(step <= 7, "one quarter hour loosened {step} bps");
}

/// L5: a price published more than 10 s ahead of the clock is refused; one
/// 10 s ahead is accepted and holds back current prices for those 10 s at
/// most.
#[tokio::test]
async fn l5_a_price_from_the_future_is_refused_beyond_ten_seconds() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let now = f.now().await;
    f.set_price(
        &asset,
        PythPrice::new(asset.feed_id, 150 * DOLLAR, -8, now + 11),
    );
    let ix = builders::refresh_reserve(f.market, asset.reserve, asset.price_account);
    f.assert_rejected(
        &[ix.clone()],
        &[],
        RiskError::OraclePublishTimeInFuture,
        &[asset.reserve],
    )
    .await;
    f.set_price(
        &asset,
        PythPrice::new(asset.feed_id, 150 * DOLLAR, -8, now + 10),
    );
    let events = f.send(&[ix.clone()], &[]).await.unwrap();
    assert_eq!(events.one::<ReservePriceSeeded>().publish_time, now + 10);
    f.set_price(
        &asset,
        PythPrice::new(asset.feed_id, 150 * DOLLAR, -8, now + 5),
    );
    f.assert_rejected(
        &[ix.clone()],
        &[],
        RiskError::OraclePriceOlderThanAccepted,
        &[asset.reserve],
    )
    .await;
    f.advance_clock(10).await;
    f.publish_now(&asset, 150 * DOLLAR).await;
    let events = f.send(&[ix], &[]).await.unwrap();
    assert_eq!(
        events.one::<ReserveRefreshSkipped>().reason,
        SkipReason::NotNewer
    );
}

/// L6: bad debt is taken from the protocol's unclaimed fees before the
/// suppliers. After a month of interest, a crash leaves more bad debt than
/// the fees: the fees absorb what they can, the treasury can claim nothing
/// more, and the suppliers lose exactly the rest.
#[tokio::test]
async fn l6_fees_absorb_bad_debt_before_suppliers() {
    let mut s = setup(pinned_bounds(), 2_500).await;
    let (p, a, liquidator) = (s.p, s.accounts, s.liquidator.insecure_clone());
    s.f.advance_clock(30 * 86_400).await;
    s.f.republish_prices().await;
    // Repaying 1 USDC accrues the month's interest into the books.
    let owner = s.owner.insecure_clone();
    let ix = builders::repay(
        owner.pubkey(),
        p.position,
        &p.debt,
        s.f.users[1].t22_account,
        USDC,
    );
    s.f.send(&[ix], &[&owner]).await.unwrap();
    let before = s.f.reserve_state(p.debt.reserve).await;
    let fees = I80F48::from(before.lending.protocol_fees);
    assert!(fees > 1_000_000, "a month of interest leaves fees: {fees}");
    let pool_before = supply_pool_value(&before).unwrap();

    s.f.publish_now(&p.collateral, 1_500 * DOLLAR).await;
    let ix = builders::liquidate(&p, &a, u64::MAX, 0);
    let event: Liquidated = s.f.send(&[ix], &[&liquidator]).await.unwrap().one();
    assert!(
        event.deficit > fees.to_num::<u64>(),
        "more bad debt than fees"
    );
    assert_eq!(event.deficit_absorbed_by_fees, fees.floor().to_num::<u64>());
    let after = s.f.reserve_state(p.debt.reserve).await;
    assert!(
        I80F48::from(after.lending.protocol_fees) < 1,
        "only a fraction of a unit is left"
    );
    // Suppliers bear only what the fees could not, less the rounding of the
    // repayment, which is in their favour.
    let suppliers_lost = pool_before - supply_pool_value(&after).unwrap();
    let rest = I80F48::from_num(event.deficit - event.deficit_absorbed_by_fees);
    assert!(
        suppliers_lost <= rest && suppliers_lost >= rest - I80F48::from_num(2),
        "suppliers lost {suppliers_lost}, the fees left {rest}"
    );
    // Nor does the treasury take a share of the bonus of a liquidation
    // that leaves bad debt.
    assert_eq!((event.protocol_fee, event.to_liquidator), (0, event.seized));
    let treasury =
        s.f.create_token_account(p.debt.mint, s.f.treasury, p.debt.token_program)
            .await;
    let claim = builders::claim_protocol_fees(s.f.market, &p.debt, treasury);
    s.f.assert_rejected(&[claim], &[], RiskError::NothingToClaim, &[p.debt.reserve])
        .await;
    s.f.assert_vault_matches(&p.debt).await;

    // Under water, withdrawing everything burns every share, so the
    // supplier's position can be closed (no share worth 0 is left).
    let supplier = s.f.users[0].keypair.insecure_clone();
    let account = s.f.users[0].t22_account;
    let market = s.f.market;
    let ix = builders::withdraw_supply(supplier.pubkey(), market, &p.debt, account, u64::MAX, 0);
    s.f.send(&[ix], &[&supplier]).await.unwrap();
    assert_eq!(
        s.f.lender_state(&p.debt, supplier.pubkey())
            .await
            .supply_shares,
        0
    );
    let close = builders::close_lender_position(supplier.pubkey(), p.debt.reserve);
    s.f.send(&[close], &[&supplier]).await.unwrap();
    s.f.assert_vault_matches(&p.debt).await;
}

/// M2 through governance: a stale decline is not recomputed under new
/// parameters. Two hours stale (84 % in use), a faster tightening rate, a
/// longer max age or a lower `lt_max` above 84 % leave 84 % in use at that
/// moment; the decline then goes on from there at the new rate. A fresh
/// calibration whose grace a shorter max age would end in the past starts
/// declining from now, not from then.
#[tokio::test]
async fn m2_governance_cannot_jump_the_threshold_in_use() {
    let mut s = position_with_collateral(wide_bounds(), true).await;
    let (spl, market) = (s.p.collateral, s.f.market);
    let authority = s.f.authority.pubkey();
    let calibrated_at =
        s.f.reserve_state(spl.reserve)
            .await
            .calibrated
            .last_calibration_ts;
    let in_use = |r: &Reserve, now: i64| effective_threshold_bps(r, now);
    s.f.set_clock(calibrated_at + 3 * HOUR).await;
    let now = s.f.now().await;
    assert_eq!(in_use(&s.f.reserve_state(spl.reserve).await, now), 8_400);

    let faster = RiskBounds {
        max_tighten_bps_per_hour: 500,
        lt_max_bps: 8_500,
        ..wide_bounds()
    };
    let ix = builders::set_risk_bounds(authority, market, spl.reserve, faster);
    s.f.send_as_authority(&[ix]).await.unwrap();
    assert_eq!(in_use(&s.f.reserve_state(spl.reserve).await, now), 8_400);
    let mut longer = risk_engine_tests::presets::calibration();
    longer.calibration_max_age_secs = 6 * 3_600;
    let ix = builders::set_calibration_params(authority, market, spl.reserve, longer);
    s.f.send_as_authority(&[ix]).await.unwrap();
    let reserve = s.f.reserve_state(spl.reserve).await;
    assert_eq!(in_use(&reserve, now), 8_400);
    assert_eq!(
        in_use(&reserve, now + HOUR),
        7_900,
        "5 %/h from the change on"
    );

    // A fresh calibration, then a max age that would have ended an hour ago.
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let start = f.now().await;
    for slot in 0..3 {
        refresh_at(&mut f, &asset, start + 900 * slot, 150 * DOLLAR).await;
    }
    let threshold = f
        .reserve_state(asset.reserve)
        .await
        .calibrated
        .liquidation_threshold_bps;
    f.set_clock(start + 1_800 + 3_000).await;
    let mut shorter = risk_engine_tests::presets::calibration();
    shorter.calibration_max_age_secs = 1_800;
    let authority = f.authority.pubkey();
    let ix = builders::set_calibration_params(authority, f.market, asset.reserve, shorter);
    f.send_as_authority(&[ix]).await.unwrap();
    let now = f.now().await;
    let reserve = f.reserve_state(asset.reserve).await;
    assert_eq!(in_use(&reserve, now), threshold, "no cliff");
    assert_eq!(reserve.stale_from_ts, now);
}

/// L3 at a listing: a first calibration long after the listing (or after
/// the first price) does not loosen by the rate times the whole wait.
#[tokio::test]
async fn l3_a_first_calibration_long_after_listing_does_not_loosen_at_once() {
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let listed = f.now().await;
    let listing = f
        .reserve_state(asset.reserve)
        .await
        .calibrated
        .liquidation_threshold_bps;
    // The first price 60 hours after the listing, the next a quarter hour on.
    refresh_at(&mut f, &asset, listed + 60 * HOUR, 150 * DOLLAR).await;
    let first = refresh_at(&mut f, &asset, listed + 60 * HOUR + 900, 150 * DOLLAR).await;
    let step = first.calibrated.liquidation_threshold_bps - listing;
    assert!(step <= 7, "the first calibration loosened {step} bps");
    // Seeded, then nothing for 60 hours: stale, so no loosening at all.
    let mut f = TestFixture::new().await;
    let asset = f.spl;
    let listed = f.now().await;
    refresh_at(&mut f, &asset, listed, 150 * DOLLAR).await;
    let late = refresh_at(&mut f, &asset, listed + 60 * HOUR, 150 * DOLLAR).await;
    assert_eq!(late.calibrated.liquidation_threshold_bps, listing);
}
