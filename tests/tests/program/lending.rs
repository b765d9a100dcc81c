//! Supply, positions, borrow, repay and interest through real token transfers.

use fixed::types::I80F48;
use risk_engine::events::*;
use risk_engine::lending::supply_pool_value;
use risk_engine::math::shares::VIRTUAL_SUPPLY;
use risk_engine::math::volatility::SECONDS_PER_YEAR;
use risk_engine_tests::builders::{self, PricedPosition};
use risk_engine_tests::fixture::{ReserveFixture, User};
use risk_engine_tests::TestFixture;
use solana_sdk::signature::{Keypair, Signer};

const SOL: u64 = 1_000_000_000;
const USDC: u64 = 1_000_000;

fn keys(user: &User) -> Keypair {
    user.keypair.insecure_clone()
}

async fn supply(f: &mut TestFixture, user: usize, asset: ReserveFixture, amount: u64) {
    let owner = keys(&f.users[user]);
    let account = if asset.reserve == f.spl.reserve {
        f.users[user].spl_account
    } else {
        f.users[user].t22_account
    };
    let ix = builders::supply(owner.pubkey(), f.market, &asset, account, amount, 0);
    f.send(&[ix], &[&owner]).await.expect("supply");
}

#[tokio::test]
async fn full_flow_on_both_token_programs_keeps_every_balance_in_step() {
    let mut f = TestFixture::new().await;
    let (spl, t22) = (f.spl, f.t22);
    let supplier_account = f.users[0].t22_account;
    let supplier_before = f.token_balance(supplier_account).await;

    // Supply 100,000 USDC (Token-2022): one share per unit in an empty pool.
    let supplier = keys(&f.users[0]);
    let ix = builders::supply(
        supplier.pubkey(),
        f.market,
        &t22,
        supplier_account,
        100_000 * USDC,
        0,
    );
    let events = f.send(&[ix], &[&supplier]).await.unwrap();
    assert_eq!(events.one::<Supplied>().shares_minted, 100_000 * USDC);
    assert_eq!(
        f.lender_state(&t22, supplier.pubkey()).await.supply_shares,
        100_000 * USDC
    );
    assert_eq!(f.token_balance(t22.vault).await, 100_000 * USDC);
    assert_eq!(
        f.token_balance(supplier_account).await,
        supplier_before - 100_000 * USDC
    );

    // Open, deposit 10 SOL (SPL Token).
    let owner = keys(&f.users[1]);
    let (owner_sol, owner_usdc) = (f.users[1].spl_account, f.users[1].t22_account);
    let p = f.open_position(&owner, 0, spl, t22).await;
    let ix = builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, 10 * SOL);
    f.send(&[ix], &[&owner]).await.unwrap();
    assert_eq!(
        f.position_state(p.position).await.collateral_amount,
        10 * SOL
    );
    assert_eq!(f.token_balance(spl.vault).await, 10 * SOL);
    f.assert_vault_matches(&spl).await;

    // Max LTV 70 % of $1,500: 1,050 USDC succeeds, one unit more fails.
    let limit = 1_050 * USDC;
    let over = builders::borrow(&p, owner_usdc, limit + 1);
    f.assert_rejected(
        &[over],
        &[&owner],
        risk_engine::error::RiskError::MaxLtvExceeded,
        &[p.position, t22.reserve],
    )
    .await;
    let usdc_before = f.token_balance(owner_usdc).await;
    let events = f
        .send(&[builders::borrow(&p, owner_usdc, limit)], &[&owner])
        .await
        .unwrap();
    assert_eq!(events.one::<Borrowed>().debt_owed, limit);
    assert_eq!(f.token_balance(owner_usdc).await, usdc_before + limit);
    assert_eq!(f.token_balance(t22.vault).await, 100_000 * USDC - limit);
    f.assert_vault_matches(&t22).await;

    // A year passes. Utilization 1.05 %: rate = 7 % × 0.0105 / 0.8.
    f.advance_clock(SECONDS_PER_YEAR as i64).await;
    f.republish_prices().await;
    let repay = builders::repay(owner.pubkey(), p.position, &t22, owner_usdc, 500 * USDC);
    let events = f.send(&[repay], &[&owner]).await.unwrap();
    let reserve = f.reserve_state(t22.reserve).await;
    let rate = 0.07 * (1_050.0 / 100_000.0) / 0.8;
    let index = I80F48::from(reserve.lending.borrow_index).to_num::<f64>();
    assert!((index - (1.0 + rate)).abs() < 1e-12, "index {index}");
    let repaid: Repaid = events.one();
    assert!(repaid.amount <= 500 * USDC && repaid.amount > 500 * USDC - 2);
    let owed_expected = ((limit as f64 * (1.0 + rate)) - repaid.amount as f64).ceil();
    assert!(
        (repaid.debt_owed as f64 - owed_expected).abs() <= 1.0,
        "owed {}",
        repaid.debt_owed
    );
    let fees = I80F48::from(reserve.lending.protocol_fees).to_num::<f64>();
    assert!(
        (fees - limit as f64 * rate * 0.10).abs() < 1.0,
        "reserve factor 10 % of the interest"
    );
    f.assert_vault_matches(&t22).await;

    // Anyone may repay; more than owed takes only what is owed.
    let helper = keys(&f.users[2]);
    let helper_account = f.users[2].t22_account;
    let helper_before = f.token_balance(helper_account).await;
    let repay_all = builders::repay(helper.pubkey(), p.position, &t22, helper_account, u64::MAX);
    let events = f.send(&[repay_all], &[&helper]).await.unwrap();
    let repaid: Repaid = events.one();
    assert_eq!(repaid.debt_owed, 0);
    assert_eq!(
        f.token_balance(helper_account).await,
        helper_before - repaid.amount
    );
    assert_eq!(f.position_state(p.position).await.debt_shares, 0);
    f.assert_vault_matches(&t22).await;

    // Debt-free: withdraw all collateral, close, rent back.
    let ix = builders::withdraw_collateral(&p, owner_sol, 10 * SOL);
    f.send(&[ix], &[&owner]).await.unwrap();
    assert_eq!(f.token_balance(spl.vault).await, 0);
    f.assert_vault_matches(&spl).await;
    let rent = f
        .context
        .banks_client
        .get_balance(p.position)
        .await
        .unwrap();
    let lamports_before = f
        .context
        .banks_client
        .get_balance(owner.pubkey())
        .await
        .unwrap();
    f.send(
        &[builders::close_position(owner.pubkey(), p.position)],
        &[&owner],
    )
    .await
    .unwrap();
    assert!(f.raw(p.position).await.is_none());
    assert_eq!(
        f.context
            .banks_client
            .get_balance(owner.pubkey())
            .await
            .unwrap(),
        lamports_before + rent
    );

    // The supplier takes everything back with the suppliers' 90 % of the interest.
    let ix = builders::withdraw_supply(
        supplier.pubkey(),
        f.market,
        &t22,
        supplier_account,
        u64::MAX,
        0,
    );
    let withdrawn: SupplyWithdrawn = f.send(&[ix], &[&supplier]).await.unwrap().one();
    let interest = limit as f64 * rate;
    // The suppliers' 90 % of the interest, less the part the virtual supply
    // shares hold (V / (S + V) of it, 1e-5 here; see `math::shares`).
    let shares = 100_000.0 * USDC as f64;
    let virtual_part = VIRTUAL_SUPPLY as f64 / (shares + VIRTUAL_SUPPLY as f64);
    let expected = shares + interest * 0.9 * (1.0 - virtual_part);
    assert!(
        (withdrawn.amount as f64 - expected).abs() <= 2.0,
        "withdrew {}",
        withdrawn.amount
    );
    f.assert_vault_matches(&t22).await;
    let left = f.token_balance(t22.vault).await;
    assert!(
        left as f64 >= interest * 0.1 - 2.0,
        "the protocol's fees stay in the vault"
    );
}

#[tokio::test]
async fn a_usdc_backed_sol_loan_moves_tokens_the_other_way() {
    let mut f = TestFixture::new().await;
    let (spl, t22) = (f.spl, f.t22);
    supply(&mut f, 0, spl, 100 * SOL).await;
    let owner = keys(&f.users[1]);
    let (owner_sol, owner_usdc) = (f.users[1].spl_account, f.users[1].t22_account);
    let p = f.open_position(&owner, 7, t22, spl).await;
    let ix =
        builders::deposit_collateral(owner.pubkey(), p.position, &t22, owner_usdc, 3_000 * USDC);
    f.send(&[ix], &[&owner]).await.unwrap();
    // 70 % of $3,000 = $2,100 = 14 SOL at $150.
    f.assert_rejected(
        &[builders::borrow(&p, owner_sol, 14 * SOL + 1)],
        &[&owner],
        risk_engine::error::RiskError::MaxLtvExceeded,
        &[p.position],
    )
    .await;
    f.send(&[builders::borrow(&p, owner_sol, 14 * SOL)], &[&owner])
        .await
        .unwrap();
    // With debt outstanding, even one unit of collateral cannot leave.
    let ix = builders::withdraw_collateral(&p, owner_usdc, 1);
    f.assert_rejected(
        &[ix],
        &[&owner],
        risk_engine::error::RiskError::MaxLtvExceeded,
        &[p.position],
    )
    .await;
    f.assert_vault_matches(&spl).await;
    f.assert_vault_matches(&t22).await;
}

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use risk_engine::constants::PAUSE_LENDING;
use risk_engine::error::RiskError;

/// `ix` with account `from` replaced by `to`.
fn with_account(mut ix: Instruction, from: Pubkey, to: Pubkey) -> Instruction {
    let meta = ix
        .accounts
        .iter_mut()
        .find(|meta| meta.pubkey == from)
        .expect("account in instruction");
    meta.pubkey = to;
    ix
}

#[tokio::test]
async fn bad_position_input_gets_its_error_and_changes_nothing() {
    let mut f = TestFixture::new().await;
    let (spl, t22) = (f.spl, f.t22);
    let p = f.sol_backed_position().await;
    let owner = keys(&f.users[1]);
    let (owner_sol, owner_usdc) = (f.users[1].spl_account, f.users[1].t22_account);
    f.send(&[builders::borrow(&p, owner_usdc, 100 * USDC)], &[&owner])
        .await
        .unwrap();
    let watched = [p.position, spl.reserve, t22.reserve];

    // Someone else's position.
    let stranger = keys(&f.users[2]);
    let theirs = PricedPosition {
        owner: stranger.pubkey(),
        ..p
    };
    let ix = builders::borrow(&theirs, f.users[2].t22_account, USDC);
    f.assert_rejected(&[ix], &[&stranger], RiskError::NotPositionOwner, &watched)
        .await;
    let ix = builders::withdraw_collateral(&theirs, f.users[2].spl_account, 1);
    f.assert_rejected(&[ix], &[&stranger], RiskError::NotPositionOwner, &watched)
        .await;
    let ix = builders::close_position(stranger.pubkey(), p.position);
    f.assert_rejected(&[ix], &[&stranger], RiskError::NotPositionOwner, &watched)
        .await;

    // Borrowing the collateral asset, or naming the wrong reserve.
    let collateral_as_debt = PricedPosition { debt: spl, ..p };
    let ix = builders::borrow(&collateral_as_debt, owner_sol, 1);
    f.assert_rejected(&[ix], &[&owner], RiskError::WrongReserve, &watched)
        .await;
    let ix = builders::open_position(owner.pubkey(), f.market, spl.reserve, spl.reserve, 9);
    f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::SameCollateralAndDebtReserve,
        &watched,
    )
    .await;

    // Wrong vault, wrong mint, wrong token account.
    let ix = with_account(builders::borrow(&p, owner_usdc, USDC), t22.vault, spl.vault);
    f.assert_rejected(&[ix], &[&owner], RiskError::WrongVault, &watched)
        .await;
    let ix = with_account(builders::borrow(&p, owner_usdc, USDC), t22.mint, spl.mint);
    f.assert_rejected(&[ix], &[&owner], RiskError::WrongMint, &watched)
        .await;
    let ix = builders::borrow(&p, owner_sol, USDC);
    f.assert_rejected(&[ix], &[&owner], RiskError::WrongMint, &watched)
        .await;

    // Swapped price accounts: each fails the other's feed check.
    let swapped = PricedPosition {
        collateral: ReserveFixture {
            price_account: t22.price_account,
            ..spl
        },
        debt: ReserveFixture {
            price_account: spl.price_account,
            ..t22
        },
        ..p
    };
    let swapped = builders::borrow(&swapped, owner_usdc, USDC);
    f.assert_rejected(
        &[swapped],
        &[&owner],
        RiskError::OracleFeedMismatch,
        &watched,
    )
    .await;

    // Stale prices: a minute and a second later, nobody republished.
    f.advance_clock(61).await;
    let ix = builders::borrow(&p, owner_usdc, USDC);
    f.assert_rejected(&[ix], &[&owner], RiskError::OraclePriceStale, &watched)
        .await;
    let ix = builders::withdraw_collateral(&p, owner_sol, 1);
    f.assert_rejected(&[ix], &[&owner], RiskError::OraclePriceStale, &watched)
        .await;
    f.republish_prices().await;

    // Zero amounts.
    for ix in [
        builders::borrow(&p, owner_usdc, 0),
        builders::withdraw_collateral(&p, owner_sol, 0),
        builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, 0),
        builders::repay(owner.pubkey(), p.position, &t22, owner_usdc, 0),
        builders::supply(owner.pubkey(), f.market, &t22, owner_usdc, 0, 0),
    ] {
        f.assert_rejected(&[ix], &[&owner], RiskError::ZeroAmount, &watched)
            .await;
    }

    // More collateral than held; closing a position that is not empty.
    let ix = builders::withdraw_collateral(&p, owner_sol, 10 * SOL + 1);
    f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::InsufficientCollateral,
        &watched,
    )
    .await;
    let ix = builders::close_position(owner.pubkey(), p.position);
    f.assert_rejected(&[ix], &[&owner], RiskError::PositionNotEmpty, &watched)
        .await;
    f.assert_vault_matches(&spl).await;
    f.assert_vault_matches(&t22).await;
}

#[tokio::test]
async fn caps_and_liquidity_limit_supply_and_borrow() {
    let mut f = TestFixture::new().await;
    let (spl, t22) = (f.spl, f.t22);
    let p = f.sol_backed_position().await;
    let owner = keys(&f.users[1]);
    let owner_usdc = f.users[1].t22_account;
    let authority = f.authority.pubkey();

    let mut model = risk_engine_tests::presets::interest();
    model.borrow_cap = 200 * USDC;
    model.supply_cap = 100_500 * USDC;
    let ix = builders::set_interest_model(authority, f.market, t22.reserve, model);
    f.send_as_authority(&[ix]).await.unwrap();
    let watched = [p.position, t22.reserve];
    let ix = builders::borrow(&p, owner_usdc, 200 * USDC + 1);
    f.assert_rejected(&[ix], &[&owner], RiskError::BorrowCapExceeded, &watched)
        .await;
    f.send(&[builders::borrow(&p, owner_usdc, 200 * USDC)], &[&owner])
        .await
        .unwrap();
    let supplier = keys(&f.users[0]);
    let ix = builders::supply(
        supplier.pubkey(),
        f.market,
        &t22,
        f.users[0].t22_account,
        501 * USDC,
        0,
    );
    f.assert_rejected(&[ix], &[&supplier], RiskError::SupplyCapExceeded, &watched)
        .await;

    // Liquidity: the supplier cannot take out what is lent.
    let ix = builders::withdraw_supply(
        supplier.pubkey(),
        f.market,
        &t22,
        f.users[0].t22_account,
        99_801 * USDC,
        0,
    );
    f.assert_rejected(
        &[ix],
        &[&supplier],
        RiskError::InsufficientLiquidity,
        &watched,
    )
    .await;
    // And a borrower cannot take more than is there: a small SOL pool.
    supply(&mut f, 2, spl, SOL).await;
    let q = f.open_position(&owner, 1, t22, spl).await;
    let ix =
        builders::deposit_collateral(owner.pubkey(), q.position, &t22, owner_usdc, 10_000 * USDC);
    f.send(&[ix], &[&owner]).await.unwrap();
    let ix = builders::borrow(&q, f.users[1].spl_account, SOL + 1);
    f.assert_rejected(
        &[ix],
        &[&owner],
        RiskError::InsufficientLiquidity,
        &[q.position, spl.reserve],
    )
    .await;
    // A supplier cannot withdraw more than its own shares are worth.
    supply(&mut f, 2, t22, 100 * USDC).await;
    let small = keys(&f.users[2]);
    let ix = builders::withdraw_supply(
        small.pubkey(),
        f.market,
        &t22,
        f.users[2].t22_account,
        100 * USDC + 1,
        0,
    );
    f.assert_rejected(
        &[ix],
        &[&small],
        RiskError::InsufficientSupplyBalance,
        &watched,
    )
    .await;
}

#[tokio::test]
async fn a_paused_market_still_lets_users_de_risk() {
    let mut f = TestFixture::new().await;
    let t22 = f.t22;
    let spl = f.spl;
    let p = f.sol_backed_position().await;
    let owner = keys(&f.users[1]);
    let (owner_sol, owner_usdc) = (f.users[1].spl_account, f.users[1].t22_account);
    f.send(&[builders::borrow(&p, owner_usdc, 100 * USDC)], &[&owner])
        .await
        .unwrap();
    let guardian = f.guardian.insecure_clone();
    f.send(
        &[builders::set_pause(
            guardian.pubkey(),
            f.market,
            PAUSE_LENDING,
        )],
        &[&guardian],
    )
    .await
    .unwrap();

    let watched = [p.position, spl.reserve, t22.reserve];
    let supplier = keys(&f.users[0]);
    let refused = [
        (builders::borrow(&p, owner_usdc, USDC), &owner),
        (builders::withdraw_collateral(&p, owner_sol, 1), &owner),
        (
            builders::supply(
                supplier.pubkey(),
                f.market,
                &t22,
                f.users[0].t22_account,
                USDC,
                0,
            ),
            &supplier,
        ),
        (
            builders::withdraw_supply(
                supplier.pubkey(),
                f.market,
                &t22,
                f.users[0].t22_account,
                USDC,
                0,
            ),
            &supplier,
        ),
    ];
    for (ix, signer) in refused {
        f.assert_rejected(&[ix], &[signer], RiskError::LendingPaused, &watched)
            .await;
    }
    // Deposit and repay stay open.
    let ix = builders::deposit_collateral(owner.pubkey(), p.position, &spl, owner_sol, SOL);
    f.send(&[ix], &[&owner])
        .await
        .expect("deposit while paused");
    let ix = builders::repay(owner.pubkey(), p.position, &t22, owner_usdc, u64::MAX);
    f.send(&[ix], &[&owner]).await.expect("repay while paused");
    assert_eq!(f.position_state(p.position).await.debt_shares, 0);
    f.assert_vault_matches(&spl).await;
    f.assert_vault_matches(&t22).await;
}

/// Every token of both mints, wherever it sits: user accounts plus vaults.
async fn tokens_in_play(f: &mut TestFixture) -> (u64, u64) {
    let mut sol = f.token_balance(f.spl.vault).await;
    let mut usdc = f.token_balance(f.t22.vault).await;
    for i in 0..f.users.len() {
        let (spl_account, t22_account) = (f.users[i].spl_account, f.users[i].t22_account);
        sol += f.token_balance(spl_account).await;
        usdc += f.token_balance(t22_account).await;
    }
    (sol, usdc)
}

/// The borrow index a step must have produced, computed apart from the
/// program: `index × (1 + rate(u) × dt / year)` on the kinked curve.
fn expected_index(before: &risk_engine::state::Reserve, dt: i64) -> f64 {
    let index = I80F48::from(before.lending.borrow_index).to_num::<f64>();
    let borrowed = before.lending.debt_shares as f64 * index;
    let total = borrowed + before.lending.available_liquidity as f64;
    let u = if total > 0.0 { borrowed / total } else { 0.0 };
    let m = &before.interest;
    let (base, s1, s2) = (
        m.base_rate_bps as f64 / 1e4,
        m.slope1_bps as f64 / 1e4,
        m.slope2_bps as f64 / 1e4,
    );
    let kink = m.kink_utilization_bps as f64 / 1e4;
    let rate = if u <= kink {
        base + s1 * u / kink
    } else {
        base + s1 + s2 * (u - kink) / (1.0 - kink)
    };
    index * (1.0 + rate * dt as f64 / SECONDS_PER_YEAR as f64)
}

#[tokio::test]
async fn a_long_multi_user_scenario_conserves_tokens_and_books() {
    let mut f = TestFixture::new().await;
    let (spl, t22) = (f.spl, f.t22);
    let start = tokens_in_play(&mut f).await;
    supply(&mut f, 0, t22, 50_000 * USDC).await;
    supply(&mut f, 2, t22, 20_000 * USDC).await;
    let borrowers = [keys(&f.users[1]), keys(&f.users[2])];
    let mut positions = Vec::new();
    for (i, borrower) in borrowers.iter().enumerate() {
        let p = f.open_position(borrower, 0, spl, t22).await;
        let account = f.users[i + 1].spl_account;
        let ix =
            builders::deposit_collateral(borrower.pubkey(), p.position, &spl, account, 100 * SOL);
        f.send(&[ix], &[borrower]).await.unwrap();
        positions.push(p);
    }

    for step in 0..24u64 {
        let who = (step % 2) as usize;
        let (borrower, p) = (&borrowers[who], positions[who]);
        let (sol_account, usdc_account) =
            (f.users[who + 1].spl_account, f.users[who + 1].t22_account);
        let dt = 86_400 * (1 + step as i64 % 3);
        f.advance_clock(dt).await;
        f.republish_prices().await;
        let before = f.reserve_state(t22.reserve).await;
        let ix = match step % 6 {
            0 | 1 => builders::borrow(&p, usdc_account, (500 + 37 * step) * USDC),
            2 => builders::repay(
                borrower.pubkey(),
                p.position,
                &t22,
                usdc_account,
                777 * USDC + step,
            ),
            3 => builders::deposit_collateral(
                borrower.pubkey(),
                p.position,
                &spl,
                sol_account,
                SOL / 3,
            ),
            4 => builders::withdraw_collateral(&p, sol_account, SOL / 7),
            _ => {
                let supplier = keys(&f.users[0]);
                let account = f.users[0].t22_account;
                let ix = builders::withdraw_supply(
                    supplier.pubkey(),
                    f.market,
                    &t22,
                    account,
                    1_234 * USDC,
                    0,
                );
                f.send(&[ix], &[&supplier]).await.expect("withdraw supply");
                builders::supply(supplier.pubkey(), f.market, &t22, account, 999 * USDC, 0)
            }
        };
        let signer = if step % 6 == 5 {
            keys(&f.users[0])
        } else {
            borrower.insecure_clone()
        };
        f.send(&[ix], &[&signer])
            .await
            .unwrap_or_else(|e| panic!("step {step}: {e:?}"));

        let after = f.reserve_state(t22.reserve).await;
        if step % 6 != 3 && step % 6 != 4 {
            let expected = expected_index(&before, dt);
            let got = I80F48::from(after.lending.borrow_index).to_num::<f64>();
            assert!(
                (got - expected).abs() <= 1e-12 * expected,
                "step {step}: index {got} vs {expected}"
            );
        }
        f.assert_vault_matches(&spl).await;
        f.assert_vault_matches(&t22).await;
        assert_eq!(
            tokens_in_play(&mut f).await,
            start,
            "step {step}: tokens created or lost"
        );
    }

    // Everyone leaves: repay, withdraw collateral, withdraw supply.
    for (i, borrower) in borrowers.iter().enumerate() {
        let p = positions[i];
        let (sol_account, usdc_account) = (f.users[i + 1].spl_account, f.users[i + 1].t22_account);
        let ix = builders::repay(borrower.pubkey(), p.position, &t22, usdc_account, u64::MAX);
        f.send(&[ix], &[borrower]).await.unwrap();
        let collateral = f.position_state(p.position).await.collateral_amount;
        let ix = builders::withdraw_collateral(&p, sol_account, collateral);
        f.send(
            &[ix, builders::close_position(borrower.pubkey(), p.position)],
            &[borrower],
        )
        .await
        .unwrap();
    }
    // What the virtual supply shares hold stays behind: V (A - S) / (S + V).
    let reserve = f.reserve_state(t22.reserve).await;
    let pool = supply_pool_value(&reserve).unwrap().to_num::<f64>();
    let shares = reserve.lending.supply_shares as f64;
    let virtual_part = VIRTUAL_SUPPLY as f64 * (pool - shares) / (shares + VIRTUAL_SUPPLY as f64);
    for user in [0, 2] {
        let supplier = keys(&f.users[user]);
        let account = f.users[user].t22_account;
        let ix = builders::withdraw_supply(supplier.pubkey(), f.market, &t22, account, u64::MAX, 0);
        f.send(&[ix], &[&supplier]).await.unwrap();
    }
    assert_eq!(tokens_in_play(&mut f).await, start);
    assert_eq!(
        f.token_balance(spl.vault).await,
        0,
        "all collateral returned"
    );
    let reserve = f.reserve_state(t22.reserve).await;
    let fees = I80F48::from(reserve.lending.protocol_fees).to_num::<f64>();
    let left = f.token_balance(t22.vault).await as f64;
    // What stays is the protocol's fees, the virtual shares' part and
    // rounding dust in the protocol's favour.
    assert!(
        left >= fees.floor() + virtual_part.floor() && left <= fees + virtual_part + 10.0,
        "left {left}, fees {fees}, virtual {virtual_part}"
    );
    f.assert_vault_matches(&t22).await;

    // The fees go to the treasury, and only there.
    let wrong = f.users[0].t22_account;
    let ix = builders::claim_protocol_fees(f.market, &t22, wrong);
    f.assert_rejected(&[ix], &[], RiskError::WrongTreasury, &[t22.reserve])
        .await;
    let treasury = f
        .create_token_account(t22.mint, f.treasury, t22.token_program)
        .await;
    let claim = builders::claim_protocol_fees(f.market, &t22, treasury);
    let claimed: ProtocolFeesClaimed = f.send(&[claim], &[]).await.unwrap().one();
    assert_eq!(claimed.amount, fees.floor() as u64);
    assert_eq!(f.token_balance(treasury).await, claimed.amount);
    let dust = f.token_balance(t22.vault).await as f64;
    assert!(
        dust <= virtual_part + 10.0,
        "only the virtual shares' part and rounding dust stay: {dust}"
    );
    f.assert_vault_matches(&t22).await;
    let ix = builders::claim_protocol_fees(f.market, &t22, treasury);
    f.assert_rejected(&[ix], &[], RiskError::NothingToClaim, &[t22.reserve])
        .await;
}
