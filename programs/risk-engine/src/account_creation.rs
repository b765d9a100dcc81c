//! Creation of the program's PDAs.
//!
//! Anyone can send lamports to a PDA before it exists, since its address is
//! predictable. Anchor's `init` handles such a pre-funded address with the
//! newer `CreateAccountAllowPrefund` system instruction, which a runtime
//! without that feature rejects: a one-lamport transfer could then block a
//! market or a reserve from ever being created. Here a pre-funded address is
//! topped up, allocated and assigned with the classic instructions, and an
//! address already in use gets the caller's own specific error.

use anchor_lang::error::ErrorCode;
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};

pub struct NewPda<'a, 'info> {
    pub payer: &'a AccountInfo<'info>,
    pub target: &'a AccountInfo<'info>,
    pub system_program: &'a AccountInfo<'info>,
    pub owner: &'a Pubkey,
    pub space: usize,
    /// Seeds of `target`, bump included.
    pub seeds: &'a [&'a [u8]],
}

impl NewPda<'_, '_> {
    /// Creates `target`, or fails with `already_exists` when it is in use.
    pub fn create(&self, already_exists: impl Into<anchor_lang::error::Error>) -> Result<()> {
        if self.target.owner != &system_program::ID || !self.target.data_is_empty() {
            return Err(already_exists.into());
        }
        let system = self.system_program.key();
        let signer: &[&[&[u8]]] = &[self.seeds];
        let rent_exempt = Rent::get()?.minimum_balance(self.space);
        let current = self.target.lamports();
        if current == 0 {
            let accounts = CreateAccount {
                from: self.payer.clone(),
                to: self.target.clone(),
            };
            let cpi = CpiContext::new_with_signer(system, accounts, signer);
            return system_program::create_account(cpi, rent_exempt, self.space as u64, self.owner);
        }
        let top_up = rent_exempt.saturating_sub(current);
        if top_up > 0 {
            let accounts = Transfer {
                from: self.payer.clone(),
                to: self.target.clone(),
            };
            system_program::transfer(CpiContext::new(system, accounts), top_up)?;
        }
        let accounts = Allocate {
            account_to_allocate: self.target.clone(),
        };
        system_program::allocate(
            CpiContext::new_with_signer(system, accounts, signer),
            self.space as u64,
        )?;
        let accounts = Assign {
            account_to_assign: self.target.clone(),
        };
        system_program::assign(
            CpiContext::new_with_signer(system, accounts, signer),
            self.owner,
        )
    }
}

/// Writes the discriminator of a freshly created zero-copy account and lets
/// `fill` set its fields, so that `AccountLoader` accepts it from then on.
pub fn init_zero_copy<T, R>(
    account: &AccountInfo,
    fill: impl FnOnce(&mut T) -> Result<R>,
) -> Result<R>
where
    T: bytemuck::Pod + Discriminator,
{
    let mut data = account.try_borrow_mut_data()?;
    let discriminator = T::DISCRIMINATOR;
    data[..discriminator.len()].copy_from_slice(discriminator);
    let body = &mut data[discriminator.len()..discriminator.len() + core::mem::size_of::<T>()];
    fill(bytemuck::from_bytes_mut(body))
}

/// Runs `update` on an existing zero-copy account of this program after
/// checking its owner and discriminator: for accounts an instruction may
/// either create or find (a supplier's first and later deposits).
pub fn update_zero_copy<T, R>(
    account: &AccountInfo,
    update: impl FnOnce(&mut T) -> Result<R>,
) -> Result<R>
where
    T: bytemuck::Pod + Discriminator,
{
    require_keys_eq!(
        *account.owner,
        crate::ID,
        ErrorCode::AccountOwnedByWrongProgram
    );
    let mut data = account.try_borrow_mut_data()?;
    let discriminator = T::DISCRIMINATOR;
    let end = discriminator.len() + core::mem::size_of::<T>();
    require!(data.len() >= end, ErrorCode::AccountDidNotDeserialize);
    require!(
        &data[..discriminator.len()] == discriminator,
        ErrorCode::AccountDiscriminatorMismatch
    );
    update(bytemuck::from_bytes_mut(
        &mut data[discriminator.len()..end],
    ))
}
