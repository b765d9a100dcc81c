//! Which address riskctl calls the program at. By default the id compiled
//! into the program crate (`declare_id!`, the placeholder `Anchor.toml` lists
//! for every cluster until a deployment replaces it); `--program-id` (or
//! `RISKCTL_PROGRAM_ID`) names another, as an address or as a cluster of
//! `Anchor.toml`. Builders, program addresses and account reads all ask
//! `id()`.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, bail, Context, Result};

/// The workspace's `Anchor.toml`, read when riskctl is built: its
/// `[programs.<cluster>]` tables are the ids per cluster.
const ANCHOR_TOML: &str = include_str!("../../Anchor.toml");

/// The program's name in `Anchor.toml`'s tables.
const PROGRAM_NAME: &str = "risk_engine";

static CHOSEN: OnceLock<Pubkey> = OnceLock::new();

thread_local! {
    static SCOPED: Cell<Option<Pubkey>> = const { Cell::new(None) };
}

/// The program id in use: a scoped one (`using`), else the one chosen for
/// the process (`choose`), else the compiled-in one.
pub fn id() -> Pubkey {
    SCOPED
        .with(Cell::get)
        .or_else(|| CHOSEN.get().copied())
        .unwrap_or(risk_engine::ID)
}

/// Chooses the program id for the rest of the process, once, before any
/// command builds an instruction.
pub fn choose(id: Pubkey) -> Result<()> {
    let chosen = *CHOSEN.get_or_init(|| id);
    if chosen != id {
        bail!("the program id is already {chosen}; it cannot change to {id}");
    }
    Ok(())
}

/// Runs `f` with `id` as the program id on this thread: a library caller
/// serving several deployments, or a test, without touching the process's.
pub fn using<T>(id: Pubkey, f: impl FnOnce() -> T) -> T {
    let before = SCOPED.with(|scoped| scoped.replace(Some(id)));
    // Restored on unwinding too, so a failed assertion cannot leak it.
    struct Restore(Option<Pubkey>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|scoped| scoped.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// Whether the program id in use is the one compiled into the program,
/// which the embedded bank loads it at (the program refuses to run under
/// any other: Anchor's `DeclaredProgramIdMismatch`).
pub fn is_compiled_in() -> bool {
    id() == risk_engine::ID
}

/// The program's id on each cluster `Anchor.toml` lists.
pub fn per_cluster() -> Result<BTreeMap<String, Pubkey>> {
    let toml: toml::Table = ANCHOR_TOML.parse().context("reading Anchor.toml")?;
    let programs = toml
        .get("programs")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| anyhow!("Anchor.toml has no [programs.<cluster>] table"))?;
    programs
        .iter()
        .map(|(cluster, table)| {
            let text = table
                .get(PROGRAM_NAME)
                .and_then(toml::Value::as_str)
                .ok_or_else(|| anyhow!("Anchor.toml: [programs.{cluster}] has no {PROGRAM_NAME}"))?;
            let id = Pubkey::from_str(text)
                .map_err(|_| anyhow!("Anchor.toml: [programs.{cluster}] {PROGRAM_NAME} = \"{text}\" is not an address"))?;
            Ok((cluster.clone(), id))
        })
        .collect()
}

/// `--program-id`'s value: an address, or a cluster of `Anchor.toml`.
pub fn parse(text: &str) -> Result<Pubkey> {
    if let Ok(id) = Pubkey::from_str(text) {
        return Ok(id);
    }
    let clusters = per_cluster()?;
    clusters.get(text).copied().ok_or_else(|| {
        let names: Vec<&str> = clusters.keys().map(String::as_str).collect();
        anyhow!("\"{text}\" is neither an address nor a cluster of Anchor.toml ({names:?})")
    })
}

/// The ids per cluster as the TypeScript clients read them
/// (`app/ts/src/idl/program_ids.json`, written by `riskctl idl`).
pub fn per_cluster_json() -> Result<String> {
    let ids: BTreeMap<String, String> = per_cluster()?
        .into_iter()
        .map(|(cluster, id)| (cluster, id.to_string()))
        .collect();
    let mut json = serde_json::to_string_pretty(&ids)?;
    json.push('\n');
    Ok(json)
}
