//! Instruction builders for every risk-engine instruction.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use risk_engine::instructions::{AddReserveArgs, InitMarketArgs};
use risk_engine::state::*;
use risk_engine::{accounts, instruction, pda};

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: risk_engine::ID,
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
            program: risk_engine::ID,
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
            program: risk_engine::ID,
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
        program: risk_engine::ID,
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

fn govern_market(authority: Pubkey, market: Pubkey) -> accounts::GovernMarket {
    accounts::GovernMarket {
        authority,
        market,
        event_authority: pda::event_authority(),
        program: risk_engine::ID,
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
            program: risk_engine::ID,
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
            program: risk_engine::ID,
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
            program: risk_engine::ID,
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
            program: risk_engine::ID,
        },
        instruction::ReportDepth { depth_quote },
    )
}
