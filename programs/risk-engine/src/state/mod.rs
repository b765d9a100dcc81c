//! Account layouts. Accounts are `#[account(zero_copy)]`; the blocks nested
//! in them derive `Pod` plainly rather than `#[zero_copy]`, because they
//! also derive Borsh (for events and instruction arguments) and `#[zero_copy]`
//! would give them a second, conflicting IDL implementation.

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
