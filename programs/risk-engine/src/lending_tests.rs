//! Property test of the lending books: random sequences of supply,
//! withdrawal, borrow, repayment and time on one reserve keep every token
//! accounted for, and rounding never owes suppliers more than the pool holds.

use fixed::types::I80F48;
use proptest::prelude::*;

use crate::lending;
use crate::math::shares;
use crate::state::Reserve;

#[derive(Debug, Clone)]
enum Op {
    Supply(u64),
    Withdraw(u64),
    Borrow(u64),
    Repay(u64),
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..1_000_000_000_000).prop_map(Op::Supply),
        (1u64..1_000_000_000_000).prop_map(Op::Withdraw),
        (1u64..1_000_000_000_000).prop_map(Op::Borrow),
        (1u64..1_000_000_000_000).prop_map(Op::Repay),
        (1i64..90 * 86_400).prop_map(Op::Wait),
    ]
}

fn reserve() -> Reserve {
    let mut reserve: Reserve = bytemuck::Zeroable::zeroed();
    reserve.interest.supply_cap = u64::MAX;
    reserve.interest.borrow_cap = u64::MAX;
    reserve.interest.slope1_bps = 700;
    reserve.interest.slope2_bps = 30_000;
    reserve.interest.kink_utilization_bps = 8_000;
    reserve.interest.reserve_factor_bps = 1_000;
    reserve.lending.borrow_index = I80F48::ONE.into();
    reserve
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn books_balance_after_every_operation(ops in prop::collection::vec(op(), 1..60)) {
        let mut reserve = reserve();
        let (mut now, mut lender_shares, mut position_shares) = (0i64, 0u64, 0u64);
        // Tokens that entered and left the vault, as a token program would count them.
        let (mut tokens_in, mut tokens_out) = (0u128, 0u128);
        for op in ops {
            lending::accrue_interest(&mut reserve, now).unwrap();
            match op {
                Op::Supply(amount) => {
                    if let Ok(minted) = lending::supply(&mut reserve, amount, 0) {
                        lender_shares += minted;
                        tokens_in += u128::from(amount);
                    }
                }
                Op::Withdraw(amount) => {
                    if let Ok(burned) = lending::withdraw_supply(&mut reserve, lender_shares, amount) {
                        lender_shares -= burned;
                        tokens_out += u128::from(amount);
                    }
                }
                Op::Borrow(amount) => {
                    if let Ok(minted) = lending::borrow(&mut reserve, amount) {
                        position_shares += minted;
                        tokens_out += u128::from(amount);
                    }
                }
                Op::Repay(amount) => {
                    if let Ok(repayment) = lending::repay(&mut reserve, position_shares, amount) {
                        prop_assert!(repayment.amount <= amount, "took more than offered");
                        position_shares -= repayment.shares_burned;
                        tokens_in += u128::from(repayment.amount);
                    }
                }
                Op::Wait(seconds) => now += seconds,
            }
            let lending_state = &reserve.lending;
            // The vault holds exactly the liquidity the books say.
            prop_assert_eq!(tokens_in - tokens_out, u128::from(lending_state.available_liquidity));
            prop_assert_eq!(lending_state.supply_shares, lender_shares);
            prop_assert_eq!(lending_state.debt_shares, position_shares);
            // The only supplier is never owed more than the pool is worth.
            let pool = lending::supply_pool_value(&reserve).unwrap();
            let owed = shares::supply_value(lender_shares, lending_state.supply_shares, pool).unwrap();
            prop_assert!(I80F48::from_num(owed) <= pool);
        }
    }
}
