//! Pure fixed-point math: no Solana types, no floats, no heap. The chain,
//! the keeper, the liquidator bot and the backtest all call these functions.

pub mod fixed_point;
pub mod health;
pub mod interest;
pub mod liquidation;
pub mod shares;
pub mod threshold;
pub mod volatility;

/// Why a math function could not produce a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathError {
    /// A result does not fit `I80F48`.
    Overflow,
    /// An input is outside the function's domain (`ln` of a non-positive value).
    Domain,
}

pub type MathResult<T> = core::result::Result<T, MathError>;
