//! `riskctl deploy`: makes the chain match a deployment file.
//!
//! The plan compares every value of the file with the chain and lists the
//! changes, each with its diff, before anything is sent; applying an empty
//! plan sends nothing, so a second deploy is a no-op.

use crate::client::pda;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{bail, Context, Result};
use risk_engine::instructions::{AddReserveArgs, InitMarketArgs};
use risk_engine::state::{Market, Reserve};
use solana_sdk::account::Account;
use solana_sdk::signature::{Keypair, Signer};

use crate::accounts;
use crate::chain::Chain;
use crate::client::{builders, pyth::PythPrice, tokens};
use crate::config::{Deployment, MintSource, ReserveSpec};
use crate::describe;

/// One step towards the file: what it does, the values it changes, and how.
pub struct Change {
    pub title: String,
    pub diff: Vec<String>,
    action: Action,
}

enum Action {
    Send {
        instructions: Vec<Instruction>,
        signers: Vec<Keypair>,
    },
    /// Embedded bank only: a Pyth account no receiver program posts there.
    WriteAccount { address: Pubkey, account: Account },
}

#[derive(Default)]
pub struct Plan {
    pub changes: Vec<Change>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The plan as a person reads it.
    pub fn render(&self) -> String {
        if self.is_empty() {
            return "nothing to change: the chain already matches the file".to_string();
        }
        let mut out = format!("{} change(s):\n", self.changes.len());
        for change in &self.changes {
            out.push_str(&format!("  + {}\n", change.title));
            for line in &change.diff {
                out.push_str(&format!("      {line}\n"));
            }
        }
        out
    }
}

/// Compares the file with the chain.
pub fn plan(chain: &mut dyn Chain, deployment: &Deployment) -> Result<Plan> {
    let payer = chain.payer().pubkey();
    if payer != deployment.authority {
        bail!(
            "the deployment was resolved for {}, but the chain signs with {payer}",
            deployment.authority
        );
    }
    plan_for_authority(chain, deployment)
}

/// Compares the file with the chain for `deployment.authority`, whoever
/// signs here: for a multisig, whose vault is that authority and signs
/// elsewhere (`multisig`).
pub fn plan_for_authority(chain: &mut dyn Chain, deployment: &Deployment) -> Result<Plan> {
    let mut plan = Plan::default();
    plan_market(chain, deployment, &mut plan)?;
    for spec in &deployment.reserves {
        plan_reserve(chain, deployment, spec, &mut plan)
            .with_context(|| format!("reserve {}", spec.symbol))?;
    }
    Ok(plan)
}

impl Plan {
    /// Each change as the instructions of one transaction the authority
    /// signs alone, for a multisig to propose. A change that needs another
    /// signer (a mint created with its own key) or writes an account
    /// directly (the embedded bank's Pyth accounts) cannot be proposed.
    pub fn proposals(&self) -> Result<Vec<crate::multisig::Proposal>> {
        self.changes
            .iter()
            .map(|change| match &change.action {
                Action::Send {
                    instructions,
                    signers,
                } if signers.is_empty() => Ok(crate::multisig::Proposal {
                    title: change.title.clone(),
                    diff: change.diff.clone(),
                    instructions: instructions.clone(),
                }),
                Action::Send { .. } => bail!(
                    "\"{}\" needs its own key's signature: create it first, or name an existing one",
                    change.title
                ),
                Action::WriteAccount { address, .. } => bail!(
                    "\"{}\" writes account {address} directly, which only the embedded bank can",
                    change.title
                ),
            })
            .collect()
    }
}

/// Sends the plan's changes in order; returns how many were applied.
pub fn apply(chain: &mut dyn Chain, plan: Plan) -> Result<usize> {
    let count = plan.changes.len();
    for change in plan.changes {
        match change.action {
            Action::Send {
                instructions,
                signers,
            } => {
                let signers: Vec<&Keypair> = signers.iter().collect();
                chain
                    .send(&instructions, &signers)
                    .with_context(|| format!("while applying: {}", change.title))?;
            }
            Action::WriteAccount { address, account } => {
                chain.write_account(&address, account)?;
            }
        }
        tracing::info!("applied: {}", change.title);
    }
    Ok(count)
}

fn send(title: String, diff: Vec<String>, instructions: Vec<Instruction>) -> Change {
    Change {
        title,
        diff,
        action: Action::Send {
            instructions,
            signers: Vec::new(),
        },
    }
}

fn plan_market(chain: &mut dyn Chain, d: &Deployment, plan: &mut Plan) -> Result<()> {
    let Some(market) = accounts::load::<Market>(chain, &d.market)? else {
        let args = InitMarketArgs {
            market_id: d.market_id,
            guardian: d.guardian,
            treasury: d.treasury,
            quote_currency: d.quote_currency,
            liquidation: d.liquidation,
        };
        let diff = describe::liquidation(&d.liquidation)
            .into_iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        plan.changes.push(send(
            format!("create market {} (id {})", d.market, d.market_id),
            diff,
            vec![builders::init_market(d.authority, args)],
        ));
        return Ok(());
    };
    if market.authority != d.authority {
        bail!(
            "market {} is governed by {}; deploy with that keypair",
            d.market,
            market.authority
        );
    }
    if market.quote_currency != d.quote_currency {
        bail!(
            "market {} quotes in another currency; a market's quote currency cannot change",
            d.market
        );
    }
    if market.guardian != d.guardian {
        plan.changes.push(send(
            "set guardian".into(),
            vec![format!("guardian: {} -> {}", market.guardian, d.guardian)],
            vec![builders::set_guardian(d.authority, d.market, d.guardian)],
        ));
    }
    if market.treasury != d.treasury {
        plan.changes.push(send(
            "set treasury".into(),
            vec![format!("treasury: {} -> {}", market.treasury, d.treasury)],
            vec![builders::set_treasury(d.authority, d.market, d.treasury)],
        ));
    }
    if market.liquidation != d.liquidation {
        plan.changes.push(send(
            "set liquidation rules".into(),
            describe::diff(
                &describe::liquidation(&market.liquidation),
                &describe::liquidation(&d.liquidation),
            ),
            vec![builders::set_liquidation_config(
                d.authority,
                d.market,
                d.liquidation,
            )],
        ));
    }
    Ok(())
}

fn plan_reserve(
    chain: &mut dyn Chain,
    d: &Deployment,
    spec: &ReserveSpec,
    plan: &mut Plan,
) -> Result<()> {
    let mint = spec.mint_address();
    let token_program = plan_mint(chain, spec, plan)?;
    plan_price_account(chain, spec, plan)?;
    let reserve_address = pda::reserve(&d.market, &mint).0;
    let Some(reserve) = accounts::load::<Reserve>(chain, &reserve_address)? else {
        let args = AddReserveArgs {
            oracle: spec.oracle,
            bounds: spec.bounds,
            calibration: spec.calibration,
            interest: spec.interest,
            depth_reporter: spec.depth_reporter,
        };
        let mut diff: Vec<String> = describe::bounds(&spec.bounds)
            .into_iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        diff.insert(
            0,
            format!("mint: {mint}, price account: {}", spec.price_account),
        );
        let mut instructions = vec![builders::add_reserve(
            d.authority,
            d.market,
            mint,
            token_program,
            args,
        )];
        // A listing starts with no minimum borrow value: set it in the
        // same transaction, so no borrow ever meets the reserve without it.
        if spec.min_borrow_value_quote > 0 {
            diff.push(format!("min_borrow: {} USD", spec.min_borrow_value_quote));
            instructions.push(builders::set_min_borrow_value(
                d.authority,
                d.market,
                reserve_address,
                spec.min_borrow_value_quote,
            ));
        }
        plan.changes.push(send(
            format!("list {} (reserve {reserve_address})", spec.symbol),
            diff,
            instructions,
        ));
        return Ok(());
    };
    let (authority, market) = (d.authority, d.market);
    let symbol = &spec.symbol;
    let mut block = |title: &str, diff: Vec<String>, ix: Instruction| {
        if !diff.is_empty() {
            plan.changes
                .push(send(format!("{symbol}: {title}"), diff, vec![ix]));
        }
    };
    block(
        "set oracle config",
        describe::diff(
            &describe::oracle(&reserve.oracle),
            &describe::oracle(&spec.oracle),
        ),
        builders::set_oracle_config(authority, market, reserve_address, spec.oracle),
    );
    block(
        "set risk bounds",
        describe::diff(
            &describe::bounds(&reserve.bounds),
            &describe::bounds(&spec.bounds),
        ),
        builders::set_risk_bounds(authority, market, reserve_address, spec.bounds),
    );
    block(
        "set calibration parameters",
        describe::diff(
            &describe::calibration(&reserve.calibration),
            &describe::calibration(&spec.calibration),
        ),
        builders::set_calibration_params(authority, market, reserve_address, spec.calibration),
    );
    block(
        "set interest model",
        describe::diff(
            &describe::interest(&reserve.interest, spec.decimals, symbol),
            &describe::interest(&spec.interest, spec.decimals, symbol),
        ),
        builders::set_interest_model(authority, market, reserve_address, spec.interest),
    );
    if reserve.min_borrow_value_quote != spec.min_borrow_value_quote {
        block(
            "set minimum borrow value",
            vec![format!(
                "min_borrow: {} USD -> {} USD",
                reserve.min_borrow_value_quote, spec.min_borrow_value_quote
            )],
            builders::set_min_borrow_value(
                authority,
                market,
                reserve_address,
                spec.min_borrow_value_quote,
            ),
        );
    }
    if reserve.depth_reporter != spec.depth_reporter {
        block(
            "set depth reporter",
            vec![format!(
                "depth_reporter: {} -> {}",
                describe::key(&reserve.depth_reporter),
                describe::key(&spec.depth_reporter)
            )],
            builders::set_depth_reporter(authority, market, reserve_address, spec.depth_reporter),
        );
    }
    Ok(())
}

/// Checks an existing mint, or plans the creation of a local one; returns
/// the mint's token program.
fn plan_mint(chain: &mut dyn Chain, spec: &ReserveSpec, plan: &mut Plan) -> Result<Pubkey> {
    let address = spec.mint_address();
    let found = accounts::mint_decimals(chain, &address)?;
    match (&spec.mint, found) {
        (_, Some((decimals, token_program))) => {
            if decimals != spec.decimals {
                bail!(
                    "mint {address} has {decimals} decimals, the file says {}",
                    spec.decimals
                );
            }
            Ok(token_program)
        }
        (MintSource::Existing(_), None) => {
            bail!("mint {address} does not exist on {}", chain.describe())
        }
        (source @ MintSource::Create { token_program, .. }, None) => {
            let keypair = source.keypair().expect("a created mint has its key");
            let payer = chain.payer().pubkey();
            let instructions = tokens::create_mint_ixs(
                &payer,
                &keypair,
                token_program,
                spec.decimals,
                &payer,
                &[],
                vec![],
            );
            plan.changes.push(Change {
                title: format!("create mint {address} for {}", spec.symbol),
                diff: vec![format!(
                    "decimals: {}, mint authority: {payer}",
                    spec.decimals
                )],
                action: Action::Send {
                    instructions,
                    signers: vec![keypair],
                },
            });
            Ok(*token_program)
        }
    }
}

/// The reserve's Pyth account must carry its feed; on the embedded bank a
/// missing one is posted at the file's initial price.
fn plan_price_account(chain: &mut dyn Chain, spec: &ReserveSpec, plan: &mut Plan) -> Result<()> {
    let address = spec.price_account;
    if let Some(update) = accounts::price_update(chain, &address)? {
        if update.price_message.feed_id != spec.feed_id {
            bail!(
                "price account {address} carries feed {}, not {}",
                describe::hex(&update.price_message.feed_id),
                describe::hex(&spec.feed_id)
            );
        }
        return Ok(());
    }
    match (chain.is_disposable(), spec.initial_price_e8) {
        (true, Some(price_e8)) => {
            let now = chain.unix_timestamp()?;
            let account = PythPrice::new(spec.feed_id, price_e8, -8, now).to_account();
            plan.changes.push(Change {
                title: format!("post a Pyth price for {} at {address}", spec.symbol),
                diff: vec![format!("price: {} USD", price_e8 as f64 / 1e8)],
                action: Action::WriteAccount { address, account },
            });
            Ok(())
        }
        _ => bail!(
            "no Pyth price account for feed {} at {address} on {}: is the feed id right, and is it posted on this cluster?",
            describe::hex(&spec.feed_id),
            chain.describe()
        ),
    }
}
