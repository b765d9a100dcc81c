//! `riskctl`: the command line around the risk-engine program.

use std::process::ExitCode;

use clap::Parser;
use riskctl::cli::{self, args::Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    riskctl::chain::quiet::enable();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Actions are logged at `info` with `--verbose`, warnings otherwise;
/// `RISKCTL_LOG` (an env-filter) overrides both.
fn init_logging(verbose: bool) {
    let default = if verbose {
        "riskctl=info"
    } else {
        "riskctl=warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RISKCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
