//! The second review's findings on interest and bad debt, each attack sent
//! through the bank: N2 (a new rate applied backwards), N6 (bad debt never
//! recognised, its interest claimable by the treasury), and position
//! layouts that were never checked.

use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::lending::{self, supply_pool_value};
use risk_engine::state::{InterestModel, LenderPosition, Position};
use risk_engine_tests::builders::{self, PricedPosition};
use risk_engine_tests::fixture::SOL_USD_FEED;
use risk_engine_tests::position_setup::*;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::{presets, TestFixture};
use solana_sdk::account::Account;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signer;

const DAY: i64 = 86_400;

/// N2: 1,000 USDC borrowed, thirty days pass with no accrual, then
/// governance raises the rate tenfold. Before the fix the new curve was
/// stored without accruing, so the next accrual charged thirty days at the
/// new rate. Now the reserve is brought up to date under the old curve
/// first: its index and fees are what thirty days of the old rate give.
#[tokio::test]
async fn n2_a_new_rate_applies_from_its_change_on() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let t22 = s.p.debt;
    s.borrow(1_000 * USDC).await;
    s.f.advance_clock(30 * DAY).await;
    let now = s.f.now().await;
    let mut old_rate = s.f.reserve_state(t22.reserve).await;
    lending::accrue_interest(&mut old_rate, now).unwrap();

    let steep = InterestModel {
        slope1_bps: 7_000,
        ..presets::interest()
    };
    let ix = builders::set_interest_model(s.f.authority.pubkey(), s.f.market, t22.reserve, steep);
    s.f.send_as_authority(&[ix]).await.unwrap();
    let after = s.f.reserve_state(t22.reserve).await;
    assert_eq!(after.interest, steep);
    assert_eq!(after.lending.last_accrual_ts, now);
    assert_eq!(after.lending.borrow_index, old_rate.lending.borrow_index);
    assert_eq!(after.lending.protocol_fees, old_rate.lending.protocol_fees);
}

/// A dust position beside `s.p`: position 1 of the same owner with 0.1 SOL
/// and 10 USDC owed, priced through its own Pyth account at `price`.
async fn dust_position(s: &mut Setup, price_dollars: i64) -> PricedPosition {
    let owner = s.owner.insecure_clone();
    let (spl, t22) = (s.p.collateral, s.p.debt);
    let p = s.f.open_position(&owner, 1, spl, t22).await;
    let owner_sol = s.f.users[1].spl_account;
    let ix = builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, SOL / 10);
    s.f.send(&[ix], &[&owner]).await.unwrap();
    let ix = builders::borrow(&p, s.f.users[1].t22_account, 10 * USDC);
    s.f.send(&[ix], &[&owner]).await.unwrap();
    reprice(s, &p, price_dollars).await
}

/// `p` priced through a fresh Pyth account at `price_dollars` now.
async fn reprice(s: &mut Setup, p: &PricedPosition, price_dollars: i64) -> PricedPosition {
    let now = s.f.now().await;
    let account = Pubkey::new_unique();
    s.f.set_price_account(
        account,
        PythPrice::new(SOL_USD_FEED, price_dollars * DOLLAR, -8, now),
    );
    let mut priced = *p;
    priced.collateral.price_account = account;
    priced
}

/// N6: a position whose collateral is worth less than the dust value ($1)
/// pays no liquidator's fee, so nobody liquidated it, and its debt was never
/// recognised: it accrued interest whose protocol share the treasury could
/// claim out of the suppliers' liquidity. Now anyone writes it off: its
/// debt becomes the reserve's deficit, the dust of collateral goes to the
/// treasury, and each refusal says why a position does not qualify.
#[tokio::test]
async fn n6_a_position_with_no_collateral_value_left_is_written_off() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let (spl, t22) = (s.p.collateral, s.p.debt);
    let treasury_sol = s.accounts.treasury_collateral_account;
    let dust = dust_position(&mut s, 150).await;
    let watched = [dust.position, spl.reserve, t22.reserve, treasury_sol];

    // Healthy at $150 (66.7 % LTV), unhealthy but worth $9.50 at $95.
    let ix = builders::write_off_bad_debt(&dust, treasury_sol);
    s.f.assert_rejected(&[ix], &[], RiskError::PositionHealthy, &watched)
        .await;
    let worth_liquidating = reprice(&mut s, &dust, 95).await;
    let ix = builders::write_off_bad_debt(&worth_liquidating, treasury_sol);
    s.f.assert_rejected(&[ix], &[], RiskError::CollateralLeftToLiquidate, &watched)
        .await;
    // No debt: nothing to write off.
    let debt_free = s.p;
    let empty = reprice(&mut s, &debt_free, 5).await;
    let ix = builders::write_off_bad_debt(&empty, treasury_sol);
    s.f.assert_rejected(&[ix], &[], RiskError::NothingToWriteOff, &[empty.position])
        .await;

    // At $5 its 0.1 SOL is worth $0.50.
    let wiped = reprice(&mut s, &dust, 5).await;
    let stranger_sol = s.f.users[2].spl_account;
    let ix = builders::write_off_bad_debt(&wiped, stranger_sol);
    s.f.assert_rejected(&[ix], &[], RiskError::WrongTreasury, &watched)
        .await;
    let guardian = s.f.guardian.insecure_clone();
    let pause = |flags| builders::set_pause(guardian.pubkey(), s.f.market, flags);
    s.f.send(
        &[pause(risk_engine::constants::PAUSE_LIQUIDATIONS)],
        &[&guardian],
    )
    .await
    .unwrap();
    let ix = builders::write_off_bad_debt(&wiped, treasury_sol);
    s.f.assert_rejected(&[ix], &[], RiskError::LiquidationsPaused, &watched)
        .await;
    let ix = builders::set_pause(s.f.authority.pubkey(), s.f.market, 0);
    s.f.send_as_authority(&[ix]).await.unwrap();

    let before = s.f.reserve_state(t22.reserve).await;
    let suppliers_before = supply_pool_value(&before).unwrap();
    let dust_state = s.f.position_state(dust.position).await;
    let dust_shares = dust_state.debt_shares;
    let owed = lending::position_debt(&before, &dust_state).unwrap();
    let treasury_before = s.f.token_balance(treasury_sol).await;
    let ix = builders::write_off_bad_debt(&wiped, treasury_sol);
    let event: BadDebtWrittenOff = s.f.send(&[ix], &[]).await.unwrap().one();
    assert_eq!(event.position, dust.position);
    assert_eq!(event.collateral_to_treasury, SOL / 10);
    assert!(
        event.deficit >= owed && event.deficit <= owed + 1,
        "deficit {} for {owed} owed",
        event.deficit
    );
    assert_eq!(
        s.f.token_balance(treasury_sol).await,
        treasury_before + SOL / 10
    );
    let position = s.f.position_state(dust.position).await;
    assert_eq!((position.collateral_amount, position.debt_shares), (0, 0));
    let after = s.f.reserve_state(t22.reserve).await;
    assert_eq!(
        after.lending.deficit,
        before.lending.deficit + event.deficit
    );
    assert_eq!(
        after.deficit_uncovered,
        event.deficit - event.deficit_absorbed_by_fees
    );
    assert_eq!(
        after.lending.debt_shares,
        before.lending.debt_shares - dust_shares,
        "its debt shares are retired"
    );
    let suppliers_after = supply_pool_value(&after).unwrap();
    assert!(
        suppliers_after < suppliers_before,
        "suppliers bore the rest"
    );
    s.f.assert_vault_matches(&spl).await;
    s.f.assert_vault_matches(&t22).await;
    // The empty position closes.
    let owner = s.owner.insecure_clone();
    let ix = builders::close_position(owner.pubkey(), dust.position);
    s.f.send(&[ix], &[&owner])
        .await
        .expect("an empty position closes");
}

/// N6: after a write-off the suppliers carry a deficit, and the fees
/// accrued later are theirs until it is paid back: the treasury's claim
/// finds nothing, then only what is left over. Before the fix every fee
/// accrued after a deficit could be claimed at once, out of the liquidity
/// the suppliers had lost.
#[tokio::test]
async fn n6_fees_pay_back_a_deficit_before_the_treasury_claims() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let t22 = s.p.debt;
    let authority = s.f.authority.pubkey();
    // 100 %/year, half of it to the protocol: 1,000 USDC owed pays the
    // protocol about 1.37 USDC a day.
    let dear = InterestModel {
        base_rate_bps: 10_000,
        reserve_factor_bps: 5_000,
        ..presets::interest()
    };
    let ix = builders::set_interest_model(authority, s.f.market, t22.reserve, dear);
    s.f.send_as_authority(&[ix]).await.unwrap();
    s.borrow(1_000 * USDC).await;
    let treasury_usdc =
        s.f.create_token_account(t22.mint, s.f.treasury, t22.token_program)
            .await;
    let claim = builders::claim_protocol_fees(s.f.market, &t22, treasury_usdc);
    // Whatever fees there are go now, so the write-off meets none.
    let _ = s.f.send(&[claim.clone()], &[]).await;

    let dust = dust_position(&mut s, 150).await;
    let wiped = reprice(&mut s, &dust, 5).await;
    let ix = builders::write_off_bad_debt(&wiped, s.accounts.treasury_collateral_account);
    let event: BadDebtWrittenOff = s.f.send(&[ix], &[]).await.unwrap().one();
    assert_eq!(event.deficit_absorbed_by_fees, 0);
    let deficit = event.deficit;

    // Three days: about 4 USDC of fees, all owed to the suppliers.
    s.f.advance_clock(3 * DAY).await;
    let watched = [t22.reserve, treasury_usdc];
    s.f.assert_rejected(&[claim.clone()], &[], RiskError::NothingToClaim, &watched)
        .await;
    let mut now_state = s.f.reserve_state(t22.reserve).await;
    lending::accrue_interest(&mut now_state, s.f.now().await).unwrap();
    let paid_back = deficit - now_state.deficit_uncovered;
    assert!(
        (3 * USDC..6 * USDC).contains(&paid_back),
        "paid back {paid_back}"
    );

    // Ten days more: the deficit is paid back, the rest is the treasury's.
    s.f.advance_clock(10 * DAY).await;
    let mut expected = s.f.reserve_state(t22.reserve).await;
    lending::accrue_interest(&mut expected, s.f.now().await).unwrap();
    assert_eq!(expected.deficit_uncovered, 0);
    let claimable: u64 = fixed::types::I80F48::from(expected.lending.protocol_fees)
        .floor()
        .to_num();
    let balance = s.f.token_balance(treasury_usdc).await;
    let claimed: ProtocolFeesClaimed = s.f.send(&[claim], &[]).await.unwrap().one();
    assert_eq!(claimed.amount, claimable);
    assert!(claimed.amount > USDC, "the treasury gets what is left");
    assert_eq!(s.f.token_balance(treasury_usdc).await, balance + claimable);
    let reserve = s.f.reserve_state(t22.reserve).await;
    assert_eq!(
        reserve.lending.deficit, deficit,
        "the deficit stays on record"
    );
    s.f.assert_vault_matches(&t22).await;
}

/// N6: dust debts are not worth a liquidator's fee, so governance sets a
/// minimum: a borrow that leaves a position owing less is refused; the
/// setter takes only its authority and a value up to $1M.
#[tokio::test]
async fn n6_a_borrow_below_the_minimum_borrow_value_is_refused() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let (p, t22, market) = (s.p, s.p.debt, s.f.market);
    let authority = s.f.authority.insecure_clone();
    let ix = builders::set_min_borrow_value(authority.pubkey(), market, t22.reserve, 1_000_001);
    s.f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::MinBorrowValueOutOfRange,
        &[t22.reserve],
    )
    .await;
    let stranger = s.f.users[2].keypair.insecure_clone();
    let ix = builders::set_min_borrow_value(stranger.pubkey(), market, t22.reserve, 100);
    s.f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotMarketAuthority,
        &[t22.reserve],
    )
    .await;
    let ix = builders::set_min_borrow_value(authority.pubkey(), market, t22.reserve, 100);
    let set: MinBorrowValueUpdated = s.f.send(&[ix], &[&authority]).await.unwrap().one();
    assert_eq!((set.old, set.new), (0, 100));
    assert_eq!(
        s.f.reserve_state(t22.reserve).await.min_borrow_value_quote,
        100
    );

    let owner = s.owner.insecure_clone();
    let owner_usdc = s.f.users[1].t22_account;
    let ix = builders::borrow(&p, owner_usdc, 99 * USDC);
    s.f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::BorrowBelowMinimum,
        &[p.position, t22.reserve, owner_usdc],
    )
    .await;
    s.borrow(100 * USDC).await;
    s.borrow(USDC).await;
    assert!(s.f.position_state(p.position).await.debt_shares > 0);
}

/// Writes `version` into the account at `address` (a program account, so
/// its layout version is the byte at `offset`).
async fn set_version(f: &mut TestFixture, address: Pubkey, offset: usize, version: u8) {
    let account = f
        .context
        .banks_client
        .get_account(address)
        .await
        .unwrap()
        .unwrap();
    let mut data = account.data.clone();
    data[8 + offset] = version;
    f.context
        .set_account(&address, &Account { data, ..account }.into());
}

/// Positions and lender positions carry a layout version that no
/// instruction checked: an account of another layout would have been
/// misread. Every instruction on one now refuses it.
#[tokio::test]
async fn accounts_of_another_layout_version_are_refused() {
    let mut s = position_with_collateral(pinned_bounds(), false).await;
    let (p, spl, t22, market) = (s.p, s.p.collateral, s.p.debt, s.f.market);
    s.borrow(100 * USDC).await;
    let owner = s.owner.insecure_clone();
    let (owner_sol, owner_usdc) = (s.f.users[1].spl_account, s.f.users[1].t22_account);
    set_version(
        &mut s.f,
        p.position,
        std::mem::offset_of!(Position, version),
        2,
    )
    .await;
    let position_calls = [
        builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, SOL),
        builders::withdraw_collateral(&p, owner_sol, SOL),
        builders::borrow(&p, owner_usdc, USDC),
        builders::repay(owner.pubkey(), p.position, &t22, owner_usdc, USDC),
        builders::close_position(owner.pubkey(), p.position),
    ];
    for ix in position_calls {
        s.f.assert_rejected(
            &[ix],
            &[&owner],
            RiskError::UnsupportedAccountVersion,
            &[p.position, spl.reserve, t22.reserve],
        )
        .await;
    }

    let supplier = s.f.users[0].keypair.insecure_clone();
    let supplier_usdc = s.f.users[0].t22_account;
    let lender = risk_engine::pda::lender_position(&t22.reserve, &supplier.pubkey()).0;
    set_version(
        &mut s.f,
        lender,
        std::mem::offset_of!(LenderPosition, version),
        0,
    )
    .await;
    let lender_calls = [
        builders::supply(supplier.pubkey(), market, &t22, supplier_usdc, USDC, 0),
        builders::withdraw_supply(supplier.pubkey(), market, &t22, supplier_usdc, USDC, 0),
        builders::close_lender_position(supplier.pubkey(), t22.reserve),
    ];
    for ix in lender_calls {
        s.f.assert_rejected(
            &[ix],
            &[&supplier],
            RiskError::UnsupportedAccountVersion,
            &[lender, t22.reserve],
        )
        .await;
    }
}
