//! A market in which every instruction of the program has a valid call
//! ready, and a second market beside it: the ground the attack matrix
//! (`tests/ATTACKS.md`) mutates one account, one signer or one byte at a time.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use risk_engine::instructions::{AddReserveArgs, InitMarketArgs};
use risk_engine::pda;
use solana_sdk::signature::{Keypair, Signer};

use crate::builders::{self, LiquidatorAccounts, PricedPosition};
use crate::fixture::{ReserveFixture, SOL_USD_FEED, USDC_USD_FEED};
use crate::position_setup::{DOLLAR, SOL, USDC};
use crate::pyth::PythPrice;
use crate::{presets, TestFixture};

/// One instruction as a valid call: it succeeds when sent as it is.
pub struct Call {
    pub name: &'static str,
    pub ix: Instruction,
    pub signers: Vec<Keypair>,
}

impl Clone for Call {
    fn clone(&self) -> Self {
        Self {
            name: self.name,
            ix: self.ix.clone(),
            signers: self.signers.iter().map(Keypair::insecure_clone).collect(),
        }
    }
}

/// The accounts of a second market, of another authority, listing the
/// same two mints: what an instruction must never confuse with the first.
#[derive(Debug, Clone, Copy)]
pub struct OtherMarket {
    pub market: Pubkey,
    pub spl: ReserveFixture,
    pub t22: ReserveFixture,
    /// User 2's lender position in its USDC reserve.
    pub lender: Pubkey,
    /// User 2's position there: SOL collateral, USDC debt.
    pub position: Pubkey,
}

pub struct World {
    pub f: TestFixture,
    pub other: OtherMarket,
    /// Proposed as the first market's next authority.
    pub pending: Keypair,
    /// The SOL reserve's depth reporter.
    pub reporter: Keypair,
    /// User 1's position 0: 10 SOL, 500 USDC owed; healthy.
    pub healthy: PricedPosition,
    /// User 1's position 1: 10 SOL, 1,000 USDC owed, priced through a Pyth
    /// account at $120 (`crash_price`): liquidatable.
    pub unhealthy: PricedPosition,
    /// User 1's position 2: empty.
    pub empty_position: Pubkey,
    /// User 1's position 3: 0.1 SOL, 10 USDC owed, priced through a Pyth
    /// account at $5 (`wiped_price`): its collateral is worth less than the
    /// dust value, so only a write-off can close it.
    pub wiped: PricedPosition,
    /// The liquidator (user 2) and the treasury's SOL account.
    pub liquidator: LiquidatorAccounts,
    /// The treasury's USDC account, where protocol fees go.
    pub treasury_usdc: Pubkey,
    /// A new SPL Token mint, not listed yet.
    pub unlisted_mint: Pubkey,
    /// The key that creates a new market in the `init_market` call.
    pub new_market_authority: Keypair,
}

fn keys(f: &TestFixture, user: usize) -> Keypair {
    f.users[user].keypair.insecure_clone()
}

impl World {
    pub async fn new() -> Self {
        let mut f = TestFixture::new().await;
        let (spl, t22, market) = (f.spl, f.t22, f.market);
        let authority = f.authority.insecure_clone();

        // Market A: 100,000 USDC supplied by user 0; user 2 supplied SOL
        // and took it all back, leaving an empty lender position.
        let user0 = keys(&f, 0);
        let ix = builders::supply(
            user0.pubkey(),
            market,
            &t22,
            f.users[0].t22_account,
            100_000 * USDC,
            0,
        );
        f.send(&[ix], &[&user0]).await.expect("supply");
        let user2 = keys(&f, 2);
        let sol2 = f.users[2].spl_account;
        let ix = builders::supply(user2.pubkey(), market, &spl, sol2, SOL, 0);
        f.send(&[ix], &[&user2]).await.expect("supply SOL");
        let ix = builders::withdraw_supply(user2.pubkey(), market, &spl, sol2, u64::MAX, 0);
        f.send(&[ix], &[&user2]).await.expect("withdraw SOL");

        // User 1's three positions.
        let user1 = keys(&f, 1);
        let (sol1, usdc1) = (f.users[1].spl_account, f.users[1].t22_account);
        let mut positions = Vec::new();
        let book = [
            (0u64, 10 * SOL, 500 * USDC),
            (1, 10 * SOL, 1_000 * USDC),
            (2, 0, 0),
            (3, SOL / 10, 10 * USDC),
        ];
        for (id, collateral, debt) in book {
            let p = f.open_position(&user1, id, spl, t22).await;
            if debt > 0 {
                let ix = builders::deposit_collateral(
                    user1.pubkey(),
                    p.position,
                    &spl,
                    sol1,
                    collateral,
                );
                f.send(&[ix], &[&user1]).await.expect("deposit");
                f.send(&[builders::borrow(&p, usdc1, debt)], &[&user1])
                    .await
                    .expect("borrow");
            }
            positions.push(p);
        }

        // A day of interest, so the USDC reserve has fees to claim; fresh prices.
        f.advance_clock(86_400).await;
        f.republish_prices().await;
        let ix = builders::repay(user1.pubkey(), positions[0].position, &t22, usdc1, USDC);
        f.send(&[ix], &[&user1])
            .await
            .expect("repay accrues interest");

        let crash_account = Pubkey::new_unique();
        let now = f.now().await;
        f.set_price_account(
            crash_account,
            PythPrice::new(SOL_USD_FEED, 120 * DOLLAR, -8, now),
        );
        let mut unhealthy = positions[1];
        unhealthy.collateral.price_account = crash_account;
        let wiped_account = Pubkey::new_unique();
        f.set_price_account(
            wiped_account,
            PythPrice::new(SOL_USD_FEED, 5 * DOLLAR, -8, now),
        );
        let mut wiped = positions[3];
        wiped.collateral.price_account = wiped_account;

        let treasury_sol = f
            .create_token_account(spl.mint, f.treasury, spl.token_program)
            .await;
        let treasury_usdc = f
            .create_token_account(t22.mint, f.treasury, t22.token_program)
            .await;
        let liquidator = LiquidatorAccounts {
            liquidator: user2.pubkey(),
            collateral_account: f.users[2].spl_account,
            debt_account: f.users[2].t22_account,
            treasury_collateral_account: treasury_sol,
        };

        let pending = Keypair::new();
        let reporter = Keypair::new();
        f.airdrop(reporter.pubkey(), 1_000_000_000).await;
        f.airdrop(pending.pubkey(), 1_000_000_000).await;
        let ix = builders::propose_authority(authority.pubkey(), market, pending.pubkey());
        let ix2 = builders::set_depth_reporter(
            authority.pubkey(),
            market,
            spl.reserve,
            reporter.pubkey(),
        );
        f.send_as_authority(&[ix, ix2])
            .await
            .expect("pending authority, reporter");

        let unlisted_mint = f.create_mint(spl_token::ID, 6).await;
        let new_market_authority = Keypair::new();
        f.airdrop(new_market_authority.pubkey(), 1_000_000_000)
            .await;
        let other = Self::other_market(&mut f, &Keypair::new()).await;

        Self {
            f,
            other,
            pending,
            reporter,
            healthy: positions[0],
            unhealthy,
            empty_position: positions[2].position,
            wiped,
            liquidator,
            treasury_usdc,
            unlisted_mint,
            new_market_authority,
        }
    }

    /// Market B: another authority lists the same mints; user 2 supplies
    /// its USDC and borrows against SOL there.
    pub async fn other_market(f: &mut TestFixture, authority: &Keypair) -> OtherMarket {
        f.airdrop(authority.pubkey(), 10_000_000_000).await;
        let market = pda::market(&authority.pubkey(), 2).0;
        let ix = builders::init_market(
            authority.pubkey(),
            InitMarketArgs {
                market_id: 2,
                guardian: authority.pubkey(),
                treasury: authority.pubkey(),
                quote_currency: *b"USD\0\0\0\0\0",
                liquidation: presets::liquidation(),
            },
        );
        f.send(&[ix], &[authority]).await.expect("market B");
        let mut listed = Vec::new();
        for (asset, feed) in [(f.spl, SOL_USD_FEED), (f.t22, USDC_USD_FEED)] {
            let ix = builders::add_reserve(
                authority.pubkey(),
                market,
                asset.mint,
                asset.token_program,
                TestFixture::add_reserve_args(feed),
            );
            f.send(&[ix], &[authority]).await.expect("reserve in B");
            let reserve = pda::reserve(&market, &asset.mint).0;
            listed.push(ReserveFixture {
                reserve,
                vault: pda::vault(&reserve).0,
                ..asset
            });
        }
        let (spl, t22) = (listed[0], listed[1]);
        let user2 = keys(f, 2);
        let ix = builders::supply(
            user2.pubkey(),
            market,
            &t22,
            f.users[2].t22_account,
            10_000 * USDC,
            0,
        );
        f.send(&[ix], &[&user2]).await.expect("supply in B");
        let ix = builders::open_position(user2.pubkey(), market, spl.reserve, t22.reserve, 0);
        f.send(&[ix], &[&user2]).await.expect("position in B");
        let position = pda::position(&market, &user2.pubkey(), 0).0;
        let ix = builders::deposit_collateral(
            user2.pubkey(),
            position,
            &spl,
            f.users[2].spl_account,
            SOL,
        );
        f.send(&[ix], &[&user2]).await.expect("deposit in B");
        OtherMarket {
            market,
            spl,
            t22,
            lender: pda::lender_position(&t22.reserve, &user2.pubkey()).0,
            position,
        }
    }

    /// A valid call of every instruction of the program, by name.
    pub fn calls(&self) -> Vec<Call> {
        let f = &self.f;
        let (spl, t22, market) = (f.spl, f.t22, f.market);
        let authority = f.authority.insecure_clone();
        let a = authority.pubkey();
        let user = |i: usize| keys(f, i);
        let (user0, user1, user2) = (user(0), user(1), user(2));
        let call = |name, ix, signers: Vec<&Keypair>| Call {
            name,
            ix,
            signers: signers.into_iter().map(Keypair::insecure_clone).collect(),
        };
        let reserve_args = AddReserveArgs {
            depth_reporter: Pubkey::default(),
            ..TestFixture::add_reserve_args(SOL_USD_FEED)
        };
        vec![
            call(
                "init_market",
                builders::init_market(
                    self.new_market_authority.pubkey(),
                    InitMarketArgs {
                        market_id: 7,
                        guardian: a,
                        treasury: a,
                        quote_currency: *b"USD\0\0\0\0\0",
                        liquidation: presets::liquidation(),
                    },
                ),
                vec![&self.new_market_authority],
            ),
            call(
                "propose_authority",
                builders::propose_authority(a, market, Pubkey::new_unique()),
                vec![&authority],
            ),
            call(
                "accept_authority",
                builders::accept_authority(self.pending.pubkey(), market),
                vec![&self.pending],
            ),
            call(
                "set_guardian",
                builders::set_guardian(a, market, Pubkey::new_unique()),
                vec![&authority],
            ),
            call(
                "set_treasury",
                builders::set_treasury(a, market, Pubkey::new_unique()),
                vec![&authority],
            ),
            call(
                "set_liquidation_config",
                builders::set_liquidation_config(
                    a,
                    market,
                    risk_engine::state::LiquidationConfig {
                        close_factor_bps: 4_000,
                        ..presets::liquidation()
                    },
                ),
                vec![&authority],
            ),
            call(
                "set_pause",
                builders::set_pause(
                    f.guardian.pubkey(),
                    market,
                    risk_engine::constants::PAUSE_LENDING,
                ),
                vec![&f.guardian],
            ),
            call(
                "add_reserve",
                builders::add_reserve(a, market, self.unlisted_mint, spl_token::ID, reserve_args),
                vec![&authority],
            ),
            call(
                "set_risk_bounds",
                builders::set_risk_bounds(
                    a,
                    market,
                    spl.reserve,
                    risk_engine::state::RiskBounds {
                        lt_max_bps: 8_700,
                        ..presets::bounds()
                    },
                ),
                vec![&authority],
            ),
            call(
                "set_calibration_params",
                builders::set_calibration_params(
                    a,
                    market,
                    spl.reserve,
                    risk_engine::state::CalibrationParams {
                        horizon_secs: 43_200,
                        ..presets::calibration()
                    },
                ),
                vec![&authority],
            ),
            call(
                "set_oracle_config",
                builders::set_oracle_config(
                    a,
                    market,
                    spl.reserve,
                    risk_engine::state::OracleConfig {
                        max_confidence_bps: 300,
                        ..presets::oracle(SOL_USD_FEED)
                    },
                ),
                vec![&authority],
            ),
            call(
                "set_interest_model",
                builders::set_interest_model(
                    a,
                    market,
                    spl.reserve,
                    risk_engine::state::InterestModel {
                        reserve_factor_bps: 2_000,
                        ..presets::interest()
                    },
                ),
                vec![&authority],
            ),
            call(
                "set_min_borrow_value",
                builders::set_min_borrow_value(a, market, t22.reserve, 100),
                vec![&authority],
            ),
            call(
                "set_depth_reporter",
                builders::set_depth_reporter(a, market, spl.reserve, Pubkey::new_unique()),
                vec![&authority],
            ),
            call(
                "refresh_reserve",
                builders::refresh_reserve(market, spl.reserve, spl.price_account),
                vec![],
            ),
            call(
                "report_depth",
                builders::report_depth(self.reporter.pubkey(), spl.reserve, 2_000_000),
                vec![&self.reporter],
            ),
            call(
                "claim_protocol_fees",
                builders::claim_protocol_fees(market, &t22, self.treasury_usdc),
                vec![],
            ),
            call(
                "supply",
                builders::supply(
                    user0.pubkey(),
                    market,
                    &t22,
                    f.users[0].t22_account,
                    USDC,
                    0,
                ),
                vec![&user0],
            ),
            call(
                "withdraw_supply",
                builders::withdraw_supply(
                    user0.pubkey(),
                    market,
                    &t22,
                    f.users[0].t22_account,
                    USDC,
                    0,
                ),
                vec![&user0],
            ),
            call(
                "close_lender_position",
                builders::close_lender_position(user2.pubkey(), spl.reserve),
                vec![&user2],
            ),
            call(
                "open_position",
                builders::open_position(user1.pubkey(), market, spl.reserve, t22.reserve, 9),
                vec![&user1],
            ),
            call(
                "deposit_collateral",
                builders::deposit_collateral(
                    user1.pubkey(),
                    self.healthy.position,
                    &spl,
                    f.users[1].spl_account,
                    SOL,
                ),
                vec![&user1],
            ),
            call(
                "withdraw_collateral",
                builders::withdraw_collateral(&self.healthy, f.users[1].spl_account, SOL),
                vec![&user1],
            ),
            call(
                "borrow",
                builders::borrow(&self.healthy, f.users[1].t22_account, USDC),
                vec![&user1],
            ),
            call(
                "repay",
                builders::repay(
                    user1.pubkey(),
                    self.healthy.position,
                    &t22,
                    f.users[1].t22_account,
                    USDC,
                ),
                vec![&user1],
            ),
            call(
                "close_position",
                builders::close_position(user1.pubkey(), self.empty_position),
                vec![&user1],
            ),
            call(
                "liquidate",
                builders::liquidate(&self.unhealthy, &self.liquidator, u64::MAX, 0),
                vec![&user2],
            ),
            call(
                "write_off_bad_debt",
                builders::write_off_bad_debt(
                    &self.wiped,
                    self.liquidator.treasury_collateral_account,
                ),
                vec![],
            ),
        ]
    }
}
