use anchor_lang::prelude::*;
use fixed::types::I80F48;

/// `I80F48` stored as 16 little-endian bytes. A byte array keeps the account
/// layout free of `i128` alignment, which differs between SBF (8) and
/// x86_64 (16), and it serialises the same in zero-copy and Borsh.
#[repr(C)]
#[derive(
    Copy,
    Clone,
    bytemuck::Pod,
    bytemuck::Zeroable,
    AnchorSerialize,
    AnchorDeserialize,
    Default,
    Debug,
    PartialEq,
    Eq,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WrappedI80F48 {
    pub value: [u8; 16],
}

impl From<I80F48> for WrappedI80F48 {
    fn from(value: I80F48) -> Self {
        Self {
            value: value.to_le_bytes(),
        }
    }
}

impl From<WrappedI80F48> for I80F48 {
    fn from(wrapped: WrappedI80F48) -> Self {
        I80F48::from_le_bytes(wrapped.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_negative_and_fractional_values() {
        for value in [
            I80F48::ZERO,
            I80F48::MAX,
            I80F48::MIN,
            I80F48::from_num(-1.5),
        ] {
            assert_eq!(I80F48::from(WrappedI80F48::from(value)), value);
        }
    }
}
