//! The fixture itself: what every other scenario builds on.

use risk_engine::constants::*;
use risk_engine_tests::fixture::USER_TOKENS;
use risk_engine_tests::{presets, TestFixture};
use solana_sdk::signature::Signer;

#[tokio::test]
async fn fixture_builds_a_market_two_reserves_prices_and_funded_users() {
    let mut f = TestFixture::new().await;
    let market = f.market_state().await;
    assert_eq!(market.authority, f.authority.pubkey());
    assert_eq!(market.version, ACCOUNT_VERSION);
    for asset in [f.spl, f.t22] {
        let reserve = f.reserve_state(asset.reserve).await;
        assert_eq!(reserve.token_program, asset.token_program);
        assert_eq!(reserve.oracle.feed_id, asset.feed_id);
        assert_eq!(
            reserve.calibrated.liquidation_threshold_bps,
            presets::bounds().lt_min_bps
        );
        let price = f
            .raw(asset.price_account)
            .await
            .expect("price account written");
        assert_eq!(
            price.len(),
            pyth_solana_receiver_sdk::price_update::PriceUpdateV2::LEN
        );
    }
    for i in 0..f.users.len() {
        let (spl, t22) = (f.users[i].spl_account, f.users[i].t22_account);
        assert_eq!(f.token_balance(spl).await, USER_TOKENS * 1_000_000_000);
        assert_eq!(f.token_balance(t22).await, USER_TOKENS * 1_000_000);
    }
}
