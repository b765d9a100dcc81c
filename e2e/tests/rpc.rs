//! riskctl over real JSON-RPC: the binary against an in-process agave
//! validator that hosts the program, step by step as an operator runs it,
//! with the validator's state compared after every step, field by field,
//! with what the same step gives on riskctl's embedded bank.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use riskctl::accounts::PriceAccounts;
use riskctl::chain::rpc::{RpcChain, RpcOptions};
use riskctl::chain::Chain;
use riskctl::client::pyth::PythPrice;
use riskctl::client::ReserveAccounts;
use riskctl::config::{self, Deployment, ReserveSpec};
use riskctl::simulate::book::{self, BorrowerPlan};
use riskctl_e2e::binary::{self, repo_root, Run};
use riskctl_e2e::compare;
use riskctl_e2e::mirror::{landed_since, Landed, Mirror};
use riskctl_e2e::{oracle, validator};
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::RpcClient;
use solana_sdk::account::{Account, AccountSharedData};
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::Transaction;
use solana_test_validator::TestValidator;

const CONFIG: &str = "e2e/deploy.toml";
const LAMPORTS: u64 = 1_000_000_000;

/// Everything the scenario acts on, on both backends.
struct World {
    validator: TestValidator,
    client: RpcClient,
    mirror: Mirror,
    operator: Keypair,
    operator_file: PathBuf,
    intruder_file: PathBuf,
    /// A second liquidator, racing the operator's bot.
    competitor: Keypair,
    competitor_file: PathBuf,
    poster: Keypair,
    deployment: Deployment,
    /// The transactions (of every key) already mirrored.
    mirrored: HashSet<Signature>,
    /// Token accounts and wallets beyond the program's own accounts that
    /// the comparison covers (mints, vaults, the participants' accounts).
    watched: Vec<Pubkey>,
    _dir: tempfile::TempDir,
}

fn write_keypair(path: &Path, key: &Keypair) {
    std::fs::write(
        path,
        serde_json::to_string(&key.to_bytes().to_vec()).unwrap(),
    )
    .unwrap();
}

impl World {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (operator, intruder, poster) = (Keypair::new(), Keypair::new(), Keypair::new());
        let competitor = Keypair::new();
        let operator_file = dir.path().join("operator.json");
        let intruder_file = dir.path().join("intruder.json");
        let competitor_file = dir.path().join("competitor.json");
        write_keypair(&operator_file, &operator);
        write_keypair(&intruder_file, &intruder);
        write_keypair(&competitor_file, &competitor);
        // First: it installs the native-program shims the validator's
        // hosted programs run through.
        let mirror = Mirror::start(&operator);
        let deployment = config::load(&repo_root().join(CONFIG), &operator.pubkey()).unwrap();
        // Prices posted ten minutes before the validator starts.
        let genesis_time = unix_now() - 600;
        let system = solana_sdk_ids::system_program::id();
        let operator_wallet = Account::new(1_000_000 * LAMPORTS, 0, &system);
        let mut accounts = vec![(operator.pubkey(), AccountSharedData::from(operator_wallet))];
        // The other keys hold the same SOL on both (the embedded bank funds
        // its operator itself): the competitor pays rent for the accounts
        // its liquidations create, whichever bot gets there first.
        for key in [&intruder, &competitor, &poster] {
            let account = Account::new(10 * LAMPORTS, 0, &system);
            mirror
                .write_account(&key.pubkey(), account.clone())
                .unwrap();
            accounts.push((key.pubkey(), AccountSharedData::from(account)));
        }
        // The mirror starts with what genesis holds, so both deploy the
        // same plan: the Pyth accounts exist and nothing is posted for them.
        for spec in &deployment.reserves {
            let price = PythPrice::new(
                spec.feed_id,
                spec.initial_price_e8.unwrap(),
                -8,
                genesis_time,
            );
            let account = price.to_account_by(poster.pubkey());
            mirror
                .write_account(&spec.price_account, account.clone())
                .unwrap();
            accounts.push((spec.price_account, AccountSharedData::from(account)));
        }
        let ledger = dir.path().join("ledger");
        let validator = validator::start(
            &ledger,
            accounts,
            &[
                validator::NativeProgram::risk_engine(),
                oracle::stand_in_program(),
            ],
        );
        let client =
            RpcClient::new_with_commitment(validator.rpc_url(), CommitmentConfig::confirmed());
        let watched = deployment
            .reserves
            .iter()
            .map(|spec| spec.price_account)
            .collect();
        Self {
            validator,
            client,
            mirror,
            operator,
            operator_file,
            intruder_file,
            competitor,
            competitor_file,
            poster,
            deployment,
            mirrored: HashSet::new(),
            watched,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        self.validator.rpc_url()
    }

    /// The validator's clock, unix seconds.
    fn now(&self) -> i64 {
        let clock = self
            .client
            .get_account(&solana_sdk_ids::sysvar::clock::id())
            .unwrap();
        i64::from_le_bytes(clock.data[32..40].try_into().unwrap())
    }

    /// The global options every command gets: the validator, a key, the file.
    fn args_as<'a>(&'a self, key: &'a Path, rest: &[&'a str]) -> Vec<String> {
        let mut args = vec![
            "--url".to_string(),
            self.url(),
            "--keypair".into(),
            key.display().to_string(),
            "--config".into(),
            repo_root().join(CONFIG).display().to_string(),
        ];
        args.extend(rest.iter().map(|s| s.to_string()));
        args
    }

    fn riskctl_as(&self, key: &Path, rest: &[&str]) -> Run {
        binary::riskctl(&repo_root(), &self.args_as(key, rest))
    }

    fn riskctl(&self, rest: &[&str]) -> Run {
        self.riskctl_as(&self.operator_file.clone(), rest)
    }

    /// The operator's transactions landed since the last step.
    fn landed(&mut self) -> Vec<Landed> {
        landed_since(&self.client, &self.operator.pubkey(), &mut self.mirrored).unwrap()
    }

    /// A command that changes state: on the validator, then on the mirror
    /// at the validator's times, then the two compared.
    fn step(&mut self, rest: &[&str]) -> Run {
        let started = self.now();
        let run = self.riskctl(rest).succeeded();
        let landed = self.landed();
        let args = self.args_as(&self.operator_file, rest);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.mirror
            .riskctl(&args, started, landed)
            .unwrap_or_else(|error| panic!("{rest:?} on the embedded mirror: {error:#}"));
        self.assert_same(&format!("riskctl {}", rest.join(" ")));
        run
    }

    /// riskctl library code (`step`) over RPC, as the operator, then on the
    /// mirror, then the two compared.
    fn library_step<T>(
        &mut self,
        what: &str,
        step: impl Fn(&mut dyn Chain) -> anyhow::Result<T>,
    ) -> T {
        let started = self.now();
        let value = step(&mut self.rpc_chain())
            .unwrap_or_else(|error| panic!("{what} over RPC: {error:#}"));
        let landed = self.landed();
        self.mirror
            .run(what, started, landed, |chain| step(chain))
            .unwrap_or_else(|error| panic!("{what} on the embedded mirror: {error:#}"));
        self.assert_same(what);
        value
    }

    /// riskctl's own RPC chain to the validator, as the operator.
    fn rpc_chain(&self) -> RpcChain {
        RpcChain::connect(
            &self.url(),
            self.operator.insecure_clone(),
            RpcOptions::default(),
        )
        .unwrap()
    }

    fn spec(&self, symbol: &str) -> &ReserveSpec {
        let reserves = &self.deployment.reserves;
        reserves.iter().find(|s| s.symbol == symbol).unwrap()
    }

    fn assert_same(&mut self, after: &str) {
        let (differences, compared) =
            compare::compare(&self.client, &mut *self.mirror.chain(), &self.watched).unwrap();
        assert!(
            differences.is_empty(),
            "after {after}, the validator and the embedded bank differ:\n{}",
            differences.join("\n")
        );
        assert!(
            compared > self.watched.len(),
            "nothing of the program's compared"
        );
    }

    /// Posts `symbol`'s price at `publish_time` through the stand-in
    /// receiver, signed by the feed's poster, and writes the same account
    /// on the mirror.
    fn post_price(&self, symbol: &str, usd: f64, publish_time: i64) {
        let spec = self.spec(symbol);
        let price = PythPrice::new(spec.feed_id, (usd * 1e8).round() as i64, -8, publish_time);
        let account = price.to_account_by(self.poster.pubkey());
        let ix = oracle::post_instruction(spec.price_account, self.poster.pubkey(), &account);
        let blockhash = self.client.get_latest_blockhash().unwrap();
        let tx = Transaction::new_signed_with_payer(
            &[ix],
            Some(&self.poster.pubkey()),
            &[&self.poster],
            blockhash,
        );
        self.client.send_and_confirm_transaction(&tx).unwrap();
        self.mirror
            .write_account(&spec.price_account, account)
            .unwrap();
    }

    fn post_prices(&self, sol_usd: f64, publish_time: i64) {
        self.post_price("SOL", sol_usd, publish_time);
        self.post_price("USDC", 1.0, publish_time);
    }

    /// Waits until the validator's clock is past the start of a new minute
    /// (a calibration sample slot) and returns that start.
    fn next_sample_slot(&self) -> i64 {
        let slot = (self.now() / 60 + 1) * 60;
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.now() < slot {
            assert!(
                Instant::now() < deadline,
                "the validator's clock stands still"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        slot
    }

    /// `riskctl <rest> --json` over RPC equals the mirror's `view` at the
    /// same clock second: the command starts just after the validator's
    /// clock turned, and is run again if it turned once more meanwhile.
    fn show_matches(
        &self,
        rest: &[&str],
        view: impl Fn(&World, &mut dyn Chain) -> anyhow::Result<riskctl::show::View>,
    ) {
        let mut rest = rest.to_vec();
        rest.push("--json");
        for _ in 0..10 {
            let turned = self.now();
            while self.now() == turned {
                std::thread::sleep(Duration::from_millis(20));
            }
            let before = self.now();
            let run = self.riskctl(&rest).succeeded();
            if self.now() != before {
                continue;
            }
            self.mirror.set_clock(before);
            let embedded = view(self, &mut *self.mirror.chain()).unwrap().to_json();
            // Compared as the text the binary prints: parsing it back could
            // move a float by its last bit.
            let embedded = serde_json::to_string_pretty(&embedded).unwrap();
            assert_eq!(run.stdout.trim_end(), embedded, "riskctl {rest:?}");
            return;
        }
        panic!("riskctl {rest:?} never ran within one second of the validator's clock");
    }

    fn asset(&self, symbol: &str) -> ReserveAccounts {
        let prices = PriceAccounts::from_deployment(&self.deployment);
        riskctl::simulate::listed(&mut self.rpc_chain(), &self.deployment, &prices, symbol).unwrap()
    }

    fn reserve_address(&self, symbol: &str) -> Pubkey {
        let mint = self.spec(symbol).mint_address();
        riskctl::client::pda::reserve(&self.deployment.market, &mint).0
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Lines `  <position>: repaid ...` of a liquidator pass.
fn liquidated_positions(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| line.contains(": repaid "))
        .map(|line| line.trim().split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn riskctl_over_json_rpc_matches_the_embedded_bank() {
    let mut world = World::start();

    // The hosted programs answer: the stand-in receiver takes a genuine
    // price from the start of a sample slot two minutes back (it serves
    // the stale-price refusal below).
    world.post_prices(150.0, (world.now() / 60 - 2) * 60);

    // deploy, then deploy again: nothing to change, nothing sent.
    let deploy = world.step(&["deploy", "--yes"]);
    assert!(deploy.stdout.contains("applied"), "{}", deploy.stdout);
    let again = world.riskctl(&["deploy", "--yes"]).succeeded();
    assert!(
        again.stdout.contains("nothing to change"),
        "{}",
        again.stdout
    );
    let landed = world.landed();
    assert!(landed.is_empty(), "a second deploy sent {landed:?}");
    for symbol in ["SOL", "USDC"] {
        let asset = world.asset(symbol);
        world.watched.extend([asset.mint, asset.vault]);
    }
    world.assert_same("the second deploy");

    // Governance: a bound, the market's liquidation terms, a pause and back.
    world.step(&["gov", "set-bounds", "SOL", "max_loosen_per_hour=0.5%"]);
    world.step(&["gov", "set-liquidation", "close_factor=40%"]);
    world.step(&["gov", "pause", "lending"]);
    world.step(&["gov", "unpause", "lending"]);

    // Refusals a user can provoke: one line, exit code 1, nothing changed.
    let market = world.deployment.market.to_string();
    let sol_reserve = world.reserve_address("SOL").to_string();
    let intruder = world.intruder_file.clone();
    world
        .riskctl_as(
            &intruder,
            &[
                "--market",
                &market,
                "gov",
                "set-bounds",
                &sol_reserve,
                "lt_max=80%",
            ],
        )
        .refused_with("Signer is not the market authority");
    // An out-of-range value, refused with the program's own rule.
    world
        .riskctl(&["gov", "set-bounds", "SOL", "lt_max=120%"])
        .refused_with("ThresholdBoundsInvalid");
    // That price, more than the 60 s max age old: the keeper's refreshes
    // are refused.
    world
        .riskctl(&["keeper", "--once"])
        .refused_with("not refreshed");
    assert!(world.landed().is_empty());
    world.assert_same("the refusals");

    // The keeper: a first price seeds each series, a moved one a minute
    // later counts a return and moves the threshold.
    let slot = world.next_sample_slot();
    world.post_prices(150.0, slot);
    let first = world.step(&["keeper", "--once"]);
    assert!(first.stdout.contains("2 refreshed"), "{}", first.stdout);
    let slot = world.next_sample_slot();
    world.post_prices(140.0, slot);
    let second = world.step(&["keeper", "--once"]);
    assert!(second.stdout.contains("2 refreshed"), "{}", second.stdout);

    // A book over RPC: a lender, the liquidator's inventory, five borrowers
    // at 20,000 USD of SOL each, each opened on a fresh price.
    let (sol, usdc) = (world.asset("SOL"), world.asset("USDC"));
    let market = world.deployment.market;
    let lender = Keypair::new();
    let operator = world.operator.pubkey();
    let competitor = world.competitor.pubkey();
    world.watched.extend([
        usdc.associated_account(&lender.pubkey()),
        usdc.associated_account(&operator),
        sol.associated_account(&operator),
        usdc.associated_account(&competitor),
        sol.associated_account(&competitor),
    ]);
    world.library_step("supplying USDC", |chain| {
        book::give_rent_lamports(chain, &lender.pubkey())?;
        book::supply_as(chain, &lender, market, &usdc, 5_000_000 * 1_000_000)?;
        book::fund(chain, &operator, &usdc, 1_000_000 * 1_000_000)?;
        book::fund(chain, &operator, &sol, 0)?;
        book::fund(chain, &competitor, &usdc, 1_000_000 * 1_000_000)?;
        book::fund(chain, &competitor, &sol, 0)?;
        Ok(())
    });
    let ltvs = [0.30, 0.45, 0.58, 0.61, 0.64];
    let mut positions = Vec::new();
    for ltv in ltvs {
        let borrower = Keypair::new();
        world.watched.extend([
            sol.associated_account(&borrower.pubkey()),
            usdc.associated_account(&borrower.pubkey()),
        ]);
        world.post_prices(140.0, world.now());
        let plan = BorrowerPlan {
            collateral_usd: 20_000.0,
            ltv,
        };
        let position = world.library_step(&format!("opening a position at {ltv}"), |chain| {
            book::give_rent_lamports(chain, &borrower.pubkey())?;
            book::open_borrower_as(chain, &borrower, market, (&sol, &usdc), plan, (140.0, 1.0))
        });
        positions.push(position);
    }

    // A crash to 100 USD: the three positions above 56.4 % LTV at 140 USD
    // are below 0.95 health at the 75 % threshold, the others healthy.
    world.post_prices(100.0, world.now());
    let unhealthy: Vec<String> = positions[2..].iter().map(Pubkey::to_string).collect();

    // Two liquidators at once, the operator's bot and a competitor's:
    // each unhealthy position is liquidated exactly once between them,
    // and whoever loses a race says so and goes on. The mirror cannot
    // reproduce their interleaving by running one after the other, so it
    // replays the very transactions that landed, each at its time.
    landed_since(&world.client, &competitor, &mut world.mirrored).unwrap();
    // The competitor's key resolves the file to a market of its own: both
    // name the market.
    let market_name = market.to_string();
    let start = |key: &Path| {
        let args = world.args_as(key, &["--market", &market_name, "liquidator", "--once"]);
        binary::spawn(&repo_root(), &args)
    };
    let (a, b) = (start(&world.operator_file), start(&world.competitor_file));
    let (a, b) = (a.finish(), b.finish());
    let mut liquidated = Vec::new();
    let mut skipped = Vec::new();
    for run in [&a, &b] {
        let (stdout, stderr) = (&run.stdout, &run.stderr);
        assert_eq!(
            run.code,
            Some(0),
            "a liquidator failed:\n{stdout}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        let done = liquidated_positions(stdout);
        let lost: Vec<String> = stdout
            .lines()
            .filter(|line| line.contains(": skipped: "))
            .map(str::to_string)
            .collect();
        // Every unhealthy position a bot saw it either liquidated or
        // reports lost, with the reason, and the pass went on.
        let seen = done.len() + lost.len();
        assert!(
            stdout.contains(&format!("liquidator pass: 5 positions, {seen} unhealthy")),
            "{stdout}"
        );
        liquidated.extend(done);
        skipped.extend(lost);
    }
    liquidated.sort();
    let mut expected = unhealthy.clone();
    expected.sort();
    assert_eq!(
        liquidated, expected,
        "each unhealthy position liquidated exactly once"
    );
    // Started together, both bots nearly always plan before either's first
    // liquidation lands, and then the later one loses every race; were one
    // a second late, it would see nothing left to do.
    eprintln!("races lost: {}", skipped.len());
    for line in &skipped {
        let position = line.trim().split(':').next().unwrap();
        assert!(
            unhealthy.iter().any(|p| p == position),
            "skipped a healthy position: {line}"
        );
    }
    let mut landed = world.landed();
    landed.extend(landed_since(&world.client, &competitor, &mut world.mirrored).unwrap());
    landed.sort_by_key(|l| l.time);
    assert_eq!(landed.len(), 3, "three liquidations landed without error");
    let competitor_key = world.competitor.insecure_clone();
    world
        .mirror
        .replay(&landed, &[&world.operator, &competitor_key])
        .unwrap();
    world.assert_same("the liquidations");

    // `show` of each account over RPC, as the mirror shows it at the
    // validator's clock.
    world.show_matches(&["show", "market"], |world, chain| {
        let symbols: riskctl::show::Symbols = world
            .deployment
            .reserves
            .iter()
            .map(|r| (r.mint_address(), r.symbol.clone()))
            .collect();
        let prices = PriceAccounts::from_deployment(&world.deployment);
        riskctl::show::market(chain, &world.deployment.market, &prices, &symbols)
    });
    for symbol in ["SOL", "USDC"] {
        let address = world.reserve_address(symbol);
        world.show_matches(&["show", "reserve", symbol], |world, chain| {
            let prices = PriceAccounts::from_deployment(&world.deployment);
            riskctl::show::reserve(chain, &address, &prices)
        });
    }
    for position in &positions {
        let name = position.to_string();
        world.show_matches(&["show", "position", &name], |world, chain| {
            let prices = PriceAccounts::from_deployment(&world.deployment);
            riskctl::show::position(chain, position, &prices)
        });
    }
    world.assert_same("the end");
}
