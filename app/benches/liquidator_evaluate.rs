//! How long the liquidator bot takes to price a whole book: 100,000
//! positions through the program's own liquidation code. Goal: well under
//! a second on a 2-core machine.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use riskctl::liquidator::evaluate::rank;
use riskctl::liquidator::sample_book::book;

const POSITIONS: usize = 100_000;

fn rank_book(c: &mut Criterion) {
    let (market, positions) = book(POSITIONS);
    let mut group = c.benchmark_group("liquidator");
    group.throughput(Throughput::Elements(POSITIONS as u64));
    group.sample_size(10);
    group.bench_function("rank 100,000 positions", |b| {
        b.iter(|| {
            rank(
                &market,
                positions.iter().map(|(address, p)| (*address, p)),
                50,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, rank_book);
criterion_main!(benches);
