use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RiskError;
use crate::events::ProtocolFeesClaimed;
use crate::lending;
use crate::state::{Market, Reserve};
use crate::token_flow::VaultTransfer;

#[event_cpi]
#[derive(Accounts)]
pub struct ClaimProtocolFees<'info> {
    pub market: AccountLoader<'info, Market>,
    #[account(
        mut,
        has_one = market @ RiskError::WrongMarket,
        has_one = mint @ RiskError::WrongMint,
        has_one = vault @ RiskError::WrongVault,
        has_one = token_program @ RiskError::WrongTokenProgram,
    )]
    pub reserve: AccountLoader<'info, Reserve>,
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    #[account(
        mut,
        constraint = treasury_token_account.owner == market.load()?.treasury @ RiskError::WrongTreasury,
        constraint = treasury_token_account.mint == mint.key() @ RiskError::WrongMint,
    )]
    pub treasury_token_account: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimProtocolFees<'_> {
    /// Permissionless: sends the reserve's accrued protocol fees to a token
    /// account of the market's treasury, the only place they can go.
    pub fn handler(ctx: Context<ClaimProtocolFees>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let amount = {
            let mut reserve = ctx.accounts.reserve.load_mut()?;
            lending::accrue_interest(&mut reserve, now)?;
            let amount = lending::claim_protocol_fees(&mut reserve)?;
            reserve.invariant()?;
            amount
        };
        let reserve = ctx.accounts.reserve.load()?;
        VaultTransfer {
            token_program: &ctx.accounts.token_program.to_account_info(),
            mint: &ctx.accounts.mint.to_account_info(),
            vault: &ctx.accounts.vault.to_account_info(),
            user_token_account: &ctx.accounts.treasury_token_account.to_account_info(),
            decimals: reserve.mint_decimals,
        }
        .out_of_vault(&ctx.accounts.reserve.to_account_info(), &reserve, amount)?;
        drop(reserve);
        emit_cpi!(ProtocolFeesClaimed {
            reserve: ctx.accounts.reserve.key(),
            treasury_token_account: ctx.accounts.treasury_token_account.key(),
            amount,
        });
        Ok(())
    }
}
