//! Progress of long work: a bar on a terminal, a line every 10 %
//! otherwise (CI logs, pipes), nothing when output is for machines.
//! Safe to advance from several threads.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Progress {
    label: &'static str,
    unit: &'static str,
    total: usize,
    done: AtomicUsize,
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
}

impl Progress {
    /// `label` says what is done ("replaying prices"), `unit` what is
    /// counted ("steps").
    pub fn new(label: &'static str, unit: &'static str, total: usize, show: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (show && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            let template = format!(
                "{label} [{{bar:40}}] {{pos}}/{{len}} {unit}, {{elapsed}} elapsed, ETA {{eta}}"
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(&template)
                    .expect("a valid progress template")
                    .progress_chars("=> "),
            );
            bar
        });
        Self {
            label,
            unit,
            total,
            done: AtomicUsize::new(0),
            bar,
            lines: show && !terminal,
        }
    }

    /// One more done; `note` adds to the line printed off a terminal.
    pub fn inc(&self, note: impl FnOnce() -> String) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
        } else if self.lines {
            let tenth = (self.total / 10).max(1);
            if done.is_multiple_of(tenth) || done == self.total {
                eprintln!(
                    "{}: {done}/{} {}{}",
                    self.label,
                    self.total,
                    self.unit,
                    note()
                );
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
