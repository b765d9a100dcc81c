use anchor_lang::prelude::*;

use crate::account_creation::{init_zero_copy, NewPda};
use crate::constants::*;
use crate::error::RiskError;
use crate::events::MarketInitialized;
use crate::state::{LiquidationConfig, Market};

/// What a new market starts with.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InitMarketArgs {
    /// Lets one authority run several markets; part of the PDA seeds.
    pub market_id: u64,
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub quote_currency: [u8; 8],
    pub liquidation: LiquidationConfig,
}

#[event_cpi]
#[derive(Accounts)]
#[instruction(args: InitMarketArgs)]
pub struct InitMarket<'info> {
    /// Pays for the market and becomes its first governance authority.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// CHECK: the market PDA, created in the handler (see `account_creation`).
    #[account(
        mut,
        seeds = [MARKET_SEED, authority.key().as_ref(), &args.market_id.to_le_bytes()],
        bump,
    )]
    pub market: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl InitMarket<'_> {
    pub fn validate(&self, args: &InitMarketArgs) -> Result<()> {
        args.liquidation.validate()
    }

    /// Creates a market with the signer as authority and nothing paused.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handler(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        let authority = ctx.accounts.authority.key();
        let market_info = ctx.accounts.market.to_account_info();
        let id_bytes = args.market_id.to_le_bytes();
        let bump = [ctx.bumps.market];
        NewPda {
            payer: &ctx.accounts.authority.to_account_info(),
            target: &market_info,
            system_program: &ctx.accounts.system_program.to_account_info(),
            owner: &crate::ID,
            space: Market::SPACE,
            seeds: &[MARKET_SEED, authority.as_ref(), &id_bytes, &bump],
        }
        .create(RiskError::MarketAlreadyExists)?;
        init_zero_copy(&market_info, |market: &mut Market| {
            market.authority = authority;
            market.creator = authority;
            market.pending_authority = Pubkey::default();
            market.guardian = args.guardian;
            market.treasury = args.treasury;
            market.market_id = args.market_id;
            market.liquidation = args.liquidation;
            market.quote_currency = args.quote_currency;
            market.version = ACCOUNT_VERSION;
            market.bump = ctx.bumps.market;
            market.pause_flags = 0;
            market.invariant()
        })?;
        emit_cpi!(MarketInitialized {
            market: ctx.accounts.market.key(),
            authority,
            guardian: args.guardian,
            treasury: args.treasury,
            market_id: args.market_id,
            quote_currency: args.quote_currency,
            liquidation: args.liquidation,
        });
        Ok(())
    }
}
