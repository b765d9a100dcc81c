//! The program's IDL (Anchor 1.x spec), generated from its source by the
//! builder `anchor idl build` uses: the program compiled natively with the
//! `idl-build` feature prints its accounts, instructions, events, errors and
//! types, doc comments included. It needs only cargo, no SBF toolchain.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anchor_lang_idl::types::{Idl, IdlInstructionAccountItem, IdlPda, IdlSeed, IdlSeedConst};
use anyhow::{anyhow, bail, Context, Result};
use heck::{ToLowerCamelCase, ToUpperCamelCase};

/// Where the committed IDL lives, from the repository root.
pub const IDL_PATH: &str = "idl/risk_engine.json";
/// The TypeScript client's copy of the IDL, which it loads at run time.
pub const TS_IDL_PATH: &str = "app/ts/src/idl/risk_engine.json";
/// The TypeScript type of the IDL, `Program<RiskEngine>`'s parameter.
pub const TS_TYPE_PATH: &str = "app/ts/src/idl/risk_engine.ts";
/// The program's id per cluster of `Anchor.toml`, for the TypeScript clients.
pub const TS_PROGRAM_IDS_PATH: &str = "app/ts/src/idl/program_ids.json";

/// Every file `generated` gives, the IDL first.
pub const OUTPUTS: [&str; 4] = [IDL_PATH, TS_IDL_PATH, TS_TYPE_PATH, TS_PROGRAM_IDS_PATH];

/// The program's crate, from the repository root.
const PROGRAM_PATH: &str = "programs/risk-engine";

/// The IDL of the program under `repo`, as pretty JSON with a final newline.
/// The program is built in `idl` under the target directory (`target`, or
/// `CARGO_TARGET_DIR` when set) beside the rest, with its own features, so it
/// neither waits for nor disturbs the main build.
///
/// anchor-lang-idl 0.1.4 passes `+{toolchain}` to cargo verbatim whenever
/// `RUSTUP_TOOLCHAIN` is set, as rustup sets it for `cargo run`: the
/// caller must clear it first (`riskctl idl` does, before any thread).
pub fn build(repo: &Path) -> Result<String> {
    if std::env::var_os("RUSTUP_TOOLCHAIN").is_some() {
        bail!("RUSTUP_TOOLCHAIN is set: the IDL builder would ask cargo for a toolchain named \"{{toolchain}}\"; unset it");
    }
    let program = repo.join(PROGRAM_PATH);
    if !program.join("Cargo.toml").is_file() {
        bail!(
            "no {PROGRAM_PATH} under {}: run riskctl idl from the repository root",
            repo.display()
        );
    }
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo.join("target"), PathBuf::from)
        .join("idl");
    let mut idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program)
        .cargo_args(vec!["--target-dir".into(), target.display().to_string()])
        .build()
        .map_err(|error| anyhow!("building the IDL: {error:#}"))?;
    complete_event_cpi_accounts(&mut idl);
    let mut json = serde_json::to_string_pretty(&idl).context("serialising the IDL")?;
    json.push('\n');
    Ok(json)
}

/// The seed of the PDA that signs `emit_cpi!` self-invocations, as
/// anchor-syn's `event_cpi` writes it (and `risk_engine::pda::event_authority`).
pub const EVENT_AUTHORITY_SEED: &[u8] = b"__event_authority";

/// Gives the two accounts `#[event_cpi]` appends to an instruction what the
/// program checks them against, which the IDL builder leaves out (it drops
/// the macro's `address = EVENT_AUTHORITY_AND_BUMP.0` expression):
/// `event_authority` its PDA seed, `program` the program's own address.
/// With them Codama and Anchor's account resolution fill both in instead
/// of asking every caller.
fn complete_event_cpi_accounts(idl: &mut Idl) {
    for instruction in &mut idl.instructions {
        let count = instruction.accounts.len();
        if count < 2 {
            continue;
        }
        let [authority, program] = &mut instruction.accounts[count - 2..] else {
            continue;
        };
        let (
            IdlInstructionAccountItem::Single(authority),
            IdlInstructionAccountItem::Single(program),
        ) = (authority, program)
        else {
            continue;
        };
        if authority.name != "event_authority" || program.name != "program" {
            continue;
        }
        authority.pda.get_or_insert_with(|| IdlPda {
            seeds: vec![IdlSeed::Const(IdlSeedConst {
                value: EVENT_AUTHORITY_SEED.to_vec(),
            })],
            program: None,
        });
        program.address.get_or_insert_with(|| idl.address.clone());
    }
}

/// Every file generated from the IDL, from the repository root, and what
/// the source gives for each: the IDL, the TypeScript client's copy and its
/// type, and the program's ids per cluster from `Anchor.toml`.
pub fn generated(repo: &Path) -> Result<Vec<(&'static str, String)>> {
    let json = build(repo)?;
    let ts_type = typescript_type(&json)?;
    let contents = [
        json.clone(),
        json,
        ts_type,
        crate::program_id::per_cluster_json()?,
    ];
    Ok(OUTPUTS.into_iter().zip(contents).collect())
}

/// Writes every generated file; returns how many instructions the IDL lists.
pub fn write(repo: &Path) -> Result<usize> {
    let files = generated(repo)?;
    for (path, contents) in &files {
        let out = repo.join(path);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&out, contents)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    let value: serde_json::Value = serde_json::from_str(&files[0].1)?;
    Ok(value["instructions"].as_array().map_or(0, Vec::len))
}

/// Fails, naming the file and its first differing line, when a committed
/// file is not what the source gives.
pub fn check(repo: &Path) -> Result<()> {
    for (path, fresh) in generated(repo)? {
        let committed = std::fs::read_to_string(repo.join(path))
            .with_context(|| format!("cannot read {path}; run `cargo run -p riskctl -- idl`"))?;
        if let Some(difference) = first_difference(&committed, &fresh) {
            bail!(
                "{path} differs from the source ({difference}); run `cargo run -p riskctl -- idl`"
            );
        }
    }
    Ok(())
}

/// Where a committed generated file first differs from what its source
/// gives now, in words (each line cut at 120 characters); `None` when they
/// are the same.
pub fn first_difference(committed: &str, fresh: &str) -> Option<String> {
    let cut = |line: &str| -> String {
        match line.char_indices().nth(120) {
            Some((end, _)) => format!("{}...", &line[..end]),
            None => line.to_string(),
        }
    };
    if let Some((line, (a, b))) = committed
        .lines()
        .zip(fresh.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        return Some(format!(
            "line {}: committed {:?}, now {:?}",
            line + 1,
            cut(a),
            cut(b)
        ));
    }
    let (had, has) = (committed.lines().count(), fresh.lines().count());
    (had != has).then(|| format!("committed {had} lines, now {has}"))
}

/// The IDL as the TypeScript type Anchor's CLI writes (`anchor idl type`):
/// every name camelCased, as `@anchor-lang/core` converts the JSON IDL at
/// run time, so `Program<RiskEngine>` types exactly what the client sees.
/// Anchor's rule: each string value of an object entry that is one word
/// (letters, digits, `_`) and not an address is camelCased wherever it
/// appears quoted in the compact JSON.
pub fn typescript_type(json: &str) -> Result<String> {
    let idl: Idl = serde_json::from_str(json).context("parsing the IDL")?;
    let compact = serde_json::to_string(&idl)?;
    let value: serde_json::Value = serde_json::from_str(&compact)?;
    let mut names = Vec::new();
    collect_word_values(&value, &mut names);
    let mut camel = compact;
    for name in names {
        if Pubkey::from_str(&name).is_ok() {
            continue;
        }
        camel = camel.replace(
            &format!("\"{name}\""),
            &format!("\"{}\"", name.to_lower_camel_case()),
        );
    }
    let camel_idl: Idl = serde_json::from_str(&camel)?;
    let pretty = serde_json::to_string_pretty(&camel_idl)?;
    let name = &idl.metadata.name;
    let type_name = name.to_upper_camel_case();
    Ok(format!(
        "/**\n * Program IDL in camelCase format in order to be used in JS/TS.\n *\n * Note that this is only a type helper and is not the actual IDL. The original\n * IDL can be found at `idl/{name}.json` (generated by `riskctl idl`; do not edit).\n */\nexport type {type_name} = {pretty};\n"
    ))
}

/// String values of object entries that are one word, in document order,
/// each once.
fn collect_word_values(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for entry in map.values() {
                if let serde_json::Value::String(text) = entry {
                    let is_word =
                        !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if is_word && !out.contains(text) {
                        out.push(text.clone());
                    }
                } else {
                    collect_word_values(entry, out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_word_values(item, out))
        }
        _ => {}
    }
}
