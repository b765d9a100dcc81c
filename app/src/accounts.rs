//! Reading the program's accounts and Pyth prices from any `Chain`.

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator};
use anyhow::{anyhow, bail, Result};
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;
use risk_engine::state::{Market, Position, Reserve};

use crate::chain::{Chain, Memcmp};
use crate::program_id;

/// A zero-copy account of the program, or `None` when the address is
/// empty; an account of another owner or type is an error.
pub fn load<T>(chain: &mut dyn Chain, address: &Pubkey) -> Result<Option<T>>
where
    T: bytemuck::Pod + Discriminator,
{
    let Some(account) = chain.account(address)? else {
        return Ok(None);
    };
    if account.owner != program_id::id() {
        bail!(
            "{address} is owned by {}, not the risk-engine program",
            account.owner
        );
    }
    decode(&account.data)
        .map(Some)
        .ok_or_else(|| anyhow!("{address} is not a {}", std::any::type_name::<T>()))
}

/// Decodes account data of type `T`, discriminator checked.
pub fn decode<T: bytemuck::Pod + Discriminator>(data: &[u8]) -> Option<T> {
    let size = std::mem::size_of::<T>();
    if data.len() < 8 + size || &data[..8] != T::DISCRIMINATOR {
        return None;
    }
    Some(bytemuck::pod_read_unaligned(&data[8..8 + size]))
}

pub fn market(chain: &mut dyn Chain, address: &Pubkey) -> Result<Market> {
    load::<Market>(chain, address)?
        .ok_or_else(|| anyhow!("no market at {address} on {}", chain.describe()))
}

pub fn reserve(chain: &mut dyn Chain, address: &Pubkey) -> Result<Reserve> {
    load::<Reserve>(chain, address)?
        .ok_or_else(|| anyhow!("no reserve at {address} on {}", chain.describe()))
}

/// Every account of type `T` whose first field (the market) is `market`.
fn of_market<T: bytemuck::Pod + Discriminator>(
    chain: &mut dyn Chain,
    market: &Pubkey,
    space: usize,
) -> Result<Vec<(Pubkey, T)>> {
    let filters = [
        Memcmp {
            offset: 0,
            bytes: T::DISCRIMINATOR.to_vec(),
        },
        Memcmp {
            offset: 8,
            bytes: market.to_bytes().to_vec(),
        },
    ];
    let accounts = chain.program_accounts(&program_id::id(), space, &filters)?;
    let mut decoded: Vec<(Pubkey, T)> = accounts
        .into_iter()
        .filter_map(|(key, account)| decode::<T>(&account.data).map(|value| (key, value)))
        .collect();
    decoded.sort_by_key(|(key, _)| *key);
    Ok(decoded)
}

/// The market's reserves, by address.
pub fn reserves_of(chain: &mut dyn Chain, market: &Pubkey) -> Result<Vec<(Pubkey, Reserve)>> {
    of_market(chain, market, Reserve::SPACE)
}

/// The market's open positions, by address.
pub fn positions_of(chain: &mut dyn Chain, market: &Pubkey) -> Result<Vec<(Pubkey, Position)>> {
    of_market(chain, market, Position::SPACE)
}

/// A Pyth `PriceUpdateV2`, checked to be owned by the receiver program.
pub fn price_update(chain: &mut dyn Chain, address: &Pubkey) -> Result<Option<PriceUpdateV2>> {
    let Some(account) = chain.account(address)? else {
        return Ok(None);
    };
    if account.owner != pyth_solana_receiver_sdk::ID {
        bail!(
            "price account {address} is owned by {}, not the Pyth receiver",
            account.owner
        );
    }
    PriceUpdateV2::try_deserialize(&mut account.data.as_slice())
        .map(Some)
        .map_err(|_| anyhow!("price account {address} is not a Pyth PriceUpdateV2"))
}

/// The decimals of an SPL Token or Token-2022 mint, and its program.
pub fn mint_decimals(chain: &mut dyn Chain, mint: &Pubkey) -> Result<Option<(u8, Pubkey)>> {
    // `decimals` sits after the optional authority (36 bytes) and supply (8).
    const DECIMALS_OFFSET: usize = 44;
    let Some(account) = chain.account(mint)? else {
        return Ok(None);
    };
    let token_programs = [anchor_spl::token::ID, anchor_spl::token_2022::ID];
    if !token_programs.contains(&account.owner) || account.data.len() < 82 {
        bail!("{mint} is not a token mint (owner {})", account.owner);
    }
    Ok(Some((account.data[DECIMALS_OFFSET], account.owner)))
}

/// A token account's balance in base units, or `None` when it does not exist.
pub fn token_balance(chain: &mut dyn Chain, account: &Pubkey) -> Result<Option<u64>> {
    Ok(chain
        .account(account)?
        .map(|account| crate::client::tokens::token_amount(&account.data)))
}

/// Where each reserve's Pyth price lives: the push-oracle feed account of
/// its feed id (shard `shard`), unless the deployment named another.
#[derive(Debug, Clone, Default)]
pub struct PriceAccounts {
    pub overrides: std::collections::HashMap<Pubkey, Pubkey>,
    pub shard: u16,
}

impl PriceAccounts {
    pub fn for_reserve(&self, address: &Pubkey, reserve: &Reserve) -> Pubkey {
        self.overrides.get(address).copied().unwrap_or_else(|| {
            crate::config::resolve::push_oracle_feed_account(&reserve.oracle.feed_id, self.shard)
        })
    }

    /// The overrides a deployment file sets.
    pub fn from_deployment(deployment: &crate::config::Deployment) -> Self {
        let overrides = deployment
            .reserves
            .iter()
            .map(|spec| {
                let reserve =
                    crate::client::pda::reserve(&deployment.market, &spec.mint_address()).0;
                (reserve, spec.price_account)
            })
            .collect();
        Self {
            overrides,
            shard: 0,
        }
    }

    /// The client's view of a listed reserve: its accounts and price account.
    pub fn reserve_accounts(
        &self,
        address: &Pubkey,
        reserve: &Reserve,
    ) -> crate::client::ReserveAccounts {
        crate::client::ReserveAccounts {
            mint: reserve.mint,
            token_program: reserve.token_program,
            decimals: reserve.mint_decimals,
            reserve: *address,
            vault: reserve.vault,
            feed_id: reserve.oracle.feed_id,
            price_account: self.for_reserve(address, reserve),
        }
    }
}
