//! The `opsctl` binary: a doorway into [`opsctl::cli`].

fn main() -> std::process::ExitCode {
    opsctl::cli::main()
}
