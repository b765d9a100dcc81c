use risk_engine::constants::*;
use risk_engine::events::{MarketInitialized, ReserveAdded};
use risk_engine_tests::{presets, TestFixture};
use solana_sdk::signature::Signer;

#[tokio::test]
async fn fixture_builds_a_market_with_two_reserves() {
    let mut f = TestFixture::new().await;
    let market = f.market_state().await;
    assert_eq!(market.authority, f.authority.pubkey());
    assert_eq!(market.version, ACCOUNT_VERSION);
    let spl = f.reserve_state(f.spl.reserve).await;
    assert_eq!(
        spl.calibrated.liquidation_threshold_bps,
        presets::bounds().lt_min_bps
    );
    let t22 = f.reserve_state(f.t22.reserve).await;
    assert_eq!(t22.token_program, f.t22.token_program);
    let user = f.users[0].t22_account;
    assert_eq!(f.token_balance(user).await, 1_000_000_000_000);
    let _ = (
        MarketInitialized::DISCRIMINATOR,
        ReserveAdded::DISCRIMINATOR,
    );
}
use anchor_lang::Discriminator;
