//! Random transaction sequences through the bank, with the invariants a
//! lending market must keep checked after every transaction; a failing
//! sequence is shrunk to the shortest one that still fails.

pub mod invariants;
pub mod ops;
pub mod playground;

use invariants::{books_balance, money_rules, Snapshot, Trend};
use ops::Op;
use playground::{Kind, Playground};

/// What a run sent.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub sent: usize,
    pub accepted: usize,
    pub liquidations: usize,
    pub write_offs: usize,
    /// Refused transactions by what they were and why.
    pub refusals: std::collections::BTreeMap<String, usize>,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.sent += other.sent;
        self.accepted += other.accepted;
        self.liquidations += other.liquidations;
        self.write_offs += other.write_offs;
        for (reason, count) in &other.refusals {
            *self.refusals.entry(reason.clone()).or_default() += count;
        }
    }
}

#[derive(Debug, Clone)]
pub struct Failure {
    /// Index of the operation in the sequence.
    pub at: usize,
    pub step: String,
    pub message: String,
}

/// Runs `ops` on a fresh playground, checking every invariant after every
/// transaction.
pub async fn run(ops: &[Op]) -> Result<Tally, Failure> {
    let mut pg = Playground::new().await;
    let mut tally = Tally::default();
    let mut before = Snapshot::take(&mut pg).await;
    let mut trends: Vec<Trend> = (0..pg.reserves.len())
        .map(|i| Trend::start(&before.reserve_in_use(&pg, i), before.now))
        .collect();
    for (at, op) in ops.iter().enumerate() {
        let fail = |step: &str, message: String| Failure {
            at,
            step: step.to_string(),
            message,
        };
        let steps = pg.steps(op).await;
        // Waits move the clock, keepers and liquidators the prices, openings
        // add an account to follow: what the next transaction starts from is
        // taken again.
        if matches!(
            op,
            Op::Wait { .. }
                | Op::Keeper { .. }
                | Op::Open { .. }
                | Op::Liquidate { .. }
                | Op::WriteOff { .. }
        ) {
            before = Snapshot::take(&mut pg).await;
        }
        for step in steps {
            let signers: Vec<&solana_sdk::signature::Keypair> = step.signers.iter().collect();
            let tracked_before = before.clone();
            let result = pg.f.send(&step.instructions, &signers).await;
            let after = Snapshot::take(&mut pg).await;
            tally.sent += 1;
            match &result {
                Err(error) => {
                    let what = step.label.split(' ').take(3).collect::<Vec<_>>().join(" ");
                    let reason = crate::attack::refusal(&Err(error.clone()));
                    *tally
                        .refusals
                        .entry(format!("{reason} <- {what}"))
                        .or_default() += 1;
                    if after.accounts != tracked_before.accounts {
                        return Err(fail(
                            &step.label,
                            format!("refused ({error:?}) but accounts changed"),
                        ));
                    }
                }
                Ok(events) => {
                    tally.accepted += 1;
                    match step.kind {
                        Kind::Liquidate { .. } => tally.liquidations += 1,
                        Kind::WriteOff { .. } => tally.write_offs += 1,
                        _ => {}
                    }
                    money_rules(&pg, step.kind, events, &tracked_before, &after)
                        .map_err(|m| fail(&step.label, m))?;
                }
            }
            books_balance(&pg, &after, &before).map_err(|m| fail(&step.label, m))?;
            let governed = result.is_ok() && step.kind == Kind::Governance;
            for (i, trend) in trends.iter_mut().enumerate() {
                trend
                    .follow(&after.reserve_in_use(&pg, i), after.now, governed)
                    .map_err(|m| fail(&step.label, format!("reserve {i}: {m}")))?;
            }
            before = after;
        }
    }
    Ok(tally)
}

/// The shortest sequence found, by removing ever smaller runs of
/// operations while the run still fails, within `budget` reruns.
pub async fn shrink(mut ops: Vec<Op>, mut failure: Failure, budget: usize) -> (Vec<Op>, Failure) {
    ops.truncate(failure.at + 1);
    let mut runs = 0;
    let mut chunk = ops.len().div_ceil(2);
    while chunk >= 1 && runs < budget {
        let mut start = 0;
        while start < ops.len() && runs < budget {
            let end = (start + chunk).min(ops.len());
            let mut candidate = ops.clone();
            candidate.drain(start..end);
            runs += 1;
            match run(&candidate).await {
                Err(found) => {
                    candidate.truncate(found.at + 1);
                    ops = candidate;
                    failure = found;
                }
                Ok(_) => start = end,
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    (ops, failure)
}
