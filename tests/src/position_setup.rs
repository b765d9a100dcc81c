//! A funded, priced position ready to be liquidated: the setup the
//! liquidation scenarios and the security findings' attacks share.

use risk_engine::state::RiskBounds;
use solana_sdk::signature::{Keypair, Signer};

use crate::builders::{self, LiquidatorAccounts, PricedPosition};
use crate::TestFixture;

pub const SOL: u64 = 1_000_000_000;
pub const USDC: u64 = 1_000_000;
/// Pyth prices with exponent -8.
pub const DOLLAR: i64 = 100_000_000;

/// The design's worked setup: 10 SOL of collateral, 17,000 USDC of debt,
/// LT 83 % (pinned by the bounds), bonus 5 %, protocol share 10 %.
/// Borrowed at $2,500, then the price is set to `price_dollars`.
pub struct Setup {
    pub f: TestFixture,
    pub p: PricedPosition,
    pub owner: Keypair,
    pub liquidator: Keypair,
    pub accounts: LiquidatorAccounts,
}

/// A market whose SOL reserve has `bounds` (and, when `calibrate`, has
/// seen a first price and a calm hour), 100,000 USDC supplied by user 0, and
/// user 1's SOL-backed USDC position holding 10 SOL and no debt yet.
pub async fn position_with_collateral(bounds: RiskBounds, calibrate: bool) -> Setup {
    position_with_collateral_on(TestFixture::new().await, bounds, calibrate).await
}

/// `position_with_collateral` on a fixture of the caller's (one with the
/// consumer program loaded, say).
pub async fn position_with_collateral_on(
    mut f: TestFixture,
    bounds: RiskBounds,
    calibrate: bool,
) -> Setup {
    let spl = f.spl;
    let authority = f.authority.pubkey();
    let ix = builders::set_risk_bounds(authority, f.market, spl.reserve, bounds);
    f.send_as_authority(&[ix]).await.unwrap();
    if calibrate {
        f.refresh(&spl).await.unwrap();
        f.advance_clock(3_600).await;
        f.republish_prices().await;
        f.refresh(&spl).await.unwrap();
    }
    let p = f.sol_backed_position().await;
    let owner = f.users[1].keypair.insecure_clone();

    let liquidator = f.users[2].keypair.insecure_clone();
    let treasury_account = f
        .create_token_account(spl.mint, f.treasury, spl.token_program)
        .await;
    let accounts = LiquidatorAccounts {
        liquidator: liquidator.pubkey(),
        collateral_account: f.users[2].spl_account,
        debt_account: f.users[2].t22_account,
        treasury_collateral_account: treasury_account,
    };
    Setup {
        f,
        p,
        owner,
        liquidator,
        accounts,
    }
}

impl Setup {
    pub async fn borrow(&mut self, amount: u64) {
        let ix = builders::borrow(&self.p, self.f.users[1].t22_account, amount);
        self.f.send(&[ix], &[&self.owner]).await.expect("borrow");
    }
}

/// The design's worked setup: 17,000 USDC borrowed at $2,500, then the
/// price set to `price_dollars`.
pub async fn setup(bounds: RiskBounds, price_dollars: i64) -> Setup {
    let mut s = position_with_collateral(bounds, false).await;
    let spl = s.p.collateral;
    s.f.publish_now(&spl, 2_500 * DOLLAR).await;
    s.borrow(17_000 * USDC).await;
    s.f.publish_now(&spl, price_dollars * DOLLAR).await;
    s
}

pub fn pinned_bounds() -> RiskBounds {
    RiskBounds {
        lt_min_bps: 8_300,
        lt_max_bps: 8_300,
        max_tighten_bps_per_hour: 200,
        max_loosen_bps_per_hour: 25,
        bonus_min_bps: 500,
        bonus_max_bps: 500,
        ltv_buffer_bps: 500,
        _padding: 0,
    }
}
