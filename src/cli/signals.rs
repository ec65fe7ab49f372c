//! The Ctrl-C / SIGTERM handler.

/// Installs the handler once, at start-up. On an interrupt that nothing
/// defers (see [`crate::interrupt`]) it removes private temp dirs, restores
/// the cursor a prompt may have hidden, and exits 130.
pub fn install() {
    // Failing to install (a handler already set by an embedding program) only
    // loses the tidy exit; the default signal behaviour still stops opsctl.
    let _ = ctrlc::set_handler(|| {
        if crate::interrupt::request() {
            crate::fsx::remove_private_temp_dirs();
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                let _ = console::Term::stderr().show_cursor();
            }
            std::process::exit(i32::from(super::exit::EXIT_INTERRUPTED));
        }
    });
}
