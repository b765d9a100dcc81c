//! Random transaction sequences with invariants (`risk_engine_tests::sequences`):
//! several suppliers, borrowers and liquidators on two markets' reserves
//! (SPL Token and Token-2022), keepers posting calm stretches, crashes and
//! jumps, depth reports, waits, governance bounds and pauses. After every
//! transaction: vaults equal the books, shares and collateral add up, the
//! suppliers' claims fit the pool, a refused transaction changed nothing,
//! every accepted one moved tokens as its rules allow, every liquidation was
//! of an unhealthy position, and thresholds stayed in bounds and moved no
//! faster than their rate limits.
//!
//! `RISK_FUZZ_TXS` sets how many transactions a run sends (10,000 by
//! default, split between two tests for the two cores); a failure prints
//! its seed and the shortest sequence that still fails, and
//! `tests/fuzz/regressions.txt` keeps the seeds found, replayed first.

use risk_engine_tests::sequences::{self, ops};

/// Operations per seed: about 500 transactions.
const OPS_PER_SEED: usize = 400;

fn budget() -> usize {
    std::env::var("RISK_FUZZ_TXS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// Runs `seed`; on a failure, shrinks it and panics with what to keep.
async fn run_seed(seed: u64, count: usize) -> sequences::Tally {
    let ops = ops::draw(seed, count);
    match sequences::run(&ops).await {
        Ok(tally) => tally,
        Err(failure) => {
            let (shortest, failure) = sequences::shrink(ops, failure, 120).await;
            let steps: Vec<String> = shortest.iter().map(|op| format!("  {op:?}")).collect();
            panic!(
                "seed {seed}: operation {} ({}) broke: {}\nshortest failing sequence ({} operations):\n{}\nkeep it: add \"{seed} {count}\" to tests/fuzz/regressions.txt",
                failure.at,
                failure.step,
                failure.message,
                shortest.len(),
                steps.join("\n")
            );
        }
    }
}

fn regressions() -> Vec<(u64, usize)> {
    let path = risk_engine_tests::crate_file("fuzz/regressions.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            let seed = words.next().unwrap().parse().unwrap();
            let count = words.next().map_or(OPS_PER_SEED, |w| w.parse().unwrap());
            (seed, count)
        })
        .collect()
}

/// Half of the budget, on seeds `first, first + 2, ...`.
async fn half(first: u64) -> sequences::Tally {
    let mut total = sequences::Tally::default();
    if first == 0 {
        for (seed, count) in regressions() {
            run_seed(seed, count).await;
        }
    }
    let mut seed = first;
    while total.sent < budget() / 2 {
        total.add(&run_seed(seed, OPS_PER_SEED).await);
        seed += 2;
    }
    println!(
        "seeds from {first} by 2 to {}: {} transactions, {} accepted, {} liquidations, {} write-offs",
        seed - 2,
        total.sent,
        total.accepted,
        total.liquidations,
        total.write_offs
    );
    for (reason, count) in &total.refusals {
        println!("  refused {count:>5}: {reason}");
    }
    total
}

#[tokio::test]
async fn random_sequences_keep_every_invariant_even_seeds() {
    let total = half(0).await;
    assert!(
        total.accepted * 4 > total.sent,
        "most transactions were refused: {total:?}"
    );
    assert!(total.liquidations > 0, "no liquidation happened: {total:?}");
}

#[tokio::test]
async fn random_sequences_keep_every_invariant_odd_seeds() {
    let total = half(1).await;
    assert!(
        total.accepted * 4 > total.sent,
        "most transactions were refused: {total:?}"
    );
    assert!(total.liquidations > 0, "no liquidation happened: {total:?}");
}
