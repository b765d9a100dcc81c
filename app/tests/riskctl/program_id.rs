//! The program id: per cluster from `Anchor.toml`, and another one passed
//! with `--program-id` used by every builder, address and account read.

use anchor_lang::prelude::Pubkey;
use riskctl::client::builders::{self, LiquidatorAccounts, PricedPosition};
use riskctl::client::{pda, ReserveAccounts};
use riskctl::program_id;

fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

fn reserve(n: u8) -> ReserveAccounts {
    ReserveAccounts {
        mint: key(n),
        token_program: anchor_spl::token::ID,
        decimals: 6,
        reserve: key(n + 1),
        vault: key(n + 2),
        feed_id: [n; 32],
        price_account: key(n + 3),
    }
}

#[test]
fn anchor_toml_lists_the_compiled_in_id_for_localnet() {
    let clusters = program_id::per_cluster().unwrap();
    assert_eq!(
        clusters.keys().collect::<Vec<_>>(),
        ["devnet", "localnet", "mainnet"]
    );
    // `anchor deploy` and the embedded bank must agree on localnet.
    assert_eq!(clusters["localnet"], risk_engine::ID);
    assert_eq!(program_id::parse("devnet").unwrap(), clusters["devnet"]);
    let address = key(9).to_string();
    assert_eq!(program_id::parse(&address).unwrap(), key(9));
    let refused = program_id::parse("testnet").unwrap_err().to_string();
    assert!(
        refused.contains("neither an address nor a cluster of Anchor.toml"),
        "{refused}"
    );
}

#[test]
fn at_the_compiled_in_id_the_addresses_are_the_programs() {
    assert!(program_id::is_compiled_in());
    let (market, owner, mint) = (key(1), key(2), key(3));
    assert_eq!(pda::market(&owner, 7), risk_engine::pda::market(&owner, 7));
    assert_eq!(
        pda::reserve(&market, &mint),
        risk_engine::pda::reserve(&market, &mint)
    );
    assert_eq!(pda::vault(&mint), risk_engine::pda::vault(&mint));
    assert_eq!(
        pda::position(&market, &owner, 3),
        risk_engine::pda::position(&market, &owner, 3)
    );
    assert_eq!(
        pda::lender_position(&market, &owner),
        risk_engine::pda::lender_position(&market, &owner)
    );
    assert_eq!(pda::event_authority(), risk_engine::pda::event_authority());
}

#[test]
fn another_program_id_reaches_every_builder_and_address() {
    let other = key(42);
    let p = PricedPosition {
        owner: key(1),
        market: key(2),
        position: key(3),
        collateral: reserve(10),
        debt: reserve(20),
    };
    let l = LiquidatorAccounts {
        liquidator: key(30),
        collateral_account: key(31),
        debt_account: key(32),
        treasury_collateral_account: key(33),
    };
    let (ix, market, authority) = program_id::using(other, || {
        (
            builders::liquidate(&p, &l, 5, 1),
            pda::market(&p.owner, 1).0,
            pda::event_authority(),
        )
    });
    assert_eq!(ix.program_id, other);
    assert_eq!(
        market,
        Pubkey::find_program_address(&[b"market", p.owner.as_ref(), &1u64.to_le_bytes()], &other).0
    );
    assert_eq!(
        authority,
        Pubkey::find_program_address(&[b"__event_authority"], &other).0
    );
    let count = ix.accounts.len();
    // `#[event_cpi]`'s two accounts close every instruction.
    assert_eq!(ix.accounts[count - 2].pubkey, authority);
    assert_eq!(ix.accounts[count - 1].pubkey, other);
    let init = program_id::using(other, || {
        builders::init_market(
            p.owner,
            risk_engine::instructions::InitMarketArgs {
                market_id: 1,
                guardian: key(4),
                treasury: key(5),
                quote_currency: *b"USD\0\0\0\0\0",
                liquidation: bytemuck::Zeroable::zeroed(),
            },
        )
    });
    assert_eq!(
        init.accounts[1].pubkey, market,
        "the market at the other id"
    );
    // The scope ends with the call: the process keeps the compiled-in id.
    assert!(program_id::is_compiled_in());
    assert_eq!(
        builders::liquidate(&p, &l, 5, 1).program_id,
        risk_engine::ID
    );
}
