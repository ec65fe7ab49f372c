//! Fuzzes what `opsctl gate` reads from files it did not write: spec files
//! (gate.yaml and Argo templates: YAML, args, durations, limits, composed
//! templates) and the condition expressions in them. Each must give a spec
//! or an error, never a panic, a hang or an unbounded allocation; every
//! expression that parses is also evaluated against awkward results.
//!
//! Run from fuzz/ (see sealed_file_reader.rs):
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run gate_spec corpus/gate_spec seeds/gate_spec -- -max_total_time=60

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| opsctl::fuzzing::gate_spec(data, dir().path()));
