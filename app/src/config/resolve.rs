//! From the file as written to the program's blocks, checked.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::client::pda;
use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, bail, Result};
use risk_engine::constants::{MIN_VERIFICATION_SIGNATURES, VERIFICATION_FULL};
use risk_engine::state::*;
use sha2::{Digest, Sha256};
use solana_sdk::signature::Keypair;

use super::fields::Fields;
use super::units;
use super::{DeployFile, ReserveSection, Sections};

/// A market and its reserves, ready to compare with the chain.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub cluster: String,
    pub market_id: u64,
    pub authority: Pubkey,
    pub market: Pubkey,
    pub quote_currency: [u8; 8],
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub liquidation: LiquidationConfig,
    pub reserves: Vec<ReserveSpec>,
}

#[derive(Debug, Clone)]
pub struct ReserveSpec {
    pub symbol: String,
    pub mint: MintSource,
    pub decimals: u8,
    pub feed_id: [u8; 32],
    pub price_account: Pubkey,
    pub oracle: OracleConfig,
    pub bounds: RiskBounds,
    pub calibration: CalibrationParams,
    pub interest: InterestModel,
    /// Least a position's debt in this reserve may be worth after a borrow,
    /// whole quote units (`interest.min_borrow`; 0 for none).
    pub min_borrow_value_quote: u64,
    pub depth_reporter: Pubkey,
    /// Embedded bank only: the first price of its Pyth account, × 10^-8 USD.
    pub initial_price_e8: Option<i64>,
}

impl ReserveSpec {
    pub fn mint_address(&self) -> Pubkey {
        match &self.mint {
            MintSource::Existing(address) => *address,
            MintSource::Create { address, .. } => *address,
        }
    }
}

#[derive(Debug, Clone)]
pub enum MintSource {
    Existing(Pubkey),
    /// A new mint on a local cluster, at an address derived from the
    /// authority, market and symbol so a second deploy finds it again.
    Create {
        address: Pubkey,
        secret: [u8; 32],
        token_program: Pubkey,
    },
}

impl MintSource {
    pub fn keypair(&self) -> Option<Keypair> {
        match self {
            MintSource::Create { secret, .. } => Some(Keypair::new_from_array(*secret)),
            MintSource::Existing(_) => None,
        }
    }
}

pub fn resolve(file: &DeployFile, authority: &Pubkey) -> Result<Deployment> {
    let market = &file.market;
    let key = |value: &Option<String>, what: &str| -> Result<Pubkey> {
        match value {
            None => Ok(*authority),
            Some(text) => parse_pubkey(text).map_err(|reason| anyhow!("market.{what}: {reason}")),
        }
    };
    let liquidation = liquidation_config(Fields::new(
        "market.liquidation",
        market.liquidation.clone(),
    ))?;
    checked(liquidation.validate(), "market.liquidation")?;
    let mut reserves = Vec::new();
    for section in &file.reserves {
        if reserves
            .iter()
            .any(|r: &ReserveSpec| r.symbol == section.symbol)
        {
            bail!("reserve {} is listed twice", section.symbol);
        }
        let spec = reserve_spec(section, &file.presets, authority, market.id)
            .map_err(|error| anyhow!("reserve {}: {error:#}", section.symbol))?;
        reserves.push(spec);
    }
    Ok(Deployment {
        cluster: file.cluster.clone(),
        market_id: market.id,
        authority: *authority,
        market: pda::market(authority, market.id).0,
        quote_currency: quote_currency(&market.quote_currency)?,
        guardian: key(&market.guardian, "guardian")?,
        treasury: key(&market.treasury, "treasury")?,
        liquidation,
        reserves,
    })
}

fn quote_currency(text: &str) -> Result<[u8; 8]> {
    if text.is_empty() || text.len() > 8 || !text.is_ascii() {
        bail!("market.quote_currency: \"{text}\" must be 1 to 8 ASCII characters");
    }
    let mut out = [0u8; 8];
    out[..text.len()].copy_from_slice(text.as_bytes());
    Ok(out)
}

pub fn liquidation_config(mut f: Fields) -> Result<LiquidationConfig> {
    let config = LiquidationConfig {
        close_factor_bps: f.take("close_factor", units::percent_to_bps_u16)?,
        full_liquidation_health_bps: f
            .take("full_liquidation_below_health", units::ratio_to_bps)?,
        protocol_fee_share_bps: f.take("protocol_fee_share", units::percent_to_bps_u16)?,
        dust_value_quote_e6: f.take("dust_value", units::usd_e6)?,
        _padding: 0,
    };
    f.finish()?;
    Ok(config)
}

fn reserve_spec(
    section: &ReserveSection,
    presets: &BTreeMap<String, Sections>,
    authority: &Pubkey,
    market_id: u64,
) -> Result<ReserveSpec> {
    let preset = presets.get(&section.preset).ok_or_else(|| {
        let known: Vec<&String> = presets.keys().collect();
        anyhow!(
            "preset \"{}\" is not defined; defined: {known:?}",
            section.preset
        )
    })?;
    let mut sections = merge(preset, &section.overrides)?;
    let decimals = section
        .decimals
        .ok_or_else(|| anyhow!("decimals is missing (the mint's decimals, for caps in tokens)"))?;
    let feed_id = parse_feed_id(&section.feed_id)?;
    let mint = mint_source(section, authority, market_id)?;
    let mut take = |name: &str| Fields::new(name, sections.remove(name).unwrap_or_default());
    let oracle = oracle_config(take("oracle"), feed_id)?;
    let bounds = risk_bounds(take("bounds"))?;
    let calibration = calibration_params(take("calibration"))?;
    let mut interest_fields = take("interest");
    let min_borrow_value_quote = min_borrow_value(&mut interest_fields)?;
    let interest = interest_model(interest_fields, decimals)?;
    checked(oracle.validate(), "oracle")?;
    checked(bounds.validate(), "bounds")?;
    checked(calibration.validate(), "calibration")?;
    checked(interest.validate(), "interest")?;
    let optional_key = |value: &Option<String>, what: &str| -> Result<Option<Pubkey>> {
        value
            .as_deref()
            .map(|text| parse_pubkey(text).map_err(|reason| anyhow!("{what}: {reason}")))
            .transpose()
    };
    let initial_price_e8 = section
        .initial_price_usd
        .as_ref()
        .map(|price| units::usd_to_price_e8(&price.0))
        .transpose()
        .map_err(|reason| anyhow!("initial_price_usd: {reason}"))?;
    Ok(ReserveSpec {
        symbol: section.symbol.clone(),
        mint,
        decimals,
        feed_id,
        price_account: optional_key(&section.price_account, "price_account")?
            .unwrap_or_else(|| push_oracle_feed_account(&feed_id, 0)),
        oracle,
        bounds,
        calibration,
        interest,
        min_borrow_value_quote,
        depth_reporter: optional_key(&section.depth_reporter, "depth_reporter")?
            .unwrap_or_default(),
        initial_price_e8,
    })
}

/// Preset values with the reserve's overrides on top.
fn merge(preset: &Sections, overrides: &Sections) -> Result<Sections> {
    const KNOWN: [&str; 4] = ["oracle", "bounds", "calibration", "interest"];
    let mut merged = preset.clone();
    for (name, values) in overrides {
        merged
            .entry(name.clone())
            .or_default()
            .extend(values.clone());
    }
    if let Some(unknown) = merged.keys().find(|name| !KNOWN.contains(&name.as_str())) {
        bail!("unknown section \"{unknown}\"; sections are {KNOWN:?}");
    }
    Ok(merged)
}

fn mint_source(section: &ReserveSection, authority: &Pubkey, market_id: u64) -> Result<MintSource> {
    if section.mint != "create" {
        if section.token_program.is_some() {
            bail!("token_program is only for mint = \"create\"; an existing mint has its own");
        }
        return parse_pubkey(&section.mint)
            .map(MintSource::Existing)
            .map_err(|reason| anyhow!("mint: {reason}"));
    }
    let token_program = match section.token_program.as_deref() {
        Some("spl-token") => anchor_spl::token::ID,
        Some("token-2022") => anchor_spl::token_2022::ID,
        Some(other) => {
            bail!("token_program \"{other}\" is neither \"spl-token\" nor \"token-2022\"")
        }
        None => bail!(
            "token_program is missing (\"spl-token\" or \"token-2022\") for mint = \"create\""
        ),
    };
    let secret: [u8; 32] = Sha256::new()
        .chain_update(b"riskctl local mint")
        .chain_update(authority.as_ref())
        .chain_update(market_id.to_le_bytes())
        .chain_update(section.symbol.as_bytes())
        .finalize()
        .into();
    let address = solana_sdk::signature::Signer::pubkey(&Keypair::new_from_array(secret));
    Ok(MintSource::Create {
        address,
        secret,
        token_program,
    })
}

pub fn oracle_config(mut f: Fields, feed_id: [u8; 32]) -> Result<OracleConfig> {
    let config = OracleConfig {
        feed_id,
        max_age_secs: f.take("max_age", units::duration_to_secs)?,
        max_confidence_bps: f.take("max_confidence", units::percent_to_bps_u16)?,
        min_verification: f.take("min_verification", verification_level)?,
        _padding: 0,
        liquidation_max_age_secs: f.take("liquidation_max_age", units::duration_to_secs)?,
        _padding1: [0; 4],
    };
    f.finish()?;
    Ok(config)
}

fn verification_level(text: &str) -> Result<u8, String> {
    if text.eq_ignore_ascii_case("full") {
        return Ok(VERIFICATION_FULL);
    }
    match text.parse::<u8>() {
        Ok(level @ MIN_VERIFICATION_SIGNATURES..=254) => Ok(level),
        _ => Err(format!(
            "\"{text}\" is neither \"full\" nor a signature count {MIN_VERIFICATION_SIGNATURES}..=254 (the Wormhole quorum or more)"
        )),
    }
}

pub fn risk_bounds(mut f: Fields) -> Result<RiskBounds> {
    let bounds = RiskBounds {
        lt_min_bps: f.take("lt_min", units::percent_to_bps_u16)?,
        lt_max_bps: f.take("lt_max", units::percent_to_bps_u16)?,
        max_tighten_bps_per_hour: f.take("max_tighten_per_hour", units::percent_to_bps_u16)?,
        max_loosen_bps_per_hour: f.take("max_loosen_per_hour", units::percent_to_bps_u16)?,
        bonus_min_bps: f.take("bonus_min", units::percent_to_bps_u16)?,
        bonus_max_bps: f.take("bonus_max", units::percent_to_bps_u16)?,
        ltv_buffer_bps: f.take("ltv_buffer", units::percent_to_bps_u16)?,
        _padding: 0,
    };
    f.finish()?;
    Ok(bounds)
}

pub fn calibration_params(mut f: Fields) -> Result<CalibrationParams> {
    let z = |text: &str| -> Result<u32, String> {
        let milli = units::tokens_to_base_units(text, 3)?;
        u32::try_from(milli).map_err(|_| format!("\"{text}\" is too large"))
    };
    let params = CalibrationParams {
        reference_liquidation_quote: f.take("reference_liquidation", units::usd_whole)?,
        min_depth_quote: f.take("min_depth", units::usd_whole)?,
        horizon_secs: f.take("horizon", units::duration_to_secs)?,
        quantile_z_milli: f.take("quantile_z", z)?,
        fast_half_life_secs: f.take("fast_half_life", units::duration_to_secs)?,
        slow_half_life_secs: f.take("slow_half_life", units::duration_to_secs)?,
        calibration_max_age_secs: f.take("calibration_max_age", units::duration_to_secs)?,
        depth_max_age_secs: f.take("depth_max_age", units::duration_to_secs)?,
        max_slippage_bps: f.take("max_slippage", units::percent_to_bps_u16)?,
        size_weight_bps: f
            .maybe("size_weight", units::percent_to_bps_u16)?
            .unwrap_or(0),
        sample_interval_secs: f.take("sample_interval", units::duration_to_secs)?,
    };
    f.finish()?;
    Ok(params)
}

/// `interest.min_borrow` ("10 USD"), 0 when absent, within the program's
/// limit (`set_min_borrow_value`).
pub fn min_borrow_value(f: &mut Fields) -> Result<u64> {
    let value = f.maybe("min_borrow", units::usd_whole)?.unwrap_or(0);
    if value > risk_engine::constants::MAX_MIN_BORROW_VALUE_QUOTE {
        bail!(
            "interest.min_borrow: {value} USD is above the program's limit of {} USD",
            risk_engine::constants::MAX_MIN_BORROW_VALUE_QUOTE
        );
    }
    Ok(value)
}

pub fn interest_model(mut f: Fields, decimals: u8) -> Result<InterestModel> {
    let cap = |text: &str| -> Result<u64, String> {
        if text.eq_ignore_ascii_case("none") {
            return Ok(u64::MAX);
        }
        // "1,000 SOL" as shown reads back: the amount is the first word.
        let amount = text.split_whitespace().next().unwrap_or(text);
        units::tokens_to_base_units(amount, decimals)
    };
    let model = InterestModel {
        supply_cap: f.take("supply_cap", cap)?,
        borrow_cap: f.take("borrow_cap", cap)?,
        base_rate_bps: f.take("base_rate", units::annual_percent_to_bps)?,
        slope1_bps: f.take("slope1", units::annual_percent_to_bps)?,
        slope2_bps: f.take("slope2", units::annual_percent_to_bps)?,
        kink_utilization_bps: f.take("kink_utilization", units::percent_to_bps_u16)?,
        reserve_factor_bps: f.take("reserve_factor", units::percent_to_bps_u16)?,
    };
    f.finish()?;
    Ok(model)
}

/// The program's own refusal of a block, as a message.
pub fn checked(result: anchor_lang::Result<()>, path: &str) -> Result<()> {
    result.map_err(|error| anyhow!("{path}: {}", program_reason(&error)))
}

pub fn program_reason(error: &anchor_lang::error::Error) -> String {
    match error {
        anchor_lang::error::Error::AnchorError(e) => format!("{} ({})", e.error_msg, e.error_name),
        anchor_lang::error::Error::ProgramError(e) => e.to_string(),
    }
}

pub fn parse_pubkey(text: &str) -> Result<Pubkey, String> {
    Pubkey::from_str(text.trim()).map_err(|_| format!("\"{text}\" is not a base58 public key"))
}

pub fn parse_feed_id(text: &str) -> Result<[u8; 32]> {
    let hex = text.trim().trim_start_matches("0x");
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect();
    match bytes {
        Some(bytes) if bytes.len() == 32 && hex.len() == 64 => {
            Ok(bytes.try_into().expect("32 bytes"))
        }
        _ => bail!("feed_id \"{text}\" is not 32 bytes of hex (64 hex digits)"),
    }
}

/// The Pyth push-oracle account that carries a feed's `PriceUpdateV2`
/// (seeds: shard id little-endian, feed id).
pub fn push_oracle_feed_account(feed_id: &[u8; 32], shard: u16) -> Pubkey {
    Pubkey::find_program_address(
        &[&shard.to_le_bytes(), feed_id],
        &pyth_solana_receiver_sdk::PYTH_PUSH_ORACLE_ID,
    )
    .0
}
