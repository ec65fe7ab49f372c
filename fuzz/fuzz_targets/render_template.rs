//! Fuzzes what `opsctl render` reads from a deploy directory: arbitrary text
//! as a template (directives included), rendered with fixed values, the
//! output parsed back as manifests; and arbitrary `--set` arguments. Each
//! must give an error or a result, never a panic, a hang or a stack overflow.
//!
//! Run from fuzz/ (see sealed_file_reader.rs):
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run render_template corpus/render_template seeds/render_template -- -max_total_time=60

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| opsctl::fuzzing::render_template(data));
