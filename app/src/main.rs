//! `riskctl`: the command line around the risk-engine program.

fn main() {
    println!(
        "riskctl {} for risk-engine program {}",
        env!("CARGO_PKG_VERSION"),
        risk_engine::ID
    );
}
