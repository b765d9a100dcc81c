//! `declare_program!` reads `idls/risk_engine.json` at compile time, but a
//! macro's reads are invisible to cargo: name the file so that a changed
//! IDL rebuilds this program against it.
fn main() {
    println!("cargo:rerun-if-changed=idls/risk_engine.json");
}
