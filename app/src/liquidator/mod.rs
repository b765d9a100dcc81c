//! The liquidator bot's decisions, made with the program's own liquidation
//! code run on copies of the chain state.

pub mod evaluate;
#[cfg(test)]
mod evaluate_tests;
pub mod sample_book;
