//! What a liquidation bot or a keeper computes around the instruction
//! builders, recorded for the TypeScript clients' tests
//! (`app/ts/fixtures/toolkit.json`, committed and compared like the
//! scenario, `RISK_FIXTURES_BLESS=1` to rewrite): liquidation quotes on
//! hand-made positions, each shown to take the branch it is named for;
//! push-oracle addresses; associated token accounts and their idempotent
//! creation; compute-budget instructions; and which prices a refresh would
//! skip.

use anchor_lang::prelude::Pubkey;
use fixed::types::I80F48;
use risk_engine::calibration::skip_reason;
use risk_engine::liquidation::LiquidationOutcome;
use risk_engine::oracle::pyth::{load_price, PriceUse};
use risk_engine::state::{Market, Position, Reserve};
use risk_engine_tests::fixture::{SOL_USD_FEED, USDC_USD_FEED};
use risk_engine_tests::presets;
use risk_engine_tests::pyth::PythPrice;
use risk_engine_tests::quotes::{error_name, quote, QuoteCase};
use risk_engine_tests::recorder::{account_base64, instruction_json, key};
use riskctl::config::resolve::push_oracle_feed_account;
use serde_json::{json, Value};

/// The clock of every hand-made case: 2026-01-01 12:00 UTC.
const NOW: i64 = 1_767_268_800;
/// The poster every hand-made Pyth account names.
const POSTER: Pubkey = Pubkey::new_from_array([7; 32]);
const USDC: u64 = 1_000_000;
const SOL: u64 = 1_000_000_000;

fn address(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

/// A calibrated reserve (threshold and bonus given), fresh for another
/// hour, with a year's worth of interest already in its index and an hour
/// to accrue, and books deep enough for every case.
fn reserve(decimals: u8, feed: [u8; 32], threshold_bps: u16, bonus_bps: u16) -> Reserve {
    let mut r: Reserve = bytemuck::Zeroable::zeroed();
    r.version = 1;
    r.mint_decimals = decimals;
    r.oracle = presets::oracle(feed);
    r.bounds = presets::bounds();
    r.bounds.lt_min_bps = 5_000;
    r.bounds.lt_max_bps = 9_500;
    r.calibration = presets::calibration();
    // No size penalty unless a case asks for one.
    r.calibration.size_weight_bps = 0;
    r.interest = presets::interest();
    r.calibrated.liquidation_threshold_bps = threshold_bps;
    r.calibrated.liquidation_bonus_bps = bonus_bps;
    r.calibrated.last_calibration_ts = NOW - 100;
    r.stale_from_ts = NOW + 3_600;
    r.lending.borrow_index = I80F48::from_num(1.0537).into();
    r.lending.last_accrual_ts = NOW - 3_600;
    r.lending.available_liquidity = 10_000_000 * USDC;
    r.lending.debt_shares = 1_000_000 * USDC;
    r.lending.total_collateral = 1_000_000 * SOL;
    r
}

/// A hand-made case: SOL collateral, USDC debt, prices and rules at hand.
struct Setup {
    collateral: Reserve,
    debt: Reserve,
    position: Position,
    sol: PythPrice,
    usdc: PythPrice,
    market: Market,
    max_repay: u64,
    tolerance_bps: u16,
}

/// `sol` SOL of collateral at $100 against about `usdc` USDC of debt
/// (shares at the stored index), threshold and bonus of the collateral.
fn setup(sol: f64, usdc: f64, threshold_bps: u16, bonus_bps: u16) -> Setup {
    let mut position: Position = bytemuck::Zeroable::zeroed();
    position.version = 1;
    position.market = address(3);
    position.owner = address(4);
    position.collateral_reserve = address(1);
    position.debt_reserve = address(2);
    position.collateral_amount = (sol * SOL as f64) as u64;
    position.debt_shares = (usdc * USDC as f64 / 1.0537) as u64;
    let mut market: Market = bytemuck::Zeroable::zeroed();
    market.version = 1;
    market.liquidation = presets::liquidation();
    Setup {
        collateral: reserve(9, SOL_USD_FEED, threshold_bps, bonus_bps),
        debt: reserve(6, USDC_USD_FEED, 9_000, 300),
        position,
        sol: PythPrice::new(SOL_USD_FEED, 100_00000000, -8, NOW),
        usdc: PythPrice::new(USDC_USD_FEED, 1_00000000, -8, NOW),
        market,
        max_repay: u64::MAX,
        tolerance_bps: 50,
    }
}

impl Setup {
    fn quote(&self, name: &str) -> (anchor_lang::Result<LiquidationOutcome>, Value) {
        quote(&QuoteCase {
            name,
            now: NOW,
            address: address(5),
            position: self.position,
            collateral: self.collateral,
            collateral_price: self.sol.to_account_by(POSTER).data,
            debt: self.debt,
            debt_price: self.usdc.to_account_by(POSTER).data,
            market: self.market,
            max_repay: self.max_repay,
            tolerance_bps: self.tolerance_bps,
        })
    }
}

fn refused(result: &anchor_lang::Result<LiquidationOutcome>) -> Option<String> {
    result.as_ref().err().map(error_name)
}

/// Every hand-made quote, asserted to take its branch.
fn quotes() -> Vec<Value> {
    let mut out = Vec::new();
    let mut record =
        |name: &str, setup: &Setup, check: &dyn Fn(&anchor_lang::Result<LiquidationOutcome>)| {
            let (result, recorded) = setup.quote(name);
            check(&result);
            out.push(recorded);
        };
    // Nothing left owed: health after is infinite.
    let repaid_in_full = |o: &LiquidationOutcome| o.health_after == I80F48::MAX;

    // HF 0.975, above governance's 0.95 and the spiral's 0.84: half the debt.
    let partial = setup(10.0, 820.0, 8_000, 500);
    record("partial, by the close factor", &partial, &|r| {
        let o = r.as_ref().expect("liquidatable");
        assert!(!repaid_in_full(o) && o.deficit == 0 && o.health_after > o.health_before);
        assert!(
            o.repaid > 405 * USDC && o.repaid < 435 * USDC,
            "{}",
            o.repaid
        );
    });
    let limited = Setup {
        max_repay: 100 * USDC,
        tolerance_bps: 125,
        ..setup(10.0, 820.0, 8_000, 500)
    };
    record("partial, by the liquidator's own limit", &limited, &|r| {
        assert!(r.as_ref().expect("liquidatable").repaid <= 100 * USDC);
    });
    // HF 0.90: under governance's level, above the spiral's; the whole debt
    // goes and the collateral covers it with the bonus.
    record(
        "full, under governance's level",
        &setup(10.0, 888.9, 8_000, 500),
        &|r| {
            let o = r.as_ref().expect("liquidatable");
            assert!(repaid_in_full(o) && o.deficit == 0);
        },
    );
    // Half of $1.65 would leave less than the $1 dust: all of it.
    let dusty = setup(0.02, 1.65, 8_000, 500);
    record("full, as half would leave dust", &dusty, &|r| {
        let o = r.as_ref().expect("liquidatable");
        assert!(repaid_in_full(o) && o.deficit == 0);
    });
    // A liquidator offering $1 of it would leave $0.65: refused.
    let leaves_dust = Setup {
        max_repay: USDC,
        ..setup(0.02, 1.65, 8_000, 500)
    };
    record(
        "a partial liquidation that leaves dust",
        &leaves_dust,
        &|r| {
            assert_eq!(refused(r).as_deref(), Some("LiquidationLeavesDust"));
        },
    );
    // LT 90 %, bonus 10 %: the spiral's level is 0.99; at HF 0.97 the
    // collateral does not cover the debt with the bonus. All of it is
    // seized, the rest written off, the protocol's fees absorbing part.
    let mut deep = setup(10.0, 927.8, 9_000, 1_000);
    deep.debt.lending.protocol_fees = I80F48::from_num(5.5 * USDC as f64).into();
    record(
        "collateral cap, deficit, below the spiral's level",
        &deep,
        &|r| {
            let o = r.as_ref().expect("liquidatable");
            assert_eq!(o.seized, 10 * SOL);
            // The fees absorb what they hold (5.5 USDC and the hour's share),
            // the suppliers the rest.
            assert!(
                o.deficit > o.deficit_absorbed_by_fees && o.deficit_absorbed_by_fees >= 5_500_000
            );
            assert_eq!(
                o.split.protocol_fee, 0,
                "no fee on a liquidation that leaves bad debt"
            );
        },
    );
    // Bands wider than the reserves allow (2 %): collateral at price - conf,
    // debt at price + conf.
    let mut wide = setup(10.0, 780.0, 8_000, 500);
    wide.sol.conf = 4_00000000;
    wide.usdc.conf = 3_000000;
    for (price, reserve) in [(&wide.sol, &wide.collateral), (&wide.usdc, &wide.debt)] {
        let read = load_price(
            &price.to_update(),
            &reserve.oracle,
            NOW,
            PriceUse::Liquidation,
        )
        .unwrap();
        assert!(!read.band_within_limit);
    }
    record("prices at the band's edges", &wide, &|r| {
        assert!(r.is_ok());
    });
    // At spot the same position is healthy (HF 1.026).
    assert_eq!(
        refused(&setup(10.0, 780.0, 8_000, 500).quote("").0).as_deref(),
        Some("PositionHealthy")
    );
    // $1 M of collateral against a $100 k minimum depth: the square-root
    // law's impact beyond the reference liquidation lowers its threshold
    // from 80 % to about 77 %, enough to make HF 1.02 liquidatable.
    let mut large = setup(10_000.0, 784_314.0, 8_000, 500);
    large.collateral.calibration.size_weight_bps = 10_000;
    large.collateral.calibration.reference_liquidation_quote = 10_000;
    large.collateral.calibration.min_depth_quote = 100_000;
    large.collateral.calibration.max_slippage_bps = 2_500;
    record("a large position's size penalty", &large, &|r| {
        assert!(r.as_ref().expect("liquidatable").threshold_bps < 7_800);
    });
    let mut small_market_unweighted = setup(10_000.0, 784_314.0, 8_000, 500);
    small_market_unweighted.collateral.calibration = large.collateral.calibration;
    small_market_unweighted
        .collateral
        .calibration
        .size_weight_bps = 0;
    assert_eq!(
        refused(&small_market_unweighted.quote("").0).as_deref(),
        Some("PositionHealthy"),
        "without the penalty the large position is healthy"
    );
    // A calibration stale for 1.5 h: 80 % declines by 1.5 × 2 %/h to 77 %.
    let mut stale = setup(10.0, 790.0, 8_000, 500);
    stale.collateral.stale_from_ts = NOW - 5_400;
    record("a stale calibration's declined threshold", &stale, &|r| {
        assert_eq!(r.as_ref().expect("liquidatable").threshold_bps, 7_700);
    });
    // The same under two hours of paused refreshes: not stale, healthy.
    let mut paused = setup(10.0, 790.0, 8_000, 500);
    paused.collateral.stale_from_ts = NOW - 5_400;
    paused.market.refresh_paused_since_ts = NOW - 7_200;
    record("stale, but refreshes paused", &paused, &|r| {
        assert_eq!(refused(r).as_deref(), Some("PositionHealthy"));
    });
    record("healthy", &setup(10.0, 700.0, 8_000, 500), &|r| {
        assert_eq!(refused(r).as_deref(), Some("PositionHealthy"));
    });
    let nothing = Setup {
        max_repay: 0,
        ..setup(10.0, 820.0, 8_000, 500)
    };
    record("nothing offered", &nothing, &|r| {
        assert_eq!(refused(r).as_deref(), Some("ZeroAmount"));
    });
    out
}

fn push_oracle_accounts() -> Vec<Value> {
    let mut out = Vec::new();
    for feed in [SOL_USD_FEED, USDC_USD_FEED] {
        for shard in [0u16, 1, 258] {
            out.push(json!({
                "feedId": feed.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                "shard": shard.to_string(),
                "address": key(&push_oracle_feed_account(&feed, shard)),
            }));
        }
    }
    out
}

fn associated_token_accounts() -> Vec<Value> {
    use spl_associated_token_account_interface::{address, instruction};
    let token_programs = [anchor_spl::token::ID, anchor_spl::token_2022::ID];
    token_programs
        .iter()
        .enumerate()
        .map(|(n, program)| {
            let (payer, owner, mint) = (address(10), address(11 + n as u8), address(20 + n as u8));
            json!({
                "payer": key(&payer),
                "owner": key(&owner),
                "mint": key(&mint),
                "tokenProgram": key(program),
                "address": key(&address::get_associated_token_address_with_program_id(&owner, &mint, program)),
                "createIdempotent": instruction_json(
                    &instruction::create_associated_token_account_idempotent(&payer, &owner, &mint, program),
                ),
            })
        })
        .collect()
}

fn compute_budget() -> Value {
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    json!({
        "units": "400000",
        "unitLimit": instruction_json(&ComputeBudgetInstruction::set_compute_unit_limit(400_000)),
        "microLamportsPerUnit": "12345",
        "unitPrice": instruction_json(&ComputeBudgetInstruction::set_compute_unit_price(12_345)),
    })
}

/// Which prices a refresh would count or skip, and why
/// (`calibration::skip_reason`), on a 15-minute grid with a 15 s window.
fn refresh_skips() -> Vec<Value> {
    let slot = NOW - NOW.rem_euclid(900);
    let mut sampled = reserve(9, SOL_USD_FEED, 8_000, 500);
    sampled.calibrated.last_publish_time = slot + 3;
    let mut first = sampled;
    first.calibrated.last_publish_time = 0;
    let cases = [
        ("the first price, in its window", first, slot + 900 + 10),
        ("the first price, past its window", first, slot + 900 + 16),
        ("not newer", sampled, slot + 3),
        ("its slot already sampled", sampled, slot + 10),
        ("the next slot, in its window", sampled, slot + 900 + 15),
        ("the next slot, past its window", sampled, slot + 900 + 16),
        ("two slots on", sampled, slot + 1_800),
    ];
    cases
        .into_iter()
        .map(|(name, reserve, publish_time)| {
            json!({
                "name": name,
                "reserve": account_base64(&reserve),
                "publishTime": publish_time.to_string(),
                "reason": skip_reason(&reserve, publish_time).map(|r| format!("{r:?}")),
            })
        })
        .collect()
}

#[test]
fn the_toolkit_s_computations_are_recorded_for_the_typescript_clients() {
    let recording = json!({
        "quotes": quotes(),
        "pushOracle": push_oracle_accounts(),
        "associatedTokenAccounts": associated_token_accounts(),
        "computeBudget": compute_budget(),
        "refreshSkips": refresh_skips(),
    });
    let reasons: Vec<&Value> = recording["refreshSkips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| &case["reason"])
        .collect();
    assert!(reasons.iter().any(|r| r.is_null()));
    for reason in ["NotNewer", "SlotAlreadySampled", "AfterSampleWindow"] {
        assert!(reasons.iter().any(|r| *r == reason), "{reason}");
    }
    risk_engine_tests::recorder::compare_or_bless("toolkit.json", &recording, "client_toolkit");
}
