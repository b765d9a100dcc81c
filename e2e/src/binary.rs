//! The real `riskctl` binary, built by the main workspace as a user builds
//! it, and run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The repository's root (the main workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e/ sits in the repository")
        .to_path_buf()
}

/// `riskctl`: `RISKCTL_BIN` when set, or else built once per test run with
/// `cargo build -p riskctl` in the main workspace (its own lock file,
/// features and target directory): the binary `cargo run` gives.
pub fn riskctl_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(path) = std::env::var_os("RISKCTL_BIN") {
            return PathBuf::from(path);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        // Without what cargo set for this test (CARGO_PKG_NAME,
        // CARGO_MANIFEST_DIR, ...): build scripts that track them (ring's)
        // would otherwise rerun, and rebuild half the main build.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let kept = ["CARGO_HOME", "CARGO_TARGET_DIR"].contains(&name.as_ref());
            if name.starts_with("CARGO_") && !kept {
                command.env_remove(name.as_ref());
            }
        }
        let output = command
            .args(["build", "-p", "riskctl", "--bin", "riskctl"])
            .args(["--message-format", "json-render-diagnostics"])
            .current_dir(repo_root())
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "cargo build -p riskctl failed");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["reason"] == "compiler-artifact")
            .filter(|message| message["target"]["name"] == "riskctl")
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports riskctl's executable")
    })
}

/// One run of the binary.
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the command succeeded.
    pub fn succeeded(self) -> Self {
        assert_eq!(
            self.code,
            Some(0),
            "riskctl {:?} failed:\n{}\n{}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the command failed as a user sees it: exit code 1,
    /// and one line `error: ...` containing `expected` (after any warnings
    /// the command logged), without a panic.
    pub fn refused_with(self, expected: &str) -> Self {
        assert_eq!(
            self.code,
            Some(1),
            "riskctl {:?}: {}",
            self.args,
            self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().filter(|l| !l.is_empty()).collect();
        let errors = lines.iter().filter(|l| l.starts_with("error")).count();
        let last = lines.last().copied().unwrap_or_default();
        assert!(
            errors == 1 && last.starts_with("error: ") && last.contains(expected),
            "riskctl {:?}: expected a last line `error: ...{expected}...`, got:\n{}",
            self.args,
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }
}

/// A run of the binary still going.
pub struct Started {
    args: Vec<String>,
    child: Child,
}

impl Started {
    /// Waits for the command and takes its output.
    pub fn finish(self) -> Run {
        let output = self.child.wait_with_output().expect("riskctl runs");
        Run {
            args: self.args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Starts `riskctl args...` in `directory`, with no `RISKCTL_*` variable
/// of the caller's environment.
pub fn spawn(directory: &Path, args: &[String]) -> Started {
    let child = Command::new(riskctl_path())
        .args(args)
        .current_dir(directory)
        .env_remove("RISKCTL_URL")
        .env_remove("RISKCTL_KEYPAIR")
        .env_remove("RISKCTL_PROGRAM_ID")
        .env_remove("RISKCTL_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("riskctl starts");
    Started {
        args: args.to_vec(),
        child,
    }
}

/// Runs `riskctl args...` in `directory` (see `spawn`).
pub fn riskctl(directory: &Path, args: &[String]) -> Run {
    spawn(directory, args).finish()
}
