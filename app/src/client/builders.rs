//! Instruction builders for every risk-engine instruction.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use risk_engine::instructions::{AddReserveArgs, InitMarketArgs};
use risk_engine::state::*;
use risk_engine::{accounts, instruction};

use super::{pda, ReserveAccounts};
use crate::program_id;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: program_id::id(),
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

pub fn init_market(authority: Pubkey, args: InitMarketArgs) -> Instruction {
    let market = pda::market(&authority, args.market_id).0;
    build(
        accounts::InitMarket {
            authority,
            market,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::InitMarket { args },
    )
}

pub fn add_reserve(
    authority: Pubkey,
    market: Pubkey,
    mint: Pubkey,
    token_program: Pubkey,
    args: AddReserveArgs,
) -> Instruction {
    let reserve = pda::reserve(&market, &mint).0;
    build(
        accounts::AddReserve {
            authority,
            market,
            mint,
            reserve,
            vault: pda::vault(&reserve).0,
            token_program,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::AddReserve { args },
    )
}

fn govern_reserve(authority: Pubkey, market: Pubkey, reserve: Pubkey) -> accounts::GovernReserve {
    accounts::GovernReserve {
        authority,
        market,
        reserve,
        event_authority: pda::event_authority(),
        program: program_id::id(),
    }
}

pub fn set_risk_bounds(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    bounds: RiskBounds,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetRiskBounds { bounds },
    )
}

pub fn set_calibration_params(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    params: CalibrationParams,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetCalibrationParams { params },
    )
}

pub fn set_oracle_config(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    config: OracleConfig,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetOracleConfig { config },
    )
}

pub fn set_interest_model(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    model: InterestModel,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetInterestModel { model },
    )
}

pub fn set_depth_reporter(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    depth_reporter: Pubkey,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetDepthReporter { depth_reporter },
    )
}

pub fn set_min_borrow_value(
    authority: Pubkey,
    market: Pubkey,
    reserve: Pubkey,
    min_borrow_value_quote: u64,
) -> Instruction {
    build(
        govern_reserve(authority, market, reserve),
        instruction::SetMinBorrowValue {
            min_borrow_value_quote,
        },
    )
}

fn govern_market(authority: Pubkey, market: Pubkey) -> accounts::GovernMarket {
    accounts::GovernMarket {
        authority,
        market,
        event_authority: pda::event_authority(),
        program: program_id::id(),
    }
}

pub fn propose_authority(authority: Pubkey, market: Pubkey, new_authority: Pubkey) -> Instruction {
    build(
        govern_market(authority, market),
        instruction::ProposeAuthority { new_authority },
    )
}

pub fn set_guardian(authority: Pubkey, market: Pubkey, guardian: Pubkey) -> Instruction {
    build(
        govern_market(authority, market),
        instruction::SetGuardian { guardian },
    )
}

pub fn set_treasury(authority: Pubkey, market: Pubkey, treasury: Pubkey) -> Instruction {
    build(
        govern_market(authority, market),
        instruction::SetTreasury { treasury },
    )
}

pub fn set_liquidation_config(
    authority: Pubkey,
    market: Pubkey,
    config: LiquidationConfig,
) -> Instruction {
    build(
        govern_market(authority, market),
        instruction::SetLiquidationConfig { config },
    )
}

pub fn accept_authority(new_authority: Pubkey, market: Pubkey) -> Instruction {
    build(
        accounts::AcceptAuthority {
            new_authority,
            market,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::AcceptAuthority {},
    )
}

pub fn set_pause(signer: Pubkey, market: Pubkey, pause_flags: u8) -> Instruction {
    build(
        accounts::SetPause {
            signer,
            market,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::SetPause { pause_flags },
    )
}

pub fn refresh_reserve(market: Pubkey, reserve: Pubkey, price_update: Pubkey) -> Instruction {
    build(
        accounts::RefreshReserve {
            market,
            reserve,
            price_update,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::RefreshReserve {},
    )
}

pub fn report_depth(reporter: Pubkey, reserve: Pubkey, depth_quote: u64) -> Instruction {
    build(
        accounts::ReportDepth {
            reporter,
            reserve,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::ReportDepth { depth_quote },
    )
}

/// The token side of an instruction: a reserve, its mint and vault, and the
/// other token account of the transfer.
fn tokens(asset: &ReserveAccounts, user_token_account: Pubkey) -> accounts::ReserveTokens {
    accounts::ReserveTokens {
        reserve: asset.reserve,
        mint: asset.mint,
        vault: asset.vault,
        user_token_account,
        token_program: asset.token_program,
    }
}

pub fn supply(
    owner: Pubkey,
    market: Pubkey,
    asset: &ReserveAccounts,
    owner_token_account: Pubkey,
    amount: u64,
    min_shares_out: u64,
) -> Instruction {
    build(
        accounts::Supply {
            owner,
            market,
            tokens: tokens(asset, owner_token_account),
            lender_position: pda::lender_position(&asset.reserve, &owner).0,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::Supply {
            amount,
            min_shares_out,
        },
    )
}

pub fn withdraw_supply(
    owner: Pubkey,
    market: Pubkey,
    asset: &ReserveAccounts,
    owner_token_account: Pubkey,
    amount: u64,
    min_amount_out: u64,
) -> Instruction {
    build(
        accounts::WithdrawSupply {
            owner,
            market,
            tokens: tokens(asset, owner_token_account),
            lender_position: pda::lender_position(&asset.reserve, &owner).0,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::WithdrawSupply {
            amount,
            min_amount_out,
        },
    )
}

pub fn close_lender_position(owner: Pubkey, reserve: Pubkey) -> Instruction {
    build(
        accounts::CloseLenderPosition {
            owner,
            lender_position: pda::lender_position(&reserve, &owner).0,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::CloseLenderPosition {},
    )
}

pub fn open_position(
    owner: Pubkey,
    market: Pubkey,
    collateral_reserve: Pubkey,
    debt_reserve: Pubkey,
    position_id: u64,
) -> Instruction {
    build(
        accounts::OpenPosition {
            owner,
            market,
            collateral_reserve,
            debt_reserve,
            position: pda::position(&market, &owner, position_id).0,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::OpenPosition { position_id },
    )
}

pub fn deposit_collateral(
    owner: Pubkey,
    position: Pubkey,
    collateral: &ReserveAccounts,
    owner_token_account: Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accounts::DepositCollateral {
            owner,
            position,
            collateral: tokens(collateral, owner_token_account),
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::DepositCollateral { amount },
    )
}

/// The accounts an instruction on a position names: its two reserves with
/// their Pyth accounts.
#[derive(Debug, Clone, Copy)]
pub struct PricedPosition {
    pub owner: Pubkey,
    pub market: Pubkey,
    pub position: Pubkey,
    pub collateral: ReserveAccounts,
    pub debt: ReserveAccounts,
}

pub fn withdraw_collateral(
    p: &PricedPosition,
    owner_token_account: Pubkey,
    amount: u64,
) -> Instruction {
    build(
        accounts::WithdrawCollateral {
            owner: p.owner,
            market: p.market,
            position: p.position,
            collateral: tokens(&p.collateral, owner_token_account),
            debt_reserve: p.debt.reserve,
            collateral_price: p.collateral.price_account,
            debt_price: p.debt.price_account,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::WithdrawCollateral { amount },
    )
}

pub fn borrow(p: &PricedPosition, owner_token_account: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::Borrow {
            owner: p.owner,
            market: p.market,
            position: p.position,
            collateral_reserve: p.collateral.reserve,
            debt: tokens(&p.debt, owner_token_account),
            collateral_price: p.collateral.price_account,
            debt_price: p.debt.price_account,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::Borrow { amount },
    )
}

pub fn repay(
    payer: Pubkey,
    position: Pubkey,
    debt: &ReserveAccounts,
    payer_token_account: Pubkey,
    max_amount: u64,
) -> Instruction {
    build(
        accounts::Repay {
            payer,
            position,
            debt: tokens(debt, payer_token_account),
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::Repay { max_amount },
    )
}

pub fn close_position(owner: Pubkey, position: Pubkey) -> Instruction {
    build(
        accounts::ClosePosition {
            owner,
            position,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::ClosePosition {},
    )
}

pub fn claim_protocol_fees(
    market: Pubkey,
    asset: &ReserveAccounts,
    treasury_token_account: Pubkey,
) -> Instruction {
    build(
        accounts::ClaimProtocolFees {
            market,
            fees: tokens(asset, treasury_token_account),
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::ClaimProtocolFees {},
    )
}

/// A liquidator's token accounts for one position's two mints, and the
/// treasury's account of the collateral mint.
#[derive(Debug, Clone, Copy)]
pub struct LiquidatorAccounts {
    pub liquidator: Pubkey,
    pub collateral_account: Pubkey,
    pub debt_account: Pubkey,
    pub treasury_collateral_account: Pubkey,
}

pub fn liquidate(
    p: &PricedPosition,
    l: &LiquidatorAccounts,
    max_repay: u64,
    min_collateral_out: u64,
) -> Instruction {
    build(
        accounts::Liquidate {
            liquidator: l.liquidator,
            market: p.market,
            position: p.position,
            collateral: tokens(&p.collateral, l.collateral_account),
            debt: tokens(&p.debt, l.debt_account),
            collateral_price: p.collateral.price_account,
            debt_price: p.debt.price_account,
            treasury_collateral_account: l.treasury_collateral_account,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::Liquidate {
            max_repay,
            min_collateral_out,
        },
    )
}

/// Writes off `p`'s debt once its collateral is worth less than the dust
/// value; what collateral is left goes to `treasury_collateral_account`.
pub fn write_off_bad_debt(p: &PricedPosition, treasury_collateral_account: Pubkey) -> Instruction {
    build(
        accounts::WriteOffBadDebt {
            market: p.market,
            position: p.position,
            collateral: tokens(&p.collateral, treasury_collateral_account),
            debt_reserve: p.debt.reserve,
            collateral_price: p.collateral.price_account,
            debt_price: p.debt.price_account,
            event_authority: pda::event_authority(),
            program: program_id::id(),
        },
        instruction::WriteOffBadDebt {},
    )
}
