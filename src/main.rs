//! The `opsctl` binary: a doorway into [`opsctl::cli`].

// Sealing and rendering build many small strings; mimalloc serves them faster
// than the system allocator (see benches/secrets.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    opsctl::cli::main()
}
