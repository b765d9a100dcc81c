use anchor_lang::prelude::*;

use crate::constants::*;
use crate::error::RiskError;

/// An isolated borrow: one collateral reserve and one debt reserve of the
/// same market. PDA `["position", market, owner, position_id]`.
#[account(zero_copy)]
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Position {
    pub market: Pubkey,
    pub owner: Pubkey,
    pub collateral_reserve: Pubkey,
    pub debt_reserve: Pubkey,
    pub position_id: u64,
    /// Collateral held for this position, in the collateral mint's base units.
    pub collateral_amount: u64,
    /// Debt shares of the debt reserve; debt = shares × borrow index.
    pub debt_shares: u64,
    pub version: u8,
    pub bump: u8,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding0: [u8; 6],
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: [u64; 16],
}

pub const POSITION_SIZE: usize = 32 * 4 + 8 * 3 + 8 + 8 * 16;
const _: () = assert!(core::mem::size_of::<Position>() == POSITION_SIZE);

impl Position {
    pub const SPACE: usize = 8 + POSITION_SIZE;

    /// What every instruction that uses a position checks: that it is of
    /// the layout this program reads (`ACCOUNT_VERSION`). A layout change
    /// bumps the version and brings a migration instruction; until an
    /// account is migrated every instruction refuses it rather than
    /// misreading it.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION,
            RiskError::UnsupportedAccountVersion
        );
        Ok(())
    }

    /// Whether the position lives at `["position", market, owner, id]`.
    pub fn is_at(&self, address: &Pubkey) -> bool {
        crate::pda::is_at(
            address,
            &[
                POSITION_SEED,
                self.market.as_ref(),
                self.owner.as_ref(),
                &self.position_id.to_le_bytes(),
            ],
            self.bump,
        )
    }
}

/// A supplier's claim on one reserve. PDA `["lender", reserve, owner]`.
#[account(zero_copy)]
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LenderPosition {
    pub reserve: Pubkey,
    pub owner: Pubkey,
    /// Supply shares; value = shares × the reserve's supply share price.
    pub supply_shares: u64,
    pub version: u8,
    pub bump: u8,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding0: [u8; 6],
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: [u64; 8],
}

pub const LENDER_POSITION_SIZE: usize = 32 * 2 + 8 + 8 + 8 * 8;
const _: () = assert!(core::mem::size_of::<LenderPosition>() == LENDER_POSITION_SIZE);

impl LenderPosition {
    pub const SPACE: usize = 8 + LENDER_POSITION_SIZE;

    /// The layout check of `Position::invariant`, for a supplier's position.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION,
            RiskError::UnsupportedAccountVersion
        );
        Ok(())
    }

    /// Whether the position lives at `["lender", reserve, owner]`.
    pub fn is_at(&self, address: &Pubkey) -> bool {
        crate::pda::is_at(
            address,
            &[LENDER_SEED, self.reserve.as_ref(), self.owner.as_ref()],
            self.bump,
        )
    }
}
