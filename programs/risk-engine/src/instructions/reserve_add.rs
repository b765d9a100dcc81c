use anchor_lang::prelude::*;
use anchor_spl::token_interface::spl_token_2022::extension::{
    BaseStateWithExtensions, ExtensionType, StateWithExtensions,
};
use anchor_spl::token_interface::{self, spl_token_2022, InitializeAccount3, Mint, TokenInterface};

use crate::account_creation::{init_zero_copy, NewPda};
use crate::constants::*;
use crate::error::RiskError;
use crate::events::ReserveAdded;
use crate::state::*;

/// A new reserve's configuration blocks and depth reporter.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AddReserveArgs {
    pub oracle: OracleConfig,
    pub bounds: RiskBounds,
    pub calibration: CalibrationParams,
    pub interest: InterestModel,
    pub depth_reporter: Pubkey,
}

#[event_cpi]
#[derive(Accounts)]
pub struct AddReserve<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ RiskError::NotMarketAuthority, constraint = market.load()?.is_at(&market.key()) @ RiskError::AccountNotAtItsAddress)]
    pub market: AccountLoader<'info, Market>,
    #[account(mint::token_program = token_program)]
    pub mint: InterfaceAccount<'info, Mint>,
    /// CHECK: the reserve PDA, created in the handler (see `account_creation`).
    #[account(mut, seeds = [RESERVE_SEED, market.key().as_ref(), mint.key().as_ref()], bump)]
    pub reserve: UncheckedAccount<'info>,
    /// CHECK: the vault PDA, created in the handler as a token account of
    /// `mint` whose authority is the reserve: only the program moves its tokens.
    #[account(mut, seeds = [VAULT_SEED, reserve.key().as_ref()], bump)]
    pub vault: UncheckedAccount<'info>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl AddReserve<'_> {
    pub fn validate(&self, args: &AddReserveArgs) -> Result<()> {
        require!(self.mint.decimals <= 18, RiskError::MintDecimalsOutOfRange);
        check_mint_extensions(&self.mint.to_account_info())?;
        args.oracle.validate()?;
        args.bounds.validate()?;
        args.calibration.validate()?;
        args.interest.validate()
    }

    /// Lists a new asset at the most conservative threshold of its bounds
    /// (`lt_min`) and the smallest bonus (`bonus_min`, so liquidators are not
    /// overpaid before the first calibration), with no price history: the
    /// first `refresh_reserve` seeds the price.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn handler(ctx: Context<AddReserve>, args: AddReserveArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let refresh_paused_secs = ctx.accounts.market.load()?.refresh_paused_secs_at(now);
        ctx.accounts.create_reserve_and_vault(&ctx.bumps)?;
        let reserve_info = ctx.accounts.reserve.to_account_info();
        let (threshold_bps, max_ltv_bps, bonus_bps) =
            init_zero_copy(&reserve_info, |reserve: &mut Reserve| {
                reserve.market = ctx.accounts.market.key();
                reserve.mint = ctx.accounts.mint.key();
                reserve.vault = ctx.accounts.vault.key();
                reserve.token_program = ctx.accounts.token_program.key();
                reserve.depth_reporter = args.depth_reporter;
                reserve.oracle = args.oracle;
                reserve.bounds = args.bounds;
                reserve.calibration = args.calibration;
                reserve.interest = args.interest;
                reserve.start_listing(now, refresh_paused_secs);
                reserve.version = ACCOUNT_VERSION;
                reserve.bump = ctx.bumps.reserve;
                reserve.vault_bump = ctx.bumps.vault;
                reserve.mint_decimals = ctx.accounts.mint.decimals;
                reserve.invariant()?;
                let state = &reserve.calibrated;
                Ok((
                    state.liquidation_threshold_bps,
                    state.max_ltv_bps,
                    state.liquidation_bonus_bps,
                ))
            })?;
        emit_cpi!(ReserveAdded {
            market: ctx.accounts.market.key(),
            reserve: ctx.accounts.reserve.key(),
            mint: ctx.accounts.mint.key(),
            vault: ctx.accounts.vault.key(),
            token_program: ctx.accounts.token_program.key(),
            feed_id: args.oracle.feed_id,
            liquidation_threshold_bps: threshold_bps,
            max_ltv_bps,
            liquidation_bonus_bps: bonus_bps,
        });
        Ok(())
    }
}

impl<'info> AddReserve<'info> {
    /// Creates the reserve account and its vault token account. The reserve
    /// address being free is what proves the mint is not yet listed.
    fn create_reserve_and_vault(&self, bumps: &AddReserveBumps) -> Result<()> {
        let payer = self.authority.to_account_info();
        let system_program = self.system_program.to_account_info();
        let (market, mint, reserve) = (self.market.key(), self.mint.key(), self.reserve.key());
        let reserve_info = self.reserve.to_account_info();
        NewPda {
            payer: &payer,
            target: &reserve_info,
            system_program: &system_program,
            owner: &crate::ID,
            space: Reserve::SPACE,
            seeds: &[
                RESERVE_SEED,
                market.as_ref(),
                mint.as_ref(),
                &[bumps.reserve],
            ],
        }
        .create(RiskError::ReserveAlreadyExists)?;

        let vault_info = self.vault.to_account_info();
        NewPda {
            payer: &payer,
            target: &vault_info,
            system_program: &system_program,
            owner: &self.token_program.key(),
            space: VAULT_ACCOUNT_LEN,
            seeds: &[VAULT_SEED, reserve.as_ref(), &[bumps.vault]],
        }
        .create(RiskError::ReserveAlreadyExists)?;
        let accounts = InitializeAccount3 {
            account: vault_info,
            mint: self.mint.to_account_info(),
            authority: reserve_info,
        };
        token_interface::initialize_account3(CpiContext::new(self.token_program.key(), accounts))
    }
}

/// A token account without extensions: the same length under SPL Token and
/// Token-2022, since the mints accepted here require no account extension.
const VAULT_ACCOUNT_LEN: usize = 165;

/// Token-2022 extensions a vault can live with: they describe the token but
/// never change how many tokens a transfer moves or who may move them. Any
/// other extension (transfer fees, hooks, permanent delegates, pausing,
/// confidential balances, default-frozen accounts, ...) would let the vault
/// balance drift from what the reserve records, or block liquidations.
/// `MintCloseAuthority` is refused too: a mint with no supply left can be
/// closed and created again at the same address with any extension, a
/// permanent delegate included, under a reserve that checked the old one.
const ALLOWED_MINT_EXTENSIONS: [ExtensionType; 6] = [
    ExtensionType::MetadataPointer,
    ExtensionType::TokenMetadata,
    ExtensionType::GroupPointer,
    ExtensionType::TokenGroup,
    ExtensionType::GroupMemberPointer,
    ExtensionType::TokenGroupMember,
];

fn check_mint_extensions(mint: &AccountInfo) -> Result<()> {
    if *mint.owner != spl_token_2022::ID {
        return Ok(());
    }
    let data = mint.try_borrow_data()?;
    let state = StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&data)?;
    for extension in state.get_extension_types()? {
        require!(
            ALLOWED_MINT_EXTENSIONS.contains(&extension),
            RiskError::UnsupportedMintExtension
        );
    }
    Ok(())
}
