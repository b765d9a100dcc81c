//! The risk engine's nested account types as plain old data.
//!
//! The engine's `Reserve` and `Market` are zero-copy accounts, but the
//! config structs inside them are also instruction arguments and event
//! fields, so the IDL lists them as borsh types (with `repr(C)`), and
//! `declare_program!` generates them without bytemuck's traits. The engine
//! derives `Pod` for each of them, which proves they are `repr(C)`, have
//! no padding and accept every bit pattern; the types generated here have
//! the same fields in the same order, so the same holds for them. The
//! consumer's tests decode a real reserve with these types and compare
//! every field with the engine's own reading.

use crate::risk_engine::types::{
    CalibratedState, CalibrationParams, InterestModel, LendingState, LiquidationConfig,
    OracleConfig, RiskBounds, WrappedI80F48,
};

macro_rules! engine_pod {
    ($($ty:ty),* $(,)?) => {$(
        // SAFETY: see the module comment: `repr(C)`, no padding, every bit
        // pattern valid, as the engine's own `derive(Pod)` checks.
        unsafe impl bytemuck::Zeroable for $ty {}
        unsafe impl bytemuck::Pod for $ty {}
    )*};
}

engine_pod!(
    WrappedI80F48,
    OracleConfig,
    RiskBounds,
    CalibrationParams,
    InterestModel,
    CalibratedState,
    LendingState,
    LiquidationConfig,
);
