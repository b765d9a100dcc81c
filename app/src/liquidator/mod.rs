//! The liquidator bot: its decisions, made with the program's own
//! liquidation code run on copies of the chain state, and the pass that
//! sends them.

pub mod bot;
pub mod evaluate;
#[cfg(test)]
mod evaluate_tests;
pub mod sample_book;
