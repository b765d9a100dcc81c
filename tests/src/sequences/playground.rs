//! Two markets on the bank with six actors, where an `Op` becomes the
//! transactions a user, a keeper or governance would send.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use risk_engine::state::{Position, Reserve, RiskBounds};
use solana_sdk::signature::{Keypair, Signer};

use super::ops::{Op, ACTORS};
use crate::builders::{self, LiquidatorAccounts, PricedPosition};
use crate::fixture::{ReserveFixture, User};
use crate::position_setup::DOLLAR;
use crate::pyth::PythPrice;
use crate::world::World;
use crate::TestFixture;

/// Slot length of the fixture's calibration (`presets::calibration`).
const SAMPLE_SLOT_SECS: i64 = 900;

/// What a transaction does, for the rules the runner checks after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Supply {
        actor: usize,
        reserve: usize,
    },
    Withdraw {
        actor: usize,
        reserve: usize,
    },
    Deposit {
        position: usize,
    },
    WithdrawCollateral {
        position: usize,
    },
    Borrow {
        position: usize,
    },
    Repay {
        position: usize,
        payer: usize,
    },
    Liquidate {
        position: usize,
        liquidator: usize,
    },
    WriteOff {
        position: usize,
    },
    Refresh {
        reserve: usize,
    },
    /// Changes bounds: the threshold may snap.
    Governance,
    Other,
}

/// One transaction to send.
pub struct Step {
    pub label: String,
    pub instructions: Vec<Instruction>,
    pub signers: Vec<Keypair>,
    pub kind: Kind,
}

/// A position a sequence opened, by the indices it was opened with.
#[derive(Debug, Clone, Copy)]
pub struct Opened {
    pub priced: PricedPosition,
    pub owner: usize,
    pub market: usize,
    pub collateral: usize,
    pub debt: usize,
}

pub struct MarketKeys {
    pub market: Pubkey,
    pub authority: Keypair,
    pub guardian: Keypair,
    /// The treasury's token account of each mint: SOL, USDC.
    pub treasury_accounts: [Pubkey; 2],
}

pub struct Playground {
    pub f: TestFixture,
    pub markets: [MarketKeys; 2],
    /// Market A's SOL and USDC reserves, then market B's.
    pub reserves: [ReserveFixture; 4],
    pub actors: Vec<User>,
    pub positions: Vec<Opened>,
    pub sol_price_e8: i64,
    next_position_id: u64,
}

impl Playground {
    pub async fn new() -> Self {
        let mut f = TestFixture::new().await;
        let b_authority = Keypair::new();
        let other = World::other_market(&mut f, &b_authority).await;
        let mut actors = Vec::new();
        for i in 0..ACTORS as usize {
            if i < f.users.len() {
                actors.push(User {
                    keypair: f.users[i].keypair.insecure_clone(),
                    spl_account: f.users[i].spl_account,
                    t22_account: f.users[i].t22_account,
                });
            } else {
                actors.push(f.new_user().await);
            }
        }
        let reserves = [f.spl, f.t22, other.spl, other.t22];
        let mut treasury_accounts = Vec::new();
        for owner in [f.treasury, b_authority.pubkey()] {
            let sol = f
                .create_token_account(f.spl.mint, owner, f.spl.token_program)
                .await;
            let usdc = f
                .create_token_account(f.t22.mint, owner, f.t22.token_program)
                .await;
            treasury_accounts.push([sol, usdc]);
        }
        let a_authority = f.authority.insecure_clone();
        let markets = [
            MarketKeys {
                market: f.market,
                authority: a_authority,
                guardian: f.guardian.insecure_clone(),
                treasury_accounts: treasury_accounts[0],
            },
            MarketKeys {
                market: other.market,
                guardian: b_authority.insecure_clone(),
                authority: b_authority,
                treasury_accounts: treasury_accounts[1],
            },
        ];
        // The last actor reports depth for every reserve.
        let reporter = actors[ACTORS as usize - 1].keypair.pubkey();
        for (i, reserve) in reserves.iter().enumerate() {
            let keys = &markets[i / 2];
            let ix = builders::set_depth_reporter(
                keys.authority.pubkey(),
                keys.market,
                reserve.reserve,
                reporter,
            );
            let authority = keys.authority.insecure_clone();
            f.send(&[ix], &[&authority]).await.expect("depth reporter");
        }
        // Liquidity to borrow from in every reserve, from actor 0.
        let supplier = actors[0].keypair.insecure_clone();
        for (i, reserve) in reserves.iter().enumerate() {
            let (account, amount) = if i % 2 == 0 {
                (actors[0].spl_account, 1_000 * 1_000_000_000)
            } else {
                (actors[0].t22_account, 200_000 * 1_000_000)
            };
            let ix = builders::supply(
                supplier.pubkey(),
                markets[i / 2].market,
                reserve,
                account,
                amount,
                0,
            );
            f.send(&[ix], &[&supplier]).await.expect("first supply");
        }
        // Market B came with actor 2's position: SOL against USDC.
        let positions = vec![Opened {
            priced: PricedPosition {
                owner: actors[2].keypair.pubkey(),
                market: other.market,
                position: other.position,
                collateral: other.spl,
                debt: other.t22,
            },
            owner: 2,
            market: 1,
            collateral: 2,
            debt: 3,
        }];
        Self {
            f,
            markets,
            reserves,
            actors,
            positions,
            sol_price_e8: 150 * DOLLAR,
            next_position_id: 100,
        }
    }

    fn actor(&self, i: usize) -> Keypair {
        self.actors[i].keypair.insecure_clone()
    }

    /// The actor's token account of the reserve's mint.
    pub fn account(&self, actor: usize, reserve: usize) -> Pubkey {
        if reserve % 2 == 0 {
            self.actors[actor].spl_account
        } else {
            self.actors[actor].t22_account
        }
    }

    pub async fn reserve(&mut self, i: usize) -> Reserve {
        self.f.reserve_state(self.reserves[i].reserve).await
    }

    /// Reserve `i` as an instruction would find it now: after following its
    /// market's refresh pauses.
    pub async fn reserve_in_use(&mut self, i: usize) -> Reserve {
        let reserve = self.reserve(i).await;
        let data = self
            .f
            .raw(self.markets[i / 2].market)
            .await
            .expect("a market");
        let size = std::mem::size_of::<risk_engine::state::Market>();
        let market: risk_engine::state::Market = bytemuck::pod_read_unaligned(&data[8..8 + size]);
        let now = self.f.now().await;
        risk_engine::calibration::following_pauses(&reserve, &market, now)
    }

    pub async fn position(&mut self, i: usize) -> Option<Position> {
        let address = self.positions[i].priced.position;
        self.f.raw(address).await?;
        Some(self.f.position_state(address).await)
    }

    /// The USD price of a reserve's token now, as posted.
    pub fn price_usd(&self, reserve: usize) -> f64 {
        if reserve % 2 == 0 {
            self.sol_price_e8 as f64 / 1e8
        } else {
            1.0
        }
    }

    /// Each open position in debt at the posted prices: its index, its
    /// collateral's value and its debt's value, in USD, and the threshold in
    /// use as a fraction.
    async fn exposures(&mut self) -> Vec<(usize, f64, f64, f64)> {
        let now = self.f.now().await;
        let mut found = Vec::new();
        for i in 0..self.positions.len() {
            let p = self.positions[i];
            let Some(state) = self.position(i).await else {
                continue;
            };
            let collateral = self.reserve_in_use(p.collateral).await;
            let debt = self.reserve(p.debt).await;
            let owed = risk_engine::lending::position_debt(&debt, &state).unwrap_or(0);
            if owed == 0 {
                continue;
            }
            let units = |r: usize| 10f64.powi(i32::from(self.reserves[r].decimals));
            let threshold = f64::from(risk_engine::calibration::effective_threshold_bps(
                &collateral,
                now,
            )) / 10_000.0;
            let value =
                state.collateral_amount as f64 / units(p.collateral) * self.price_usd(p.collateral);
            let used = owed as f64 / units(p.debt) * self.price_usd(p.debt);
            found.push((i, value, used, threshold));
        }
        found
    }

    /// The position whose debt is the largest share of its collateral's
    /// value at the threshold in use, at the posted prices.
    async fn least_healthy(&mut self) -> Option<usize> {
        let mut worst: Option<(f64, usize)> = None;
        for (i, value, used, threshold) in self.exposures().await {
            let limit = value * threshold;
            if limit > 0.0 && worst.is_none_or(|(w, _)| used / limit > w) {
                worst = Some((used / limit, i));
            }
        }
        worst.map(|(_, i)| i)
    }

    /// The unhealthy position whose collateral is worth least at the posted
    /// prices: where a write-off bot looks.
    async fn smallest_unhealthy(&mut self) -> Option<usize> {
        let mut smallest: Option<(f64, usize)> = None;
        for (i, value, used, threshold) in self.exposures().await {
            if used > value * threshold && smallest.is_none_or(|(least, _)| value < least) {
                smallest = Some((value, i));
            }
        }
        smallest.map(|(_, i)| i)
    }

    /// Publishes both prices at the clock's time.
    pub async fn publish(&mut self) {
        let now = self.f.now().await;
        let (sol, usdc) = (self.reserves[0], self.reserves[1]);
        self.f.set_price(
            &sol,
            PythPrice::new(sol.feed_id, self.sol_price_e8, -8, now),
        );
        self.f
            .set_price(&usdc, PythPrice::new(usdc.feed_id, 100_000_000, -8, now));
    }

    /// The steps an operation sends (none for a wait, several for a keeper
    /// pass). Clock and price moves happen here.
    pub async fn steps(&mut self, op: &Op) -> Vec<Step> {
        let step =
            |label: String, instructions: Vec<Instruction>, signers: Vec<Keypair>, kind| Step {
                label,
                instructions,
                signers,
                kind,
            };
        // Three operations in four act on one of the last four positions
        // opened, so positions get collateral, debt and trouble.
        let position_index = |p: u8, len: usize| {
            (len > 0).then(|| {
                if p < 192 {
                    len - 1 - p as usize % len.min(4)
                } else {
                    p as usize % len
                }
            })
        };
        match *op {
            Op::Wait { secs } => {
                self.f.advance_clock(i64::from(secs)).await;
                Vec::new()
            }
            Op::Keeper { regime, to_slot } => {
                // The last is a collapse: small positions are left with
                // collateral worth less than the dust value (write-offs).
                const FACTORS: [f64; 11] = [
                    0.995, 1.005, 0.99, 1.01, 0.85, 1.15, 0.7, 1.25, 0.8, 0.9, 0.05,
                ];
                let factor = FACTORS[regime as usize % FACTORS.len()];
                // Shocks around a level that pulls back toward $150, so crashes
                // keep meeting leveraged books instead of drifting away.
                let pull = (150.0 * DOLLAR as f64 / self.sol_price_e8 as f64).powf(0.15);
                self.sol_price_e8 =
                    ((self.sol_price_e8 as f64 * factor * pull) as i64).max(DOLLAR / 100);
                if to_slot {
                    let now = self.f.now().await;
                    self.f
                        .set_clock(now - now.rem_euclid(SAMPLE_SLOT_SECS) + SAMPLE_SLOT_SECS)
                        .await;
                }
                self.publish().await;
                (0..4)
                    .map(|i| {
                        let r = self.reserves[i];
                        let ix = builders::refresh_reserve(
                            self.markets[i / 2].market,
                            r.reserve,
                            r.price_account,
                        );
                        step(
                            format!("refresh reserve {i}"),
                            vec![ix],
                            vec![],
                            Kind::Refresh { reserve: i },
                        )
                    })
                    .collect()
            }
            Op::Supply {
                actor,
                reserve,
                permille,
            } => {
                let (actor, reserve) = (actor as usize, reserve as usize);
                let account = self.account(actor, reserve);
                let amount =
                    (self.f.token_balance(account).await / 1_000_000 * u64::from(permille)).max(1);
                let r = self.reserves[reserve];
                let ix = builders::supply(
                    self.actors[actor].keypair.pubkey(),
                    self.markets[reserve / 2].market,
                    &r,
                    account,
                    amount,
                    0,
                );
                vec![step(
                    format!("actor {actor} supplies {amount} to reserve {reserve}"),
                    vec![ix],
                    vec![self.actor(actor)],
                    Kind::Supply { actor, reserve },
                )]
            }
            Op::Withdraw {
                actor,
                reserve,
                permille,
            } => {
                let (actor, reserve) = (actor as usize, reserve as usize);
                let owner = self.actors[actor].keypair.pubkey();
                let r = self.reserves[reserve];
                let amount = if permille >= 1_000 {
                    u64::MAX
                } else {
                    let state = self.reserve(reserve).await;
                    let lender = risk_engine::pda::lender_position(&r.reserve, &owner).0;
                    let held = match self.f.raw(lender).await {
                        Some(_) => self.f.lender_state(&r, owner).await.supply_shares,
                        None => 0,
                    };
                    let pool = risk_engine::lending::supply_pool_value(&state).unwrap_or_default();
                    let worth = risk_engine::math::shares::supply_value(
                        held,
                        state.lending.supply_shares,
                        pool,
                    )
                    .unwrap_or(0);
                    (worth / 1_000 * u64::from(permille)).max(1)
                };
                let account = self.account(actor, reserve);
                let ix = builders::withdraw_supply(
                    owner,
                    self.markets[reserve / 2].market,
                    &r,
                    account,
                    amount,
                    0,
                );
                vec![step(
                    format!("actor {actor} withdraws {amount} from reserve {reserve}"),
                    vec![ix],
                    vec![self.actor(actor)],
                    Kind::Withdraw { actor, reserve },
                )]
            }
            Op::Open {
                actor,
                market,
                usdc_collateral,
            } => {
                let (actor, market) = (actor as usize, market as usize);
                let (collateral, debt) = if usdc_collateral {
                    (2 * market + 1, 2 * market)
                } else {
                    (2 * market, 2 * market + 1)
                };
                let id = self.next_position_id;
                self.next_position_id += 1;
                let owner = self.actors[actor].keypair.pubkey();
                let m = self.markets[market].market;
                let (c, d) = (self.reserves[collateral], self.reserves[debt]);
                let ix = builders::open_position(owner, m, c.reserve, d.reserve, id);
                self.positions.push(Opened {
                    priced: PricedPosition {
                        owner,
                        market: m,
                        position: risk_engine::pda::position(&m, &owner, id).0,
                        collateral: c,
                        debt: d,
                    },
                    owner: actor,
                    market,
                    collateral,
                    debt,
                });
                vec![step(
                    format!("actor {actor} opens position {id} in market {market}"),
                    vec![ix],
                    vec![self.actor(actor)],
                    Kind::Other,
                )]
            }
            Op::Deposit { position, permille } => {
                let Some(i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                let p = self.positions[i];
                let account = self.account(p.owner, p.collateral);
                let amount =
                    (self.f.token_balance(account).await / 1_000_000 * u64::from(permille)).max(1);
                let ix = builders::deposit_collateral(
                    p.priced.owner,
                    p.priced.position,
                    &p.priced.collateral,
                    account,
                    amount,
                );
                vec![step(
                    format!("position {i} deposits {amount}"),
                    vec![ix],
                    vec![self.actor(p.owner)],
                    Kind::Deposit { position: i },
                )]
            }
            Op::WithdrawCollateral { position, permille } => {
                let Some(i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                let p = self.positions[i];
                let held = self.position(i).await.map_or(0, |s| s.collateral_amount);
                let amount = (held / 1_000 * u64::from(permille)).max(1);
                let ix = builders::withdraw_collateral(
                    &p.priced,
                    self.account(p.owner, p.collateral),
                    amount,
                );
                vec![step(
                    format!("position {i} withdraws {amount} of collateral"),
                    vec![ix],
                    vec![self.actor(p.owner)],
                    Kind::WithdrawCollateral { position: i },
                )]
            }
            Op::Borrow {
                position,
                permille_of_max,
            } => {
                let Some(i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                let p = self.positions[i];
                let Some(state) = self.position(i).await else {
                    return Vec::new();
                };
                let debt_reserve = self.reserve(p.debt).await;
                let owed = risk_engine::lending::position_debt(&debt_reserve, &state).unwrap_or(0);
                let now = self.f.now().await;
                let collateral_reserve = self.reserve_in_use(p.collateral).await;
                let units = |reserve: usize| 10f64.powi(i32::from(self.reserves[reserve].decimals));
                let collateral_usd = state.collateral_amount as f64 / units(p.collateral)
                    * self.price_usd(p.collateral);
                let owed_usd = owed as f64 / units(p.debt) * self.price_usd(p.debt);
                let max_ltv = f64::from(risk_engine::calibration::effective_max_ltv_bps(
                    &collateral_reserve,
                    now,
                )) / 10_000.0;
                let wanted_usd =
                    collateral_usd * max_ltv * f64::from(permille_of_max) / 1_000.0 - owed_usd;
                let amount = ((wanted_usd / self.price_usd(p.debt) * units(p.debt)) as u64).max(1);
                let ix = builders::borrow(&p.priced, self.account(p.owner, p.debt), amount);
                vec![step(
                    format!("position {i} borrows {amount} to {permille_of_max}‰ of the max LTV"),
                    vec![ix],
                    vec![self.actor(p.owner)],
                    Kind::Borrow { position: i },
                )]
            }
            Op::Repay {
                position,
                payer,
                permille,
            } => {
                let Some(i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                let p = self.positions[i];
                let payer = payer as usize;
                let owed = match self.position(i).await {
                    Some(state) => {
                        let reserve = self.reserve(p.debt).await;
                        risk_engine::lending::position_debt(&reserve, &state).unwrap_or(0)
                    }
                    None => 0,
                };
                let amount = if permille >= 1_000 {
                    u64::MAX
                } else {
                    (owed / 1_000 * u64::from(permille)).max(1)
                };
                let ix = builders::repay(
                    self.actors[payer].keypair.pubkey(),
                    p.priced.position,
                    &p.priced.debt,
                    self.account(payer, p.debt),
                    amount,
                );
                vec![step(
                    format!("actor {payer} repays {amount} of position {i}"),
                    vec![ix],
                    vec![self.actor(payer)],
                    Kind::Repay { position: i, payer },
                )]
            }
            Op::Liquidate {
                position,
                liquidator,
                permille,
                fresh,
            } => {
                let Some(mut i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                if fresh {
                    self.publish().await;
                }
                // Most attempts go where a bot would look: the least healthy position.
                if position % 4 != 0 {
                    i = self.least_healthy().await.unwrap_or(i);
                }
                let p = self.positions[i];
                let liquidator = liquidator as usize;
                let owed = match self.position(i).await {
                    Some(state) => {
                        let reserve = self.reserve(p.debt).await;
                        risk_engine::lending::position_debt(&reserve, &state).unwrap_or(0)
                    }
                    None => 0,
                };
                let max_repay = if permille >= 1_000 {
                    u64::MAX
                } else {
                    (owed / 1_000 * u64::from(permille)).max(1)
                };
                let accounts = LiquidatorAccounts {
                    liquidator: self.actors[liquidator].keypair.pubkey(),
                    collateral_account: self.account(liquidator, p.collateral),
                    debt_account: self.account(liquidator, p.debt),
                    treasury_collateral_account: self.markets[p.market].treasury_accounts
                        [p.collateral % 2],
                };
                let ix = builders::liquidate(&p.priced, &accounts, max_repay, 0);
                vec![step(
                    format!("actor {liquidator} liquidates position {i} for {max_repay}"),
                    vec![ix],
                    vec![self.actor(liquidator)],
                    Kind::Liquidate {
                        position: i,
                        liquidator,
                    },
                )]
            }
            Op::Depth {
                reserve,
                depth_quote,
            } => {
                let reserve = reserve as usize;
                let reporter = ACTORS as usize - 1;
                let ix = builders::report_depth(
                    self.actors[reporter].keypair.pubkey(),
                    self.reserves[reserve].reserve,
                    u64::from(depth_quote),
                );
                vec![step(
                    format!("depth {depth_quote} USD for reserve {reserve}"),
                    vec![ix],
                    vec![self.actor(reporter)],
                    Kind::Other,
                )]
            }
            Op::Bounds {
                reserve,
                lt_min_bps,
                spread_bps,
                tighten,
                loosen,
            } => {
                let reserve = reserve as usize;
                let keys = &self.markets[reserve / 2];
                let bounds = RiskBounds {
                    lt_min_bps,
                    lt_max_bps: lt_min_bps.saturating_add(spread_bps).min(9_900),
                    max_tighten_bps_per_hour: tighten,
                    max_loosen_bps_per_hour: loosen,
                    bonus_min_bps: 500,
                    bonus_max_bps: 1_000,
                    ltv_buffer_bps: 500,
                    _padding: 0,
                };
                let ix = builders::set_risk_bounds(
                    keys.authority.pubkey(),
                    keys.market,
                    self.reserves[reserve].reserve,
                    bounds,
                );
                vec![step(
                    format!("bounds of reserve {reserve}: {bounds:?}"),
                    vec![ix],
                    vec![keys.authority.insecure_clone()],
                    Kind::Governance,
                )]
            }
            Op::Pause {
                market,
                flags,
                by_guardian,
            } => {
                let keys = &self.markets[market as usize];
                let signer = if by_guardian {
                    &keys.guardian
                } else {
                    &keys.authority
                };
                let ix = builders::set_pause(signer.pubkey(), keys.market, flags);
                vec![step(
                    format!("pause flags {flags} on market {market}"),
                    vec![ix],
                    vec![signer.insecure_clone()],
                    Kind::Other,
                )]
            }
            Op::ClaimFees { reserve } => {
                let reserve = reserve as usize;
                let keys = &self.markets[reserve / 2];
                let ix = builders::claim_protocol_fees(
                    keys.market,
                    &self.reserves[reserve],
                    keys.treasury_accounts[reserve % 2],
                );
                vec![step(
                    format!("claim fees of reserve {reserve}"),
                    vec![ix],
                    vec![],
                    Kind::Other,
                )]
            }
            Op::WriteOff { position, fresh } => {
                let Some(mut i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                if fresh {
                    self.publish().await;
                }
                if position % 4 != 0 {
                    i = self.smallest_unhealthy().await.unwrap_or(i);
                }
                let p = self.positions[i];
                let treasury = self.markets[p.market].treasury_accounts[p.collateral % 2];
                let ix = builders::write_off_bad_debt(&p.priced, treasury);
                vec![step(
                    format!("write off position {i}"),
                    vec![ix],
                    vec![],
                    Kind::WriteOff { position: i },
                )]
            }
            Op::MinBorrow { reserve, value } => {
                let reserve = reserve as usize;
                let keys = &self.markets[reserve / 2];
                let ix = builders::set_min_borrow_value(
                    keys.authority.pubkey(),
                    keys.market,
                    self.reserves[reserve].reserve,
                    u64::from(value),
                );
                vec![step(
                    format!("minimum borrow of reserve {reserve}: {value} USD"),
                    vec![ix],
                    vec![keys.authority.insecure_clone()],
                    Kind::Other,
                )]
            }
            Op::ClosePosition { position } => {
                let Some(i) = position_index(position, self.positions.len()) else {
                    return Vec::new();
                };
                let p = self.positions[i];
                let ix = builders::close_position(p.priced.owner, p.priced.position);
                vec![step(
                    format!("close position {i}"),
                    vec![ix],
                    vec![self.actor(p.owner)],
                    Kind::Other,
                )]
            }
            Op::CloseLender { actor, reserve } => {
                let (actor, reserve) = (actor as usize, reserve as usize);
                let ix = builders::close_lender_position(
                    self.actors[actor].keypair.pubkey(),
                    self.reserves[reserve].reserve,
                );
                vec![step(
                    format!("actor {actor} closes its lender position in reserve {reserve}"),
                    vec![ix],
                    vec![self.actor(actor)],
                    Kind::Other,
                )]
            }
        }
    }
}
