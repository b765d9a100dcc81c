//! The participants of a simulation: a supplier of the debt asset, the
//! liquidator's inventory, and borrowers at a spread of LTVs.

use crate::client::pda;
use anchor_lang::prelude::Pubkey;
use anyhow::{Context, Result};
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;

use crate::chain::Chain;
use crate::client::builders::{self, PricedPosition};
use crate::client::{tokens, ReserveAccounts};

/// Lamports each new key gets for rent and fees.
const KEY_LAMPORTS: u64 = 100_000_000;

/// Creates `wallet`'s associated account of `asset` if needed and mints
/// `amount` base units to it (the operator is the local mints' authority).
pub fn fund(
    chain: &mut dyn Chain,
    wallet: &Pubkey,
    asset: &ReserveAccounts,
    amount: u64,
) -> Result<Pubkey> {
    let operator = chain.payer().pubkey();
    let account = asset.associated_account(wallet);
    let mut instructions = vec![create_associated_token_account_idempotent(
        &operator,
        wallet,
        &asset.mint,
        &asset.token_program,
    )];
    if amount > 0 {
        instructions.push(tokens::mint_to_ix(
            &asset.token_program,
            &asset.mint,
            &account,
            &operator,
            amount,
        ));
    }
    chain.send(&instructions, &[])?;
    Ok(account)
}

/// A new key with SOL for rent.
pub fn new_participant(chain: &mut dyn Chain) -> Result<Keypair> {
    let key = Keypair::new();
    give_rent_lamports(chain, &key.pubkey())?;
    Ok(key)
}

/// Sends `key` the SOL a participant needs for rent, from the operator.
pub fn give_rent_lamports(chain: &mut dyn Chain, key: &Pubkey) -> Result<()> {
    let operator = chain.payer().pubkey();
    let ix = solana_system_interface::instruction::transfer(&operator, key, KEY_LAMPORTS);
    chain.send(&[ix], &[])?;
    Ok(())
}

/// A supplier puts `amount` base units of `asset` into the market.
pub fn supply(
    chain: &mut dyn Chain,
    market: Pubkey,
    asset: &ReserveAccounts,
    amount: u64,
) -> Result<()> {
    let lender = new_participant(chain)?;
    supply_as(chain, &lender, market, asset, amount)
}

/// As `supply`, by `lender`, a key that already holds SOL for rent: a
/// caller that runs one scenario on two chains names the same keys on both.
pub fn supply_as(
    chain: &mut dyn Chain,
    lender: &Keypair,
    market: Pubkey,
    asset: &ReserveAccounts,
    amount: u64,
) -> Result<()> {
    let account = fund(chain, &lender.pubkey(), asset, amount)?;
    let ix = builders::supply(lender.pubkey(), market, asset, account, amount, 0);
    chain
        .send(&[ix], &[&lender])
        .context("supplying the debt asset")?;
    Ok(())
}

/// A borrower to open: collateral value and loan-to-value.
#[derive(Debug, Clone, Copy)]
pub struct BorrowerPlan {
    pub collateral_usd: f64,
    pub ltv: f64,
}

/// `count` borrowers with LTVs evenly from `min_ltv` to `max_ltv` and
/// collateral from $2,000 to $200,000, spread log-evenly and interleaved
/// so that size and LTV are not correlated.
pub fn plans(count: usize, min_ltv: f64, max_ltv: f64) -> Vec<BorrowerPlan> {
    (0..count)
        .map(|i| {
            let along = if count > 1 {
                i as f64 / (count - 1) as f64
            } else {
                0.0
            };
            let size_along = ((i * 7) % count.max(1)) as f64 / count.max(1) as f64;
            BorrowerPlan {
                collateral_usd: 2_000.0 * 100f64.powf(size_along),
                ltv: min_ltv + (max_ltv - min_ltv) * along,
            }
        })
        .collect()
}

/// Opens one position: collateral in, debt out, at the given prices.
pub fn open_borrower(
    chain: &mut dyn Chain,
    market: Pubkey,
    collateral: &ReserveAccounts,
    debt: &ReserveAccounts,
    plan: BorrowerPlan,
    collateral_price: f64,
    debt_price: f64,
) -> Result<Pubkey> {
    let borrower = new_participant(chain)?;
    open_borrower_as(
        chain,
        &borrower,
        market,
        (collateral, debt),
        plan,
        (collateral_price, debt_price),
    )
}

/// As `open_borrower`, by `borrower`, a key that already holds SOL for
/// rent; `assets` and `prices` are (collateral, debt).
pub fn open_borrower_as(
    chain: &mut dyn Chain,
    borrower: &Keypair,
    market: Pubkey,
    assets: (&ReserveAccounts, &ReserveAccounts),
    plan: BorrowerPlan,
    prices: (f64, f64),
) -> Result<Pubkey> {
    let ((collateral, debt), (collateral_price, debt_price)) = (assets, prices);
    let owner = borrower.pubkey();
    let collateral_units =
        to_base_units(plan.collateral_usd / collateral_price, collateral.decimals);
    let debt_units = to_base_units(plan.collateral_usd * plan.ltv / debt_price, debt.decimals);
    let collateral_account = fund(chain, &owner, collateral, collateral_units)?;
    let debt_account = fund(chain, &owner, debt, 0)?;
    let position = pda::position(&market, &owner, 0).0;
    let priced = PricedPosition {
        owner,
        market,
        position,
        collateral: *collateral,
        debt: *debt,
    };
    let instructions = [
        builders::open_position(owner, market, collateral.reserve, debt.reserve, 0),
        builders::deposit_collateral(
            owner,
            position,
            collateral,
            collateral_account,
            collateral_units,
        ),
        builders::borrow(&priced, debt_account, debt_units),
    ];
    chain
        .send(&instructions, &[borrower])
        .with_context(|| format!("opening a position at {:.1} % LTV", plan.ltv * 100.0))?;
    Ok(position)
}

fn to_base_units(tokens: f64, decimals: u8) -> u64 {
    (tokens * 10f64.powi(i32::from(decimals))).floor() as u64
}
