//! Test fixture: the risk-engine program running natively in a
//! solana-program-test bank beside the real SBF SPL Token and Token-2022
//! programs, with Pyth `PriceUpdateV2` accounts written by the test.

// solana-program-test marks its whole API as unstable; it is the supported
// way to run a program natively, so the notice says nothing actionable here.
#![allow(deprecated)]

pub mod bank;
pub mod builders;
pub mod events;
pub mod fixture;
pub mod presets;
pub mod pyth;
pub mod tokens;

pub use bank::{error_code, TxResult};
pub use fixture::{ReserveFixture, TestFixture};
