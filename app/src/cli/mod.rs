//! What each command does with its arguments and how it reports.

use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, bail, Context, Result};
use solana_sdk::signature::Signer;

pub mod args;
pub mod backend;
pub mod backtest_cmd;
pub mod bench_cmd;
pub mod calibrate_cmd;
pub mod market_args;
pub mod price_path;

use crate::config::{units, ConfigSource};
use crate::gov::GovAction;
use crate::history::csv;
use crate::keeper::{self, KeeperOptions};
use crate::liquidator::bot::{self, LiquidatorOptions};
use crate::{deploy, gov, show, simulate};
use args::{Cli, Command, GovCommand, PricesCommand, ShowCommand, SimulateArgs};
use backend::Session;

pub fn run(cli: Cli) -> Result<()> {
    run_on(cli, None)
}

/// Runs `cli` as the binary does, on `chain` when one is given instead of
/// the one the global options name (see `backend::open_on`).
pub fn run_on(cli: Cli, chain: Option<Box<dyn crate::chain::Chain>>) -> Result<()> {
    let global = &cli.global;
    choose_program_id(&cli)?;
    match &cli.command {
        Command::Deploy { yes } => {
            let vault = global.multisig_vault()?;
            run_deploy(
                backend::open_on(global, false, chain)?,
                *yes,
                vault,
                global.json,
            )
        }
        Command::Gov(command) => {
            let vault = global.multisig_vault()?;
            run_gov(
                backend::open_on(global, true, chain)?,
                command,
                vault,
                global.json,
            )
        }
        Command::Keeper {
            once,
            interval,
            depth_file,
        } => {
            let mut session = backend::open_on(global, true, chain)?;
            let options = KeeperOptions {
                market: session.market,
                price_accounts: session.prices.clone(),
                depth_file: depth_file.clone(),
            };
            let report = keeper::run(session.chain.as_mut(), &options, duration(interval)?, *once)?;
            println!(
                "keeper pass: {} refreshed, {} up to date, {} depth reports, {} failed",
                report.refreshed.len(),
                report.up_to_date,
                report.depth_reported.len(),
                report.failed.len()
            );
            for (reserve, before, after) in &report.refreshed {
                println!(
                    "  {reserve}: threshold {} -> {}",
                    units::fmt_bps((*before).into()),
                    units::fmt_bps((*after).into())
                );
            }
            for (reserve, reason) in &report.failed {
                println!("  {reserve}: not refreshed: {reason}");
            }
            // A single pass is what a scheduler runs: one that left a
            // reserve unrefreshed must say so in its exit status too.
            match report.failed.as_slice() {
                [] => Ok(()),
                [(reserve, reason), rest @ ..] => bail!(
                    "{} reserve(s) not refreshed; {reserve}: {reason}{}",
                    report.failed.len(),
                    if rest.is_empty() {
                        ""
                    } else {
                        " (the others above)"
                    }
                ),
            }
        }
        Command::Liquidator {
            once,
            interval,
            tolerance,
            max,
        } => {
            let mut session = backend::open_on(global, true, chain)?;
            let options = LiquidatorOptions {
                market: session.market,
                price_accounts: session.prices.clone(),
                tolerance_bps: units::percent_to_bps_u16(tolerance)
                    .map_err(|e| anyhow!("--tolerance: {e}"))?,
                max_liquidations: *max,
            };
            let pause = duration(interval)?;
            loop {
                let report = bot::pass(session.chain.as_mut(), &options)?;
                println!(
                    "liquidator pass: {} positions, {} unhealthy, {} liquidated, {} skipped",
                    report.positions,
                    report.unhealthy,
                    report.liquidated.len(),
                    report.skipped.len()
                );
                for done in &report.liquidated {
                    println!(
                        "  {}: repaid {} debt base units, received {} collateral base units, profit {} USD",
                        done.position, done.repaid, done.collateral_received, done.profit_usd
                    );
                }
                for (position, reason) in &report.skipped {
                    println!("  {position}: skipped: {reason}");
                }
                if *once {
                    return Ok(());
                }
                std::thread::sleep(pause);
            }
        }
        Command::Show(command) => {
            run_show(backend::open_on(global, true, chain)?, command, global.json)
        }
        Command::Backtest(args) => backtest_cmd::run(global, args),
        Command::Calibrate(args) => calibrate_cmd::run(global, args),
        Command::Bench(args) => bench_cmd::run(args),
        Command::Prices(PricesCommand::Fetch {
            product,
            interval,
            from,
            to,
            out,
            api_url,
        }) => {
            let request = crate::history::fetch::FetchRequest {
                api_url: api_url.clone(),
                product: product.clone(),
                granularity_secs: duration(interval)?.as_secs() as i64,
                from: date(from, "--from")?,
                to: date(to, "--to")?,
            };
            let text = crate::history::fetch::fetch(&request, |page, pages| {
                if !global.json {
                    eprintln!("fetched page {page}/{pages}");
                }
            })?;
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{} candles of {product} written to {}",
                text.lines().count() - 1,
                out.display()
            );
            Ok(())
        }
        Command::Prices(PricesCommand::Synthetic {
            span,
            start_price,
            seed,
            out,
        }) => {
            let minutes = span_minutes(span)?;
            if !(start_price.is_finite() && *start_price > 0.0) {
                bail!("--start-price must be above 0");
            }
            let path = crate::history::synthetic::minutes(minutes, *start_price, *seed);
            crate::history::csv::write(&path, out)?;
            println!("{} minute prices written to {}", path.len(), out.display());
            Ok(())
        }
        Command::Idl { check } => {
            // See `idl::build`: rustup's variable confuses the IDL builder.
            // Nothing else runs yet, so the environment is ours to change.
            std::env::remove_var("RUSTUP_TOOLCHAIN");
            let repo = std::env::current_dir()?;
            let others = crate::idl::OUTPUTS[1..].join(", ");
            if *check {
                crate::idl::check(&repo)?;
                println!("{} and {others} match the source", crate::idl::IDL_PATH);
            } else {
                let count = crate::idl::write(&repo)?;
                println!(
                    "{} written ({count} instructions), with {others}",
                    crate::idl::IDL_PATH
                );
            }
            Ok(())
        }
        Command::Simulate(args) => {
            if global.url.is_some() {
                bail!("simulate runs on the embedded bank only; drop --url");
            }
            run_simulate(global.config_source(), args, global.json)
        }
    }
}

/// A UTC day, YYYY-MM-DD, to unix seconds.
pub(crate) fn date(text: &str, flag: &str) -> Result<i64> {
    let parts: Vec<&str> = text.split('-').collect();
    let parsed = match parts.as_slice() {
        [y, m, d] => y
            .parse::<i64>()
            .ok()
            .zip(m.parse::<u32>().ok())
            .zip(d.parse::<u32>().ok()),
        _ => None,
    };
    match parsed {
        Some(((year, month @ 1..=12), day @ 1..=31)) => {
            Ok(crate::report::chart::days_from_civil(year, month, day) * 86_400)
        }
        _ => bail!("{flag}: \"{text}\" is not a date YYYY-MM-DD"),
    }
}

/// "5y" or "30d" in minutes (a year of 365 days).
fn span_minutes(text: &str) -> Result<usize> {
    let minutes = match text.strip_suffix('y') {
        Some(years) => years.trim().parse::<usize>().ok().map(|y| y * 525_600),
        None => units::duration_to_secs(text)
            .ok()
            .map(|secs| secs as usize / 60),
    };
    match minutes {
        Some(minutes) if minutes >= 2 => Ok(minutes),
        _ => bail!("--span: \"{text}\" is not a length such as 5y or 30d"),
    }
}

/// Takes `--program-id` for the whole run. The embedded bank loads the
/// program at the id compiled into it, and the program runs under no other,
/// so another id is only for a cluster (`--url`).
fn choose_program_id(cli: &Cli) -> Result<()> {
    let Some(text) = &cli.global.program_id else {
        return Ok(());
    };
    let id = crate::program_id::parse(text).context("--program-id")?;
    crate::program_id::choose(id)?;
    let on_embedded_bank = match cli.command {
        Command::Simulate(_) => true,
        Command::Deploy { .. }
        | Command::Gov(_)
        | Command::Keeper { .. }
        | Command::Liquidator { .. }
        | Command::Show(_) => cli.global.url.is_none(),
        _ => false,
    };
    if on_embedded_bank && !crate::program_id::is_compiled_in() {
        bail!(
            "--program-id {id}: the embedded bank runs the program at the id compiled into it, {}; \
             pass --url for a cluster where it is deployed at {id}",
            risk_engine::ID
        );
    }
    Ok(())
}

fn duration(text: &str) -> Result<Duration> {
    let secs = units::duration_to_secs(text).map_err(|e| anyhow!("interval: {e}"))?;
    Ok(Duration::from_secs(secs.into()))
}

fn run_deploy(mut session: Session, yes: bool, vault: Option<Pubkey>, json: bool) -> Result<()> {
    let deployment = session
        .deployment
        .as_ref()
        .ok_or_else(|| anyhow!("deploy needs --config"))?;
    let chain = session.chain.as_mut();
    if let Some(vault) = vault {
        let plan = deploy::plan_for_authority(chain, deployment)?;
        return print_proposals(&vault, plan.proposals()?, json);
    }
    let plan = deploy::plan(chain, deployment)?;
    println!(
        "deploying {} market {} to {}",
        deployment.cluster,
        deployment.market,
        chain.describe()
    );
    print!("{}", plan.render());
    if plan.is_empty() {
        return Ok(());
    }
    if !chain.is_disposable() && !yes {
        println!("nothing sent: re-run with --yes to apply these changes");
        return Ok(());
    }
    let applied = deploy::apply(chain, plan)?;
    println!("applied {applied} change(s)");
    Ok(())
}

/// Prints transactions for a multisig to propose, as text or JSON.
fn print_proposals(
    vault: &Pubkey,
    proposals: Vec<crate::multisig::Proposal>,
    json: bool,
) -> Result<()> {
    let printed = proposals
        .iter()
        .map(|proposal| crate::multisig::print(vault, proposal))
        .collect::<Result<Vec<_>>>()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&printed)?);
    } else {
        print!("{}", crate::multisig::render(vault, &printed));
    }
    Ok(())
}

fn run_gov(
    mut session: Session,
    command: &GovCommand,
    vault: Option<Pubkey>,
    json: bool,
) -> Result<()> {
    let reserve = |name: &str| session.reserve(name);
    let key = |text: &str| {
        crate::config::resolve::parse_pubkey(text).map_err(|reason| anyhow!("{reason}"))
    };
    let action = match command {
        GovCommand::SetBounds { reserve: r, values } => GovAction::SetBounds {
            reserve: reserve(r)?,
            values: values.clone(),
        },
        GovCommand::SetCalibration { reserve: r, values } => GovAction::SetCalibration {
            reserve: reserve(r)?,
            values: values.clone(),
        },
        GovCommand::SetOracle { reserve: r, values } => GovAction::SetOracle {
            reserve: reserve(r)?,
            values: values.clone(),
        },
        GovCommand::SetInterest { reserve: r, values } => GovAction::SetInterest {
            reserve: reserve(r)?,
            values: values.clone(),
        },
        GovCommand::SetDepthReporter {
            reserve: r,
            reporter,
        } => GovAction::SetDepthReporter {
            reserve: reserve(r)?,
            reporter: if reporter == "none" {
                None
            } else {
                Some(key(reporter)?)
            },
        },
        GovCommand::SetMinBorrow { reserve: r, value } => GovAction::SetMinBorrow {
            reserve: reserve(r)?,
            value: value.clone(),
        },
        GovCommand::SetLiquidation { values } => GovAction::SetLiquidation {
            values: values.clone(),
        },
        GovCommand::SetGuardian { guardian } => GovAction::SetGuardian {
            guardian: key(guardian)?,
        },
        GovCommand::SetTreasury { treasury } => GovAction::SetTreasury {
            treasury: key(treasury)?,
        },
        GovCommand::ProposeAuthority { new_authority } => GovAction::ProposeAuthority {
            new_authority: key(new_authority)?,
        },
        GovCommand::AcceptAuthority => GovAction::AcceptAuthority,
        GovCommand::Pause { flags } => GovAction::Pause {
            flags: flags.clone(),
        },
        GovCommand::Unpause { flags } => GovAction::Unpause {
            flags: flags.clone(),
        },
    };
    let chain = session.chain.as_mut();
    if let Some(vault) = vault {
        let prepared = gov::prepare_for(chain, session.market, &action, vault)?;
        let proposal = crate::multisig::Proposal {
            title: command.name(),
            diff: prepared.diff,
            instructions: vec![prepared.instruction],
        };
        return print_proposals(&vault, vec![proposal], json);
    }
    let prepared = gov::prepare(chain, session.market, &action)?;
    for line in &prepared.diff {
        println!("  {line}");
    }
    if prepared.diff.is_empty() {
        println!("  (no value changes)");
    }
    gov::apply(chain, &prepared, &[]).context("the program refused the change")?;
    println!("applied by {}", chain.payer().pubkey());
    Ok(())
}

fn run_show(mut session: Session, command: &ShowCommand, json: bool) -> Result<()> {
    let chain = session.chain.as_mut();
    let view = match command {
        ShowCommand::Market => {
            let symbols = session.symbols();
            show::market(
                session.chain.as_mut(),
                &session.market,
                &session.prices,
                &symbols,
            )?
        }
        ShowCommand::Reserve { reserve } => {
            let address = session.reserve(reserve)?;
            show::reserve(session.chain.as_mut(), &address, &session.prices)?
        }
        ShowCommand::Position { address } => {
            let address = crate::config::resolve::parse_pubkey(address)
                .map_err(|reason| anyhow!("{reason}"))?;
            show::position(chain, &address, &session.prices)?
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&view.to_json())?);
    } else {
        print!("{}", view.render_text());
    }
    Ok(())
}

fn run_simulate(config: ConfigSource, args: &SimulateArgs, json: bool) -> Result<()> {
    let min_ltv = units::percent_to_bps(&args.min_ltv).map_err(|e| anyhow!("--min-ltv: {e}"))?;
    let options = simulate::SimulateOptions {
        config,
        collateral: args.collateral.clone(),
        debt: args.debt.clone(),
        borrowers: args.borrowers,
        min_ltv: f64::from(min_ltv) / 10_000.0,
        warmup_hours: i64::from(
            units::duration_to_secs(&args.warmup).map_err(|e| anyhow!("--warmup: {e}"))?,
        ) / 3_600,
        max_steps: args.max_steps,
        show_progress: !json,
    };
    let path = args.prices.as_deref().map(csv::read).transpose()?;
    let simulation = simulate::run(path.as_deref(), &options)?;
    let json_path = args.report.with_extension("json");
    simulate::report::write(&simulation, &args.report)
        .with_context(|| format!("cannot write {}", args.report.display()))?;
    let machine = serde_json::json!({ "summary": simulation.summary, "steps": simulation.records });
    std::fs::write(&json_path, serde_json::to_string_pretty(&machine)?)
        .with_context(|| format!("cannot write {}", json_path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&simulation.summary)?);
    } else {
        print!("{}", simulation.summary.render());
        println!("report: {}", args.report.display());
        println!("steps:  {}", json_path.display());
    }
    if !simulation.summary.books_balance() {
        bail!("a vault does not match its reserve's books: see the summary");
    }
    Ok(())
}
