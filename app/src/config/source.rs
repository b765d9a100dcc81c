//! Where a command's deployment comes from: the file `--config` names, the
//! default `migrations/localnet.toml` where the command runs, or else the
//! localnet deployment built into the binary, so that an installed
//! `riskctl` works from any directory.

use std::fmt;
use std::path::{Path, PathBuf};

use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Result};

use super::{resolve_text, Deployment};

/// The deployment file commands read when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "migrations/localnet.toml";

/// `migrations/localnet.toml` and the presets it names, as they were when
/// the binary was built.
const BUILT_IN_LOCALNET: &str = include_str!("../../../migrations/localnet.toml");
const BUILT_IN_PRESETS: &str = include_str!("../../../migrations/presets.toml");
const BUILT_IN_NAME: &str = "the built-in localnet deployment";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    BuiltInLocalnet,
}

impl ConfigSource {
    /// `--config` when given; otherwise `DEFAULT_CONFIG` when it exists
    /// under the working directory, and the built-in localnet when not.
    pub fn choose(explicit: Option<&Path>) -> Self {
        match explicit {
            Some(path) => Self::File(path.to_path_buf()),
            None if Path::new(DEFAULT_CONFIG).exists() => Self::File(DEFAULT_CONFIG.into()),
            None => Self::BuiltInLocalnet,
        }
    }

    /// Whether there is a deployment to read: a built-in one always is.
    pub fn exists(&self) -> bool {
        match self {
            Self::File(path) => path.exists(),
            Self::BuiltInLocalnet => true,
        }
    }

    pub fn is_built_in(&self) -> bool {
        matches!(self, Self::BuiltInLocalnet)
    }

    /// Reads and resolves the deployment; every error names its origin and
    /// the value at fault.
    pub fn load(&self, authority: &Pubkey) -> Result<Deployment> {
        match self {
            Self::File(path) => super::load(path, authority),
            Self::BuiltInLocalnet => resolve_text(
                BUILT_IN_LOCALNET,
                BUILT_IN_NAME,
                authority,
                |presets_from| {
                    if presets_from != "presets.toml" {
                        bail!("the built-in deployment has no {presets_from}");
                    }
                    Ok(BUILT_IN_PRESETS.to_string())
                },
            ),
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::BuiltInLocalnet => f.write_str(BUILT_IN_NAME),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_localnet_is_the_shipped_file() {
        let authority = Pubkey::new_unique();
        let built_in = ConfigSource::BuiltInLocalnet.load(&authority).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/localnet.toml");
        let from_file = super::super::load(&shipped, &authority).unwrap();
        assert_eq!(format!("{built_in:?}"), format!("{from_file:?}"));
    }

    #[test]
    fn an_explicit_file_is_used_even_when_missing() {
        let source = ConfigSource::choose(Some(Path::new("nowhere.toml")));
        assert_eq!(source, ConfigSource::File("nowhere.toml".into()));
        assert!(!source.exists());
        let error = source.load(&Pubkey::new_unique()).unwrap_err();
        assert!(format!("{error:#}").contains("cannot read nowhere.toml"));
    }
}
