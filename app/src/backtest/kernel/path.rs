//! One candidate's threshold along a path, traced before its book runs.
//!
//! The threshold never depends on the book: liquidations and borrowing
//! leave the collateral's calibration alone. So a sweep first traces it on
//! its own, one `move_toward_target` per calibrated tick (the program's
//! function, on the group's shared targets), skipping stretches where the
//! threshold sits at a target that stays put; then weighs it (mean and
//! lowest max LTV, time at the bounds) from the ticks where it changed;
//! and the book only runs at its events, found by screening blocks of
//! ticks at once (see `next_event`).
//!
//! Candidates that differ only in their bounds share most of their path:
//! once a threshold reaches its target inside the bounds, its state (the
//! target, and now) no longer depends on its past, and it moves exactly
//! as a candidate with wider bounds would while the target stays inside
//! its own. So a sweep traces one reference per rate-limit pair with the
//! widest bounds, and each candidate copies the reference's changes over
//! such stretches (`ReferencePath`).

use std::sync::Arc;

use risk_engine::calibration::threshold_limits;
use risk_engine::math::threshold::{max_ltv_bps, move_toward_target, ThresholdLimits};
use risk_engine::oracle::pyth::OraclePrice;
use risk_engine::state::Reserve;

use super::super::book::Screen;
use super::super::metrics::PathWeights;
use super::super::range_index::BLOCK;
use super::bits::Bits;
use super::SharedPaths;

/// After a failed try at a quiet stretch, samples before the next.
const QUIET_RETRY_SAMPLES: usize = 16;
/// Changes staged in the tight loop before they join the list.
const STAGE: usize = 256;

/// The buffers of a path: its changes and its block minima.
type Buffers = (Vec<Change>, Vec<u16>);

thread_local! {
    /// Buffers of paths this thread dropped: a sweep traces thousands of
    /// paths of millions of ticks, and fresh buffers would cost more in
    /// page faults than the trace itself.
    static SPARE: std::cell::RefCell<Option<Buffers>> = const { std::cell::RefCell::new(None) };
}

/// A change of a threshold: `bps` from tick `tick` on. Its time is kept
/// with it, so that weighing a path reads its changes in order rather
/// than the path's times at scattered ticks.
#[derive(Debug, Clone, Copy, Default)]
struct Change {
    tick: u32,
    bps: u16,
    time: i64,
}

/// A threshold after every tick, stored as the ticks where it changed.
/// Run `r` is the stretch of one value: 0 before the first change, `r`
/// from change `r - 1` on.
struct Changes {
    /// Ascending by tick.
    list: Vec<Change>,
    /// The threshold before the first change: the listed one.
    listed_bps: u16,
}

impl Changes {
    /// The run holding tick `index`.
    fn run_at(&self, index: usize) -> usize {
        self.list
            .partition_point(|change| change.tick as usize <= index)
    }

    fn run_bps(&self, run: usize) -> u16 {
        if run == 0 {
            self.listed_bps
        } else {
            self.list[run - 1].bps
        }
    }

    /// `run`, or a later one that holds tick `index` (at or after `run`'s
    /// start): a walk forward from a known run.
    fn advance(&self, mut run: usize, index: usize) -> usize {
        while self
            .list
            .get(run)
            .is_some_and(|change| change.tick as usize <= index)
        {
            run += 1;
        }
        run
    }

    /// The threshold after tick `index`.
    fn at(&self, index: usize) -> u16 {
        self.run_bps(self.run_at(index))
    }

    /// The changes at ticks in `from..until`.
    fn between(&self, from: usize, until: usize) -> &[Change] {
        let first = self
            .list
            .partition_point(|change| (change.tick as usize) < from);
        let last = self
            .list
            .partition_point(|change| (change.tick as usize) < until);
        &self.list[first..last]
    }
}

/// The threshold after every tick, stored as the ticks where it changed.
pub struct ThresholdPath {
    changes: Changes,
    /// The lowest threshold in each block of `BLOCK` ticks.
    block_minima: Vec<u16>,
    ltv_buffer_bps: u16,
    pub weights: PathWeights,
    uncalibrated_events: Arc<[usize]>,
}

impl ThresholdPath {
    /// Traces the threshold of `listed` (a reserve as listed, with the
    /// candidate's bounds) along the shared paths, as `apply_price` moves
    /// it tick by tick, following `shared.reference` where it can.
    pub fn trace(shared: &SharedPaths, listed: &Reserve) -> Self {
        let limits = threshold_limits(listed);
        let reference = shared
            .reference
            .filter(|reference| reference.covers(&limits));
        let (mut changes, block_minima) = SPARE.with(|spare| spare.take()).unwrap_or_default();
        changes.clear();
        let mut tracer = Tracer::new(shared, limits, listed, changes);
        tracer.run(reference, None);
        let mut path = Self {
            changes: Changes {
                list: tracer.changes,
                listed_bps: listed.calibrated.liquidation_threshold_bps,
            },
            block_minima,
            ltv_buffer_bps: listed.bounds.ltv_buffer_bps,
            weights: PathWeights::new(limits.lt_min_bps, limits.lt_max_bps),
            uncalibrated_events: shared
                .prices
                .uncalibrated_events(i64::from(listed.calibration.calibration_max_age_secs)),
        };
        path.weigh(&shared.prices.times);
        path
    }

    /// The weights and block minima, from the changes alone. A step weighs
    /// its threshold until the next step, so summed by parts the weights
    /// are the last step's value times the last time, less the first's
    /// times the first time, less each change of value times its time.
    fn weigh(&mut self, times: &[i64]) {
        let len = times.len();
        let (buffer, lt_min, lt_max) = (
            self.ltv_buffer_bps,
            self.weights.lt_min_bps,
            self.weights.lt_max_bps,
        );
        // The three weighed values of a threshold: max LTV, at lt_min, at lt_max.
        let values = |bps: u16| {
            (
                i64::from(max_ltv_bps(bps, buffer)),
                i64::from(bps <= lt_min),
                i64::from(bps >= lt_max),
            )
        };
        let mut weights = self.weights;
        let (mut ltv, mut at_min, mut at_max) = (0i64, 0i64, 0i64);
        let listed_bps = self.changes.listed_bps;
        let mut last = listed_bps;
        let mut lowest = max_ltv_bps(last, buffer);
        for &Change { bps, time, .. } in &self.changes.list {
            let (now, before) = (values(bps), values(last));
            ltv -= (now.0 - before.0) * time;
            at_min -= (now.1 - before.1) * time;
            at_max -= (now.2 - before.2) * time;
            lowest = lowest.min(max_ltv_bps(bps, buffer));
            last = bps;
        }
        let (first_time, last_time) = (times[0], times[len - 1]);
        let (first, end) = (values(listed_bps), values(last));
        weights.total_secs = last_time - first_time;
        weights.max_ltv_bps_secs = ltv + end.0 * last_time - first.0 * first_time;
        weights.at_min_secs = at_min + end.1 * last_time - first.1 * first_time;
        weights.at_max_secs = at_max + end.2 * last_time - first.2 * first_time;
        weights.min_max_ltv_bps = lowest;
        weights.last_max_ltv_bps = max_ltv_bps(last, buffer);
        self.weights = weights;

        // Each block's least threshold: the one it starts with, and every
        // change inside it.
        let mut block_minima = std::mem::take(&mut self.block_minima);
        block_minima.clear();
        let (mut current, mut changes) = (listed_bps, self.changes.list.iter().peekable());
        for block in 0..len.div_ceil(BLOCK) {
            let block_end = (block + 1) * BLOCK;
            let mut minimum = current;
            while let Some(&&Change { tick, bps, .. }) = changes.peek() {
                if tick as usize >= block_end {
                    break;
                }
                minimum = minimum.min(bps);
                current = bps;
                changes.next();
            }
            block_minima.push(minimum);
        }
        self.block_minima = block_minima;
    }

    /// The threshold after tick `index`.
    pub fn threshold_at(&self, index: usize) -> u16 {
        self.changes.at(index)
    }

    /// The threshold and max LTV after each tick in `from..to`.
    pub fn each(&self, from: usize, to: usize) -> impl Iterator<Item = (u16, u16)> + '_ {
        let mut run = self.changes.run_at(from);
        (from..to).map(move |index| {
            run = self.changes.advance(run, index);
            let bps = self.changes.run_bps(run);
            (bps, max_ltv_bps(bps, self.ltv_buffer_bps))
        })
    }

    /// Leaves in `reserve` what the book reads of the refreshes up to tick
    /// `index` (the threshold, max LTV, last price, estimates, calibration
    /// time and when it goes stale); returns the tick's price. The rate-limit anchor,
    /// which only the tracing reads, is left alone.
    pub fn apply(&self, shared: &SharedPaths, reserve: &mut Reserve, index: usize) -> OraclePrice {
        let prices = shared.prices;
        let calibrated = &mut reserve.calibrated;
        let threshold = self.threshold_at(index);
        calibrated.liquidation_threshold_bps = threshold;
        calibrated.max_ltv_bps = max_ltv_bps(threshold, self.ltv_buffer_bps);
        calibrated.fast_variance_per_year = shared.fast[index].into();
        calibrated.slow_variance_per_year = shared.slow[index].into();
        // The last tick that stored a price, and the last that calibrated.
        if let Some(stored) = prices.last_stored(index) {
            calibrated.last_price = prices.prices[stored].price.into();
            calibrated.last_publish_time = prices.prices[stored].publish_time;
        }
        if let Some(at) = prices.last_calibrated(index) {
            calibrated.last_calibration_ts = prices.times[at];
            let max_age = i64::from(reserve.calibration.calibration_max_age_secs);
            reserve.stale_from_ts = prices.times[at] + max_age;
        }
        prices.prices[index]
    }

    /// From tick `from` on, the first tick where the book may act: a tick
    /// not calibrated, the first at or after `until` (the next re-lever),
    /// or one whose price the book's `screen` does not pass at its
    /// threshold. Blocks of ticks whose lowest price and lowest threshold
    /// pass are passed at once.
    pub fn next_event(
        &self,
        shared: &SharedPaths,
        from: usize,
        until: i64,
        screen: &Screen,
    ) -> usize {
        let prices = shared.prices;
        let events = &self.uncalibrated_events;
        let next_uncalibrated = events
            .get(events.partition_point(|&i| i < from))
            .copied()
            .unwrap_or(prices.len());
        let end = next_uncalibrated.min(first_time_at_least(&prices.times, from, until));
        let spot = prices.spot.values();
        let spot_minima = prices.spot.block_minima();
        let mut index = from;
        let mut run = self.changes.run_at(from);
        while index < end {
            let block = index / BLOCK;
            let block_end = ((block + 1) * BLOCK).min(end);
            if screen.passes(spot_minima[block], self.block_minima[block]) {
                index = block_end;
                continue;
            }
            while index < block_end {
                run = self.changes.advance(run, index);
                if !screen.passes(spot[index], self.changes.run_bps(run)) {
                    return index;
                }
                index += 1;
            }
        }
        end
    }
}

impl Drop for ThresholdPath {
    fn drop(&mut self) {
        let buffers = (
            std::mem::take(&mut self.changes.list),
            std::mem::take(&mut self.block_minima),
        );
        SPARE.with(|spare| {
            spare.borrow_mut().get_or_insert(buffers);
        });
    }
}

/// The first index from `from` on whose time is at least `until`,
/// searched outward from `from`: the answer is usually near.
fn first_time_at_least(times: &[i64], from: usize, until: i64) -> usize {
    let (mut low, mut high, mut step) = (from, from, 1);
    while high < times.len() && times[high] < until {
        low = high + 1;
        high += step;
        step *= 2;
    }
    let high = high.min(times.len());
    low + times[low..high].partition_point(|t| *t < until)
}

/// A trace for candidates to follow: the threshold with the widest bounds
/// of a group of candidates and their rate limits, and for each tick
/// whether it left the threshold at its clamped target and whether it
/// restarted the rate-limit anchor.
pub struct ReferencePath {
    limits: ThresholdLimits,
    changes: Changes,
    listed_anchor: i64,
    at_target: Bits,
    anchored: Bits,
}

impl ReferencePath {
    /// The reference for candidates within `limits`' bounds and with its
    /// rates, all listed at `listed`'s time.
    pub fn trace(shared: &SharedPaths, limits: ThresholdLimits, listed: &Reserve) -> Self {
        let len = shared.prices.len();
        let mut listed = *listed;
        listed.calibrated.liquidation_threshold_bps = limits.lt_min_bps;
        let mut tracer = Tracer::new(shared, limits, &listed, Vec::new());
        let mut record = Record {
            at_target: Bits::new(len),
            anchored: Bits::new(len),
        };
        tracer.run(None, Some(&mut record));
        Self {
            limits,
            changes: Changes {
                list: tracer.changes,
                listed_bps: limits.lt_min_bps,
            },
            listed_anchor: listed.calibrated.rate_limit_anchor_ts,
            at_target: record.at_target,
            anchored: record.anchored,
        }
    }

    /// Whether a candidate with `limits` moves as the reference while the
    /// target stays inside its bounds.
    fn covers(&self, limits: &ThresholdLimits) -> bool {
        self.limits.max_tighten_bps_per_hour == limits.max_tighten_bps_per_hour
            && self.limits.max_loosen_bps_per_hour == limits.max_loosen_bps_per_hour
            && self.limits.max_loosen_elapsed_secs == limits.max_loosen_elapsed_secs
            && self.limits.lt_min_bps <= limits.lt_min_bps
            && self.limits.lt_max_bps >= limits.lt_max_bps
    }

    /// The rate-limit anchor after tick `index`: the time of the last tick
    /// that calibrated and anchored (a quiet stretch records the ticks
    /// between its samples too, which anchor nothing).
    fn anchor_at(&self, index: usize, prices: &super::prices::PricePath) -> i64 {
        self.anchored
            .last_set_at_or_before(index)
            .and_then(|tick| prices.last_calibrated(tick))
            .map_or(self.listed_anchor, |tick| prices.times[tick])
    }
}

/// What a reference trace records per tick.
struct Record {
    at_target: Bits,
    anchored: Bits,
}

/// The state of a trace.
struct Tracer<'a> {
    shared: &'a SharedPaths<'a>,
    limits: ThresholdLimits,
    threshold: u16,
    anchor: i64,
    /// Whether the last tick left the threshold at its clamped target.
    at_target: bool,
    changes: Vec<Change>,
    stage: Box<[Change; STAGE]>,
}

/// Why the tight loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the end of its ticks, or at its target where a quiet stretch
    /// may start.
    Paused,
    /// At its target inside its bounds where the reference is too: from
    /// the next tick on the two move alike.
    Joined,
}

impl<'a> Tracer<'a> {
    fn new(
        shared: &'a SharedPaths<'a>,
        limits: ThresholdLimits,
        listed: &Reserve,
        changes: Vec<Change>,
    ) -> Self {
        Self {
            shared,
            limits,
            threshold: listed.calibrated.liquidation_threshold_bps,
            anchor: listed.calibrated.rate_limit_anchor_ts,
            at_target: false,
            changes,
            stage: Box::new([Change::default(); STAGE]),
        }
    }

    /// Traces every tick, following `reference` where it can, recording
    /// the reference's bits into `record` when it is one. Only calibrated
    /// ticks move a threshold (`calibrated_ticks`): the walk goes from one
    /// to the next, numbered by their rank among them (a sample).
    fn run(&mut self, reference: Option<&ReferencePath>, mut record: Option<&mut Record>) {
        let prices = self.shared.prices;
        let samples = prices.calibrated_ticks();
        // The first sample at or after tick `tick`, searched from `from`.
        let sample_from = |from: usize, tick: usize| {
            from + samples[from..].partition_point(|&t| (t as usize) < tick)
        };
        let mut sample = 0;
        let mut next_quiet_try = 0;
        while sample < samples.len() {
            let index = samples[sample] as usize;
            if self.at_target && sample >= next_quiet_try {
                match self.quiet_until(index, prices.len()) {
                    Some(quiet_end) => {
                        if let Some(record) = record.as_deref_mut() {
                            record.at_target.set_range(index, quiet_end);
                            record.anchored.set_range(index, quiet_end);
                        }
                        sample = sample_from(sample, quiet_end);
                        self.anchor = prices.times[samples[sample - 1] as usize];
                        continue;
                    }
                    None => next_quiet_try = sample + QUIET_RETRY_SAMPLES,
                }
            }
            let (stopped, stop) = match (reference, record.as_deref_mut()) {
                (Some(reference), _) => {
                    self.step_each(sample, next_quiet_try, Some(reference), None)
                }
                (None, Some(record)) => self.step_each(sample, next_quiet_try, None, Some(record)),
                (None, None) => self.step_each(sample, next_quiet_try, None, None),
            };
            sample = stopped;
            if let (Stop::Joined, Some(reference)) = (stop, reference) {
                let joined = samples[stopped - 1] as usize;
                let until = self.follow(reference, joined + 1);
                sample = sample_from(sample, until);
            }
        }
    }

    /// From tick `from` on, while the target stays inside the bounds, the
    /// reference's changes are this trace's; returns the first tick where
    /// it leaves them, with the state the reference has before it.
    fn follow(&mut self, reference: &ReferencePath, from: usize) -> usize {
        let prices = self.shared.prices;
        let (low, high) = (self.limits.lt_min_bps, self.limits.lt_max_bps);
        let until = self
            .shared
            .targets
            .first_outside(from, prices.len(), low, high)
            .unwrap_or(prices.len());
        if until <= from {
            return from;
        }
        self.changes
            .extend_from_slice(reference.changes.between(from, until));
        let before = until - 1;
        self.threshold = reference.changes.at(before);
        self.anchor = reference.anchor_at(before, prices);
        self.at_target = reference.at_target.get(before);
        until
    }

    /// The tight loop: one `move_toward_target` per sample from sample
    /// `from` on until the last, or, from sample `quiet_from` on, a
    /// threshold at its target (where a quiet stretch may start), or one
    /// that joins the `reference`. Returns the first sample not traced,
    /// and why it stopped.
    #[inline(always)]
    fn step_each(
        &mut self,
        from: usize,
        quiet_from: usize,
        reference: Option<&ReferencePath>,
        mut record: Option<&mut Record>,
    ) -> (usize, Stop) {
        let limits = self.limits;
        let times = &self.shared.prices.times;
        let targets = self.shared.targets.values();
        let samples = &self.shared.prices.calibrated_ticks()[from..];
        let (mut threshold, mut anchor) = (self.threshold, self.anchor);
        let quiet_at = quiet_from.saturating_sub(from);
        // Changes are staged without a branch (the slot is written every
        // sample, kept only when the threshold moved) and moved to the
        // list when the stage fills.
        let stage = &mut self.stage;
        let mut staged = 0;
        let mut at_target = self.at_target;
        let mut stopped = (from + samples.len(), Stop::Paused);
        for (offset, &tick) in samples.iter().enumerate() {
            if at_target && offset >= quiet_at {
                stopped = (from + offset, Stop::Paused);
                break;
            }
            let (index, target) = (tick as usize, targets[tick as usize]);
            let now = times[index];
            let moved = move_toward_target(threshold, anchor, target, now, &limits);
            stage[staged] = Change {
                tick,
                bps: moved.threshold_bps,
                time: now,
            };
            let changed = moved.threshold_bps != threshold;
            staged += usize::from(changed);
            if staged == STAGE {
                self.changes.extend_from_slice(&stage[..]);
                staged = 0;
            }
            threshold = moved.threshold_bps;
            anchor = moved.rate_limit_anchor_ts;
            at_target = threshold == target.clamp(limits.lt_min_bps, limits.lt_max_bps);
            if let Some(record) = record.as_deref_mut() {
                record.at_target.set_if(index, at_target);
                record.anchored.set_if(index, changed || at_target);
            }
            if let Some(reference) = reference {
                let inside = (limits.lt_min_bps..=limits.lt_max_bps).contains(&target);
                if at_target && inside && reference.at_target.get(index) {
                    stopped = (from + offset + 1, Stop::Joined);
                    break;
                }
            }
        }
        self.changes.extend_from_slice(&stage[..staged]);
        self.threshold = threshold;
        self.anchor = anchor;
        self.at_target = at_target;
        stopped
    }

    /// With the threshold at its clamped target: the end of the ticks from
    /// `from` (before `end`) whose clamped target is the threshold still
    /// (the same target inside the bounds, or any beyond the bound it sits
    /// at). Each such sample only moves the rate-limit anchor to its own
    /// time; ticks between samples hold the last sample's target. `None`
    /// when fewer than two ticks.
    fn quiet_until(&self, from: usize, end: usize) -> Option<usize> {
        let (lt_min, lt_max) = (self.limits.lt_min_bps, self.limits.lt_max_bps);
        let low = if self.threshold == lt_min {
            0
        } else {
            self.threshold
        };
        let high = if self.threshold == lt_max {
            u16::MAX
        } else {
            self.threshold
        };
        let quiet_end = self
            .shared
            .targets
            .first_outside(from, end, low, high)
            .unwrap_or(end);
        (quiet_end > from + 1).then_some(quiet_end)
    }
}
