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
use opsctl::load::result::LoadResult;
use opsctl::load::{baseline, schedule, threshold};
use opsctl::units;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(result) = LoadResult::from_json(&text, "fuzz.json") {
        let _ = LoadResult::merge(&[result.clone(), result.clone()]);
        for metric in ["p99", "mean", "rps", "error_rate"] {
            if let Ok(t) = threshold::Threshold::parse(&format!("{metric}<1s")) {
                let _ = t.evaluate(&result);
            }
        }
        let _ = baseline::compare(&result, &result, &[]);
    }
    for line in text.lines().take(8) {
        let _ = threshold::Threshold::parse(line);
        let _ = baseline::parse_limits(line);
        if let Ok(stages) = schedule::parse_stages(line) {
            let s = schedule::Schedule::stages(0.0, &stages);
            let _ = s.due(s.total_requests().min(1_000_000) / 2);
        }
        let _ = units::parse_duration(line);
        let _ = units::parse_rate(line);
    }
});
