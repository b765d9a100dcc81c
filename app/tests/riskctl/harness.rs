//! A deployed `migrations/localnet.toml` on a fresh embedded bank, and the
//! few moves the tests make on it.

use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;
use risk_engine::state::Reserve;
use riskctl::accounts::{self, PriceAccounts};
use riskctl::chain::embedded_chain::EmbeddedChain;
use riskctl::chain::Chain;
use riskctl::client::pyth::PythPrice;
use riskctl::client::ReserveAccounts;
use riskctl::config::{self, Deployment};
use riskctl::deploy;
use solana_sdk::signature::Signer;

/// The repository's file of that name.
pub fn repo_file(relative: &str) -> PathBuf {
    // The directory cargo runs the tests in, not the one they were
    // compiled in: a copy tested with a shared target directory reads its
    // own files.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("..")
        .join(relative)
}

pub fn localnet() -> PathBuf {
    repo_file("migrations/localnet.toml")
}

/// When the tests' clock starts: 2026-01-01 00:00 UTC.
pub const START: i64 = 1_767_225_600;

pub struct Harness {
    pub chain: EmbeddedChain,
    pub deployment: Deployment,
    pub prices: PriceAccounts,
}

impl Harness {
    /// A bank at `START` with nothing on it, and the localnet deployment
    /// resolved for its operator.
    pub fn empty() -> Self {
        let mut chain = EmbeddedChain::start();
        chain.set_clock(START);
        let deployment =
            config::load(&localnet(), &chain.payer().pubkey()).expect("localnet.toml resolves");
        let prices = PriceAccounts::from_deployment(&deployment);
        Self {
            chain,
            deployment,
            prices,
        }
    }

    /// The localnet market deployed.
    pub fn deployed() -> Self {
        let mut harness = Self::empty();
        let plan = deploy::plan(&mut harness.chain, &harness.deployment).expect("plan");
        deploy::apply(&mut harness.chain, plan).expect("deploy");
        harness
    }

    pub fn asset(&mut self, symbol: &str) -> ReserveAccounts {
        let spec = self
            .deployment
            .reserves
            .iter()
            .find(|spec| spec.symbol == symbol)
            .unwrap_or_else(|| panic!("no {symbol} in localnet.toml"));
        let address = risk_engine::pda::reserve(&self.deployment.market, &spec.mint_address()).0;
        let reserve = accounts::reserve(&mut self.chain, &address).expect("listed");
        self.prices.reserve_accounts(&address, &reserve)
    }

    pub fn reserve(&mut self, symbol: &str) -> Reserve {
        let address = self.asset(symbol).reserve;
        accounts::reserve(&mut self.chain, &address).expect("listed")
    }

    pub fn market(&self) -> Pubkey {
        self.deployment.market
    }

    /// Moves the clock to `time` and posts `price_usd` for `symbol` there.
    pub fn publish(&mut self, symbol: &str, price_usd: f64, time: i64) -> PythPrice {
        self.chain.set_clock(time);
        let asset = self.asset(symbol);
        let price = PythPrice::new(asset.feed_id, (price_usd * 1e8).round() as i64, -8, time);
        self.chain
            .write_account(&asset.price_account, price.to_account())
            .expect("the embedded bank writes accounts");
        price
    }

    /// Posts the same time for every listed asset at its current price.
    pub fn publish_all(&mut self, time: i64, sol_usd: f64) {
        self.publish("SOL", sol_usd, time);
        self.publish("USDC", 1.0, time);
        self.publish("BONK", 0.00002, time);
    }

    pub fn token_balance(&mut self, account: &Pubkey) -> u64 {
        accounts::token_balance(&mut self.chain, account)
            .expect("bank reachable")
            .unwrap_or(0)
    }

    /// Each reserve's vault holds exactly what its books say.
    pub fn assert_vaults_match(&mut self) {
        for symbol in ["SOL", "USDC", "BONK"] {
            let asset = self.asset(symbol);
            let reserve = self.reserve(symbol);
            let books = reserve.lending.available_liquidity + reserve.lending.total_collateral;
            assert_eq!(
                self.token_balance(&asset.vault),
                books,
                "{symbol} vault against its books"
            );
        }
    }
}

impl Harness {
    /// Raw data of an account, for before/after comparisons.
    pub fn chain_account(&mut self, address: Pubkey) -> Option<Vec<u8>> {
        self.chain
            .account(&address)
            .expect("bank reachable")
            .map(|a| a.data)
    }
}

impl Harness {
    pub fn chain_payer(&self) -> Pubkey {
        self.chain.payer().pubkey()
    }
}

impl Harness {
    /// The market account as it is on chain now.
    pub fn market_state(&mut self) -> risk_engine::state::Market {
        let market = self.market();
        accounts::market(&mut self.chain, &market).expect("the market exists")
    }
}

/// A backtest of localnet's SOL against USDC with `book`, 30-day windows.
pub fn backtest_setup(book: riskctl::backtest::BookConfig) -> riskctl::backtest::Setup {
    let deployment =
        config::load(&localnet(), &solana_sdk::signature::Keypair::new().pubkey()).unwrap();
    riskctl::backtest::Setup::from_deployment(&deployment, "SOL", "USDC", book, 30 * 86_400)
        .unwrap()
}

/// The table that follows `heading` (an `<h2>`) in a report: its header
/// cells and each row's cells, as text, as a browser would lay them out.
pub fn html_table_after(html: &str, heading: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let start = html
        .find(&format!("<h2>{heading}</h2>"))
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    let rest = &html[start..];
    let table = &rest[rest.find("<table>").expect("a table after the heading")..];
    let table = &table[..table.find("</table>").expect("the table's end")];
    let cells = |row: &str, tag: &str| -> Vec<String> {
        row.split(&format!("<{tag}"))
            .skip(1)
            .map(|cell| {
                let text = &cell[cell.find('>').unwrap() + 1..];
                text[..text.find(&format!("</{tag}>")).unwrap()].to_string()
            })
            .collect()
    };
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    let header = cells(rows.first().expect("a header row"), "th");
    let body = rows[1..].iter().map(|row| cells(row, "td")).collect();
    (header, body)
}

/// Asserts that the table after `heading` has `columns` columns in its
/// header and in every row, and at least one row.
pub fn assert_html_columns(html: &str, heading: &str, columns: usize) {
    let (header, rows) = html_table_after(html, heading);
    assert_eq!(header.len(), columns, "{heading}: header {header:?}");
    assert!(!rows.is_empty(), "{heading}: no rows");
    for row in &rows {
        assert_eq!(row.len(), columns, "{heading}: row {row:?}");
    }
}
