//! `riskctl deploy`: the chain ends up as the file says, a second run sends
//! nothing, a change is planned alone with its diff, and bad files or
//! missing mints and feeds are refused before anything is sent.

use risk_engine::state::Market;
use riskctl::accounts;
use riskctl::chain::Chain;
use riskctl::config::{self, MintSource};
use riskctl::deploy;
use solana_sdk::signature::{Keypair, Signer};

use crate::riskctl::harness::Harness;

#[test]
fn the_first_deploy_creates_everything_the_file_lists() {
    let mut h = Harness::empty();
    let plan = deploy::plan(&mut h.chain, &h.deployment).unwrap();
    // The market, then per reserve: its mint, its Pyth account, its listing.
    assert_eq!(plan.changes.len(), 1 + 3 * 3, "{}", plan.render());
    assert_eq!(deploy::apply(&mut h.chain, plan).unwrap(), 10);

    let market: Market = h.market_state();
    assert_eq!(market.authority, h.chain.payer().pubkey());
    assert_eq!(market.guardian, h.deployment.guardian);
    assert_eq!(market.treasury, h.deployment.treasury);
    assert_eq!(market.liquidation, h.deployment.liquidation);
    for spec in h.deployment.reserves.clone() {
        let reserve = h.reserve(&spec.symbol);
        assert_eq!(reserve.mint, spec.mint_address());
        assert_eq!(reserve.mint_decimals, spec.decimals);
        assert_eq!(reserve.oracle, spec.oracle, "{}", spec.symbol);
        assert_eq!(reserve.bounds, spec.bounds, "{}", spec.symbol);
        assert_eq!(reserve.calibration, spec.calibration, "{}", spec.symbol);
        assert_eq!(reserve.interest, spec.interest, "{}", spec.symbol);
    }
    // Values converted exactly from their human units.
    let sol = h.reserve("SOL");
    assert_eq!(
        (sol.bounds.lt_min_bps, sol.bounds.lt_max_bps),
        (7_500, 8_800)
    );
    assert_eq!(sol.bounds.max_loosen_bps_per_hour, 25);
    assert_eq!(sol.calibration.horizon_secs, 86_400);
    assert_eq!(sol.calibration.quantile_z_milli, 2_326);
    assert_eq!(sol.calibration.fast_half_life_secs, 6 * 3_600);
    let bonk = h.reserve("BONK");
    assert_eq!(
        bonk.interest.supply_cap,
        50_000_000_000 * 100_000,
        "the override, in base units"
    );
    assert_eq!(
        bonk.interest.slope1_bps, 1_500,
        "the preset's value where not overridden"
    );
    assert_eq!(market.liquidation.dust_value_quote_e6, 1_000_000);
    assert_eq!(market.liquidation.full_liquidation_health_bps, 9_500);
}

#[test]
fn a_second_deploy_changes_nothing_and_says_so() {
    let mut h = Harness::deployed();
    let market = h.market();
    let watched: Vec<_> = [market]
        .into_iter()
        .chain(
            accounts::reserves_of(&mut h.chain, &market)
                .unwrap()
                .into_iter()
                .map(|(key, _)| key),
        )
        .collect();
    let before: Vec<_> = watched
        .iter()
        .map(|key| h.chain.account(key).unwrap())
        .collect();
    let plan = deploy::plan(&mut h.chain, &h.deployment).unwrap();
    assert!(plan.is_empty());
    assert_eq!(
        plan.render(),
        "nothing to change: the chain already matches the file"
    );
    assert_eq!(deploy::apply(&mut h.chain, plan).unwrap(), 0);
    let after: Vec<_> = watched
        .iter()
        .map(|key| h.chain.account(key).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_changed_value_is_planned_alone_with_its_diff() {
    let mut h = Harness::deployed();
    let mut changed = h.deployment.clone();
    let sol = changed
        .reserves
        .iter_mut()
        .find(|r| r.symbol == "SOL")
        .unwrap();
    sol.bounds.lt_max_bps = 8_600;
    changed.liquidation.close_factor_bps = 4_000;
    let plan = deploy::plan(&mut h.chain, &changed).unwrap();
    let summary: Vec<(String, Vec<String>)> = plan
        .changes
        .iter()
        .map(|c| (c.title.clone(), c.diff.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "set liquidation rules".to_string(),
                vec!["close_factor: 50.00 % -> 40.00 %".to_string()]
            ),
            (
                "SOL: set risk bounds".to_string(),
                vec!["lt_max: 88.00 % -> 86.00 %".to_string()]
            ),
        ]
    );
    deploy::apply(&mut h.chain, plan).unwrap();
    assert_eq!(h.reserve("SOL").bounds.lt_max_bps, 8_600);
    assert!(deploy::plan(&mut h.chain, &changed).unwrap().is_empty());
}

#[test]
fn a_missing_mint_or_feed_is_refused_before_anything_is_sent() {
    type Break = fn(&mut config::Deployment);
    let cases: [(Break, &str); 3] = [
        (
            |d| d.reserves[0].mint = MintSource::Existing(Keypair::new().pubkey()),
            "does not exist on the embedded bank",
        ),
        (
            |d| d.reserves[1].initial_price_e8 = None,
            "no Pyth price account for feed",
        ),
        (
            |d| d.reserves[0].decimals = 6,
            "has 9 decimals, the file says 6",
        ),
    ];
    for (breaks, expected) in cases {
        let mut h = Harness::empty();
        if expected.contains("decimals") {
            // The mint must exist for its decimals to disagree.
            let plan = deploy::plan(&mut h.chain, &h.deployment).unwrap();
            deploy::apply(&mut h.chain, plan).unwrap();
        }
        let mut broken = h.deployment.clone();
        breaks(&mut broken);
        let market_before = h.chain.account(&h.market()).unwrap();
        let error = format!(
            "{:#}",
            deploy::plan(&mut h.chain, &broken).err().expect(expected)
        );
        assert!(error.contains(expected), "{error}");
        assert_eq!(
            h.chain.account(&h.market()).unwrap(),
            market_before,
            "nothing sent"
        );
    }
}

#[test]
fn a_price_account_of_another_feed_is_refused() {
    let mut h = Harness::deployed();
    let mut broken = h.deployment.clone();
    let usdc_account = broken.reserves[1].price_account;
    broken.reserves[0].price_account = usdc_account;
    let error = format!("{:#}", deploy::plan(&mut h.chain, &broken).err().unwrap());
    assert!(error.contains("carries feed eaa020c6"), "{error}");
}

#[test]
fn a_key_that_no_longer_governs_the_market_cannot_deploy() {
    let mut h = Harness::deployed();
    let successor = Keypair::new();
    let propose = riskctl::client::builders::propose_authority(
        h.chain.payer().pubkey(),
        h.market(),
        successor.pubkey(),
    );
    h.chain.send(&[propose], &[]).unwrap();
    let accept = riskctl::client::builders::accept_authority(successor.pubkey(), h.market());
    h.chain.send(&[accept], &[&successor]).unwrap();
    let error = format!(
        "{:#}",
        deploy::plan(&mut h.chain, &h.deployment).err().unwrap()
    );
    assert!(
        error.contains(&format!("is governed by {}", successor.pubkey())),
        "{error}"
    );
}

#[test]
fn malformed_files_name_the_value_at_fault() {
    let base = std::fs::read_to_string(crate::riskctl::harness::localnet()).unwrap();
    let presets = std::fs::read_to_string(crate::riskctl::harness::repo_file(
        "migrations/presets.toml",
    ))
    .unwrap();
    let inline = base.replace("presets_from = \"presets.toml\"\n", "") + &presets;
    let authority = Keypair::new().pubkey();
    config::parse(&inline, &authority).expect("the shipped file with its presets inline is valid");
    let cases = [
        (
            "lt_max = \"88%\"",
            "lt_max = \"99.5%\"",
            "bounds: Liquidation threshold bounds",
        ),
        (
            "lt_max = \"88%\"",
            "lt_max = \"88\"",
            "bounds.lt_max: \"88\" needs a unit",
        ),
        (
            "lt_max = \"88%\"",
            "lt_maximum = \"88%\"",
            "bounds.lt_max is missing",
        ),
        (
            "horizon = \"1d\"",
            "horizon = \"1d\"\nhorizon_typo = \"2d\"",
            "unknown value(s) [\"horizon_typo\"]",
        ),
        (
            "quantile_z = 2.326",
            "quantile_z = 2.3265",
            "quantile_z: \"2.3265\" is finer than",
        ),
        (
            "preset = \"major\"",
            "preset = \"majors\"",
            "preset \"majors\" is not defined",
        ),
        (
            "feed_id = \"0xef0d",
            "feed_id = \"0xzz0d",
            "is not 32 bytes of hex",
        ),
        (
            "token_program = \"spl-token\"",
            "token_program = \"token\"",
            "neither \"spl-token\" nor \"token-2022\"",
        ),
        (
            "close_factor = \"50%\"",
            "close_factor = \"0%\"",
            "market.liquidation: Close factor",
        ),
        (
            "quote_currency = \"USD\"",
            "quote_currency = \"DOLLARS_US\"",
            "1 to 8 ASCII characters",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(inline.contains(from), "{from}");
        let broken = inline.replacen(from, to, 1);
        let error = format!(
            "{:#}",
            config::parse(&broken, &authority)
                .err()
                .unwrap_or_else(|| panic!("{to} accepted"))
        );
        assert!(error.contains(expected), "{to}: {error}");
    }
}
