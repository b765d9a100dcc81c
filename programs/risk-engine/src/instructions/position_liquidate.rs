use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;

use crate::constants::PAUSE_LIQUIDATIONS;
use crate::error::RiskError;
use crate::events::Liquidated;
use crate::liquidation;
use crate::oracle::pyth;
use crate::state::{Market, Position, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct Liquidate<'info> {
    pub liquidator: Signer<'info>,
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ RiskError::WrongMarket,
        has_one = collateral_reserve @ RiskError::WrongReserve,
        has_one = debt_reserve @ RiskError::WrongReserve,
    )]
    pub position: AccountLoader<'info, Position>,
    #[account(mut)]
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    #[account(mut)]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    pub collateral_price: Box<Account<'info, PriceUpdateV2>>,
    pub debt_price: Box<Account<'info, PriceUpdateV2>>,
    #[account(constraint = collateral_mint.key() == collateral_reserve.load()?.mint @ RiskError::WrongMint)]
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, constraint = collateral_vault.key() == collateral_reserve.load()?.vault @ RiskError::WrongVault)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(constraint = debt_mint.key() == debt_reserve.load()?.mint @ RiskError::WrongMint)]
    pub debt_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, constraint = debt_vault.key() == debt_reserve.load()?.vault @ RiskError::WrongVault)]
    pub debt_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, constraint = liquidator_collateral_account.mint == collateral_mint.key() @ RiskError::WrongMint)]
    pub liquidator_collateral_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, constraint = liquidator_debt_account.mint == debt_mint.key() @ RiskError::WrongMint)]
    pub liquidator_debt_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = treasury_collateral_account.owner == market.load()?.treasury @ RiskError::WrongTreasury,
        constraint = treasury_collateral_account.mint == collateral_mint.key() @ RiskError::WrongMint,
    )]
    pub treasury_collateral_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        constraint = collateral_token_program.key() == collateral_reserve.load()?.token_program
            @ RiskError::WrongTokenProgram,
    )]
    pub collateral_token_program: Interface<'info, TokenInterface>,
    #[account(
        constraint = debt_token_program.key() == debt_reserve.load()?.token_program @ RiskError::WrongTokenProgram,
    )]
    pub debt_token_program: Interface<'info, TokenInterface>,
}

impl Liquidate<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.market.load()?.is_paused(PAUSE_LIQUIDATIONS),
            RiskError::LiquidationsPaused
        );
        require_keys_neq!(
            self.position.load()?.owner,
            self.liquidator.key(),
            RiskError::SelfLiquidation
        );
        Ok(())
    }

    /// Repays up to `max_repay` of an unhealthy position's debt and takes
    /// its collateral with the bonus (see `liquidation::liquidate`); the
    /// treasury's share of the bonus goes to its account, the rest to the
    /// liquidator, who receives at least `min_collateral_out` or nothing.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<Liquidate>, max_repay: u64, min_collateral_out: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let rules = ctx.accounts.market.load()?.liquidation;
        let (outcome, collateral_price, debt_price) = {
            let mut collateral = ctx.accounts.collateral_reserve.load_mut()?;
            let mut debt = ctx.accounts.debt_reserve.load_mut()?;
            let mut position = ctx.accounts.position.load_mut()?;
            let collateral_price =
                pyth::load_price(&ctx.accounts.collateral_price, &collateral.oracle, now)?;
            let debt_price = pyth::load_price(&ctx.accounts.debt_price, &debt.oracle, now)?;
            let outcome = liquidation::liquidate(
                &mut position,
                &mut collateral,
                &collateral_price,
                &mut debt,
                &debt_price,
                &rules,
                max_repay,
                now,
            )?;
            collateral.invariant()?;
            debt.invariant()?;
            (outcome, collateral_price, debt_price)
        };
        require!(
            outcome.split.to_liquidator >= min_collateral_out,
            RiskError::CollateralOutBelowMinimum
        );
        ctx.accounts.move_tokens(
            outcome.repaid,
            outcome.split.to_liquidator,
            outcome.split.protocol_fee,
        )?;
        emit_cpi!(Liquidated {
            position: ctx.accounts.position.key(),
            liquidator: ctx.accounts.liquidator.key(),
            collateral_price: collateral_price.price.into(),
            collateral_conf: collateral_price.conf.into(),
            debt_price: debt_price.price.into(),
            debt_conf: debt_price.conf.into(),
            threshold_bps: outcome.threshold_bps,
            health_before: outcome.health_before.into(),
            health_after: outcome.health_after.into(),
            repaid: outcome.repaid,
            seized: outcome.seized,
            bonus: outcome.split.bonus,
            protocol_fee: outcome.split.protocol_fee,
            to_liquidator: outcome.split.to_liquidator,
            deficit: outcome.deficit,
        });
        Ok(())
    }
}

impl<'info> Liquidate<'info> {
    /// Debt in from the liquidator; collateral out to the liquidator and
    /// to the treasury.
    fn move_tokens(&self, repaid: u64, to_liquidator: u64, protocol_fee: u64) -> Result<()> {
        let debt = self.debt_reserve.load()?;
        VaultTransfer {
            token_program: &self.debt_token_program.to_account_info(),
            mint: &self.debt_mint.to_account_info(),
            vault: &self.debt_vault.to_account_info(),
            user_token_account: &self.liquidator_debt_account.to_account_info(),
            decimals: debt.mint_decimals,
        }
        .into_vault(&self.liquidator.to_account_info(), repaid)?;
        let collateral = self.collateral_reserve.load()?;
        let reserve_info = self.collateral_reserve.to_account_info();
        let out = |destination: AccountInfo<'info>, amount: u64| -> Result<()> {
            if amount == 0 {
                return Ok(());
            }
            VaultTransfer {
                token_program: &self.collateral_token_program.to_account_info(),
                mint: &self.collateral_mint.to_account_info(),
                vault: &self.collateral_vault.to_account_info(),
                user_token_account: &destination,
                decimals: collateral.mint_decimals,
            }
            .out_of_vault(&reserve_info, &collateral, amount)
        };
        out(
            self.liquidator_collateral_account.to_account_info(),
            to_liquidator,
        )?;
        out(
            self.treasury_collateral_account.to_account_info(),
            protocol_fee,
        )
    }
}
