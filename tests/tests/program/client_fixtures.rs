//! One scenario through every instruction, recorded for the TypeScript
//! client's tests (`app/ts`, `npm test`): they decode the accounts and
//! events recorded here, rebuild every instruction and recompute each
//! position's health, and must agree with what is written here byte for
//! byte. Every key is drawn from a seed and the clock starts at a fixed
//! date, so the recording is the same on every run: it is committed
//! (`app/ts/fixtures/scenario.json`, so the clients' tests need no Rust),
//! and this test fails when the program no longer records what is committed.
//! `RISK_FIXTURES_BLESS=1` rewrites it after a deliberate change, for review.

use anchor_lang::prelude::Pubkey;
use risk_engine::constants::{PAUSE_LENDING, PAUSE_LIQUIDATIONS};
use risk_engine::error::RiskError;
use risk_engine::events::Liquidated;
use risk_engine::math::volatility::annualised_sigma_bps;
use risk_engine::oracle::pyth::{load_price, PriceUse};
use risk_engine::pda;
use risk_engine::state::{LenderPosition, Market, Position, Reserve};
use risk_engine_tests::builders::{self, LiquidatorAccounts, PricedPosition};
use risk_engine_tests::fixture::ReserveFixture;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::quotes::{quote, QuoteCase};
use risk_engine_tests::recorder::{account_base64, key, to_json, Recording};
use risk_engine_tests::{presets, TestFixture};
use riskctl::client::health::position_health;
use serde_json::{json, Value};
use solana_sdk::signature::{Keypair, Signer};

const HOUR: i64 = 3_600;

fn reserve_json(asset: &ReserveFixture) -> Value {
    json!({
        "mint": key(&asset.mint),
        "tokenProgram": key(&asset.token_program),
        "decimals": asset.decimals.to_string(),
        "reserve": key(&asset.reserve),
        "vault": key(&asset.vault),
        "feedId": asset.feed_id.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "priceAccount": key(&asset.price_account),
    })
}

fn position_json(p: &PricedPosition) -> Value {
    json!({
        "owner": key(&p.owner),
        "market": key(&p.market),
        "position": key(&p.position),
        "collateral": reserve_json(&p.collateral),
        "debt": reserve_json(&p.debt),
    })
}

/// This market's view of one of the fixture's mints: its reserve under
/// `market`, the same mint and price account.
fn listed_in(market: Pubkey, asset: &ReserveFixture) -> ReserveFixture {
    let reserve = pda::reserve(&market, &asset.mint).0;
    ReserveFixture {
        reserve,
        vault: pda::vault(&reserve).0,
        ..*asset
    }
}

/// Every program error (code, name, message), and the Anchor errors its
/// account checks raise, for the client's error map.
fn errors_json() -> Value {
    let first = anchor_lang::error::ERROR_CODE_OFFSET;
    let mut errors: Vec<Value> = (first..=u32::from(RiskError::LAST))
        .map(|code| {
            let error = RiskError::from_code(code).expect("a program error");
            json!({"code": code.to_string(), "name": error.name(), "message": error.to_string()})
        })
        .collect();
    // Every one of Anchor's errors (anchor-lang-error 1.2.2 lists 82): an
    // account check of the program can raise most of them.
    use anchor_lang::error::ErrorCode;
    #[allow(deprecated)]
    let anchor = [
        ErrorCode::InstructionMissing,
        ErrorCode::InstructionFallbackNotFound,
        ErrorCode::InstructionDidNotDeserialize,
        ErrorCode::InstructionDidNotSerialize,
        ErrorCode::IdlInstructionStub,
        ErrorCode::IdlInstructionInvalidProgram,
        ErrorCode::IdlAccountNotEmpty,
        ErrorCode::EventInstructionStub,
        ErrorCode::ConstraintMut,
        ErrorCode::ConstraintHasOne,
        ErrorCode::ConstraintSigner,
        ErrorCode::ConstraintRaw,
        ErrorCode::ConstraintOwner,
        ErrorCode::ConstraintRentExempt,
        ErrorCode::ConstraintSeeds,
        ErrorCode::ConstraintExecutable,
        ErrorCode::ConstraintState,
        ErrorCode::ConstraintAssociated,
        ErrorCode::ConstraintAssociatedInit,
        ErrorCode::ConstraintClose,
        ErrorCode::ConstraintAddress,
        ErrorCode::ConstraintZero,
        ErrorCode::ConstraintTokenMint,
        ErrorCode::ConstraintTokenOwner,
        ErrorCode::ConstraintMintMintAuthority,
        ErrorCode::ConstraintMintFreezeAuthority,
        ErrorCode::ConstraintMintDecimals,
        ErrorCode::ConstraintSpace,
        ErrorCode::ConstraintAccountIsNone,
        ErrorCode::ConstraintTokenTokenProgram,
        ErrorCode::ConstraintMintTokenProgram,
        ErrorCode::ConstraintAssociatedTokenTokenProgram,
        ErrorCode::ConstraintMintGroupPointerExtension,
        ErrorCode::ConstraintMintGroupPointerExtensionAuthority,
        ErrorCode::ConstraintMintGroupPointerExtensionGroupAddress,
        ErrorCode::ConstraintMintGroupMemberPointerExtension,
        ErrorCode::ConstraintMintGroupMemberPointerExtensionAuthority,
        ErrorCode::ConstraintMintGroupMemberPointerExtensionMemberAddress,
        ErrorCode::ConstraintMintMetadataPointerExtension,
        ErrorCode::ConstraintMintMetadataPointerExtensionAuthority,
        ErrorCode::ConstraintMintMetadataPointerExtensionMetadataAddress,
        ErrorCode::ConstraintMintCloseAuthorityExtension,
        ErrorCode::ConstraintMintCloseAuthorityExtensionAuthority,
        ErrorCode::ConstraintMintPermanentDelegateExtension,
        ErrorCode::ConstraintMintPermanentDelegateExtensionDelegate,
        ErrorCode::ConstraintMintTransferHookExtension,
        ErrorCode::ConstraintMintTransferHookExtensionAuthority,
        ErrorCode::ConstraintMintTransferHookExtensionProgramId,
        ErrorCode::ConstraintDuplicateMutableAccount,
        ErrorCode::AccountAlreadyMigrated,
        ErrorCode::AccountNotMigrated,
        ErrorCode::ConstraintMintPausableExtension,
        ErrorCode::ConstraintMintPausableAuthority,
        ErrorCode::RequireViolated,
        ErrorCode::RequireEqViolated,
        ErrorCode::RequireKeysEqViolated,
        ErrorCode::RequireNeqViolated,
        ErrorCode::RequireKeysNeqViolated,
        ErrorCode::RequireGtViolated,
        ErrorCode::RequireGteViolated,
        ErrorCode::AccountDiscriminatorAlreadySet,
        ErrorCode::AccountDiscriminatorNotFound,
        ErrorCode::AccountDiscriminatorMismatch,
        ErrorCode::AccountDidNotDeserialize,
        ErrorCode::AccountDidNotSerialize,
        ErrorCode::AccountNotEnoughKeys,
        ErrorCode::AccountNotMutable,
        ErrorCode::AccountOwnedByWrongProgram,
        ErrorCode::InvalidProgramId,
        ErrorCode::InvalidProgramExecutable,
        ErrorCode::AccountNotSigner,
        ErrorCode::AccountNotSystemOwned,
        ErrorCode::AccountNotInitialized,
        ErrorCode::AccountNotProgramData,
        ErrorCode::AccountNotAssociatedTokenAccount,
        ErrorCode::AccountSysvarMismatch,
        ErrorCode::AccountReallocExceedsLimit,
        ErrorCode::AccountDuplicateReallocs,
        ErrorCode::DeclaredProgramIdMismatch,
        ErrorCode::TryingToInitPayerAsProgramAccount,
        ErrorCode::InvalidNumericConversion,
        ErrorCode::Deprecated,
    ];
    assert_eq!(anchor.len(), 82);
    for error in anchor {
        errors.push(json!({
            "code": u32::from(error).to_string(),
            "name": error.name(),
            "message": error.to_string(),
        }));
    }
    Value::Array(errors)
}

/// Records the position's health as `riskctl` computes it, with every
/// input the client needs to compute it again: the accounts' bytes, both
/// Pyth accounts and the clock.
async fn record_health(rec: &mut Recording, f: &mut TestFixture, p: &PricedPosition) -> u64 {
    let now = f.now().await;
    let position: Position = f.position_state(p.position).await;
    let collateral: Reserve = f.reserve_state(p.collateral.reserve).await;
    let debt: Reserve = f.reserve_state(p.debt.reserve).await;
    let price = |data: &[u8], reserve: &Reserve| {
        let update = <pyth_solana_receiver_sdk::price_update::PriceUpdateV2 as anchor_lang::AccountDeserialize>::try_deserialize(&mut &data[..])
            .expect("price update");
        load_price(&update, &reserve.oracle, now, PriceUse::Lending).expect("a fresh price")
    };
    let collateral_bytes = f.raw(p.collateral.price_account).await.expect("price");
    let debt_bytes = f.raw(p.debt.price_account).await.expect("price");
    let market_bytes = f.raw(p.market).await.expect("market");
    let market: Market = bytemuck::pod_read_unaligned(&market_bytes[8..]);
    let health = position_health(
        &position,
        &collateral,
        &price(&collateral_bytes, &collateral),
        &debt,
        &price(&debt_bytes, &debt),
        &market,
        now,
    )
    .expect("health computes");
    let raw = |bytes: Vec<u8>| risk_engine_tests::recorder::base64(&bytes);
    rec.health.push(json!({
        "now": now.to_string(),
        "position": raw(f.raw(p.position).await.unwrap()),
        "collateralReserve": raw(f.raw(p.collateral.reserve).await.unwrap()),
        "debtReserve": raw(f.raw(p.debt.reserve).await.unwrap()),
        "collateralPrice": raw(collateral_bytes),
        "debtPrice": raw(debt_bytes),
        "market": raw(market_bytes),
        "priceUse": "lending",
        "name": "scenario",
        "expected": health_json(&health),
    }));
    health.max_borrow
}

/// Position health on states the scenario does not reach, computed by
/// `riskctl` on hand-made accounts: utilisation above the kink, a binding
/// borrow cap, a calibration stale for 1.5 hours, the same under a refresh
/// pause (not stale), binding liquidity, a binding minimum borrow value, no
/// debt on a reserve never calibrated, debt too small to have a value, and
/// a band wider than the reserve allows (valued at its edges, as a
/// liquidation reads it).
fn synthetic_health(rec: &mut Recording, poster: Pubkey) {
    let now: i64 = 1_700_000_000;
    let reserve = |decimals: u8, feed: u8| {
        let mut r: Reserve = bytemuck::Zeroable::zeroed();
        r.version = 1;
        r.mint_decimals = decimals;
        r.oracle = presets::oracle([feed; 32]);
        r.bounds.lt_min_bps = 5_000;
        r.bounds.lt_max_bps = 9_000;
        r.bounds.max_tighten_bps_per_hour = 37;
        r.bounds.ltv_buffer_bps = 500;
        r.calibrated.liquidation_threshold_bps = 8_123;
        r.calibrated.max_ltv_bps = 7_623;
        r.calibrated.last_calibration_ts = now - 100;
        r.stale_from_ts = now + 1_000;
        r.interest = presets::interest();
        r.interest.base_rate_bps = 100;
        r.interest.slope1_bps = 400;
        r.lending.borrow_index = fixed::types::I80F48::from_num(1.0537).into();
        r.lending.last_accrual_ts = now - 30 * 86_400;
        r
    };
    let (c, d) = (reserve(9, 1), reserve(6, 2));
    let mut above_kink = d;
    above_kink.lending.available_liquidity = 1_000_000_000;
    above_kink.lending.debt_shares = 9_000_000_000;
    let mut capped = above_kink;
    capped.interest.borrow_cap = 10_000_000_000;
    let mut stale = c;
    stale.stale_from_ts = now - 5_400;
    let mut thin_market = c;
    thin_market.calibration.reference_liquidation_quote = 10_000;
    thin_market.calibration.min_depth_quote = 10_000;
    thin_market.calibration.max_slippage_bps = 2_500;
    thin_market.calibration.size_weight_bps = 10_000;
    thin_market.calibrated.liquidation_bonus_bps = 500;
    let mut dust_minimum = above_kink;
    dust_minimum.min_borrow_value_quote = 1_000_000;
    let mut scarce = above_kink;
    scarce.lending.available_liquidity = 12_345;
    let mut uncalibrated = c;
    uncalibrated.calibrated.last_calibration_ts = 0;
    let sol = |price_e8: i64, ema_e8: i64| {
        let mut p = PythPrice::new([1; 32], price_e8, -8, now);
        p.ema_price = ema_e8;
        p
    };
    let usd = |price: i64, ema: i64, exponent: i32| {
        let mut p = PythPrice::new([2; 32], price, exponent, now);
        p.ema_price = ema;
        p
    };
    let big = 100_000_000_000u64;
    let cases = [
        (
            "above the kink",
            c,
            above_kink,
            big,
            2_000_000_000,
            sol(150_00000000, 149_50000000),
            usd(1_00000000, 1_00010000, -8),
        ),
        (
            "borrow cap",
            c,
            capped,
            big,
            2_000_000_000,
            sol(150_00000000, 149_50000000),
            usd(1_00000000, 1_00010000, -8),
        ),
        (
            "stale 1.5 h",
            stale,
            above_kink,
            big,
            2_000_000_000,
            sol(150_00000000, 149_50000000),
            usd(1_00000000, 1_00010000, -8),
        ),
        (
            "scarce liquidity",
            c,
            scarce,
            big,
            2_000_000_000,
            sol(150_00000000, 149_50000000),
            usd(1_00000000, 1_00010000, -8),
        ),
        (
            "no debt, never calibrated",
            uncalibrated,
            above_kink,
            5_000_000,
            0,
            sol(150_00000000, 151_00000000),
            usd(1_00000000, 99_000000, -8),
        ),
        (
            "debt worth nothing",
            c,
            above_kink,
            5,
            1,
            sol(100, 100),
            usd(100, 100, -12),
        ),
    ];
    // A market whose refreshes have been paused for two hours: the stale
    // calibration above has not aged meanwhile.
    let mut paused: Market = bytemuck::Zeroable::zeroed();
    paused.refresh_paused_since_ts = now - 7_200;
    let calm: Market = bytemuck::Zeroable::zeroed();
    let mut wide_band = sol(150_00000000, 150_00000000);
    wide_band.conf = 4_50000000;
    let with_market = cases
        .into_iter()
        .map(|(name, c, d, amount, shares, cp, dp)| {
            (name, c, d, amount, shares, cp, dp, calm, PriceUse::Lending)
        })
        .chain([
            (
                "stale 1.5 h, refreshes paused 2 h",
                stale,
                above_kink,
                big,
                2_000_000_000,
                sol(150_00000000, 149_50000000),
                usd(1_00000000, 1_00010000, -8),
                paused,
                PriceUse::Lending,
            ),
            (
                "minimum borrow value",
                c,
                dust_minimum,
                5_000_000_000,
                0,
                sol(150_00000000, 149_50000000),
                usd(1_00000000, 1_00010000, -8),
                calm,
                PriceUse::Lending,
            ),
            (
                "too large for its market",
                thin_market,
                above_kink,
                1_000_000_000_000,
                100_000_000_000,
                sol(150_00000000, 151_00000000),
                usd(1_00000000, 1_00010000, -8),
                calm,
                PriceUse::Lending,
            ),
            (
                "band wider than allowed",
                c,
                above_kink,
                10_000_000_000,
                1_200_000_000,
                wide_band,
                usd(1_00000000, 1_00010000, -8),
                calm,
                PriceUse::Liquidation,
            ),
        ]);
    for (name, collateral, debt, collateral_amount, debt_shares, cp, dp, market, price_use) in
        with_market
    {
        let mut position: Position = bytemuck::Zeroable::zeroed();
        position.version = 1;
        position.collateral_amount = collateral_amount;
        position.debt_shares = debt_shares;
        let accepted = |price: &PythPrice, reserve: &Reserve| {
            load_price(&price.to_update(), &reserve.oracle, now, price_use).expect(name)
        };
        let health = position_health(
            &position,
            &collateral,
            &accepted(&cp, &collateral),
            &debt,
            &accepted(&dp, &debt),
            &market,
            now,
        )
        .expect(name);
        rec.health.push(json!({
            "name": name,
            "now": now.to_string(),
            "position": account_base64(&position),
            "collateralReserve": account_base64(&collateral),
            "debtReserve": account_base64(&debt),
            "collateralPrice": risk_engine_tests::recorder::base64(&cp.to_account_by(poster).data),
            "debtPrice": risk_engine_tests::recorder::base64(&dp.to_account_by(poster).data),
            "market": account_base64(&market),
            "priceUse": match price_use {
                PriceUse::Liquidation => "liquidation",
                _ => "lending",
            },
            "expected": health_json(&health),
        }));
    }
}

fn health_json(health: &riskctl::client::health::PositionHealth) -> Value {
    json!({
        "debtOwed": health.debt_owed.to_string(),
        "thresholdBps": health.threshold_bps.to_string(),
        "maxLtvBps": health.max_ltv_bps.to_string(),
        "healthFactorBits": health.health_factor.map(|h| h.to_bits().to_string()),
        "healthFactor": health.health_factor.map(|h| h.to_string()),
        "liquidatable": health.liquidatable,
        "maxBorrow": health.max_borrow.to_string(),
    })
}

/// Values the program derives from the last recorded account, for the
/// client's helpers to derive the same.
fn derived(rec: &mut Recording, values: Value) {
    let last = rec.accounts.last_mut().expect("an account recorded");
    last["derived"] = values;
}

#[tokio::test]
async fn a_scenario_through_every_instruction_is_recorded_for_the_typescript_client() {
    let mut f = TestFixture::seeded("client fixtures").await;
    let mut rec = Recording::default();
    let governor = f.new_keypair();
    let successor = f.new_keypair();
    let reporter = f.new_keypair();
    let guardian = f.new_keypair();
    let treasury = f.new_keypair().pubkey();
    f.airdrop(governor.pubkey(), 10_000_000_000).await;
    f.airdrop(successor.pubkey(), 1_000_000_000).await;

    // A market of its own, so its creation and listings are recorded too.
    let args = risk_engine::instructions::InitMarketArgs {
        market_id: 7,
        guardian: f.guardian.pubkey(),
        treasury,
        quote_currency: *b"USD\0\0\0\0\0",
        liquidation: presets::liquidation(),
    };
    let market = pda::market(&governor.pubkey(), 7).0;
    let ix = builders::init_market(governor.pubkey(), args.clone());
    let inputs = json!({"authority": key(&governor.pubkey()), "args": to_json(&args)});
    rec.send(&mut f, "init_market", inputs, ix, &[&governor])
        .await
        .expect("init_market");
    let (sol, usdc) = (listed_in(market, &f.spl), listed_in(market, &f.t22));
    for asset in [&sol, &usdc] {
        let args = TestFixture::add_reserve_args(asset.feed_id);
        let ix = builders::add_reserve(
            governor.pubkey(),
            market,
            asset.mint,
            asset.token_program,
            args.clone(),
        );
        let inputs = json!({
            "authority": key(&governor.pubkey()), "market": key(&market), "mint": key(&asset.mint),
            "tokenProgram": key(&asset.token_program), "args": to_json(&args),
        });
        rec.send(&mut f, "add_reserve", inputs, ix, &[&governor])
            .await
            .expect("add_reserve");
    }

    // Governance, every setter once.
    let gov = |authority: &Keypair, extra: Value| {
        let mut inputs = json!({"authority": key(&authority.pubkey()), "market": key(&market)});
        inputs
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        inputs
    };
    let reserve = sol.reserve;
    let on_reserve = |value: Value| json!({"reserve": key(&reserve), "value": value});
    let calls: Vec<(&str, Value, _)> = vec![
        (
            "set_risk_bounds",
            on_reserve(to_json(&presets::bounds())),
            builders::set_risk_bounds(governor.pubkey(), market, reserve, presets::bounds()),
        ),
        (
            "set_calibration_params",
            on_reserve(to_json(&presets::calibration())),
            builders::set_calibration_params(
                governor.pubkey(),
                market,
                reserve,
                presets::calibration(),
            ),
        ),
        (
            "set_oracle_config",
            on_reserve(to_json(&presets::oracle(sol.feed_id))),
            builders::set_oracle_config(
                governor.pubkey(),
                market,
                reserve,
                presets::oracle(sol.feed_id),
            ),
        ),
        (
            "set_interest_model",
            on_reserve(to_json(&presets::interest())),
            builders::set_interest_model(governor.pubkey(), market, reserve, presets::interest()),
        ),
        (
            "set_min_borrow_value",
            json!({"reserve": key(&usdc.reserve), "value": "5"}),
            builders::set_min_borrow_value(governor.pubkey(), market, usdc.reserve, 5),
        ),
        (
            "set_depth_reporter",
            on_reserve(key(&reporter.pubkey())),
            builders::set_depth_reporter(governor.pubkey(), market, reserve, reporter.pubkey()),
        ),
        (
            "set_liquidation_config",
            json!({"value": to_json(&presets::liquidation())}),
            builders::set_liquidation_config(governor.pubkey(), market, presets::liquidation()),
        ),
        (
            "set_guardian",
            json!({"value": key(&guardian.pubkey())}),
            builders::set_guardian(governor.pubkey(), market, guardian.pubkey()),
        ),
        (
            "set_treasury",
            json!({"value": key(&treasury)}),
            builders::set_treasury(governor.pubkey(), market, treasury),
        ),
        (
            "propose_authority",
            json!({"value": key(&successor.pubkey())}),
            builders::propose_authority(governor.pubkey(), market, successor.pubkey()),
        ),
    ];
    for (name, extra, ix) in calls {
        rec.send(&mut f, name, gov(&governor, extra), ix, &[&governor])
            .await
            .expect(name);
    }
    let ix = builders::accept_authority(successor.pubkey(), market);
    let inputs = json!({"newAuthority": key(&successor.pubkey()), "market": key(&market)});
    rec.send(&mut f, "accept_authority", inputs, ix, &[&successor])
        .await
        .expect("accept");
    for flags in [PAUSE_LENDING | PAUSE_LIQUIDATIONS, 0] {
        let ix = builders::set_pause(successor.pubkey(), market, flags);
        let inputs = json!({"signer": key(&successor.pubkey()), "market": key(&market), "pauseFlags": flags.to_string()});
        rec.send(&mut f, "set_pause", inputs, ix, &[&successor])
            .await
            .expect("set_pause");
    }

    // Prices: a seed, a replay (skipped), then calm hours that calibrate
    // and loosen the threshold.
    let refresh = |asset: &ReserveFixture| {
        let ix = builders::refresh_reserve(market, asset.reserve, asset.price_account);
        let inputs = json!({"market": key(&market), "reserve": key(&asset.reserve), "priceUpdate": key(&asset.price_account)});
        (inputs, ix)
    };
    let mut sol_price = 150_00000000i64;
    for asset in [&sol, &usdc] {
        let price = if asset.reserve == sol.reserve {
            sol_price
        } else {
            1_00000000
        };
        f.publish_now(asset, price).await;
        let (inputs, ix) = refresh(asset);
        rec.send(&mut f, "refresh_reserve", inputs, ix, &[])
            .await
            .expect("seed");
    }
    let (inputs, ix) = refresh(&sol);
    rec.send(&mut f, "refresh_reserve", inputs, ix, &[])
        .await
        .expect("replay");
    for hour in 0..4 {
        f.advance_clock(HOUR).await;
        sol_price += if hour % 2 == 0 {
            sol_price / 400
        } else {
            -(sol_price / 400)
        };
        f.publish_now(&sol, sol_price).await;
        f.publish_now(&usdc, 1_00000000).await;
        for asset in [&sol, &usdc] {
            let (inputs, ix) = refresh(asset);
            rec.send(&mut f, "refresh_reserve", inputs, ix, &[])
                .await
                .expect("refresh");
        }
    }
    let ix = builders::report_depth(reporter.pubkey(), sol.reserve, 5_000_000);
    let inputs = json!({"reporter": key(&reporter.pubkey()), "reserve": key(&sol.reserve), "depthQuote": "5000000"});
    rec.send(&mut f, "report_depth", inputs, ix, &[&reporter])
        .await
        .expect("report_depth");

    // Lending: user 0 supplies USDC, user 1 borrows it against SOL.
    let lender = f.users[0].keypair.insecure_clone();
    let lender_usdc = f.users[0].t22_account;
    for (name, amount, min_out) in [
        ("supply", 200_000_000_000u64, 1u64),
        ("withdraw_supply", 1_000_000, 1),
    ] {
        let ix = if name == "supply" {
            builders::supply(lender.pubkey(), market, &usdc, lender_usdc, amount, min_out)
        } else {
            builders::withdraw_supply(lender.pubkey(), market, &usdc, lender_usdc, amount, min_out)
        };
        let inputs = json!({"owner": key(&lender.pubkey()), "market": key(&market), "asset": reserve_json(&usdc),
            "ownerTokenAccount": key(&lender_usdc), "amount": amount.to_string(), "minOut": min_out.to_string()});
        rec.send(&mut f, name, inputs, ix, &[&lender])
            .await
            .expect(name);
    }
    let borrower = f.users[1].keypair.insecure_clone();
    let (borrower_sol, borrower_usdc) = (f.users[1].spl_account, f.users[1].t22_account);
    let ix = builders::open_position(borrower.pubkey(), market, sol.reserve, usdc.reserve, 3);
    let inputs = json!({"owner": key(&borrower.pubkey()), "market": key(&market),
        "collateralReserve": key(&sol.reserve), "debtReserve": key(&usdc.reserve), "positionId": "3"});
    rec.send(&mut f, "open_position", inputs, ix, &[&borrower])
        .await
        .expect("open");
    let p = PricedPosition {
        owner: borrower.pubkey(),
        market,
        position: pda::position(&market, &borrower.pubkey(), 3).0,
        collateral: sol,
        debt: usdc,
    };
    let deposit = 20_000_000_000u64;
    let ix =
        builders::deposit_collateral(borrower.pubkey(), p.position, &sol, borrower_sol, deposit);
    let inputs = json!({"owner": key(&borrower.pubkey()), "position": key(&p.position), "collateral": reserve_json(&sol),
        "ownerTokenAccount": key(&borrower_sol), "amount": deposit.to_string()});
    rec.send(&mut f, "deposit_collateral", inputs, ix, &[&borrower])
        .await
        .expect("deposit");
    record_health(&mut rec, &mut f, &p).await;

    let borrow_inputs = |amount: u64| json!({"p": position_json(&p), "ownerTokenAccount": key(&borrower_usdc), "amount": amount.to_string()});
    let ix = builders::borrow(&p, borrower_usdc, 500_000_000);
    rec.send(
        &mut f,
        "borrow",
        borrow_inputs(500_000_000),
        ix,
        &[&borrower],
    )
    .await
    .expect("borrow");
    let ix = builders::withdraw_collateral(&p, borrower_sol, 1_000_000_000);
    let inputs = json!({"p": position_json(&p), "ownerTokenAccount": key(&borrower_sol), "amount": "1000000000"});
    rec.send(&mut f, "withdraw_collateral", inputs, ix, &[&borrower])
        .await
        .expect("withdraw");
    let ix = builders::repay(
        borrower.pubkey(),
        p.position,
        &usdc,
        borrower_usdc,
        100_000_000,
    );
    let inputs = json!({"payer": key(&borrower.pubkey()), "position": key(&p.position), "debt": reserve_json(&usdc),
        "payerTokenAccount": key(&borrower_usdc), "maxAmount": "100000000"});
    rec.send(&mut f, "repay", inputs, ix, &[&borrower])
        .await
        .expect("repay");

    // The largest borrow riskctl computes is exactly the program's limit:
    // one base unit more is refused, that amount is accepted.
    f.publish_now(&sol, sol_price).await;
    f.publish_now(&usdc, 1_00000000).await;
    let max = record_health(&mut rec, &mut f, &p).await;
    assert!(max > 0);
    let too_much = builders::borrow(&p, borrower_usdc, max + 1);
    f.assert_rejected(
        &[too_much],
        &[&borrower],
        RiskError::MaxLtvExceeded,
        &[p.position],
    )
    .await;
    let ix = builders::borrow(&p, borrower_usdc, max);
    rec.send(&mut f, "borrow", borrow_inputs(max), ix, &[&borrower])
        .await
        .expect("the computed maximum is accepted");
    record_health(&mut rec, &mut f, &p).await;

    // A week of interest, fresh prices and a refresh, then the fees are
    // claimed.
    f.advance_clock(7 * 24 * HOUR).await;
    f.publish_now(&sol, sol_price).await;
    f.publish_now(&usdc, 1_00000000).await;
    // A week since the last accrual and calibration: the debt has grown and
    // the threshold in use has declined.
    record_health(&mut rec, &mut f, &p).await;
    let treasury_usdc = f
        .create_token_account(usdc.mint, treasury, usdc.token_program)
        .await;
    let treasury_sol = f
        .create_token_account(sol.mint, treasury, sol.token_program)
        .await;
    let ix = builders::claim_protocol_fees(market, &usdc, treasury_usdc);
    let inputs = json!({"market": key(&market), "asset": reserve_json(&usdc), "treasuryTokenAccount": key(&treasury_usdc)});
    rec.send(&mut f, "claim_protocol_fees", inputs, ix, &[])
        .await
        .expect("claim");

    // A crash: the position is liquidated.
    sol_price = sol_price * 7 / 10;
    f.publish_now(&sol, sol_price).await;
    f.publish_now(&usdc, 1_00000000).await;
    record_health(&mut rec, &mut f, &p).await;
    let liquidator = f.users[2].keypair.insecure_clone();
    let accounts = LiquidatorAccounts {
        liquidator: liquidator.pubkey(),
        collateral_account: f.users[2].spl_account,
        debt_account: f.users[2].t22_account,
        treasury_collateral_account: treasury_sol,
    };
    // riskctl's liquidator quotes it first; the program must then do
    // exactly what the quote says.
    let market_bytes = f.raw(market).await.expect("market");
    let case = QuoteCase {
        name: "scenario",
        now: f.now().await,
        address: p.position,
        position: f.position_state(p.position).await,
        collateral: f.reserve_state(sol.reserve).await,
        collateral_price: f.raw(sol.price_account).await.expect("price"),
        debt: f.reserve_state(usdc.reserve).await,
        debt_price: f.raw(usdc.price_account).await.expect("price"),
        market: bytemuck::pod_read_unaligned(&market_bytes[8..]),
        max_repay: u64::MAX,
        tolerance_bps: 50,
    };
    let (quoted, recorded) = quote(&case);
    rec.quotes.push(recorded);
    let quoted = quoted.expect("the crash makes the position liquidatable");
    let ix = builders::liquidate(&p, &accounts, u64::MAX, 0);
    let inputs = json!({"p": position_json(&p), "l": {
        "liquidator": key(&accounts.liquidator), "collateralAccount": key(&accounts.collateral_account),
        "debtAccount": key(&accounts.debt_account), "treasuryCollateralAccount": key(&accounts.treasury_collateral_account)},
        "maxRepay": u64::MAX.to_string(), "minCollateralOut": "0"});
    let event: Liquidated = rec
        .send(&mut f, "liquidate", inputs, ix, &[&liquidator])
        .await
        .expect("liquidate")
        .one();
    assert_eq!(
        (event.threshold_bps, event.repaid, event.seized, event.bonus),
        (
            quoted.threshold_bps,
            quoted.repaid,
            quoted.seized,
            quoted.split.bonus
        )
    );
    assert_eq!(
        (
            event.protocol_fee,
            event.to_liquidator,
            event.deficit,
            event.deficit_absorbed_by_fees
        ),
        (
            quoted.split.protocol_fee,
            quoted.split.to_liquidator,
            quoted.deficit,
            quoted.deficit_absorbed_by_fees
        )
    );
    let bits = |wrapped: risk_engine::state::WrappedI80F48| fixed::types::I80F48::from(wrapped);
    assert_eq!(
        (bits(event.health_before), bits(event.health_after)),
        (quoted.health_before, quoted.health_after)
    );

    // A dust position: 1 SOL against 5 USDC, then a collapse to $0.50 leaves
    // its collateral under the dust value ($1): written off.
    let dust = PricedPosition {
        position: pda::position(&market, &borrower.pubkey(), 4).0,
        ..p
    };
    let ix = builders::open_position(borrower.pubkey(), market, sol.reserve, usdc.reserve, 4);
    f.send(&[ix], &[&borrower])
        .await
        .expect("open the dust position");
    let ix = builders::deposit_collateral(
        borrower.pubkey(),
        dust.position,
        &sol,
        borrower_sol,
        1_000_000_000,
    );
    f.send(&[ix], &[&borrower]).await.expect("deposit dust");
    let ix = builders::borrow(&dust, borrower_usdc, 5_000_000);
    f.send(&[ix], &[&borrower]).await.expect("borrow 5 USDC");
    f.publish_now(&sol, 50_000_000).await;
    f.publish_now(&usdc, 1_00000000).await;
    let ix = builders::write_off_bad_debt(&dust, treasury_sol);
    let inputs =
        json!({"p": position_json(&dust), "treasuryCollateralAccount": key(&treasury_sol)});
    rec.send(&mut f, "write_off_bad_debt", inputs, ix, &[])
        .await
        .expect("write off");
    f.publish_now(&sol, sol_price).await;

    // A position opened and closed empty, and a lender who leaves.
    let ix = builders::open_position(liquidator.pubkey(), market, sol.reserve, usdc.reserve, 9);
    let inputs = json!({"owner": key(&liquidator.pubkey()), "market": key(&market),
        "collateralReserve": key(&sol.reserve), "debtReserve": key(&usdc.reserve), "positionId": "9"});
    rec.send(&mut f, "open_position", inputs, ix, &[&liquidator])
        .await
        .expect("open");
    let empty = pda::position(&market, &liquidator.pubkey(), 9).0;
    let ix = builders::close_position(liquidator.pubkey(), empty);
    let inputs = json!({"owner": key(&liquidator.pubkey()), "position": key(&empty)});
    rec.send(&mut f, "close_position", inputs, ix, &[&liquidator])
        .await
        .expect("close");
    let leaver_usdc = f.users[2].t22_account;
    for (name, amount) in [("supply", 5_000_000u64), ("withdraw_supply", u64::MAX)] {
        let ix = if name == "supply" {
            builders::supply(liquidator.pubkey(), market, &usdc, leaver_usdc, amount, 0)
        } else {
            builders::withdraw_supply(liquidator.pubkey(), market, &usdc, leaver_usdc, amount, 0)
        };
        let inputs = json!({"owner": key(&liquidator.pubkey()), "market": key(&market), "asset": reserve_json(&usdc),
            "ownerTokenAccount": key(&leaver_usdc), "amount": amount.to_string(), "minOut": "0"});
        rec.send(&mut f, name, inputs, ix, &[&liquidator])
            .await
            .expect(name);
    }
    let ix = builders::close_lender_position(liquidator.pubkey(), usdc.reserve);
    let inputs = json!({"owner": key(&liquidator.pubkey()), "reserve": key(&usdc.reserve)});
    rec.send(&mut f, "close_lender_position", inputs, ix, &[&liquidator])
        .await
        .expect("close lender");

    // The accounts as they are left, and the addresses clients derive.
    rec.account::<Market>(&mut f, "Market", market).await;
    for asset in [&sol, &usdc] {
        rec.account::<Reserve>(&mut f, "Reserve", asset.reserve)
            .await;
        let state = f.reserve_state(asset.reserve).await;
        let calibrated = &state.calibrated;
        derived(
            &mut rec,
            json!({
                "sigmaFastBpsPerYear": annualised_sigma_bps(calibrated.fast_variance_per_year.into()).to_string(),
                "sigmaSlowBpsPerYear": annualised_sigma_bps(calibrated.slow_variance_per_year.into()).to_string(),
            }),
        );
    }
    rec.account::<Position>(&mut f, "Position", p.position)
        .await;
    let debt_reserve = f.reserve_state(usdc.reserve).await;
    let position = f.position_state(p.position).await;
    let owed = risk_engine::lending::position_debt(&debt_reserve, &position).expect("debt");
    derived(&mut rec, json!({"debtOwed": owed.to_string()}));
    rec.account::<LenderPosition>(
        &mut f,
        "LenderPosition",
        pda::lender_position(&usdc.reserve, &lender.pubkey()).0,
    )
    .await;
    let (market_address, market_bump) = pda::market(&governor.pubkey(), 7);
    let (reserve_address, reserve_bump) = pda::reserve(&market, &sol.mint);
    let (vault_address, vault_bump) = pda::vault(&sol.reserve);
    let (position_address, position_bump) = pda::position(&market, &borrower.pubkey(), 3);
    let (lender_address, lender_bump) = pda::lender_position(&usdc.reserve, &lender.pubkey());
    rec.pdas = vec![
        json!({"kind": "market", "inputs": {"creator": key(&governor.pubkey()), "marketId": "7"}, "address": key(&market_address), "bump": market_bump.to_string()}),
        json!({"kind": "reserve", "inputs": {"market": key(&market), "mint": key(&sol.mint)}, "address": key(&reserve_address), "bump": reserve_bump.to_string()}),
        json!({"kind": "vault", "inputs": {"reserve": key(&sol.reserve)}, "address": key(&vault_address), "bump": vault_bump.to_string()}),
        json!({"kind": "position", "inputs": {"market": key(&market), "owner": key(&borrower.pubkey()), "positionId": "3"}, "address": key(&position_address), "bump": position_bump.to_string()}),
        json!({"kind": "lenderPosition", "inputs": {"reserve": key(&usdc.reserve), "owner": key(&lender.pubkey())}, "address": key(&lender_address), "bump": lender_bump.to_string()}),
        json!({"kind": "eventAuthority", "inputs": {}, "address": key(&pda::event_authority()), "bump": null}),
    ];

    synthetic_health(&mut rec, f.price_poster);
    let recording = rec.into_json(errors_json());
    let recorded_builders: std::collections::BTreeSet<&str> = recording["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["builder"].as_str().unwrap())
        .collect();
    assert_eq!(
        recorded_builders.len(),
        28,
        "every instruction: {recorded_builders:?}"
    );
    let recorded_events: std::collections::BTreeSet<&str> = recording["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        recorded_events.len(),
        31,
        "every event: {recorded_events:?}"
    );

    risk_engine_tests::recorder::compare_or_bless("scenario.json", &recording, "client_fixtures");
}
