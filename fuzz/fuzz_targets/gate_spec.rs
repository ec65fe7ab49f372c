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
use opsctl::gate::expr::{Env, Expression, Value};
use opsctl::gate::spec::{self, ReadOptions};

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = dir().path().join("gate.yaml");
    if std::fs::write(&path, text.as_bytes()).is_ok() {
        let options = ReadOptions {
            args: vec![("service".into(), "app".into())],
        };
        let _ = spec::read(&[path], &options);
    }
    let results = [
        Value::Nil,
        Value::Float(f64::NAN),
        Value::List(vec![]),
        Value::List(vec![Value::Float(0.5), Value::Float(f64::INFINITY)]),
    ];
    for line in text.lines().take(4) {
        if let Ok(expression) = Expression::parse(line) {
            for result in &results {
                let env = Env {
                    result: result.clone(),
                    now: 1_700_000_000.0,
                };
                let _ = expression.evaluate(&env);
            }
        }
    }
});
