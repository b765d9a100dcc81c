use anchor_lang::prelude::*;

use super::config::LiquidationConfig;
use crate::constants::*;
use crate::error::RiskError;

/// A lending market: its governance keys, pause switches and liquidation
/// rules. PDA `["market", creator, market_id]`.
#[account(zero_copy)]
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Market {
    /// Governance authority: sets every bound and parameter.
    pub authority: Pubkey,
    /// Proposed next authority; `Pubkey::default()` when none. It must sign
    /// `accept_authority` before it has any power.
    pub pending_authority: Pubkey,
    /// May pause, never unpause nor change parameters.
    pub guardian: Pubkey,
    /// Owner of the token accounts that receive protocol fees.
    pub treasury: Pubkey,
    /// Creator key in the PDA seeds (the first authority); fixed for life.
    pub creator: Pubkey,
    pub market_id: u64,
    pub liquidation: LiquidationConfig,
    /// Currency every price is quoted in, ASCII, zero-padded ("USD").
    pub quote_currency: [u8; 8],
    pub version: u8,
    pub bump: u8,
    /// Bit set of `PAUSE_*` flags.
    pub pause_flags: u8,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding0: [u8; 5],
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: [u64; 32],
}

pub const MARKET_SIZE: usize = 32 * 5 + 8 + 16 + 8 + 8 + 8 * 32;
const _: () = assert!(core::mem::size_of::<Market>() == MARKET_SIZE);

impl Market {
    pub const SPACE: usize = 8 + MARKET_SIZE;

    pub fn has_pending_authority(&self) -> bool {
        self.pending_authority != Pubkey::default()
    }

    /// Whether the market lives at `["market", creator, market_id]`.
    pub fn is_at(&self, address: &Pubkey) -> bool {
        crate::pda::is_at(
            address,
            &[
                MARKET_SEED,
                self.creator.as_ref(),
                &self.market_id.to_le_bytes(),
            ],
            self.bump,
        )
    }

    pub fn is_paused(&self, flag: u8) -> bool {
        self.pause_flags & flag != 0
    }

    /// What every instruction that mutates a market checks at its end.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION,
            RiskError::UnsupportedAccountVersion
        );
        require!(
            self.pause_flags & !ALL_PAUSE_FLAGS == 0,
            RiskError::UnknownPauseFlags
        );
        self.liquidation.validate()
    }
}
