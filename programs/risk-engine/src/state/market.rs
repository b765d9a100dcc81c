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
    /// When governance last paused refreshes (`PAUSE_REFRESH`); 0 while
    /// refreshes run.
    pub refresh_paused_since_ts: i64,
    /// Seconds refreshes have spent paused in pauses that have ended. With
    /// the current pause, the market's refresh-pause clock
    /// (`refresh_paused_secs_at`): reserves do not age while it runs.
    pub refresh_paused_secs: u64,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub _padding: [u64; 30],
}

pub const MARKET_SIZE: usize = 32 * 5 + 8 + 16 + 8 + 8 + 8 * 2 + 8 * 30;
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

    /// Seconds refreshes have spent paused by governance up to `now`: the
    /// clock a reserve's calibration does not age on
    /// (`Reserve::follow_refresh_pauses`).
    pub fn refresh_paused_secs_at(&self, now: i64) -> u64 {
        let running = if self.refresh_paused_since_ts > 0 {
            now.saturating_sub(self.refresh_paused_since_ts).max(0) as u64
        } else {
            0
        };
        self.refresh_paused_secs.saturating_add(running)
    }

    /// Replaces the pause flags at `now`, starting or stopping the
    /// refresh-pause clock when `PAUSE_REFRESH` changes.
    pub fn set_pause_flags(&mut self, pause_flags: u8, now: i64) {
        let was_paused = self.is_paused(PAUSE_REFRESH);
        self.pause_flags = pause_flags;
        match (was_paused, self.is_paused(PAUSE_REFRESH)) {
            (false, true) => self.refresh_paused_since_ts = now,
            (true, false) => {
                self.refresh_paused_secs = self.refresh_paused_secs_at(now);
                self.refresh_paused_since_ts = 0;
            }
            _ => {}
        }
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
