use anchor_lang::prelude::*;

/// A protocol's parameters for one collateral, taken from one risk engine
/// reserve. PDA `["collateral", admin, risk_reserve]`: the admin is in the
/// address, so nobody can take a protocol's config for a reserve by
/// creating it first, and the protocol finds its own by its admin key.
#[account]
#[derive(InitSpace)]
pub struct CollateralConfig {
    /// The protocol's governance key that chose the reserve and the maximum
    /// age.
    pub admin: Pubkey,
    /// The only risk engine reserve this config takes thresholds from.
    pub risk_reserve: Pubkey,
    /// The market and mint of that reserve, copied at creation so a reader
    /// sees what it trusts without loading the reserve.
    pub risk_market: Pubkey,
    pub mint: Pubkey,
    /// Oldest calibration `sync_threshold` accepts, in seconds.
    pub max_age_secs: u32,
    /// 0 until the first sync: no borrowing against this collateral before.
    pub liquidation_threshold_bps: u16,
    pub max_ltv_bps: u16,
    pub liquidation_bonus_bps: u16,
    /// Clock time of the engine's calibration the values come from.
    pub calibrated_at_ts: i64,
    /// From this clock time the engine calls that calibration stale.
    pub stale_from_ts: i64,
    /// Clock time of the last sync.
    pub synced_at_ts: i64,
    pub bump: u8,
    /// The engine's floor and decline rate at the last sync: once stale, the
    /// threshold liquidation uses declines as the engine's does.
    pub lt_min_bps: u16,
    pub max_tighten_bps_per_hour: u16,
}

impl CollateralConfig {
    /// The threshold the protocol may lend against at `now`: the synced
    /// one while its calibration is neither stale by the engine's rule nor
    /// older than `max_age_secs`; `None` otherwise (and before the first
    /// sync), when the protocol should refuse new borrowing until someone
    /// syncs a fresh calibration. Liquidation should keep using the last
    /// value: stopping it would be worse than a stale threshold.
    pub fn usable_threshold_bps(&self, now: i64) -> Option<u16> {
        let fresh = self.calibrated_at_ts != 0
            && now <= self.stale_from_ts
            && now.saturating_sub(self.calibrated_at_ts) <= i64::from(self.max_age_secs);
        fresh.then_some(self.liquidation_threshold_bps)
    }

    /// The threshold the protocol liquidates at `now`: the synced one, and
    /// once its calibration is stale the engine's decline toward `lt_min`
    /// (`quote::declined_threshold_bps`), so the protocol never liquidates
    /// at a threshold the engine has stopped vouching for. `None` before
    /// the first sync. A refresh pause that began after the last sync is
    /// not seen here, so the decline may run ahead of the engine's: the
    /// cautious side, until the next sync.
    pub fn liquidation_threshold_bps(&self, now: i64) -> Option<u16> {
        (self.calibrated_at_ts != 0).then(|| {
            crate::quote::declined_threshold_bps(
                self.liquidation_threshold_bps,
                self.stale_from_ts,
                self.lt_min_bps,
                self.max_tighten_bps_per_hour,
                now,
            )
        })
    }
}

pub const COLLATERAL_SEED: &[u8] = b"collateral";
/// The engine's account layout this consumer was written against: a
/// reserve of another layout version is refused, not misread.
pub const ENGINE_ACCOUNT_VERSION: u8 = 1;
/// Most a consumer may tolerate: a week-old risk measurement is no measurement.
pub const MAX_AGE_SECS_LIMIT: u32 = 7 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    fn synced() -> CollateralConfig {
        CollateralConfig {
            admin: Pubkey::default(),
            risk_reserve: Pubkey::default(),
            risk_market: Pubkey::default(),
            mint: Pubkey::default(),
            max_age_secs: 600,
            liquidation_threshold_bps: 8_000,
            max_ltv_bps: 7_500,
            liquidation_bonus_bps: 500,
            calibrated_at_ts: 1_000,
            stale_from_ts: 4_600,
            synced_at_ts: 1_000,
            bump: 255,
            lt_min_bps: 7_000,
            max_tighten_bps_per_hour: 200,
        }
    }

    #[test]
    fn the_threshold_is_usable_only_while_fresh_by_both_rules() {
        let config = synced();
        assert_eq!(config.usable_threshold_bps(1_000), Some(8_000));
        // Up to the consumer's own maximum age, included.
        assert_eq!(config.usable_threshold_bps(1_600), Some(8_000));
        assert_eq!(config.usable_threshold_bps(1_601), None);
        // The engine's staleness, even within a longer maximum age.
        let patient = CollateralConfig {
            max_age_secs: 86_400,
            ..synced()
        };
        assert_eq!(patient.usable_threshold_bps(4_600), Some(8_000));
        assert_eq!(patient.usable_threshold_bps(4_601), None);
        // Never synced.
        let fresh = CollateralConfig {
            calibrated_at_ts: 0,
            stale_from_ts: 0,
            ..synced()
        };
        assert_eq!(fresh.usable_threshold_bps(0), None);
        assert_eq!(fresh.liquidation_threshold_bps(0), None);
    }

    #[test]
    fn liquidation_follows_the_engines_decline_once_stale() {
        let config = synced();
        // Fresh until 4,600, then 200 bps an hour toward 70 %.
        assert_eq!(config.liquidation_threshold_bps(4_600), Some(8_000));
        assert_eq!(config.liquidation_threshold_bps(4_600 + 1_800), Some(7_900));
        assert_eq!(
            config.liquidation_threshold_bps(4_600 + 3 * 3_600),
            Some(7_400)
        );
        assert_eq!(
            config.liquidation_threshold_bps(4_600 + 30 * 3_600),
            Some(7_000)
        );
    }
}
