//! From the global options to a chain, a deployment and a market.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, bail, Context, Result};
use solana_commitment_config::CommitmentConfig;
use solana_sdk::signature::{read_keypair_file, Keypair, Signer};

use super::args::{Commitment, GlobalArgs};
use crate::accounts::PriceAccounts;
use crate::chain::embedded_chain::EmbeddedChain;
use crate::chain::rpc::{RpcChain, RpcOptions};
use crate::chain::Chain;
use crate::config::{self, ConfigSource, Deployment};

/// Everything a command acts on.
pub struct Session {
    pub chain: Box<dyn Chain>,
    pub deployment: Option<Deployment>,
    pub market: Pubkey,
    pub prices: PriceAccounts,
}

fn default_keypair_path() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    Path::new(&home).join(".config/solana/id.json")
}

fn load_keypair(path: &Path) -> Result<Keypair> {
    if !path.exists() {
        bail!("keypair file {} does not exist", path.display());
    }
    read_keypair_file(path).map_err(|error| {
        anyhow!(
            "{} is not a Solana keypair file (a JSON array of 64 bytes): {error}",
            path.display()
        )
    })
}

/// Connects to --url, or starts the embedded bank; `seed` deploys --config
/// on a fresh embedded bank so there is a market to act on.
pub fn open(global: &GlobalArgs, seed: bool) -> Result<Session> {
    open_on(global, seed, None)
}

/// As `open`, on `chain` when one is given: a caller that keeps one chain
/// across commands (the end-to-end suite's embedded mirror of a validator)
/// runs each command exactly as the binary does, on that chain.
pub fn open_on(global: &GlobalArgs, seed: bool, chain: Option<Box<dyn Chain>>) -> Result<Session> {
    let mut chain = match chain {
        Some(chain) => chain,
        None => connect(global)?,
    };
    let source = global.config_source();
    // A multisig's vault is the authority the deployment is resolved for.
    let authority = match global.multisig_vault()? {
        Some(vault) => vault,
        None => chain.payer().pubkey(),
    };
    // With --market, a deployment file is optional: symbols need one, addresses do not.
    let deployment = match (&global.market, &source) {
        (Some(_), ConfigSource::BuiltInLocalnet) => None,
        (Some(_), source) if !source.exists() => None,
        _ => Some(source.load(&authority)?),
    };
    if seed && chain.is_disposable() && global.multisig.is_none() {
        let deployment = deployment
            .as_ref()
            .ok_or_else(|| anyhow!("the embedded bank needs --config to seed a market"))?;
        let plan = crate::deploy::plan(chain.as_mut(), deployment)?;
        crate::deploy::apply(chain.as_mut(), plan)?;
        tracing::info!("embedded bank seeded from {source}");
    }
    let market = match (&global.market, &deployment) {
        (Some(text), _) => {
            config::resolve::parse_pubkey(text).map_err(|reason| anyhow!("--market: {reason}"))?
        }
        (None, Some(deployment)) => deployment.market,
        (None, None) => bail!("pass --market or --config"),
    };
    let prices = deployment
        .as_ref()
        .map(PriceAccounts::from_deployment)
        .unwrap_or_default();
    Ok(Session {
        chain,
        deployment,
        market,
        prices,
    })
}

/// The chain --url names (with --keypair), or a fresh embedded bank.
fn connect(global: &GlobalArgs) -> Result<Box<dyn Chain>> {
    let keypair = match (&global.keypair, &global.url) {
        (Some(path), _) => Some(load_keypair(path)?),
        (None, Some(_)) => Some(load_keypair(&default_keypair_path()).context("pass --keypair")?),
        (None, None) => None,
    };
    Ok(match &global.url {
        Some(url) => {
            let options = RpcOptions {
                commitment: match global.commitment {
                    Commitment::Processed => CommitmentConfig::processed(),
                    Commitment::Confirmed => CommitmentConfig::confirmed(),
                    Commitment::Finalized => CommitmentConfig::finalized(),
                },
                priority_fee_micro_lamports: global.priority_fee,
                compute_unit_limit: global.compute_unit_limit,
                attempts: global.rpc_attempts.max(1),
                first_backoff: Duration::from_millis(500),
                timeout: Duration::from_secs(30),
            };
            let keypair = keypair.expect("loaded above for --url");
            Box::new(RpcChain::connect(url, keypair, options)?)
        }
        None => Box::new(match keypair {
            Some(keypair) => EmbeddedChain::start_with(keypair),
            None => EmbeddedChain::start(),
        }),
    })
}

impl GlobalArgs {
    /// The vault of `--multisig`, when given.
    pub fn multisig_vault(&self) -> Result<Option<Pubkey>> {
        self.multisig
            .as_deref()
            .map(|text| {
                config::resolve::parse_pubkey(text)
                    .map_err(|reason| anyhow!("--multisig: {reason}"))
            })
            .transpose()
    }

    /// Where the deployment comes from (see `ConfigSource::choose`); the
    /// built-in one is announced once on stderr, so nobody mistakes it for
    /// a file of theirs.
    pub fn config_source(&self) -> ConfigSource {
        static ANNOUNCED: std::sync::Once = std::sync::Once::new();
        let source = ConfigSource::choose(self.config.as_deref());
        if source.is_built_in() {
            ANNOUNCED.call_once(|| {
                eprintln!(
                    "note: no {} here and no --config: using the localnet deployment built into riskctl",
                    config::DEFAULT_CONFIG
                );
            });
        }
        source
    }
}

impl Session {
    /// Symbols of the deployment's mints.
    pub fn symbols(&self) -> crate::show::Symbols {
        self.deployment
            .iter()
            .flat_map(|d| {
                d.reserves
                    .iter()
                    .map(|r| (r.mint_address(), r.symbol.clone()))
            })
            .collect()
    }

    /// A reserve by symbol of the deployment file, or by address.
    pub fn reserve(&self, name: &str) -> Result<Pubkey> {
        if let Some(deployment) = &self.deployment {
            if let Some(spec) = deployment.reserves.iter().find(|spec| spec.symbol == name) {
                return Ok(crate::client::pda::reserve(&self.market, &spec.mint_address()).0);
            }
        }
        config::resolve::parse_pubkey(name).map_err(|_| {
            let known: Vec<&str> = self
                .deployment
                .iter()
                .flat_map(|d| d.reserves.iter().map(|r| r.symbol.as_str()))
                .collect();
            anyhow!("\"{name}\" is neither a reserve address nor a symbol of the deployment file ({known:?})")
        })
    }
}
