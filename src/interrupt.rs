//! Cooperative Ctrl-C: a process-wide "stop requested" flag.
//!
//! The command-line front end installs the signal handler; the core only
//! reads the flag. By default an interrupt ends the process at once (after
//! removing private temp dirs). Work that must finish cleanly, or that waits
//! on a child which handles Ctrl-C itself (an editor), holds a [`Deferral`]:
//! the first Ctrl-C then only sets the flag, the work notices it through
//! [`check`] and returns [`Interrupted`]; a second Ctrl-C still ends the process.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The user asked the command to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// The flag and the count of live deferrals.
struct State {
    requested: AtomicBool,
    deferrals: AtomicUsize,
}

impl State {
    const fn new() -> Self {
        Self {
            requested: AtomicBool::new(false),
            deferrals: AtomicUsize::new(0),
        }
    }

    fn request(&self) -> bool {
        let repeated = self.requested.swap(true, Ordering::SeqCst);
        repeated || self.deferrals.load(Ordering::SeqCst) == 0
    }

    fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}

static STATE: State = State::new();

/// Records an interrupt. Returns `true` when the process should exit now:
/// nothing deferred it, or this is a repeated request.
pub fn request() -> bool {
    STATE.request()
}

/// Whether an interrupt has been requested.
pub fn requested() -> bool {
    STATE.requested()
}

/// `Err(Interrupted)` once an interrupt has been requested.
pub fn check() -> Result<(), Interrupted> {
    if requested() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// While alive, the first Ctrl-C sets the flag instead of ending the process.
#[derive(Debug)]
#[must_use = "the deferral ends when this guard is dropped"]
pub struct Deferral(&'static State);

/// Defers interrupts until the returned guard is dropped.
pub fn defer() -> Deferral {
    STATE.deferrals.fetch_add(1, Ordering::SeqCst);
    Deferral(&STATE)
}

impl Drop for Deferral {
    fn drop(&mut self) {
        self.0.deferrals.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("requested", &self.requested())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A state of its own, so tests elsewhere never see a requested interrupt.
    #[test]
    fn deferral_turns_the_first_interrupt_into_a_flag() {
        let state = State::new();
        assert!(!state.requested());
        state.deferrals.fetch_add(1, Ordering::SeqCst);
        assert!(!state.request(), "a deferred first interrupt must not exit");
        assert!(state.requested());
        assert!(
            state.request(),
            "a second interrupt exits even when deferred"
        );
        let fresh = State::new();
        assert!(
            fresh.request(),
            "without a deferral the first interrupt exits"
        );
    }
}
