//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "riskctl",
    version,
    about = "Governance, keeper, liquidator and simulation for the risk-engine program",
    long_about = "Without --url every command runs on an embedded in-process bank, seeded from \
                  --config (a market and its reserves); nothing persists after the command ends."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// JSON-RPC URL of a cluster; the embedded bank when absent.
    #[arg(long, global = true, env = "RISKCTL_URL")]
    pub url: Option<String>,
    /// Keypair file (Solana CLI JSON) that signs and pays.
    #[arg(long, global = true, env = "RISKCTL_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Deployment file: the market and reserves by symbol
    /// [default: migrations/localnet.toml where it exists, else the
    /// localnet deployment built into riskctl].
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// The program's address, or a cluster of Anchor.toml whose id to use
    /// (localnet, devnet, mainnet) [default: the id compiled into the
    /// program, which the embedded bank runs it at].
    #[arg(long, global = true, env = "RISKCTL_PROGRAM_ID")]
    pub program_id: Option<String>,
    /// Market address; derived from --config and the keypair when absent.
    #[arg(long, global = true)]
    pub market: Option<String>,
    #[arg(long, global = true, value_enum, default_value_t = Commitment::Confirmed)]
    pub commitment: Commitment,
    /// Priority fee, micro-lamports per compute unit.
    #[arg(long, global = true, default_value_t = 0)]
    pub priority_fee: u64,
    /// Compute units requested per transaction.
    #[arg(long, global = true, default_value_t = 400_000)]
    pub compute_unit_limit: u32,
    /// Attempts per RPC call on transient errors, with exponential backoff.
    #[arg(long, global = true, default_value_t = 4)]
    pub rpc_attempts: u32,
    /// `gov` and `deploy` only: print each transaction for this multisig
    /// vault (the market authority) to propose, instead of signing.
    #[arg(long, global = true)]
    pub multisig: Option<String>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log each action (keeper refreshes, liquidations).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Commitment {
    Processed,
    Confirmed,
    Finalized,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update the market and reserves of --config; idempotent.
    Deploy {
        /// Apply on a real cluster (the embedded bank needs no confirmation).
        #[arg(long)]
        yes: bool,
    },
    /// Governance instructions, values in human units.
    #[command(subcommand)]
    Gov(GovCommand),
    /// Refresh reserves whenever their Pyth price is newer.
    Keeper {
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
        /// Wait between passes.
        #[arg(long, default_value = "10s")]
        interval: String,
        /// TOML of `"<mint>" = "<USD depth at 1 % impact>"`, re-read each pass.
        #[arg(long)]
        depth_file: Option<PathBuf>,
    },
    /// Liquidate unhealthy positions, most profitable first.
    Liquidator {
        #[arg(long)]
        once: bool,
        #[arg(long, default_value = "5s")]
        interval: String,
        /// Slippage accepted on the collateral received.
        #[arg(long, default_value = "0.5%")]
        tolerance: String,
        /// At most this many liquidations per pass.
        #[arg(long)]
        max: Option<usize>,
    },
    /// Show a market, a reserve or a position.
    #[command(subcommand)]
    Show(ShowCommand),
    /// Deploy --config on the embedded bank, open a book of borrowers and
    /// replay a price path with the keeper and the liquidator running.
    Simulate(Box<SimulateArgs>),
    /// Write the program's IDL (idl/risk_engine.json) from its source, with
    /// cargo only, and the TypeScript client's copy and type (app/ts/src/idl);
    /// run from the repository root.
    Idl {
        /// Compare the committed IDL with the source instead, and fail on any
        /// difference.
        #[arg(long)]
        check: bool,
    },
    /// Replay a price history through the program's calibration against a
    /// synthetic book, dynamic threshold against static ones.
    Backtest(Box<BacktestArgs>),
    /// Sweep calibration parameters over price histories and recommend the
    /// set with no bad debt and the most capital for borrowers.
    Calibrate(Box<CalibrateArgs>),
    /// Time the README's sweep benchmark (1,000 candidates over 5 years of
    /// synthetic minute prices) beside a fixed reference workload, in one
    /// process, and report their ratio: a slowdown of riskctl's own, whatever
    /// the machine's speed. Run from the repository root.
    Bench(BenchArgs),
    /// Price history.
    #[command(subcommand)]
    Prices(PricesCommand),
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Download candles from Coinbase Exchange's public API into a CSV.
    Fetch {
        /// Product, e.g. BTC-USD, SOL-USD.
        #[arg(long)]
        product: String,
        /// 1m, 5m, 15m, 1h, 6h or 1d.
        #[arg(long, default_value = "1d")]
        interval: String,
        /// First day, YYYY-MM-DD (UTC).
        #[arg(long)]
        from: String,
        /// Day after the last, YYYY-MM-DD (UTC).
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = crate::history::fetch::COINBASE_EXCHANGE)]
        api_url: String,
    },
    /// Write synthetic minute prices (calm and stressed regimes, a crash day
    /// every 97 days) for benchmarks and long sweeps.
    Synthetic {
        /// Length, e.g. 5y, 30d.
        #[arg(long, default_value = "5y")]
        span: String,
        #[arg(long, default_value = "150")]
        start_price: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Price history CSV of the collateral (`unix_timestamp,price` or OHLCV).
    #[arg(long)]
    pub prices: PathBuf,
    /// Price history of the debt asset; $1 when absent.
    #[arg(long)]
    pub debt_prices: Option<PathBuf>,
    #[command(flatten)]
    pub book: BookArgs,
    /// Where the HTML report goes; the runs as JSON go beside it.
    #[arg(long, default_value = "target/riskctl/backtest.html")]
    pub report: PathBuf,
}

/// The synthetic book and the thresholds compared, shared by backtest and
/// calibrate.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Reserve of --config whose parameters are tested.
    #[arg(long, default_value = "SOL")]
    pub asset: String,
    #[arg(long, default_value = "USDC")]
    pub debt: String,
    /// Static thresholds to compare with, comma-separated.
    #[arg(long, default_value = "75%,88%")]
    pub r#static: String,
    #[arg(long, default_value_t = 40)]
    pub borrowers: usize,
    /// Borrowers target shares of the max LTV from this...
    #[arg(long, default_value = "50%")]
    pub min_target: String,
    /// ...to this.
    #[arg(long, default_value = "98%")]
    pub max_target: String,
    /// From unhealthy to liquidated, on the closes (0 s when absent); a
    /// walked history takes --latency instead.
    #[arg(long)]
    pub delay: Option<String>,
    /// How often borrowers borrow back up to their target.
    #[arg(long, default_value = "1d")]
    pub relever: String,
    /// Rolling window of the tail-loss percentiles.
    #[arg(long, default_value = "30d")]
    pub window: String,
    /// Replay each OHLC bar's path (open, extremes, close) walked at this
    /// step, as a keeper watching that often would see it, instead of the
    /// closes alone; e.g. `1min`. The walked history is replayed in a
    /// liquidation market (the flags below; README, "The liquidation
    /// market").
    #[arg(long)]
    pub intrabar: Option<String>,
    #[command(flatten)]
    pub market: MarketArgs,
}

/// The liquidation market a walked history is replayed in. Each list
/// (calibrate) runs every combination as a case; backtest takes one value.
#[derive(Debug, Args)]
pub struct MarketArgs {
    /// From a position falling due to its liquidation landing, e.g.
    /// `0s,1min,5min,30min`.
    #[arg(long, default_value = "1min")]
    pub latency: String,
    /// The book's collateral when it opens, as a share of a day's traded
    /// value, e.g. `0.1%,1%,10%`.
    #[arg(long, default_value = "1%")]
    pub book_share: String,
    /// A whale beside the book, sized as Gauntlet's LLTV tool sizes one (a
    /// sale with 25 % impact, at least --whale-min): `off`, `on` or `off,on`.
    #[arg(long, default_value = "off")]
    pub whale: String,
    #[arg(long, default_value = "0 USD")]
    pub whale_min: String,
    /// A chain halt of this length from the start of the path's largest
    /// drawdown, as a stress case (e.g. `6h`).
    #[arg(long)]
    pub halt: Option<String>,
    /// The square-root law's coefficient Y: impact = Y × σ_day × sqrt(q / V_day).
    #[arg(long, default_value = "1")]
    pub impact_y: String,
    /// How long half of liquidation sales' weight on the price takes to relax.
    #[arg(long, default_value = "1h")]
    pub impact_half_life: String,
    /// A liquidator's cost of selling, as a share of the sale.
    #[arg(long, default_value = "0.1%")]
    pub liquidator_cost: String,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Price histories of the asset (or of several assets), swept together.
    #[arg(long, required = true)]
    pub prices: Vec<PathBuf>,
    #[command(flatten)]
    pub book: BookArgs,
    /// Values to sweep, comma-separated; the asset's own value when absent.
    #[arg(long, default_value = "2.326,2.576,3.09")]
    pub z: String,
    /// Measure `z` on the training history instead of sweeping --z: the
    /// quantile, at this confidence, of each horizon's worst loss over the
    /// sigma the program predicted for it (e.g. "99.5%").
    #[arg(long)]
    pub tail_confidence: Option<String>,
    /// With --intrabar: where each case's `lt_max` comes from: the highest
    /// that training leaves free of bad debt in the case's market, or the
    /// bonus's ceiling (README, "The liquidation market").
    #[arg(long, value_enum, default_value = "training")]
    pub lt_max_from: crate::calibrate::market_cases::LtMaxFrom,
    /// Cap each candidate's lt_max at the jump floor: the highest threshold
    /// that still pays the bonus after the largest loss over one horizon
    /// seen in training.
    #[arg(long)]
    pub jump_floor: bool,
    #[arg(long, default_value = "1d,2d")]
    pub horizon: String,
    #[arg(long)]
    pub fast_half_life: Option<String>,
    #[arg(long)]
    pub slow_half_life: Option<String>,
    #[arg(long, default_value = "40%,50%,60%,75%")]
    pub lt_min: String,
    #[arg(long)]
    pub lt_max: Option<String>,
    #[arg(long)]
    pub tighten: Option<String>,
    #[arg(long)]
    pub loosen: Option<String>,
    #[arg(long)]
    pub bonus: Option<String>,
    /// Stress the recommended set: bootstrapped paths, crash windows and,
    /// with --correlation, joint scenarios over all --prices.
    #[arg(long)]
    pub stress: bool,
    #[arg(long, default_value_t = 20)]
    pub bootstrap: usize,
    /// Returns kept together in a bootstrap block.
    #[arg(long, default_value_t = 10)]
    pub block: usize,
    /// Rows separated by `;`, entries by `,`: one per --prices file.
    #[arg(long)]
    pub correlation: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub scenarios: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Choose on the history up to this UTC day (YYYY-MM-DD, included) and
    /// judge the choice on what follows, beside static thresholds.
    #[arg(long)]
    pub train_until: Option<String>,
    /// With --train-until: also cut each training part into this many
    /// consecutive folds, each of which a set must pass free of bad debt.
    #[arg(long, default_value_t = 0)]
    pub folds: usize,
    #[arg(long, default_value = "target/riskctl/calibrate.html")]
    pub report: PathBuf,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Price history CSV (`unix_timestamp,price` or OHLCV) for the
    /// collateral; the built-in crash when absent.
    #[arg(long)]
    pub prices: Option<PathBuf>,
    #[arg(long, default_value = "SOL")]
    pub collateral: String,
    #[arg(long, default_value = "USDC")]
    pub debt: String,
    #[arg(long, default_value_t = 60)]
    pub borrowers: usize,
    /// The lowest LTV of the book; the highest is just under max LTV.
    #[arg(long, default_value = "25%")]
    pub min_ltv: String,
    /// Path time before the borrowers open.
    #[arg(long, default_value = "72h")]
    pub warmup: String,
    /// Replay at most this many steps of the path.
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Where the HTML report goes; a JSON of every step goes beside it.
    #[arg(long, default_value = "target/riskctl/simulate.html")]
    pub report: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ShowCommand {
    Market,
    /// A reserve, by symbol of --config or by address.
    Reserve {
        reserve: String,
    },
    Position {
        address: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum GovCommand {
    /// e.g. `set-bounds SOL lt_max=90% max_loosen_per_hour=0.5%`
    SetBounds {
        reserve: String,
        values: Vec<String>,
    },
    /// e.g. `set-calibration SOL horizon=12h quantile_z=2.576`
    SetCalibration {
        reserve: String,
        values: Vec<String>,
    },
    /// e.g. `set-oracle SOL max_age=30s max_confidence=1%`
    SetOracle {
        reserve: String,
        values: Vec<String>,
    },
    /// e.g. `set-interest USDC borrow_cap=5000000 slope2=150%`
    SetInterest {
        reserve: String,
        values: Vec<String>,
    },
    /// A key, or `none` to stop depth reports.
    SetDepthReporter {
        reserve: String,
        reporter: String,
    },
    /// e.g. `set-min-borrow USDC 10USD`: a borrow must leave the position
    /// owing at least this much (`0USD` for no minimum).
    SetMinBorrow {
        reserve: String,
        value: String,
    },
    /// e.g. `set-liquidation close_factor=40% dust_value=5USD`
    SetLiquidation {
        values: Vec<String>,
    },
    SetGuardian {
        guardian: String,
    },
    SetTreasury {
        treasury: String,
    },
    /// First step of a hand-over; the new key then runs `accept-authority`.
    ProposeAuthority {
        new_authority: String,
    },
    /// Signed by --keypair, which must be the proposed authority.
    AcceptAuthority,
    /// lending, liquidations, refresh or all (comma-separated).
    Pause {
        flags: Vec<String>,
    },
    Unpause {
        flags: Vec<String>,
    },
}

impl GovCommand {
    /// The command as a person typed it, for a proposal's title.
    pub fn name(&self) -> String {
        let joined = |values: &[String]| values.join(" ");
        match self {
            GovCommand::SetBounds { reserve, values } => {
                format!("set-bounds {reserve} {}", joined(values))
            }
            GovCommand::SetCalibration { reserve, values } => {
                format!("set-calibration {reserve} {}", joined(values))
            }
            GovCommand::SetOracle { reserve, values } => {
                format!("set-oracle {reserve} {}", joined(values))
            }
            GovCommand::SetInterest { reserve, values } => {
                format!("set-interest {reserve} {}", joined(values))
            }
            GovCommand::SetDepthReporter { reserve, reporter } => {
                format!("set-depth-reporter {reserve} {reporter}")
            }
            GovCommand::SetMinBorrow { reserve, value } => {
                format!("set-min-borrow {reserve} {value}")
            }
            GovCommand::SetLiquidation { values } => format!("set-liquidation {}", joined(values)),
            GovCommand::SetGuardian { guardian } => format!("set-guardian {guardian}"),
            GovCommand::SetTreasury { treasury } => format!("set-treasury {treasury}"),
            GovCommand::ProposeAuthority { new_authority } => {
                format!("propose-authority {new_authority}")
            }
            GovCommand::AcceptAuthority => "accept-authority".into(),
            GovCommand::Pause { flags } => format!("pause {}", joined(flags)),
            GovCommand::Unpause { flags } => format!("unpause {}", joined(flags)),
        }
    }
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Runs of each workload; the fastest of each counts.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Where the price file and the reports go.
    #[arg(long, default_value = "target/riskctl/bench")]
    pub dir: PathBuf,
    /// Fail when the ratio is more than 25 % above this file's value for
    /// the build's profile.
    #[arg(long)]
    pub check: Option<PathBuf>,
    /// Write the ratio into this file for the build's profile (on purpose,
    /// with the reason in the commit).
    #[arg(long)]
    pub save: Option<PathBuf>,
}
