//! Keeps the natively loaded program's log lines off the terminal.
//!
//! Natively, `msg!` is a `println!`: every "Instruction: ..." and error log
//! of the program would land in `riskctl`'s own output. While the bank runs
//! a transaction, file descriptor 1 points at /dev/null. Only the command
//! line turns this on; it is process-wide, so a lock keeps two windows
//! from overlapping.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static ENABLED: AtomicBool = AtomicBool::new(false);
static WINDOW: Mutex<()> = Mutex::new(());

/// Silences the program's output in every later bank call.
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

/// Runs `work` with stdout pointed at /dev/null when enabled.
pub fn run<T>(work: impl FnOnce() -> T) -> T {
    if !ENABLED.load(Ordering::SeqCst) {
        return work();
    }
    let _window = WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let _ = std::io::stdout().flush();
    let redirect = Redirect::to_null();
    let result = work();
    drop(redirect);
    result
}

struct Redirect {
    saved: Option<i32>,
}

impl Redirect {
    #[cfg(unix)]
    fn to_null() -> Self {
        use std::os::fd::AsRawFd;
        let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
            return Self { saved: None };
        };
        // SAFETY: plain descriptor calls on descriptors this process owns;
        // the saved copy is restored and closed in `drop`.
        let saved = unsafe { libc::dup(1) };
        if saved < 0 || unsafe { libc::dup2(null.as_raw_fd(), 1) } < 0 {
            return Self { saved: None };
        }
        Self { saved: Some(saved) }
    }

    #[cfg(not(unix))]
    fn to_null() -> Self {
        Self { saved: None }
    }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved {
            let _ = std::io::stdout().flush();
            // SAFETY: `saved` is the descriptor `dup` returned above.
            unsafe {
                libc::dup2(saved, 1);
                libc::close(saved);
            }
        }
    }
}
