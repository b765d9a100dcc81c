//! The backtest's replay kernel, on four weeks of minute prices with a
//! crash in them and the default book of 40 borrowers. Throughput is in
//! price ticks × candidates per second:
//! - one candidate replayed in full: every tick a refresh through the
//!   program's calibration and a pass of the book;
//! - one candidate on shared paths: its threshold traced on the group's
//!   targets, the book run at its events only;
//! - a sweep of 100 candidates (quantile, bounds and rate limits), shared
//!   paths built once, candidates in parallel.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use riskctl::backtest::{self, kernel, BookConfig, Setup, Threshold};
use riskctl::calibrate::{self, Grid, History};
use riskctl::config;
use riskctl::history::synthetic;
use solana_sdk::signature::{Keypair, Signer};

fn setup() -> Setup {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/localnet.toml");
    let deployment = config::load(&path, &Keypair::new().pubkey()).expect("localnet.toml");
    Setup::from_deployment(
        &deployment,
        "SOL",
        "USDC",
        BookConfig::default(),
        30 * 86_400,
    )
    .expect("SOL and USDC")
}

fn replay(c: &mut Criterion) {
    let setup = setup();
    // Four weeks of minutes that end past the generator's crash day (96).
    let minutes = synthetic::minutes(98 * 1_440, 150.0, 42);
    let path = minutes[70 * 1_440..].to_vec();
    let mut group = c.benchmark_group("replay_kernel");
    group.sample_size(10);
    group.throughput(Throughput::Elements(path.len() as u64));
    group.bench_function("one candidate, full replay", |b| {
        b.iter(|| backtest::run(&path, None, &setup, Threshold::Dynamic, false).expect("runs"))
    });
    let prices = kernel::PricePath::new(&path, &setup.collateral).expect("prices of the path");
    let prepared =
        kernel::PreparedPaths::new(&prices, &setup.collateral).expect("shared paths of the set");
    let shared = prepared.shared(&prices);
    group.bench_function("one candidate on shared paths", |b| {
        b.iter(|| {
            backtest::run_with(
                &path,
                None,
                &setup,
                Threshold::Dynamic,
                false,
                Some(&shared),
            )
            .expect("runs")
        })
    });
    let mut grid = Grid::single(&setup.collateral);
    grid.quantile_z_milli = vec![2_326, 3_090];
    grid.lt_min_bps = vec![6_000, 6_500, 7_000, 7_500, 8_000];
    grid.lt_max_bps = vec![8_200, 8_500, 8_800, 9_000, 9_200];
    grid.max_tighten_bps_per_hour = vec![100, 300];
    let candidates = grid.candidates(&setup.collateral);
    let histories = [History {
        name: "minutes".into(),
        path: path.clone(),
    }];
    group.throughput(Throughput::Elements((path.len() * candidates.len()) as u64));
    group.bench_function(format!("a sweep of {} candidates", candidates.len()), |b| {
        b.iter(|| calibrate::sweep(&histories, &setup, &candidates, &|| {}).expect("sweeps"))
    });
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
