//! Integration scenarios, one binary: each module is one area of the program.
#![allow(deprecated)]

mod program {
    pub mod arbitrary_input;
    pub mod attacks;
    pub mod calibration;
    pub mod client_fixtures;
    pub mod client_toolkit;
    pub mod consumer;
    pub mod init;
    pub mod lending;
    pub mod liquidation;
    pub mod market_governance;
    pub mod reserve_governance;
    pub mod review_bad_debt;
    pub mod review_liquidation;
    pub mod review_stale;
    pub mod sampling;
    pub mod security;
    pub mod sequences;
}
