//! Price history: reading it from CSV files, and the built-in scenarios.

pub mod bars;
pub mod csv;
pub mod fetch;
pub mod random;
pub mod scenario;
pub mod synthetic;

/// One observation: a unix time (seconds) and a price in USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    pub time: i64,
    pub price: f64,
}
