//! Every `riskctl` command end to end on the embedded bank, with the
//! results asserted against the chain; and the binary's answers to bad
//! input.

// solana-program-test marks its whole API as unstable.
#![allow(deprecated)]

mod riskctl {
    pub mod harness;

    mod backtest;
    mod calibrate;
    mod cli;
    mod deploy;
    mod gov;
    mod idl;
    mod intrabar;
    mod keeper;
    mod liquidator;
    mod market;
    mod multisig;
    mod prices;
    mod program_id;
    mod repository;
    mod show;
    mod simulate;
}
