use anchor_lang::prelude::Pubkey;

use super::evaluate::{evaluate, rank};
use super::sample_book::*;

#[test]
fn the_worked_check_is_priced_as_the_chain_would() {
    let (market, positions) = book_of([17_000_000_000, 10_000_000_000]);
    let (worked, healthy) = (&positions[0].1, &positions[1].1);
    let candidate =
        evaluate(&market, positions[0].0, worked, 50, u64::MAX).expect("HF 0.9765 is liquidatable");
    assert_eq!(candidate.outcome.repaid, 8_500_000_000);
    assert_eq!(candidate.outcome.split.to_liquidator, 4_441_250_000);
    // 4.44125 SOL × $2,000 - $8,500 = $382.50.
    assert!((candidate.profit_quote.to_num::<f64>() - 382.5).abs() < 1e-9);
    // 0.5 % tolerance on the collateral received.
    assert_eq!(candidate.min_collateral_out, 4_441_250_000 / 10_000 * 9_950);

    assert!(evaluate(&market, positions[1].0, healthy, 50, u64::MAX).is_none());
    let unknown = position(Pubkey::new_unique(), worked.debt_reserve, 1, 1_000_000);
    assert!(evaluate(&market, Pubkey::new_unique(), &unknown, 50, u64::MAX).is_none());
}

#[test]
fn ranking_picks_exactly_the_unhealthy_and_orders_by_profit() {
    let (market, positions) = book(1_000);
    let candidates = rank(&market, positions.iter().map(|(a, p)| (*a, p)), 50);
    // Unhealthy: debt / $20,000 > 83 %.
    let unhealthy = positions
        .iter()
        .filter(|(_, p)| p.debt_shares as f64 > 0.83 * 20_000e6)
        .count();
    assert_eq!(candidates.len(), unhealthy);
    assert!(candidates
        .windows(2)
        .all(|w| w[0].profit_quote >= w[1].profit_quote));
}
