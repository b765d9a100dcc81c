use anchor_lang::prelude::*;

use crate::account_creation::{init_zero_copy, NewPda};
use crate::constants::*;
use crate::error::RiskError;
use crate::events::PositionOpened;
use crate::state::{Market, Position, Reserve};

#[event_cpi]
#[derive(Accounts)]
#[instruction(position_id: u64)]
pub struct OpenPosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(has_one = market @ RiskError::WrongMarket, constraint = collateral_reserve.load()?.is_at(&collateral_reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub collateral_reserve: AccountLoader<'info, Reserve>,
    #[account(has_one = market @ RiskError::WrongMarket, constraint = debt_reserve.load()?.is_at(&debt_reserve.key()) @ RiskError::AccountNotAtItsAddress)]
    pub debt_reserve: AccountLoader<'info, Reserve>,
    /// CHECK: the position PDA, created in the handler.
    #[account(
        mut,
        seeds = [POSITION_SEED, market.key().as_ref(), owner.key().as_ref(), &position_id.to_le_bytes()],
        bump,
    )]
    pub position: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl OpenPosition<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_neq!(
            self.collateral_reserve.key(),
            self.debt_reserve.key(),
            RiskError::SameCollateralAndDebtReserve
        );
        Ok(())
    }

    /// Opens an isolated position: one collateral reserve, one debt reserve.
    /// An owner may hold several, told apart by `position_id`.
    #[access_control(ctx.accounts.validate())]
    pub fn handler(ctx: Context<OpenPosition>, position_id: u64) -> Result<()> {
        let info = ctx.accounts.position.to_account_info();
        let (market, owner) = (ctx.accounts.market.key(), ctx.accounts.owner.key());
        let id_bytes = position_id.to_le_bytes();
        let bump = ctx.bumps.position;
        NewPda {
            payer: &ctx.accounts.owner.to_account_info(),
            target: &info,
            system_program: &ctx.accounts.system_program.to_account_info(),
            owner: &crate::ID,
            space: Position::SPACE,
            seeds: &[
                POSITION_SEED,
                market.as_ref(),
                owner.as_ref(),
                &id_bytes,
                &[bump],
            ],
        }
        .create(RiskError::PositionAlreadyExists)?;
        let (collateral_reserve, debt_reserve) = (
            ctx.accounts.collateral_reserve.key(),
            ctx.accounts.debt_reserve.key(),
        );
        init_zero_copy(&info, |position: &mut Position| {
            position.market = market;
            position.owner = owner;
            position.collateral_reserve = collateral_reserve;
            position.debt_reserve = debt_reserve;
            position.position_id = position_id;
            position.version = ACCOUNT_VERSION;
            position.bump = bump;
            Ok(())
        })?;
        emit_cpi!(PositionOpened {
            position: ctx.accounts.position.key(),
            owner,
            position_id,
            collateral_reserve,
            debt_reserve,
        });
        Ok(())
    }
}
