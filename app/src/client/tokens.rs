//! Real SPL Token / Token-2022 mints and accounts, created through the
//! bundled SBF programs.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_interface::spl_token_2022::extension::ExtensionType;
use solana_sdk::signature::{Keypair, Signer};

pub const MINT_LEN: usize = 82;
pub const TOKEN_ACCOUNT_LEN: usize = 165;

/// Rent-exempt balance of `len` bytes under the default rent.
pub fn rent_exempt(len: usize) -> u64 {
    anchor_lang::prelude::Rent::default().minimum_balance(len)
}

/// Instructions that create and initialise a mint owned by `token_program`,
/// optionally with Token-2022 extensions initialised by `extension_ixs`.
pub fn create_mint_ixs(
    payer: &Pubkey,
    mint: &Keypair,
    token_program: &Pubkey,
    decimals: u8,
    mint_authority: &Pubkey,
    extensions: &[ExtensionType],
    extension_ixs: Vec<Instruction>,
) -> Vec<Instruction> {
    let len = if extensions.is_empty() {
        MINT_LEN
    } else {
        ExtensionType::try_calculate_account_len::<spl_token_2022::state::Mint>(extensions)
            .expect("extension sizes")
    };
    let mut ixs = vec![solana_system_interface::instruction::create_account(
        payer,
        &mint.pubkey(),
        rent_exempt(len),
        len as u64,
        token_program,
    )];
    ixs.extend(extension_ixs);
    ixs.push(
        spl_token_2022::instruction::initialize_mint2(
            token_program,
            &mint.pubkey(),
            mint_authority,
            None,
            decimals,
        )
        .expect("mint instruction"),
    );
    ixs
}

/// Instructions that create a plain token account for `owner`.
pub fn create_token_account_ixs(
    payer: &Pubkey,
    account: &Keypair,
    mint: &Pubkey,
    owner: &Pubkey,
    token_program: &Pubkey,
) -> Vec<Instruction> {
    // Token-2022 accounts of a plain mint carry the ImmutableOwner extension.
    let len = if *token_program == spl_token_2022::ID {
        ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&[
            ExtensionType::ImmutableOwner,
        ])
        .expect("extension sizes")
    } else {
        TOKEN_ACCOUNT_LEN
    };
    let mut ixs = vec![solana_system_interface::instruction::create_account(
        payer,
        &account.pubkey(),
        rent_exempt(len),
        len as u64,
        token_program,
    )];
    if *token_program == spl_token_2022::ID {
        ixs.push(
            spl_token_2022::instruction::initialize_immutable_owner(
                token_program,
                &account.pubkey(),
            )
            .expect("immutable owner instruction"),
        );
    }
    ixs.push(
        spl_token_2022::instruction::initialize_account3(
            token_program,
            &account.pubkey(),
            mint,
            owner,
        )
        .expect("account instruction"),
    );
    ixs
}

pub fn mint_to_ix(
    token_program: &Pubkey,
    mint: &Pubkey,
    destination: &Pubkey,
    authority: &Pubkey,
    amount: u64,
) -> Instruction {
    spl_token_2022::instruction::mint_to(token_program, mint, destination, authority, &[], amount)
        .expect("mint_to instruction")
}

/// Token balance of an SPL Token or Token-2022 account (base units).
pub fn token_amount(data: &[u8]) -> u64 {
    // The amount sits at the same offset in both programs' layouts.
    u64::from_le_bytes(data[64..72].try_into().expect("token account data"))
}
