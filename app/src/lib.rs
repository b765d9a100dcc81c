//! `riskctl` as a library: the client layer shared by the command line and
//! the integration tests.

// solana-program-test marks its whole API as unstable; it is the supported
// way to run a program natively, so the notice says nothing actionable here.
#![allow(deprecated)]

pub mod chain;
pub mod client;
pub mod liquidator;
