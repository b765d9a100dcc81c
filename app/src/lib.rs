//! `riskctl` as a library: the chain backends, the client layer, and every
//! command, shared by the command line and the integration tests.

// solana-program-test marks its whole API as unstable; it is the supported
// way to run a program natively, so the notice says nothing actionable here.
#![allow(deprecated)]

pub mod accounts;
pub mod backtest;
pub mod calibrate;
pub mod chain;
pub mod cli;
pub mod client;
pub mod config;
pub mod deploy;
pub mod describe;
pub mod gov;
pub mod history;
pub mod idl;
pub mod keeper;
pub mod liquidator;
pub mod multisig;
pub mod program_id;
pub mod progress;
pub mod report;
pub mod show;
pub mod simulate;
pub mod table;
