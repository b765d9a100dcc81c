//! The program's IDL (Anchor 1.x spec), generated from its source by the
//! builder `anchor idl build` uses: the program compiled natively with the
//! `idl-build` feature prints its accounts, instructions, events, errors and
//! types, doc comments included. It needs only cargo, no SBF toolchain.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

/// Where the committed IDL lives, from the repository root.
pub const IDL_PATH: &str = "idl/risk_engine.json";

/// The program's crate, from the repository root.
const PROGRAM_PATH: &str = "programs/risk-engine";

/// The IDL of the program under `repo`, as pretty JSON with a final newline.
/// The program is built in `target/idl` beside the rest, with its own
/// features, so it neither waits for nor disturbs the main build.
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
    let target: PathBuf = repo.join("target/idl");
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program)
        .cargo_args(vec!["--target-dir".into(), target.display().to_string()])
        .build()
        .map_err(|error| anyhow!("building the IDL: {error:#}"))?;
    let mut json = serde_json::to_string_pretty(&idl).context("serialising the IDL")?;
    json.push('\n');
    Ok(json)
}

/// Writes the IDL to `out`; returns how many instructions it lists.
pub fn write(repo: &Path, out: &Path) -> Result<usize> {
    let json = build(repo)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(out, &json).with_context(|| format!("cannot write {}", out.display()))?;
    let value: serde_json::Value = serde_json::from_str(&json)?;
    Ok(value["instructions"].as_array().map_or(0, Vec::len))
}

/// Fails, naming the first differing line, when the committed IDL is not
/// what the source gives.
pub fn check(repo: &Path) -> Result<()> {
    let fresh = build(repo)?;
    let path = repo.join(IDL_PATH);
    let committed = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if let Some((line, (a, b))) = committed
        .lines()
        .zip(fresh.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        bail!(
            "{IDL_PATH} differs from the source at line {}: committed {a:?}, source gives {b:?}; run `cargo run -p riskctl -- idl`",
            line + 1
        );
    }
    if committed.lines().count() != fresh.lines().count() {
        bail!("{IDL_PATH} differs from the source in length; run `cargo run -p riskctl -- idl`");
    }
    Ok(())
}
