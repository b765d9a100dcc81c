//! `riskctl gov`: every governance instruction, with values written as in
//! the deployment files (`lt_max=90%`, `horizon=1d`) and patched over what
//! the chain holds now. The patched block goes through the same unit
//! conversions and the program's own `validate()` before it is sent.

use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{anyhow, bail, Result};
use risk_engine::constants::*;
use solana_sdk::signature::{Keypair, Signer};

use crate::accounts;
use crate::chain::Chain;
use crate::client::builders;
use crate::config::fields::Fields;
use crate::config::resolve::{self, checked};
use crate::config::units::Human;
use crate::describe::{self, Described};

/// A governance change, as asked for.
#[derive(Debug, Clone)]
pub enum GovAction {
    SetOracle {
        reserve: Pubkey,
        values: Vec<String>,
    },
    SetBounds {
        reserve: Pubkey,
        values: Vec<String>,
    },
    SetCalibration {
        reserve: Pubkey,
        values: Vec<String>,
    },
    SetInterest {
        reserve: Pubkey,
        values: Vec<String>,
    },
    SetDepthReporter {
        reserve: Pubkey,
        reporter: Option<Pubkey>,
    },
    /// "10 USD"; "0 USD" for none.
    SetMinBorrow {
        reserve: Pubkey,
        value: String,
    },
    SetLiquidation {
        values: Vec<String>,
    },
    SetGuardian {
        guardian: Pubkey,
    },
    SetTreasury {
        treasury: Pubkey,
    },
    ProposeAuthority {
        new_authority: Pubkey,
    },
    /// Signed by the chain's key, which must be the proposed authority.
    AcceptAuthority,
    Pause {
        flags: Vec<String>,
    },
    Unpause {
        flags: Vec<String>,
    },
}

/// The instruction for an action and the lines that say what it changes.
pub struct Prepared {
    pub instruction: Instruction,
    pub diff: Vec<String>,
}

/// `key=value` pairs into named values; a pair without `=` is an error.
fn pairs(values: &[String]) -> Result<BTreeMap<String, Human>> {
    values
        .iter()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| anyhow!("\"{pair}\" is not key=value (e.g. lt_max=90%)"))?;
            Ok((key.trim().to_string(), Human(value.trim().to_string())))
        })
        .collect()
}

/// The chain's values (as text) with the asked changes on top.
fn patched(current: &Described, values: &[String], path: &str) -> Result<Fields> {
    let changes = pairs(values)?;
    if changes.is_empty() {
        bail!(
            "nothing to change: give key=value pairs, keys {:?}",
            names(current)
        );
    }
    let mut merged: BTreeMap<String, Human> = current
        .iter()
        .map(|(name, value)| (name.to_string(), Human(value.clone())))
        .collect();
    for (key, value) in changes {
        if !merged.contains_key(&key) {
            bail!(
                "{path}: unknown value \"{key}\"; expected one of {:?}",
                names(current)
            );
        }
        merged.insert(key, value);
    }
    Ok(Fields::new(path, merged))
}

fn names(described: &Described) -> Vec<&'static str> {
    described.iter().map(|(name, _)| *name).collect()
}

/// The change `action` asks for, signed by the chain's key as the authority.
pub fn prepare(
    chain: &mut dyn Chain,
    market_address: Pubkey,
    action: &GovAction,
) -> Result<Prepared> {
    let authority = chain.payer().pubkey();
    prepare_for(chain, market_address, action, authority)
}

/// The change `action` asks for, with `authority` as the signing authority
/// (a multisig's vault, for a proposal).
pub fn prepare_for(
    chain: &mut dyn Chain,
    market_address: Pubkey,
    action: &GovAction,
    authority: Pubkey,
) -> Result<Prepared> {
    let market = accounts::market(chain, &market_address)?;
    let prepared = |instruction, diff| Ok(Prepared { instruction, diff });
    match action {
        GovAction::SetOracle { reserve, values } => {
            let current = accounts::reserve(chain, reserve)?;
            let before = describe::oracle(&current.oracle);
            let mut fields = patched(&before, values, "oracle")?;
            let feed_id = fields.take("feed_id", |t| {
                resolve::parse_feed_id(t).map_err(|e| e.to_string())
            })?;
            let config = resolve::oracle_config(fields, feed_id)?;
            checked(config.validate(), "oracle")?;
            prepared(
                builders::set_oracle_config(authority, market_address, *reserve, config),
                describe::diff(&before, &describe::oracle(&config)),
            )
        }
        GovAction::SetBounds { reserve, values } => {
            let current = accounts::reserve(chain, reserve)?;
            let before = describe::bounds(&current.bounds);
            let bounds = resolve::risk_bounds(patched(&before, values, "bounds")?)?;
            checked(bounds.validate(), "bounds")?;
            prepared(
                builders::set_risk_bounds(authority, market_address, *reserve, bounds),
                describe::diff(&before, &describe::bounds(&bounds)),
            )
        }
        GovAction::SetCalibration { reserve, values } => {
            let current = accounts::reserve(chain, reserve)?;
            let before = describe::calibration(&current.calibration);
            let params = resolve::calibration_params(patched(&before, values, "calibration")?)?;
            checked(params.validate(), "calibration")?;
            prepared(
                builders::set_calibration_params(authority, market_address, *reserve, params),
                describe::diff(&before, &describe::calibration(&params)),
            )
        }
        GovAction::SetInterest { reserve, values } => {
            let current = accounts::reserve(chain, reserve)?;
            let decimals = current.mint_decimals;
            let before = describe::interest(&current.interest, decimals, "tokens");
            let model = resolve::interest_model(patched(&before, values, "interest")?, decimals)?;
            checked(model.validate(), "interest")?;
            prepared(
                builders::set_interest_model(authority, market_address, *reserve, model),
                describe::diff(&before, &describe::interest(&model, decimals, "tokens")),
            )
        }
        GovAction::SetDepthReporter { reserve, reporter } => {
            let current = accounts::reserve(chain, reserve)?;
            let reporter = reporter.unwrap_or_default();
            prepared(
                builders::set_depth_reporter(authority, market_address, *reserve, reporter),
                vec![format!(
                    "depth_reporter: {} -> {}",
                    describe::key(&current.depth_reporter),
                    describe::key(&reporter)
                )],
            )
        }
        GovAction::SetMinBorrow { reserve, value } => {
            let current = accounts::reserve(chain, reserve)?;
            let values = BTreeMap::from([("min_borrow".to_string(), Human(value.clone()))]);
            let minimum = resolve::min_borrow_value(&mut Fields::new("interest", values))?;
            prepared(
                builders::set_min_borrow_value(authority, market_address, *reserve, minimum),
                vec![format!(
                    "min_borrow: {} USD -> {minimum} USD",
                    current.min_borrow_value_quote
                )],
            )
        }
        GovAction::SetLiquidation { values } => {
            let before = describe::liquidation(&market.liquidation);
            let config = resolve::liquidation_config(patched(&before, values, "liquidation")?)?;
            checked(config.validate(), "liquidation")?;
            prepared(
                builders::set_liquidation_config(authority, market_address, config),
                describe::diff(&before, &describe::liquidation(&config)),
            )
        }
        GovAction::SetGuardian { guardian } => prepared(
            builders::set_guardian(authority, market_address, *guardian),
            vec![format!("guardian: {} -> {guardian}", market.guardian)],
        ),
        GovAction::SetTreasury { treasury } => prepared(
            builders::set_treasury(authority, market_address, *treasury),
            vec![format!("treasury: {} -> {treasury}", market.treasury)],
        ),
        GovAction::ProposeAuthority { new_authority } => prepared(
            builders::propose_authority(authority, market_address, *new_authority),
            vec![format!(
                "pending_authority: {} -> {new_authority}",
                describe::key(&market.pending_authority)
            )],
        ),
        GovAction::AcceptAuthority => prepared(
            builders::accept_authority(authority, market_address),
            vec![format!("authority: {} -> {authority}", market.authority)],
        ),
        GovAction::Pause { flags } | GovAction::Unpause { flags } => {
            let named = pause_flags(flags)?;
            let next = match action {
                GovAction::Pause { .. } => market.pause_flags | named,
                _ => market.pause_flags & !named,
            };
            prepared(
                builders::set_pause(authority, market_address, next),
                vec![format!(
                    "paused: {} -> {}",
                    flag_names(market.pause_flags),
                    flag_names(next)
                )],
            )
        }
    }
}

/// Sends a prepared change; the chain's key signs as the authority.
pub fn apply(chain: &mut dyn Chain, prepared: &Prepared, extra_signers: &[&Keypair]) -> Result<()> {
    chain.send(std::slice::from_ref(&prepared.instruction), extra_signers)?;
    Ok(())
}

const FLAG_NAMES: [(u8, &str); 3] = [
    (PAUSE_LENDING, "lending"),
    (PAUSE_LIQUIDATIONS, "liquidations"),
    (PAUSE_REFRESH, "refresh"),
];

fn pause_flags(names: &[String]) -> Result<u8> {
    let mut flags = 0;
    for name in names.iter().flat_map(|n| n.split(',')).map(str::trim) {
        flags |= match name {
            "all" => ALL_PAUSE_FLAGS,
            _ => FLAG_NAMES
                .iter()
                .find(|(_, known)| *known == name)
                .map(|(flag, _)| *flag)
                .ok_or_else(|| {
                    anyhow!(
                        "unknown pause flag \"{name}\"; use lending, liquidations, refresh or all"
                    )
                })?,
        };
    }
    if flags == 0 {
        bail!("name what to pause: lending, liquidations, refresh or all");
    }
    Ok(flags)
}

/// The names of the set pause flags, "nothing" when none is set.
pub fn flag_names(flags: u8) -> String {
    let names: Vec<&str> = FLAG_NAMES
        .iter()
        .filter(|(flag, _)| flags & flag != 0)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}
