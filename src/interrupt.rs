//! Cooperative Ctrl-C: a process-wide "stop requested" flag.
//!
//! The command-line front end installs the signal handler; the core only
//! reads the flag. By default an interrupt ends the process at once (after
//! removing private temp dirs). Work that must finish cleanly, or that waits
//! on a child which handles Ctrl-C itself (an editor), holds a [`Deferral`]:
//! the first Ctrl-C then only sets the flag, the work notices it through
//! [`check`] and returns [`Interrupted`]; a second Ctrl-C still ends the process.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static DEFERRALS: AtomicUsize = AtomicUsize::new(0);

/// The user asked the command to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Records an interrupt. Returns `true` when the process should exit now:
/// nothing deferred it, or this is a repeated request.
pub fn request() -> bool {
    let repeated = REQUESTED.swap(true, Ordering::SeqCst);
    repeated || DEFERRALS.load(Ordering::SeqCst) == 0
}

/// Whether an interrupt has been requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
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
pub struct Deferral(());

/// Defers interrupts until the returned guard is dropped.
pub fn defer() -> Deferral {
    DEFERRALS.fetch_add(1, Ordering::SeqCst);
    Deferral(())
}

impl Drop for Deferral {
    fn drop(&mut self) {
        DEFERRALS.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test owns the process-wide flag, so the steps run in order.
    #[test]
    fn deferral_turns_the_first_interrupt_into_a_flag() {
        assert!(check().is_ok());
        let guard = defer();
        assert!(!request(), "a deferred first interrupt must not exit");
        assert_eq!(check(), Err(Interrupted));
        assert!(request(), "a second interrupt exits even when deferred");
        drop(guard);
        REQUESTED.store(false, Ordering::SeqCst);
        assert!(request(), "without a deferral the first interrupt exits");
        REQUESTED.store(false, Ordering::SeqCst);
    }
}
