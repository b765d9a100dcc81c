//! Deployment files (`migrations/<cluster>.toml`): a market and its
//! reserves, written in human units, resolved into the program's blocks.
//!
//! A reserve names a preset (an asset class: stablecoin, major, long-tail)
//! and may override any of its values. Every block is checked with the
//! program's own `validate()` before anything is sent.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

pub mod fields;
pub mod resolve;
pub mod source;
pub mod units;

pub use resolve::{Deployment, MintSource, ReserveSpec};
pub use source::{ConfigSource, DEFAULT_CONFIG};

use units::Human;

/// A preset or an override: sections (`bounds`, `calibration`, `interest`,
/// `oracle`) of named values.
pub type Sections = BTreeMap<String, BTreeMap<String, Human>>;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployFile {
    /// Which cluster the file is for ("localnet", "devnet", ...).
    pub cluster: String,
    /// A file of `[presets.*]` shared between clusters, relative to this one.
    pub presets_from: Option<String>,
    pub market: MarketSection,
    #[serde(default)]
    pub presets: BTreeMap<String, Sections>,
    #[serde(default, rename = "reserve")]
    pub reserves: Vec<ReserveSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSection {
    pub id: u64,
    pub quote_currency: String,
    /// Pause-only key; the deploying key when absent.
    pub guardian: Option<String>,
    /// Owner of the fee token accounts; the deploying key when absent.
    pub treasury: Option<String>,
    pub liquidation: BTreeMap<String, Human>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveSection {
    pub symbol: String,
    pub preset: String,
    /// A mint address, or "create" for a new mint on a local cluster.
    pub mint: String,
    /// Needed with `mint = "create"`; checked against the mint otherwise.
    pub decimals: Option<u8>,
    /// "spl-token" or "token-2022"; needed with `mint = "create"`.
    pub token_program: Option<String>,
    /// Pyth feed id, 32 bytes in hex.
    pub feed_id: String,
    /// The Pyth `PriceUpdateV2` account; the push-oracle feed account of
    /// `feed_id` (shard 0) when absent.
    pub price_account: Option<String>,
    /// Key allowed to report DEX depth; nobody when absent.
    pub depth_reporter: Option<String>,
    /// Embedded bank only: the price its Pyth account starts at, in USD.
    pub initial_price_usd: Option<Human>,
    #[serde(default)]
    pub overrides: Sections,
}

/// Only presets, for `presets_from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetsFile {
    presets: BTreeMap<String, Sections>,
}

/// Reads and resolves a deployment file; every error names the file and
/// the value at fault.
pub fn load(path: &Path, authority: &anchor_lang::prelude::Pubkey) -> Result<Deployment> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let directory = path.parent().unwrap_or(Path::new("."));
    resolve_text(
        &text,
        &path.display().to_string(),
        authority,
        |presets_from| {
            let presets_path = directory.join(presets_from);
            std::fs::read_to_string(&presets_path)
                .with_context(|| format!("cannot read {}", presets_path.display()))
        },
    )
}

/// Resolves a deployment's text, named `origin` in errors; `read_presets`
/// gives the text of the file its `presets_from` names.
fn resolve_text(
    text: &str,
    origin: &str,
    authority: &anchor_lang::prelude::Pubkey,
    read_presets: impl Fn(&str) -> Result<String>,
) -> Result<Deployment> {
    let mut file: DeployFile =
        toml::from_str(text).map_err(|error| anyhow!("{origin}: {error}"))?;
    if let Some(presets_from) = &file.presets_from {
        let shared: PresetsFile = toml::from_str(&read_presets(presets_from)?)
            .map_err(|error| anyhow!("{presets_from}: {error}"))?;
        for (name, preset) in shared.presets {
            if file.presets.contains_key(&name) {
                bail!("{origin}: preset \"{name}\" is also in {presets_from}");
            }
            file.presets.insert(name, preset);
        }
    }
    resolve_file(&file, authority).with_context(|| format!("in {origin}"))
}

/// A deployment from text, with its presets inline.
pub fn parse(text: &str, authority: &anchor_lang::prelude::Pubkey) -> Result<Deployment> {
    let file: DeployFile = toml::from_str(text).map_err(|error| anyhow!("{error}"))?;
    if file.presets_from.is_some() {
        bail!("presets_from needs a file path: use config::load");
    }
    resolve_file(&file, authority)
}

fn resolve_file(file: &DeployFile, authority: &anchor_lang::prelude::Pubkey) -> Result<Deployment> {
    if file.reserves.is_empty() {
        bail!("no [[reserve]] listed");
    }
    resolve::resolve(file, authority)
}
