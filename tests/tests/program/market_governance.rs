//! Market-level governance: creation, authority hand-over, guardian,
//! treasury, liquidation rules and pause flags.

use anchor_lang::prelude::Pubkey;
use risk_engine::constants::*;
use risk_engine::error::RiskError;
use risk_engine::events::*;
use risk_engine::pda;
use risk_engine::state::LiquidationConfig;
use risk_engine_tests::fixture::BreakCase;
use risk_engine_tests::{builders, error_code, presets, TestFixture};
use solana_sdk::signature::{Keypair, Signer};

#[tokio::test]
async fn init_market_stores_every_field_and_emits_the_event() {
    let mut f = TestFixture::new().await;
    let events = f
        .send_as_authority(&[f.init_market_ix(2)])
        .await
        .expect("second market");
    let address = pda::market(&f.authority.pubkey(), 2).0;
    let event: MarketInitialized = events.one();
    assert_eq!(event.market, address);
    assert_eq!(event.authority, f.authority.pubkey());
    assert_eq!(event.guardian, f.guardian.pubkey());
    assert_eq!(event.treasury, f.treasury);
    assert_eq!(event.market_id, 2);
    assert_eq!(event.liquidation, presets::liquidation());

    let market: risk_engine::state::Market =
        risk_engine_tests::bank::load(&mut f.context, address).await;
    assert_eq!(market.authority, f.authority.pubkey());
    assert_eq!(market.creator, f.authority.pubkey());
    assert_eq!(market.pending_authority, Pubkey::default());
    assert_eq!(market.guardian, f.guardian.pubkey());
    assert_eq!(market.treasury, f.treasury);
    assert_eq!(market.market_id, 2);
    assert_eq!(market.liquidation, presets::liquidation());
    assert_eq!(&market.quote_currency[..3], b"USD");
    assert_eq!(market.version, ACCOUNT_VERSION);
    assert_eq!(market.bump, pda::market(&f.authority.pubkey(), 2).1);
    assert_eq!(market.pause_flags, 0);
}

#[tokio::test]
async fn init_market_twice_for_the_same_seeds_fails_and_changes_nothing() {
    let mut f = TestFixture::new().await;
    let authority = f.authority.insecure_clone();
    let ix = f.init_market_ix(f.market_id);
    let market = f.market;
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::MarketAlreadyExists,
        &[market],
    )
    .await;
}

#[tokio::test]
async fn a_pre_funded_market_address_cannot_block_creation() {
    let mut f = TestFixture::new().await;
    let address = pda::market(&f.authority.pubkey(), 9).0;
    // The smallest transfer a runtime accepts to a new address: rent for 0 bytes.
    f.airdrop(address, risk_engine_tests::tokens::rent_exempt(0))
        .await;
    f.send_as_authority(&[f.init_market_ix(9)])
        .await
        .expect("created despite the pre-funding");
    let market: risk_engine::state::Market =
        risk_engine_tests::bank::load(&mut f.context, address).await;
    assert_eq!(market.market_id, 9);
}

#[tokio::test]
async fn init_market_rejects_a_broken_liquidation_config() {
    let mut f = TestFixture::new().await;
    let mut ix_args = presets::liquidation();
    ix_args.close_factor_bps = 0;
    let ix = builders::init_market(
        f.authority.pubkey(),
        risk_engine::instructions::InitMarketArgs {
            market_id: 7,
            guardian: f.guardian.pubkey(),
            treasury: f.treasury,
            quote_currency: *b"USD\0\0\0\0\0",
            liquidation: ix_args,
        },
    );
    let address = pda::market(&f.authority.pubkey(), 7).0;
    let result = f.send_as_authority(&[ix]).await;
    assert_eq!(
        error_code(&result),
        Some(RiskError::CloseFactorOutOfRange.into())
    );
    assert!(f.raw(address).await.is_none(), "no market was created");
}

#[tokio::test]
async fn authority_hand_over_takes_two_steps() {
    let mut f = TestFixture::new().await;
    let old = f.authority.insecure_clone();
    let new = Keypair::new();
    let market = f.market;

    // Only the authority may propose.
    let stranger = Keypair::new();
    let ix = builders::propose_authority(stranger.pubkey(), market, stranger.pubkey());
    f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotMarketAuthority,
        &[market],
    )
    .await;

    // Nothing to accept yet.
    let ix = builders::accept_authority(new.pubkey(), market);
    f.assert_rejected(&[ix], &[&new], RiskError::NoPendingAuthority, &[market])
        .await;

    let events = f
        .send_as_authority(&[builders::propose_authority(
            old.pubkey(),
            market,
            new.pubkey(),
        )])
        .await
        .expect("propose");
    let proposed: AuthorityProposed = events.one();
    assert_eq!(
        (proposed.old_pending, proposed.new_pending),
        (Pubkey::default(), new.pubkey())
    );
    assert_eq!(f.market_state().await.pending_authority, new.pubkey());

    // Proposed is not accepted: the new key has no power yet.
    let ix = builders::set_guardian(new.pubkey(), market, new.pubkey());
    f.assert_rejected(&[ix], &[&new], RiskError::NotMarketAuthority, &[market])
        .await;

    // Only the proposed key may accept.
    let ix = builders::accept_authority(stranger.pubkey(), market);
    f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotPendingAuthority,
        &[market],
    )
    .await;

    let events = f
        .send(&[builders::accept_authority(new.pubkey(), market)], &[&new])
        .await
        .expect("accept");
    let accepted: AuthorityAccepted = events.one();
    assert_eq!(
        (accepted.old_authority, accepted.new_authority),
        (old.pubkey(), new.pubkey())
    );
    let state = f.market_state().await;
    assert_eq!(state.authority, new.pubkey());
    assert_eq!(state.pending_authority, Pubkey::default());

    // The old authority lost its power; the new one has it.
    let ix = builders::set_guardian(old.pubkey(), market, old.pubkey());
    f.assert_rejected(&[ix], &[&old], RiskError::NotMarketAuthority, &[market])
        .await;
    let ix = builders::set_guardian(new.pubkey(), market, Pubkey::default());
    f.send(&[ix], &[&new]).await.expect("new authority governs");
}

#[tokio::test]
async fn a_proposal_can_be_withdrawn() {
    let mut f = TestFixture::new().await;
    let (authority, market, new) = (f.authority.pubkey(), f.market, Keypair::new());
    f.send_as_authority(&[builders::propose_authority(authority, market, new.pubkey())])
        .await
        .unwrap();
    f.send_as_authority(&[builders::propose_authority(
        authority,
        market,
        Pubkey::default(),
    )])
    .await
    .unwrap();
    let ix = builders::accept_authority(new.pubkey(), market);
    f.assert_rejected(&[ix], &[&new], RiskError::NoPendingAuthority, &[market])
        .await;
}

#[tokio::test]
async fn guardian_and_treasury_setters_store_and_emit_old_and_new() {
    let mut f = TestFixture::new().await;
    let (authority, market) = (f.authority.pubkey(), f.market);
    let guardian = Pubkey::new_unique();
    let events = f
        .send_as_authority(&[builders::set_guardian(authority, market, guardian)])
        .await
        .unwrap();
    let event: GuardianUpdated = events.one();
    assert_eq!((event.old, event.new), (f.guardian.pubkey(), guardian));
    assert_eq!(f.market_state().await.guardian, guardian);

    let treasury = Pubkey::new_unique();
    let events = f
        .send_as_authority(&[builders::set_treasury(authority, market, treasury)])
        .await
        .unwrap();
    let event: TreasuryUpdated = events.one();
    assert_eq!((event.old, event.new), (f.treasury, treasury));
    assert_eq!(f.market_state().await.treasury, treasury);

    // Neither a stranger nor the guardian may change keys.
    let old_guardian = f.guardian.insecure_clone();
    for signer in [Keypair::new(), old_guardian] {
        let ix = builders::set_treasury(signer.pubkey(), market, signer.pubkey());
        f.assert_rejected(&[ix], &[&signer], RiskError::NotMarketAuthority, &[market])
            .await;
    }
}

#[tokio::test]
async fn liquidation_config_is_validated_and_emitted() {
    let mut f = TestFixture::new().await;
    let (authority, market) = (f.authority.pubkey(), f.market);
    let new = LiquidationConfig {
        dust_value_quote_e6: 5_000_000,
        close_factor_bps: 4_000,
        full_liquidation_health_bps: 9_000,
        protocol_fee_share_bps: 2_000,
        _padding: 0,
    };
    let events = f
        .send_as_authority(&[builders::set_liquidation_config(authority, market, new)])
        .await
        .unwrap();
    let event: LiquidationConfigUpdated = events.one();
    assert_eq!((event.old, event.new), (presets::liquidation(), new));
    assert_eq!(f.market_state().await.liquidation, new);

    let cases: Vec<BreakCase<LiquidationConfig>> = vec![
        (
            |c| c.close_factor_bps = 10_001,
            RiskError::CloseFactorOutOfRange,
        ),
        (
            |c| c.full_liquidation_health_bps = 0,
            RiskError::FullLiquidationHealthOutOfRange,
        ),
        (
            |c| c.protocol_fee_share_bps = 10_001,
            RiskError::ProtocolFeeShareOutOfRange,
        ),
    ];
    let authority_key = f.authority.insecure_clone();
    f.assert_each_rejected(&new, &cases, &authority_key, &[market], |config| {
        builders::set_liquidation_config(authority, market, config)
    })
    .await;
    let stranger = Keypair::new();
    let ix = builders::set_liquidation_config(stranger.pubkey(), market, new);
    f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotMarketAuthority,
        &[market],
    )
    .await;
}

#[tokio::test]
async fn guardian_may_pause_but_never_unpause() {
    let mut f = TestFixture::new().await;
    let guardian = f.guardian.insecure_clone();
    let authority = f.authority.insecure_clone();
    let market = f.market;

    let events = f
        .send(
            &[builders::set_pause(
                guardian.pubkey(),
                market,
                PAUSE_LENDING,
            )],
            &[&guardian],
        )
        .await
        .unwrap();
    let event: PauseFlagsUpdated = events.one();
    assert_eq!(
        (event.signer, event.old, event.new),
        (guardian.pubkey(), 0, PAUSE_LENDING)
    );
    assert!(f.market_state().await.is_paused(PAUSE_LENDING));

    // Adding a flag is pausing more: allowed.
    let both = PAUSE_LENDING | PAUSE_LIQUIDATIONS;
    f.send(
        &[builders::set_pause(guardian.pubkey(), market, both)],
        &[&guardian],
    )
    .await
    .unwrap();

    // Dropping any flag is unpausing: refused.
    for flags in [0, PAUSE_LENDING, PAUSE_LIQUIDATIONS | PAUSE_REFRESH] {
        let ix = builders::set_pause(guardian.pubkey(), market, flags);
        f.assert_rejected(
            &[ix],
            &[&guardian],
            RiskError::GuardianCannotUnpause,
            &[market],
        )
        .await;
    }

    // The guardian cannot change risk parameters either.
    let ix = builders::set_risk_bounds(guardian.pubkey(), market, f.spl.reserve, presets::bounds());
    f.assert_rejected(
        &[ix],
        &[&guardian],
        RiskError::NotMarketAuthority,
        &[market, f.spl.reserve],
    )
    .await;

    // A stranger can do neither.
    let stranger = Keypair::new();
    let ix = builders::set_pause(stranger.pubkey(), market, ALL_PAUSE_FLAGS);
    f.assert_rejected(
        &[ix],
        &[&stranger],
        RiskError::NotAuthorityOrGuardian,
        &[market],
    )
    .await;

    // Unknown bits are refused, whoever signs.
    let ix = builders::set_pause(authority.pubkey(), market, 1 << 7);
    f.assert_rejected(
        &[ix],
        &[&authority],
        RiskError::UnknownPauseFlags,
        &[market],
    )
    .await;

    // The authority may unpause.
    let events = f
        .send(
            &[builders::set_pause(authority.pubkey(), market, 0)],
            &[&authority],
        )
        .await
        .unwrap();
    let event: PauseFlagsUpdated = events.one();
    assert_eq!((event.old, event.new), (both, 0));
    assert_eq!(f.market_state().await.pause_flags, 0);
}
