//! Fuzzes what `opsctl load` reads from files and flags it did not write:
//! result JSON (`load report`, `--baseline`: base64 HdrHistograms from
//! anywhere), thresholds, `--max-regression`, `--stages`, durations and
//! rates. Each must give an error or a value, never a panic, a hang or an
//! unbounded allocation; a result that reads must also merge with itself.
//!
//! Run from fuzz/ (see sealed_file_reader.rs):
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run load_inputs corpus/load_inputs seeds/load_inputs -- -max_total_time=60

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| opsctl::fuzzing::load_inputs(data));
