//! A reserve's calibration replayed off chain with the program's own code:
//! each tick is posted as the Pyth account a keeper would see, read back
//! through `oracle::pyth::load_price` and applied with
//! `calibration::apply_price`, exactly as `refresh_reserve` does.

use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, Result};
use risk_engine::calibration::apply_price;
use risk_engine::oracle::pyth::{load_price, OraclePrice, PriceUse};
use risk_engine::state::Reserve;

use crate::client::pyth::PythPrice;
use crate::config::resolve::program_reason;
use crate::config::ReserveSpec;

/// The poster of replayed price updates, which the program does not read.
const REPLAY_POSTER: Pubkey = Pubkey::new_from_array([9; 32]);

/// Pyth exponent used for replayed prices: 10^-8 USD, as Pyth's USD feeds.
pub const PRICE_EXPONENT: i32 = -8;

/// A listed reserve as `add_reserve` leaves it, with `spec`'s configuration.
pub fn listed_reserve(spec: &ReserveSpec, now: i64) -> Reserve {
    let mut reserve: Reserve = bytemuck::Zeroable::zeroed();
    reserve.mint = spec.mint_address();
    reserve.depth_reporter = spec.depth_reporter;
    reserve.oracle = spec.oracle;
    reserve.bounds = spec.bounds;
    reserve.calibration = spec.calibration;
    reserve.interest = spec.interest;
    reserve.mint_decimals = spec.decimals;
    reserve.version = risk_engine::constants::ACCOUNT_VERSION;
    reserve.start_listing(now, 0);
    reserve
}

/// The price a keeper would post for `price_usd` at `time`, as the program
/// reads it.
pub fn oracle_price(reserve: &Reserve, price_usd: f64, time: i64) -> Result<OraclePrice> {
    let price_e8 = (price_usd * 1e8).round() as i64;
    let update = PythPrice::new(
        reserve.oracle.feed_id,
        price_e8.max(1),
        PRICE_EXPONENT,
        time,
    )
    .to_update_by(REPLAY_POSTER);
    load_price(&update, &reserve.oracle, time, PriceUse::Calibration)
        .map_err(|error| anyhow!(program_reason(&error)))
}

/// Applies one tick to `reserve` as a refresh at `time` would.
pub fn refresh(reserve: &mut Reserve, price_usd: f64, time: i64) -> Result<OraclePrice> {
    let price = oracle_price(reserve, price_usd, time)?;
    apply_price(reserve, &price, time).map_err(|error| anyhow!(program_reason(&error)))?;
    Ok(price)
}
