//! Test fixture: the risk-engine program running natively in a
//! solana-program-test bank beside the real SBF SPL Token and Token-2022
//! programs, with Pyth `PriceUpdateV2` accounts written by the test. The
//! client layer (builders, bank, events, Pyth, tokens) is riskctl's own.

#![allow(deprecated)]

pub mod attack;
pub mod consumer;
pub mod fixture;
pub mod position_setup;
pub mod presets;
pub mod quotes;
pub mod recorder;
pub mod sequences;
pub mod world;

pub use fixture::{ReserveFixture, TestFixture};
pub use riskctl::chain::embedded as bank;
pub use riskctl::chain::embedded::{error_code, TxResult};
pub use riskctl::client::{builders, events, pyth, tokens};

/// A file of this crate (`tests/`), found through the directory cargo runs
/// the tests in rather than the one they were compiled in: a copy of the
/// repository tested with a shared target directory reads its own files.
pub fn crate_file(relative: &str) -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join(relative)
}
