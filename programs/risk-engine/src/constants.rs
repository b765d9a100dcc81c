//! Seeds, precisions and hard limits. Units are in the names; every limit
//! here is a bound governance cannot cross, whatever it votes. The seeds
//! are `#[constant]`, so the IDL carries them to every client.

use anchor_lang::prelude::constant;

/// Seed of the `Market` PDA: `["market", creator, market_id as le bytes]` (the
/// creator is the first authority; the address stays when authority moves).
#[constant]
pub const MARKET_SEED: &[u8] = b"market";
/// Seed of the `Reserve` PDA: `["reserve", market, mint]`.
#[constant]
pub const RESERVE_SEED: &[u8] = b"reserve";
/// Seed of a reserve's vault token account: `["vault", reserve]`. Its token
/// authority is the reserve PDA itself.
#[constant]
pub const VAULT_SEED: &[u8] = b"vault";
/// Seed of a borrower's `Position`: `["position", market, owner, id as le bytes]`.
#[constant]
pub const POSITION_SEED: &[u8] = b"position";
/// Seed of a supplier's `LenderPosition`: `["lender", reserve, owner]`.
#[constant]
pub const LENDER_SEED: &[u8] = b"lender";

/// Layout version written into every account at creation.
pub const ACCOUNT_VERSION: u8 = 1;

/// 100 % in basis points.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Seconds in a 365-day year, used to annualise variance and rates.
pub const SECONDS_PER_YEAR: u64 = 31_536_000;
pub const SECONDS_PER_HOUR: u64 = 3_600;
pub const SECONDS_PER_DAY: u32 = 86_400;

// Hard limits on governance values.
/// A liquidation threshold above 99 % leaves no room for any bonus or slippage.
pub const MAX_LIQUIDATION_THRESHOLD_BPS: u16 = 9_900;
/// A liquidation bonus above 50 % is confiscation, not an incentive.
pub const MAX_LIQUIDATION_BONUS_BPS: u16 = 5_000;
/// Fastest governance may let a threshold tighten: 10 %/hour. Faster is a
/// cliff by another name: a borrower at a max LTV 3 % under the threshold
/// would have 18 minutes, not hours, to act on a calibration or a stale
/// feed's decline.
pub const MAX_TIGHTEN_BPS_PER_HOUR: u16 = 1_000;
/// Largest allowed slippage assumption for a reference liquidation.
pub const MAX_SLIPPAGE_BPS: u16 = 5_000;
/// Oracle prices older than an hour are never acceptable.
pub const MAX_ORACLE_AGE_SECS: u32 = 3_600;
/// Confidence wider than 10 % of the price is never acceptable, not even for
/// a liquidation (which values at the band's edge once the band is wider
/// than the reserve's own limit).
pub const MAX_ORACLE_CONFIDENCE_BPS: u16 = 1_000;
/// How much older than the newest accepted price a liquidation's price may
/// be. A refresh that lands a slightly newer price just before a pending
/// liquidation must not make it fail: that would let a borrower delay its
/// own liquidation by front-running it. A few seconds covers one
/// transaction's trip; the liquidator can pick among no more than those.
pub const LIQUIDATION_PRICE_LAG_TOLERANCE_SECS: i64 = 5;
/// Largest minimum borrow value governance may set: $1M, in whole quote units.
pub const MAX_MIN_BORROW_VALUE_QUOTE: u64 = 1_000_000;
/// Shortest EWMA half-life: below a minute the estimate is noise.
pub const MIN_HALF_LIFE_SECS: u32 = 60;
/// Longest EWMA half-life: a year.
pub const MAX_HALF_LIFE_SECS: u32 = 365 * SECONDS_PER_DAY;
/// Shortest VaR horizon (liquidation delay + oracle latency).
pub const MIN_HORIZON_SECS: u32 = 60;
/// Longest VaR horizon.
pub const MAX_HORIZON_SECS: u32 = 30 * SECONDS_PER_DAY;
/// Quantile `z` in thousandths: 0.5 .. 10.0 standard deviations.
pub const MIN_QUANTILE_Z_MILLI: u32 = 500;
pub const MAX_QUANTILE_Z_MILLI: u32 = 10_000;
/// Longest a calibration or a depth report may be trusted.
pub const MAX_STALENESS_SECS: u32 = 30 * SECONDS_PER_DAY;
/// Highest borrow rate any point of the curve may reach: 1,000 % a year.
pub const MAX_BORROW_RATE_BPS: u32 = 100_000;

/// Largest depth a reporter may claim: $10^12 absorbable at 1 % impact.
pub const MAX_REPORTED_DEPTH_QUOTE: u64 = 1_000_000_000_000;

/// Pause flag: supply, withdraw, borrow and collateral withdrawal stop.
/// Repay and deposit stay open so that users can always de-risk.
pub const PAUSE_LENDING: u8 = 1 << 0;
/// Pause flag: liquidations stop.
pub const PAUSE_LIQUIDATIONS: u8 = 1 << 1;
/// Pause flag: `refresh_reserve` stops (a feed gone bad).
pub const PAUSE_REFRESH: u8 = 1 << 2;
pub const ALL_PAUSE_FLAGS: u8 = PAUSE_LENDING | PAUSE_LIQUIDATIONS | PAUSE_REFRESH;

/// Fewest Wormhole guardian signatures a partially verified Pyth update may
/// carry: the quorum of the 19-guardian set (two thirds plus one). Fewer
/// signatures prove nothing the guardians agreed on.
pub const MIN_VERIFICATION_SIGNATURES: u8 = 13;
/// Furthest a Pyth `publish_time` may be ahead of the cluster clock. A price
/// from the future would become the newest accepted one and refuse every
/// current price until the clock caught up; 10 s covers the usual drift
/// between Pythnet's and Solana's clocks.
pub const MAX_PUBLISH_TIME_SKEW_SECS: i64 = 10;
/// Calibration sample slots: from a minute to a day, dividing a day.
pub const MIN_SAMPLE_INTERVAL_SECS: u32 = 60;
pub const MAX_SAMPLE_INTERVAL_SECS: u32 = SECONDS_PER_DAY;
/// A price counts for calibration only within the first 1/60 of its slot.
pub const SAMPLE_WINDOW_DIVISOR: u32 = 60;

/// Minimum verification level encoded in one byte so that a larger number is
/// always stricter: `1..=254` means Pyth `Partial` with at least that many
/// guardian signatures, `255` means `Full`.
pub const VERIFICATION_FULL: u8 = u8::MAX;
