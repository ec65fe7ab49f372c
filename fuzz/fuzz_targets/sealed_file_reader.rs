//! Fuzzes the sealed-file reader: arbitrary bytes, read as each format and
//! opened with a fixed identity, must give an error or plaintext, never a
//! panic, a hang or unbounded memory.
//!
//! Run from fuzz/ (cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP enables
//! them on the stable toolchain), starting from the committed seeds:
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run sealed_file_reader corpus/sealed_file_reader seeds/sealed_file_reader -- -max_total_time=60

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opsctl::secrets::keys::{Identities, IdentitySources, generate_identity};

fn identities() -> &'static Identities {
    static IDENTITIES: OnceLock<Identities> = OnceLock::new();
    IDENTITIES.get_or_init(|| {
        let (text, _) = generate_identity();
        Identities::load(&IdentitySources {
            key_text: Some(text.to_string()),
            ..Default::default()
        })
        .expect("a generated identity loads")
    })
}

fuzz_target!(|data: &[u8]| opsctl::fuzzing::sealed_file_reader(data, identities()));
