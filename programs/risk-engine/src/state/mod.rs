pub mod config;
#[cfg(test)]
mod config_tests;
pub mod fixed_wrapper;
pub mod market;
pub mod position;
pub mod reserve;

pub use config::*;
pub use fixed_wrapper::WrappedI80F48;
pub use market::Market;
pub use position::{LenderPosition, Position};
pub use reserve::{CalibratedState, LendingState, Reserve};
