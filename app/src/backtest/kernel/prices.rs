//! A path's prices as the program reads them, computed once per history
//! and shared by every candidate: each tick posted as the Pyth account a
//! keeper would see and read with `oracle::pyth::load_price`, how it
//! enters the series (`calibration::take_price`), and its log return
//! (`volatility::log_return`, from each price's logarithm taken once).
//! Ticks are independent here, so the reading and the logarithms run in
//! parallel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Result};
use fixed::types::I80F48;
use rayon::prelude::*;
use risk_engine::calibration::{take_price, PriceTaken};
use risk_engine::math::volatility::{ln_price, log_return_of_logs};
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::Reserve;

use super::super::range_index::RangeIndex;
use super::super::{replay, PathFacts};
use crate::config::resolve::program_reason;
use crate::config::ReserveSpec;
use crate::history::Tick;

/// How a tick's refresh ends, as `apply_price` would end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// The first price: stored, nothing calibrated.
    Seeded,
    /// Not newer than the last one: nothing changed.
    Skipped,
    /// A return counted and the threshold recalibrated.
    Calibrated,
}

pub struct PricePath {
    pub times: Vec<i64>,
    pub prices: Vec<OraclePrice>,
    /// Spot prices as floats, for the book's screen.
    pub spot: RangeIndex<f64>,
    pub counted: Vec<Counted>,
    /// The log return and gap of each calibrated tick (zero elsewhere).
    pub returns: Vec<I80F48>,
    pub gaps_secs: Vec<u64>,
    /// The ticks that calibrate, ascending: the only ones that move a
    /// threshold (a sample grid leaves most ticks of a minute path out).
    calibrated: Vec<u32>,
    /// For each tick, the last tick up to it that stored a price and the
    /// last that calibrated (`NONE` before the first): a path walked inside
    /// its bars has many ticks between those, and a run asks at each.
    last_stored: Vec<u32>,
    last_calibrated: Vec<u32>,
    /// The variance estimates of the reserve as listed, before any tick.
    pub listed_fast: I80F48,
    pub listed_slow: I80F48,
    /// The gaps and the highest price a run reads off its path.
    pub facts: PathFacts,
    /// `uncalibrated_events` by calibration age, as candidates ask.
    uncalibrated: Mutex<HashMap<i64, Arc<[usize]>>>,
}

/// No such tick yet.
const NONE: u32 = u32::MAX;

fn some_index(index: u32) -> Option<usize> {
    (index != NONE).then_some(index as usize)
}

fn program(error: anchor_lang::error::Error) -> anyhow::Error {
    anyhow!(program_reason(&error))
}

impl PricePath {
    /// Reads `path` as the reserve `spec` would.
    pub fn new(path: &[Tick], spec: &ReserveSpec) -> Result<Self> {
        let listed: Reserve = replay::listed_reserve(spec, path[0].time);
        let prices: Vec<OraclePrice> = path
            .par_iter()
            .map(|tick| replay::oracle_price(&listed, tick.price, tick.time))
            .collect::<Result<_>>()?;
        let mut series = listed;
        let taken: Vec<PriceTaken> = prices
            .iter()
            .map(|price| take_price(&mut series, price))
            .collect();
        // The logarithm of each price a return reads, once and in parallel:
        // those the reserve stores (a skipped one it never takes, as
        // `apply_price` never takes its logarithm). A return is the
        // difference from the last stored price's.
        let logs: Vec<I80F48> = prices
            .par_iter()
            .zip(&taken)
            .map(|(price, taken)| match taken {
                PriceTaken::Skipped { .. } => Ok(I80F48::ZERO),
                _ => ln_price(price.price).map_err(|e| program(e.into())),
            })
            .collect::<Result<_>>()?;
        let mut stored = 0;
        let returns: Vec<I80F48> = taken
            .iter()
            .enumerate()
            .map(|(index, taken)| {
                let counted = match taken {
                    PriceTaken::Counted { previous_price, .. } => {
                        debug_assert_eq!(*previous_price, prices[stored].price);
                        log_return_of_logs(logs[index], logs[stored])
                    }
                    _ => I80F48::ZERO,
                };
                if !matches!(taken, PriceTaken::Skipped { .. }) {
                    stored = index;
                }
                counted
            })
            .collect();
        let counted: Vec<Counted> = taken
            .iter()
            .map(|taken| match taken {
                PriceTaken::Seeded => Counted::Seeded,
                PriceTaken::Skipped { .. } => Counted::Skipped,
                PriceTaken::Counted { .. } => Counted::Calibrated,
            })
            .collect();
        let gaps_secs = taken
            .iter()
            .map(|taken| match taken {
                PriceTaken::Counted { dt_secs, .. } => *dt_secs,
                _ => 0,
            })
            .collect();
        let calibrated = (0..counted.len())
            .filter(|&i| counted[i] == Counted::Calibrated)
            .map(|i| u32::try_from(i).expect("a path of fewer than 2^32 ticks"))
            .collect();
        let last_where = |wanted: &dyn Fn(Counted) -> bool| -> Vec<u32> {
            let mut last = NONE;
            counted
                .iter()
                .enumerate()
                .map(|(index, &how)| {
                    if wanted(how) {
                        last = u32::try_from(index).expect("a path of fewer than 2^32 ticks");
                    }
                    last
                })
                .collect()
        };
        let last_stored = last_where(&|how| how != Counted::Skipped);
        let last_calibrated = last_where(&|how| how == Counted::Calibrated);
        Ok(Self {
            times: path.iter().map(|t| t.time).collect(),
            spot: RangeIndex::new(prices.iter().map(|p| p.price.to_num::<f64>()).collect()),
            prices,
            counted,
            returns,
            gaps_secs,
            calibrated,
            last_stored,
            last_calibrated,
            listed_fast: listed.calibrated.fast_variance_per_year.into(),
            listed_slow: listed.calibrated.slow_variance_per_year.into(),
            facts: PathFacts::of(spec, path, path),
            uncalibrated: Mutex::default(),
        })
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The last tick at or before `index` that stored a price.
    pub fn last_stored(&self, index: usize) -> Option<usize> {
        some_index(self.last_stored[index])
    }

    /// The last tick at or before `index` that calibrated.
    pub fn last_calibrated(&self, index: usize) -> Option<usize> {
        some_index(self.last_calibrated[index])
    }

    /// The ticks where a reserve whose calibration ages `max_age_secs`
    /// does not recalibrate yet may change what the book sees: the first
    /// price, and ticks taken no sample once the calibration went stale.
    /// Every candidate of a sweep with that age shares one list.
    pub fn uncalibrated_events(&self, max_age_secs: i64) -> Arc<[usize]> {
        let mut lists = self
            .uncalibrated
            .lock()
            .expect("no thread panics holding it");
        lists
            .entry(max_age_secs)
            .or_insert_with(|| self.find_uncalibrated_events(max_age_secs).into())
            .clone()
    }

    fn find_uncalibrated_events(&self, max_age_secs: i64) -> Vec<usize> {
        let mut events = Vec::new();
        let mut stale_from: Option<i64> = None;
        for (index, how) in self.counted.iter().enumerate() {
            let time = self.times[index];
            match how {
                Counted::Calibrated => stale_from = Some(time + max_age_secs),
                Counted::Seeded => events.push(index),
                Counted::Skipped => {
                    if stale_from.is_none_or(|stale_from| time >= stale_from) {
                        events.push(index);
                    }
                }
            }
        }
        events
    }

    /// The ticks that calibrate, ascending.
    pub fn calibrated_ticks(&self) -> &[u32] {
        &self.calibrated
    }
}
