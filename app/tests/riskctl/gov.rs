//! `riskctl gov`: each governance instruction, with human values patched
//! over the chain's, checked before sending, and refused for anyone but
//! the authority.

use risk_engine::constants::{PAUSE_LENDING, PAUSE_LIQUIDATIONS, PAUSE_REFRESH};
use riskctl::gov::{self, GovAction};
use solana_sdk::signature::{Keypair, Signer};

use crate::riskctl::harness::Harness;

fn apply(h: &mut Harness, action: GovAction) -> anyhow::Result<Vec<String>> {
    let market = h.market();
    let prepared = gov::prepare(&mut h.chain, market, &action)?;
    gov::apply(&mut h.chain, &prepared, &[])?;
    Ok(prepared.diff)
}

fn values(pairs: &[&str]) -> Vec<String> {
    pairs.iter().map(|p| p.to_string()).collect()
}

#[test]
fn reserve_blocks_change_only_where_asked_and_exactly() {
    let mut h = Harness::deployed();
    let sol = h.asset("SOL").reserve;
    let before = h.reserve("SOL");
    let diff = apply(
        &mut h,
        GovAction::SetBounds {
            reserve: sol,
            values: values(&["lt_max=86.5%", "max_loosen_per_hour=0.5%"]),
        },
    )
    .unwrap();
    assert_eq!(
        diff,
        vec![
            "lt_max: 88.00 % -> 86.50 %",
            "max_loosen_per_hour: 0.25 % -> 0.50 %"
        ]
    );
    let after = h.reserve("SOL");
    assert_eq!(after.bounds.lt_max_bps, 8_650);
    assert_eq!(after.bounds.max_loosen_bps_per_hour, 50);
    assert_eq!(
        after.bounds.lt_min_bps, before.bounds.lt_min_bps,
        "untouched values stay"
    );

    apply(
        &mut h,
        GovAction::SetCalibration {
            reserve: sol,
            values: values(&[
                "horizon=12h",
                "quantile_z=2.576",
                "reference_liquidation=100,000 USD",
            ]),
        },
    )
    .unwrap();
    let calibration = h.reserve("SOL").calibration;
    assert_eq!(
        (calibration.horizon_secs, calibration.quantile_z_milli),
        (43_200, 2_576)
    );
    assert_eq!(calibration.reference_liquidation_quote, 100_000);
    assert_eq!(
        calibration.slow_half_life_secs,
        before.calibration.slow_half_life_secs
    );

    apply(
        &mut h,
        GovAction::SetOracle {
            reserve: sol,
            values: values(&["max_age=30s", "max_confidence=1.5%"]),
        },
    )
    .unwrap();
    let oracle = h.reserve("SOL").oracle;
    assert_eq!((oracle.max_age_secs, oracle.max_confidence_bps), (30, 150));
    assert_eq!(oracle.feed_id, before.oracle.feed_id);

    apply(
        &mut h,
        GovAction::SetInterest {
            reserve: sol,
            values: values(&["borrow_cap=1234.5", "slope2=150%"]),
        },
    )
    .unwrap();
    let interest = h.reserve("SOL").interest;
    assert_eq!(
        interest.borrow_cap, 1_234_500_000_000,
        "whole SOL to lamports"
    );
    assert_eq!(interest.slope2_bps, 15_000);
    assert_eq!(interest.supply_cap, u64::MAX);

    let reporter = Keypair::new().pubkey();
    apply(
        &mut h,
        GovAction::SetDepthReporter {
            reserve: sol,
            reporter: Some(reporter),
        },
    )
    .unwrap();
    assert_eq!(h.reserve("SOL").depth_reporter, reporter);
}

#[test]
fn market_keys_rules_and_pauses() {
    let mut h = Harness::deployed();
    apply(
        &mut h,
        GovAction::SetLiquidation {
            values: values(&["close_factor=40%", "dust_value=2.5 USD"]),
        },
    )
    .unwrap();
    let market = h.market_state();
    assert_eq!(
        (
            market.liquidation.close_factor_bps,
            market.liquidation.dust_value_quote_e6
        ),
        (4_000, 2_500_000)
    );

    let (guardian, treasury) = (Keypair::new().pubkey(), Keypair::new().pubkey());
    apply(&mut h, GovAction::SetGuardian { guardian }).unwrap();
    apply(&mut h, GovAction::SetTreasury { treasury }).unwrap();
    apply(
        &mut h,
        GovAction::Pause {
            flags: values(&["lending,refresh"]),
        },
    )
    .unwrap();
    let market = h.market_state();
    assert_eq!((market.guardian, market.treasury), (guardian, treasury));
    assert_eq!(market.pause_flags, PAUSE_LENDING | PAUSE_REFRESH);
    let diff = apply(
        &mut h,
        GovAction::Unpause {
            flags: values(&["refresh"]),
        },
    )
    .unwrap();
    assert_eq!(diff, vec!["paused: lending, refresh -> lending"]);
    apply(
        &mut h,
        GovAction::Pause {
            flags: values(&["liquidations"]),
        },
    )
    .unwrap();
    let market = h.market_state();
    assert_eq!(market.pause_flags, PAUSE_LENDING | PAUSE_LIQUIDATIONS);
}

#[test]
fn authority_moves_in_two_steps() {
    let mut h = Harness::deployed();
    let successor = Keypair::new();
    apply(
        &mut h,
        GovAction::ProposeAuthority {
            new_authority: successor.pubkey(),
        },
    )
    .unwrap();
    assert_eq!(h.market_state().pending_authority, successor.pubkey());
    h.chain.switch_operator(successor.insecure_clone()).unwrap();
    apply(&mut h, GovAction::AcceptAuthority).unwrap();
    assert_eq!(h.market_state().authority, successor.pubkey());
}

#[test]
fn bad_values_and_wrong_keys_are_refused_and_change_nothing() {
    let mut h = Harness::deployed();
    let sol = h.asset("SOL").reserve;
    let reserve_before = h.chain_account(sol);
    let cases: Vec<(GovAction, &str)> = vec![
        (
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["lt_max=99.5%"]),
            },
            "ThresholdBoundsInvalid",
        ),
        (
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["bonus_max=20%"]),
            },
            "ThresholdTimesBonusAboveOne",
        ),
        (
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["lt_max=88"]),
            },
            "needs a unit",
        ),
        (
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["ltmax=88%"]),
            },
            "unknown value \"ltmax\"",
        ),
        (
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["lt_max"]),
            },
            "is not key=value",
        ),
        (
            GovAction::SetBounds {
                reserve: sol,
                values: vec![],
            },
            "nothing to change",
        ),
        (
            GovAction::SetCalibration {
                reserve: sol,
                values: values(&["horizon=45d"]),
            },
            "HorizonOutOfRange",
        ),
        (
            GovAction::SetInterest {
                reserve: sol,
                values: values(&["borrow_cap=0.0000000001"]),
            },
            "finer than the mint's 9 decimals",
        ),
        (
            GovAction::Pause {
                flags: values(&["everything"]),
            },
            "unknown pause flag",
        ),
        (
            GovAction::SetBounds {
                reserve: h.market(),
                values: values(&["lt_max=80%"]),
            },
            "is not a",
        ),
    ];
    for (action, expected) in cases {
        let error = format!(
            "{:#}",
            apply(&mut h, action.clone())
                .err()
                .unwrap_or_else(|| panic!("{action:?} accepted"))
        );
        assert!(error.contains(expected), "{action:?}: {error}");
    }
    assert_eq!(h.chain_account(sol), reserve_before, "nothing changed");

    // Another key: the program refuses it.
    h.chain.switch_operator(Keypair::new()).unwrap();
    let error = format!(
        "{:#}",
        apply(
            &mut h,
            GovAction::SetBounds {
                reserve: sol,
                values: values(&["lt_max=80%"])
            }
        )
        .err()
        .unwrap()
    );
    assert!(error.contains("NotMarketAuthority"), "{error}");
    assert_eq!(h.chain_account(sol), reserve_before, "nothing changed");
}
