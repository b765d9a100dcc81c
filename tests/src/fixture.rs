//! `TestFixture`: a market with an SPL Token reserve and a Token-2022
//! reserve, Pyth price accounts for both, and funded users, in one call.

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use risk_engine::instructions::{AddReserveArgs, InitMarketArgs};
use risk_engine::pda;
use risk_engine::state::{Market, Reserve};
use solana_program_test::{ProgramTest, ProgramTestContext};
use solana_sdk::signature::{Keypair, Signer};

use crate::bank::{self, TxResult};
use crate::{builders, presets, pyth::PythPrice, tokens};

/// Pyth's SOL/USD feed id.
pub const SOL_USD_FEED: [u8; 32] =
    hex32("ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d");
/// Pyth's USDC/USD feed id.
pub const USDC_USD_FEED: [u8; 32] =
    hex32("eaa020c61cc479712813461ce153894a96a6c00b21ed0cfc2798d1f9a9e9c94a");

const fn hex32(hex: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let bytes = hex.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(bytes[2 * i]) << 4 | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

/// One listed asset of the fixture and the accounts around it.
pub type ReserveFixture = riskctl::client::ReserveAccounts;

/// Where a fixture's keys come from: fresh random ones, or ones drawn in
/// order from a label, so that a scenario recorded for another client
/// (`client_fixtures`) gives the same bytes on every run.
pub enum Keys {
    Random,
    Seeded { label: &'static str, drawn: u32 },
}

impl Keys {
    pub fn keypair(&mut self) -> Keypair {
        match self {
            Keys::Random => Keypair::new(),
            Keys::Seeded { label, drawn } => {
                *drawn += 1;
                let seed = solana_sdk::hash::hashv(&[label.as_bytes(), &drawn.to_le_bytes()]);
                Keypair::new_from_array(seed.to_bytes())
            }
        }
    }

    pub fn pubkey(&mut self) -> Pubkey {
        self.keypair().pubkey()
    }
}

/// Where a seeded fixture's clock starts: 2026-01-01 00:00 UTC (a random
/// one starts at the UTC midnight after the bank's creation).
pub const SEEDED_START_TS: i64 = 1_767_225_600;

/// A user with SOL for fees and a token account per fixture reserve.
pub struct User {
    pub keypair: Keypair,
    pub spl_account: Pubkey,
    pub t22_account: Pubkey,
}

pub struct TestFixture {
    pub context: ProgramTestContext,
    pub authority: Keypair,
    pub guardian: Keypair,
    pub treasury: Pubkey,
    pub market_id: u64,
    pub market: Pubkey,
    /// "SOL": an SPL Token mint, 9 decimals, priced at $150.
    pub spl: ReserveFixture,
    /// "USDC": a Token-2022 mint, 6 decimals, priced at $1.
    pub t22: ReserveFixture,
    pub users: Vec<User>,
    /// The key every Pyth account of the fixture names as its poster; the
    /// program does not read it.
    pub price_poster: Pubkey,
    keys: Keys,
    nonce: u32,
}

/// One row of a table of refusals: how to break a valid value, and the
/// error the program must answer with.
pub type BreakCase<T, E = risk_engine::error::RiskError> = (fn(&mut T), E);

pub const USER_COUNT: usize = 3;
pub const USER_TOKENS: u64 = 1_000_000;

impl TestFixture {
    /// A market with both reserves listed, prices published now, and
    /// `USER_COUNT` users holding `USER_TOKENS` whole tokens of each mint.
    pub async fn new() -> Self {
        Self::on(bank::program_test()).await
    }

    /// The same market on a bank with more programs loaded beside the
    /// risk engine (`test` starts from `bank::program_test()`).
    pub async fn on(test: ProgramTest) -> Self {
        Self::with_keys(test, Keys::Random).await
    }

    /// The same market with every key drawn from `label` and the clock at
    /// `SEEDED_START_TS`: the same accounts, byte for byte, on every run.
    pub async fn seeded(label: &'static str) -> Self {
        // The bank's own fee payer stays random: it pays and is the mints'
        // authority, and nothing recorded names it.
        Self::with_keys(bank::program_test(), Keys::Seeded { label, drawn: 0 }).await
    }

    async fn with_keys(test: ProgramTest, mut keys: Keys) -> Self {
        let seeded = matches!(keys, Keys::Seeded { .. });
        let context = test.start_with_context().await;
        let authority = keys.keypair();
        let guardian = keys.keypair();
        let treasury = keys.pubkey();
        let price_poster = keys.pubkey();
        let market_id = 1;
        let market = pda::market(&authority.pubkey(), market_id).0;
        let placeholder = ReserveFixture {
            mint: Pubkey::default(),
            token_program: spl_token::ID,
            decimals: 0,
            reserve: Pubkey::default(),
            vault: Pubkey::default(),
            feed_id: [0; 32],
            price_account: Pubkey::default(),
        };
        let mut fixture = Self {
            context,
            authority,
            guardian,
            treasury,
            market_id,
            market,
            spl: placeholder,
            t22: placeholder,
            users: Vec::new(),
            price_poster,
            keys,
            nonce: 0,
        };
        // The clock starts at a UTC midnight: calibration samples are taken
        // on a grid of slots from the epoch (15 minutes in the presets), so
        // whole hours from here are slot starts.
        let now = fixture.now().await;
        let start = if seeded {
            SEEDED_START_TS
        } else {
            now - now.rem_euclid(86_400) + 86_400
        };
        fixture.set_clock(start).await;
        fixture
            .airdrop(fixture.authority.pubkey(), 10_000_000_000)
            .await;
        fixture
            .send_as_authority(&[fixture.init_market_ix(market_id)])
            .await
            .expect("init_market");
        fixture.spl = fixture
            .list_asset(spl_token::ID, 9, SOL_USD_FEED, 150_00000000, -8)
            .await;
        fixture.t22 = fixture
            .list_asset(spl_token_2022::ID, 6, USDC_USD_FEED, 1_00000000, -8)
            .await;
        for _ in 0..USER_COUNT {
            let user = fixture.new_user().await;
            fixture.users.push(user);
        }
        fixture
    }

    pub fn init_market_ix(&self, market_id: u64) -> Instruction {
        builders::init_market(
            self.authority.pubkey(),
            InitMarketArgs {
                market_id,
                guardian: self.guardian.pubkey(),
                treasury: self.treasury,
                quote_currency: *b"USD\0\0\0\0\0",
                liquidation: presets::liquidation(),
            },
        )
    }

    pub fn add_reserve_args(feed_id: [u8; 32]) -> AddReserveArgs {
        AddReserveArgs {
            oracle: presets::oracle(feed_id),
            bounds: presets::bounds(),
            calibration: presets::calibration(),
            interest: presets::interest(),
            depth_reporter: Pubkey::default(),
        }
    }

    /// Creates a mint, lists it in the market and publishes a first price
    /// (`price × 10^exponent` dollars) at the current clock.
    pub async fn list_asset(
        &mut self,
        token_program: Pubkey,
        decimals: u8,
        feed_id: [u8; 32],
        price: i64,
        exponent: i32,
    ) -> ReserveFixture {
        let mint = self.create_mint(token_program, decimals).await;
        let ix = builders::add_reserve(
            self.authority.pubkey(),
            self.market,
            mint,
            token_program,
            Self::add_reserve_args(feed_id),
        );
        self.send_as_authority(&[ix]).await.expect("add_reserve");
        let reserve = pda::reserve(&self.market, &mint).0;
        let listed = ReserveFixture {
            mint,
            token_program,
            decimals,
            reserve,
            vault: pda::vault(&reserve).0,
            feed_id,
            price_account: self.keys.pubkey(),
        };
        let now = self.now().await;
        self.set_price(&listed, PythPrice::new(feed_id, price, exponent, now));
        listed
    }

    /// A mint owned by `token_program` whose authority is the fee payer.
    pub async fn create_mint(&mut self, token_program: Pubkey, decimals: u8) -> Pubkey {
        let mint = self.keys.keypair();
        let payer = self.context.payer.pubkey();
        let ixs =
            tokens::create_mint_ixs(&payer, &mint, &token_program, decimals, &payer, &[], vec![]);
        self.send(&ixs, &[&mint]).await.expect("create mint");
        mint.pubkey()
    }

    /// A Token-2022 mint (6 decimals, authority the fee payer) with one
    /// extension, set up by `init` before the mint is initialised.
    pub async fn create_mint_with_extension(
        &mut self,
        mint: &Keypair,
        extension: anchor_spl::token_interface::spl_token_2022::extension::ExtensionType,
        init: Instruction,
    ) -> Pubkey {
        let payer = self.context.payer.pubkey();
        let ixs = tokens::create_mint_ixs(
            &payer,
            mint,
            &spl_token_2022::ID,
            6,
            &payer,
            &[extension],
            vec![init],
        );
        self.send(&ixs, &[mint])
            .await
            .expect("mint with an extension");
        mint.pubkey()
    }

    pub async fn create_token_account(
        &mut self,
        mint: Pubkey,
        owner: Pubkey,
        token_program: Pubkey,
    ) -> Pubkey {
        let account = self.keys.keypair();
        let payer = self.context.payer.pubkey();
        let ixs = tokens::create_token_account_ixs(&payer, &account, &mint, &owner, &token_program);
        self.send(&ixs, &[&account])
            .await
            .expect("create token account");
        account.pubkey()
    }

    /// A user with 10 SOL and `USER_TOKENS` whole tokens of both mints.
    pub async fn new_user(&mut self) -> User {
        let keypair = self.keys.keypair();
        self.airdrop(keypair.pubkey(), 10_000_000_000).await;
        let mut accounts = Vec::new();
        for asset in [self.spl, self.t22] {
            let account = self
                .create_token_account(asset.mint, keypair.pubkey(), asset.token_program)
                .await;
            let amount = USER_TOKENS * 10u64.pow(u32::from(asset.decimals));
            let payer = self.context.payer.pubkey();
            let ix =
                tokens::mint_to_ix(&asset.token_program, &asset.mint, &account, &payer, amount);
            self.send(&[ix], &[]).await.expect("mint to user");
            accounts.push(account);
        }
        User {
            keypair,
            spl_account: accounts[0],
            t22_account: accounts[1],
        }
    }

    pub async fn airdrop(&mut self, to: Pubkey, lamports: u64) {
        let payer = self.context.payer.pubkey();
        let ix = solana_system_interface::instruction::transfer(&payer, &to, lamports);
        self.send(&[ix], &[]).await.expect("airdrop");
    }

    /// A new key from the fixture's source: seeded in a seeded fixture.
    pub fn new_keypair(&mut self) -> Keypair {
        self.keys.keypair()
    }

    /// Sends instructions signed by the fee payer and `signers`.
    pub async fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.nonce += 1;
        bank::send(&mut self.context, self.nonce, instructions, signers).await
    }

    /// Sends instructions that must fail with the custom error `expected`
    /// and leave every account in `watched` byte for byte as it was.
    pub async fn assert_rejected(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
        expected: impl Into<u32>,
        watched: &[Pubkey],
    ) {
        let mut before = Vec::new();
        for address in watched {
            before.push(self.raw(*address).await);
        }
        let result = self.send(instructions, signers).await;
        let expected = expected.into();
        assert_eq!(
            crate::error_code(&result),
            Some(expected),
            "expected custom error {expected}, got {result:?}"
        );
        for (address, old) in watched.iter().zip(before) {
            assert!(self.raw(*address).await == old, "account {address} changed");
        }
    }

    /// Table-driven refusals: each case breaks a copy of `good`; the
    /// instruction `build` makes of it must fail with the case's error and
    /// leave `watched` unchanged.
    pub async fn assert_each_rejected<T: Clone, E: Into<u32> + Copy>(
        &mut self,
        good: &T,
        cases: &[BreakCase<T, E>],
        signer: &Keypair,
        watched: &[Pubkey],
        build: impl Fn(T) -> Instruction,
    ) {
        for (break_it, expected) in cases {
            let mut broken = good.clone();
            break_it(&mut broken);
            self.assert_rejected(&[build(broken)], &[signer], *expected, watched)
                .await;
        }
    }

    /// Sends instructions signed by the market authority.
    pub async fn send_as_authority(&mut self, instructions: &[Instruction]) -> TxResult {
        let authority = self.authority.insecure_clone();
        self.send(instructions, &[&authority]).await
    }

    pub async fn market_state(&mut self) -> Market {
        bank::load(&mut self.context, self.market).await
    }

    pub async fn reserve_state(&mut self, reserve: Pubkey) -> Reserve {
        bank::load(&mut self.context, reserve).await
    }

    /// Raw bytes of an account, to prove a failed instruction changed nothing.
    pub async fn raw(&mut self, address: Pubkey) -> Option<Vec<u8>> {
        bank::account_data(&mut self.context, address).await
    }

    pub async fn token_balance(&mut self, account: Pubkey) -> u64 {
        let data = self.raw(account).await.expect("token account exists");
        tokens::token_amount(&data)
    }

    /// Writes (or rewrites) a reserve's Pyth account, as the receiver would.
    pub fn set_price(&mut self, reserve: &ReserveFixture, price: PythPrice) {
        self.set_price_account(reserve.price_account, price);
    }

    pub fn set_price_account(&mut self, address: Pubkey, price: PythPrice) {
        let account = price.to_account_by(self.price_poster);
        self.context.set_account(&address, &account.into());
    }

    /// Refreshes a reserve from its Pyth account, signed by the fee payer
    /// alone (anyone may crank).
    pub async fn refresh(&mut self, asset: &ReserveFixture) -> TxResult {
        let ix = builders::refresh_reserve(self.market, asset.reserve, asset.price_account);
        self.send(&[ix], &[]).await
    }

    /// Publishes `price × 10^-8` dollars at the current clock.
    pub async fn publish_now(&mut self, asset: &ReserveFixture, price_e8: i64) -> PythPrice {
        let now = self.now().await;
        let price = PythPrice::new(asset.feed_id, price_e8, -8, now);
        self.set_price(asset, price);
        price
    }

    /// Republishes every fixture price unchanged at the current clock, as
    /// Pyth would after time passes.
    pub async fn republish_prices(&mut self) {
        let now = self.now().await;
        for asset in [self.spl, self.t22] {
            let data = self.raw(asset.price_account).await.expect("price account");
            let mut update = <pyth_solana_receiver_sdk::price_update::PriceUpdateV2 as anchor_lang::AccountDeserialize>::try_deserialize(&mut data.as_slice())
                .expect("price update");
            let message = &mut update.price_message;
            let mut price = PythPrice::new(asset.feed_id, message.price, message.exponent, now);
            price.ema_price = message.ema_price;
            price.conf = message.conf;
            price.ema_conf = message.ema_conf;
            self.set_price(&asset, price);
        }
    }

    /// Opens position `position_id` for `owner` and returns its accounts.
    pub async fn open_position(
        &mut self,
        owner: &Keypair,
        position_id: u64,
        collateral: ReserveFixture,
        debt: ReserveFixture,
    ) -> builders::PricedPosition {
        let ix = builders::open_position(
            owner.pubkey(),
            self.market,
            collateral.reserve,
            debt.reserve,
            position_id,
        );
        self.send(&[ix], &[owner]).await.expect("open_position");
        builders::PricedPosition {
            owner: owner.pubkey(),
            market: self.market,
            position: pda::position(&self.market, &owner.pubkey(), position_id).0,
            collateral,
            debt,
        }
    }

    /// User 0 supplies 100,000 USDC; user 1 opens position 0 (SOL collateral,
    /// USDC debt) and deposits 10 SOL. No debt yet.
    pub async fn sol_backed_position(&mut self) -> builders::PricedPosition {
        let (spl, t22) = (self.spl, self.t22);
        let supplier = self.users[0].keypair.insecure_clone();
        let usdc = 100_000 * 10u64.pow(u32::from(t22.decimals));
        let ix = builders::supply(
            supplier.pubkey(),
            self.market,
            &t22,
            self.users[0].t22_account,
            usdc,
            0,
        );
        self.send(&[ix], &[&supplier]).await.expect("supply");
        let owner = self.users[1].keypair.insecure_clone();
        let p = self.open_position(&owner, 0, spl, t22).await;
        let sol = 10 * 10u64.pow(u32::from(spl.decimals));
        let ix = builders::deposit_collateral(
            owner.pubkey(),
            p.position,
            &spl,
            self.users[1].spl_account,
            sol,
        );
        self.send(&[ix], &[&owner]).await.expect("deposit");
        p
    }

    pub async fn position_state(&mut self, position: Pubkey) -> risk_engine::state::Position {
        bank::load(&mut self.context, position).await
    }

    pub async fn lender_state(
        &mut self,
        asset: &ReserveFixture,
        owner: Pubkey,
    ) -> risk_engine::state::LenderPosition {
        bank::load(
            &mut self.context,
            pda::lender_position(&asset.reserve, &owner).0,
        )
        .await
    }

    /// The accounting invariant of a reserve: its vault holds exactly the
    /// liquidity not lent out plus the positions' collateral.
    pub async fn assert_vault_matches(&mut self, asset: &ReserveFixture) {
        let reserve = self.reserve_state(asset.reserve).await;
        let vault = self.token_balance(asset.vault).await;
        let expected = reserve.lending.available_liquidity + reserve.lending.total_collateral;
        assert_eq!(
            vault, expected,
            "vault of {} out of step with its books",
            asset.reserve
        );
    }

    pub async fn clock(&mut self) -> Clock {
        self.context
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock")
    }

    pub async fn now(&mut self) -> i64 {
        self.clock().await.unix_timestamp
    }

    /// Moves the clock forward by `seconds`.
    pub async fn advance_clock(&mut self, seconds: i64) {
        let now = self.now().await;
        self.set_clock(now + seconds).await;
    }

    pub async fn set_clock(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.context.set_sysvar(&clock);
    }
}
