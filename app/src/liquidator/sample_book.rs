//! A synthetic market of one collateral and one debt reserve with many
//! positions, for the evaluation benchmark and tests.

use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use fixed::types::I80F48;
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::{LiquidationConfig, Position, Reserve};

use super::evaluate::{MarketView, ReserveView};

pub const NOW: i64 = 1_700_000_000;

/// A reserve with a pinned 83 % threshold, a 5 % bonus, a fresh
/// calibration and a borrow index of 1.
pub fn reserve(decimals: u8, debt_shares: u64) -> Reserve {
    let mut reserve: Reserve = bytemuck::Zeroable::zeroed();
    reserve.mint_decimals = decimals;
    reserve.bounds.lt_min_bps = 8_300;
    reserve.bounds.lt_max_bps = 8_300;
    reserve.bounds.bonus_min_bps = 500;
    reserve.bounds.bonus_max_bps = 500;
    reserve.calibration.calibration_max_age_secs = 3_600;
    reserve.calibrated.liquidation_threshold_bps = 8_300;
    reserve.calibrated.liquidation_bonus_bps = 500;
    reserve.calibrated.last_calibration_ts = NOW;
    reserve.stale_from_ts = NOW + 3_600;
    reserve.interest.kink_utilization_bps = 8_000;
    reserve.interest.slope1_bps = 700;
    reserve.lending.borrow_index = I80F48::ONE.into();
    reserve.lending.debt_shares = debt_shares;
    reserve.lending.borrowed_amount = I80F48::from_num(debt_shares).into();
    reserve.lending.available_liquidity = u64::MAX / 4;
    reserve.lending.last_accrual_ts = NOW;
    reserve
}

pub fn price(value: f64) -> OraclePrice {
    let price = I80F48::from_num(value);
    OraclePrice {
        price,
        conf: price / 1_000,
        ema_price: price,
        ema_conf: price / 1_000,
        publish_time: NOW,
        band_within_limit: true,
    }
}

pub fn liquidation_rules() -> LiquidationConfig {
    LiquidationConfig {
        dust_value_quote_e6: 1_000_000,
        close_factor_bps: 5_000,
        full_liquidation_health_bps: 9_500,
        protocol_fee_share_bps: 1_000,
        _padding: 0,
    }
}

pub fn position(
    collateral_reserve: Pubkey,
    debt_reserve: Pubkey,
    collateral: u64,
    debt: u64,
) -> Position {
    let mut position: Position = bytemuck::Zeroable::zeroed();
    position.owner = Pubkey::new_unique();
    position.collateral_reserve = collateral_reserve;
    position.debt_reserve = debt_reserve;
    position.collateral_amount = collateral;
    position.debt_shares = debt;
    position
}

/// A market where every position holds 10 SOL at $2,000 against the given
/// USDC debts (base units), with books that add up.
pub fn book_of(debts: impl IntoIterator<Item = u64>) -> (MarketView, Vec<(Pubkey, Position)>) {
    let (sol, usdc) = (Pubkey::new_unique(), Pubkey::new_unique());
    let positions: Vec<(Pubkey, Position)> = debts
        .into_iter()
        .map(|debt| {
            (
                Pubkey::new_unique(),
                position(sol, usdc, 10_000_000_000, debt),
            )
        })
        .collect();
    let total_debt = positions.iter().map(|(_, p)| p.debt_shares).sum();
    let mut collateral = reserve(9, 0);
    collateral.lending.total_collateral = positions.iter().map(|(_, p)| p.collateral_amount).sum();
    let reserves = HashMap::from([
        (
            sol,
            ReserveView {
                reserve: collateral,
                price: price(2_000.0),
            },
        ),
        (
            usdc,
            ReserveView {
                reserve: reserve(6, total_debt),
                price: price(1.0),
            },
        ),
    ]);
    let market =
        MarketView::new(reserves, liquidation_rules(), 0, NOW).expect("a valid sample market");
    (market, positions)
}

/// `count` positions whose debts spread evenly from 40 % to 100 % LTV, so
/// about 28 % are under the 83 % threshold.
pub fn book(count: usize) -> (MarketView, Vec<(Pubkey, Position)>) {
    book_of((0..count).map(|i| {
        let ltv = 0.40 + 0.60 * i as f64 / count.max(1) as f64;
        (20_000.0 * ltv * 1e6) as u64
    }))
}
