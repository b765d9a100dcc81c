//! Field by field: the validator's accounts against the mirror's.

use std::collections::BTreeSet;

use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use risk_engine::state::{LenderPosition, Market, Position, Reserve};
use riskctl::chain::Chain;
use solana_rpc_client::rpc_client::RpcClient;
use solana_sdk::account::Account;

/// The program's account layouts, by discriminator: each decoded to JSON
/// so that a difference names its field.
fn as_json(data: &[u8]) -> Option<serde_json::Value> {
    fn decode<T: bytemuck::Pod + serde::Serialize>(data: &[u8]) -> Option<serde_json::Value> {
        let body = data.get(8..8 + std::mem::size_of::<T>())?;
        serde_json::to_value(bytemuck::pod_read_unaligned::<T>(body)).ok()
    }
    let discriminator = data.get(..8)?;
    match discriminator {
        d if d == Market::DISCRIMINATOR => decode::<Market>(data),
        d if d == Reserve::DISCRIMINATOR => decode::<Reserve>(data),
        d if d == Position::DISCRIMINATOR => decode::<Position>(data),
        d if d == LenderPosition::DISCRIMINATOR => decode::<LenderPosition>(data),
        _ => None,
    }
}

/// The paths at which two JSON values differ, with both values.
fn json_differences(
    path: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let (u, v) = (&x.get(key), &y.get(key));
                match (u, v) {
                    (Some(u), Some(v)) => json_differences(&format!("{path}.{key}"), u, v, out),
                    _ => out.push(format!("{path}.{key}: {u:?} vs {v:?}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                json_differences(&format!("{path}[{i}]"), u, v, out);
            }
        }
        _ if a != b => out.push(format!("{path}: validator {a} vs embedded {b}")),
        _ => {}
    }
}

/// How one account differs, or nothing when it is the same on both.
pub fn account_differences(
    address: &Pubkey,
    rpc: Option<&Account>,
    embedded: Option<&Account>,
) -> Vec<String> {
    let (a, b) = match (rpc, embedded) {
        (None, None) => return Vec::new(),
        (Some(_), None) => return vec![format!("{address}: on the validator only")],
        (None, Some(_)) => return vec![format!("{address}: on the embedded bank only")],
        (Some(a), Some(b)) => (a, b),
    };
    let mut out = Vec::new();
    if a.owner != b.owner {
        out.push(format!("{address}: owner {} vs {}", a.owner, b.owner));
    }
    if a.lamports != b.lamports {
        out.push(format!(
            "{address}: lamports {} vs {}",
            a.lamports, b.lamports
        ));
    }
    if a.data != b.data {
        let mut fields = Vec::new();
        if let (Some(x), Some(y)) = (as_json(&a.data), as_json(&b.data)) {
            json_differences("", &x, &y, &mut fields);
        }
        if fields.is_empty() {
            let first = a.data.iter().zip(&b.data).position(|(x, y)| x != y);
            fields.push(format!(
                "data ({} vs {} bytes) differs from byte {first:?}",
                a.data.len(),
                b.data.len()
            ));
        }
        out.extend(fields.into_iter().map(|f| format!("{address}: {f}")));
    }
    out
}

/// Every account the program owns on either side, and `others`, compared.
/// Returns the differences (empty when the two backends agree) and how
/// many accounts were compared.
pub fn compare(
    validator: &RpcClient,
    mirror: &mut dyn Chain,
    others: &[Pubkey],
) -> anyhow::Result<(Vec<String>, usize)> {
    let on_validator = validator.get_program_accounts(&risk_engine::ID)?;
    let sizes: BTreeSet<usize> = [
        8 + std::mem::size_of::<Market>(),
        8 + std::mem::size_of::<Reserve>(),
        8 + std::mem::size_of::<Position>(),
        8 + std::mem::size_of::<LenderPosition>(),
    ]
    .into_iter()
    .chain(on_validator.iter().map(|(_, a)| a.data.len()))
    .collect();
    let mut addresses: BTreeSet<Pubkey> = on_validator.iter().map(|(k, _)| *k).collect();
    for size in sizes {
        for (address, _) in mirror.program_accounts(&risk_engine::ID, size, &[])? {
            addresses.insert(address);
        }
    }
    addresses.extend(others.iter().copied());
    let addresses: Vec<Pubkey> = addresses.into_iter().collect();
    let mut differences = Vec::new();
    // getMultipleAccounts takes at most 100 addresses a call.
    for batch in addresses.chunks(100) {
        let on_rpc = validator
            .get_multiple_accounts_with_commitment(
                batch,
                solana_commitment_config::CommitmentConfig::confirmed(),
            )?
            .value;
        for (address, rpc) in batch.iter().zip(on_rpc) {
            let embedded = mirror.account(address)?;
            differences.extend(account_differences(
                address,
                rpc.as_ref(),
                embedded.as_ref(),
            ));
        }
    }
    Ok((differences, addresses.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserve_account(change: impl FnOnce(&mut Reserve)) -> Account {
        let mut reserve: Reserve = bytemuck::Zeroable::zeroed();
        change(&mut reserve);
        let mut data = Reserve::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&reserve));
        Account {
            lamports: 1,
            data,
            owner: risk_engine::ID,
            executable: false,
            rent_epoch: 0,
        }
    }

    #[test]
    fn a_difference_names_its_field_and_both_values() {
        let address = Pubkey::new_unique();
        let a = reserve_account(|r| r.calibrated.liquidation_threshold_bps = 7_500);
        let b = reserve_account(|r| r.calibrated.liquidation_threshold_bps = 7_499);
        let differences = account_differences(&address, Some(&a), Some(&b));
        assert_eq!(
            differences,
            vec![format!(
                "{address}: .calibrated.liquidation_threshold_bps: validator 7500 vs embedded 7499"
            )]
        );
        assert!(account_differences(&address, Some(&a), Some(&a.clone())).is_empty());
    }

    #[test]
    fn owner_lamports_presence_and_opaque_bytes_are_compared_too() {
        let address = Pubkey::new_unique();
        let a = reserve_account(|_| {});
        let mut b = a.clone();
        b.lamports += 1;
        b.owner = Pubkey::new_unique();
        assert_eq!(account_differences(&address, Some(&a), Some(&b)).len(), 2);
        assert_eq!(
            account_differences(&address, Some(&a), None),
            vec![format!("{address}: on the validator only")]
        );
        let token = |byte: u8| Account {
            data: vec![0, byte, 0],
            ..a.clone()
        };
        assert_eq!(
            account_differences(&address, Some(&token(1)), Some(&token(2))),
            vec![format!(
                "{address}: data (3 vs 3 bytes) differs from byte Some(1)"
            )]
        );
    }
}
