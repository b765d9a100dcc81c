//! The backtest's replay kernel: one candidate over a path, every tick a
//! refresh through the program's calibration and a pass of the book
//! through its lending and liquidation code. Throughput is in price ticks
//! (× candidates) per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use riskctl::backtest::{self, kernel, BookConfig, Setup, Threshold};
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
    // A week of minute prices with a crash in it.
    let path = synthetic::minutes(7 * 1_440, 150.0, 42);
    let mut group = c.benchmark_group("replay_kernel");
    group.sample_size(10);
    group.throughput(Throughput::Elements(path.len() as u64));
    group.bench_function("one candidate, 40 borrowers, minute ticks", |b| {
        b.iter(|| backtest::run(&path, None, &setup, Threshold::Dynamic, false).expect("runs"))
    });
    let variance = kernel::VariancePath::new(&path, &setup.collateral).expect("variance path");
    let sigma = variance
        .sigma_over(setup.collateral.calibration.horizon_secs)
        .expect("sigma path");
    let listed = backtest::replay::listed_reserve(&setup.collateral, 0);
    let targets = kernel::TargetTable::new(
        listed.calibrated.liquidation_bonus_bps,
        risk_engine::calibration::slippage_now_bps(&listed, 0),
    );
    let shared = kernel::SharedPaths {
        variance: &variance,
        sigma: &sigma,
        targets: &targets,
    };
    group.bench_function("one candidate on shared variance paths", |b| {
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
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
