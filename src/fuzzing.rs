//! The bodies of the fuzz targets in `fuzz/`, kept in the library so that
//! `cargo test` replays the committed seeds (and deterministic mutations of
//! them) through exactly the code libFuzzer drives. The fuzzers need
//! cargo-fuzz and a sanitizer build, which the test run does not have; the
//! replay keeps the targets compiling and catches a panic on the seeds' near
//! neighbours in every run.
//!
//! Each function takes arbitrary bytes and must return, never panic, hang or
//! allocate without bound.

use std::path::Path;

use crate::gate::expr::{Env, Expression, Value};
use crate::gate::spec::{self, ReadOptions};
use crate::load::result::LoadResult;
use crate::load::{baseline, schedule, threshold};
use crate::render::manifests;
use crate::secrets::keys::Identities;
use crate::secrets::store::Format;
use crate::secrets::{UnsealOptions, check, unseal};
use crate::template::{Engine, Source};
use crate::units;
use crate::values::set::{self, SetKind};

/// What `opsctl gate` reads from files it did not write: `data` as a spec
/// file (gate.yaml or Argo templates: YAML, args, durations, limits,
/// composed templates) written into `dir`, and its first lines as condition
/// expressions, each evaluated against awkward results.
pub fn gate_spec(data: &[u8], dir: &Path) {
    let text = String::from_utf8_lossy(data);
    let path = dir.join("gate.yaml");
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
}

/// What `opsctl load` reads: `data` as a results file (merged, judged and
/// compared as a baseline) and its first lines as thresholds, baseline
/// limits, stages, durations and rates.
pub fn load_inputs(data: &[u8]) {
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
}

/// What `opsctl render` reads: `data` as a template beside a helper
/// component, rendered with fixed values and parsed as manifests; its first
/// line doubles as a `--set` argument.
pub fn render_template(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let first = text.lines().next().unwrap_or("");
    let _ = set::parse(first, SetKind::Typed);
    let _ = set::parse(first, SetKind::String);
    let sources = vec![
        Source {
            name: "templates/_helpers.yaml".to_owned(),
            text: "{% component labels(app) %}app: {{ app }}{% endcomponent %}".to_owned(),
            output: false,
        },
        Source {
            name: "templates/fuzz.yaml".to_owned(),
            text: text.into_owned(),
            output: true,
        },
    ];
    let Ok(engine) = Engine::load(sources, "templates/") else {
        return;
    };
    let mut context = tera::Context::new();
    context.insert(
        "values",
        &serde_json::json!({"name": "web", "replicas": 2, "labels": {"a": "on"}, "list": [1, "x"]}),
    );
    context.insert("env", "prod");
    if let Ok(out) = engine.render("templates/fuzz.yaml", &context) {
        let _ = manifests::parse("templates/fuzz.yaml", &out);
    }
}

/// What `opsctl secrets unseal` and `check` read: `data` as a sealed file in
/// every format, opened with `identities`.
pub fn sealed_file_reader(data: &[u8], identities: &Identities) {
    for format in [Format::Yaml, Format::Json, Format::Dotenv, Format::Binary] {
        let _ = unseal(data, format, format, identities, &UnsealOptions::default());
        let _ = check::check_file("fuzz".into(), data, format, None);
    }
}

#[cfg(test)]
mod tests {
    //! Seed replay: every committed seed, and mutations of it, through its
    //! target's body.

    use std::path::PathBuf;

    use super::*;
    use crate::secrets::keys::{IdentitySources, generate_identity};

    /// Mutations per seed: enough to reach the error paths next to each
    /// seed, few enough for a debug build to finish in seconds.
    const MUTATIONS: usize = 150;

    /// Bytes that start or end syntax in the formats fuzzed.
    const INTERESTING: &[u8] = b"\0\n\r\t :-{}[]()%#'\"\\|&!<>=*,.0123456789eE\xff";

    /// The committed seeds of `target`, sorted (at least one, or the test
    /// fails: a missing seed directory must not pass silently).
    fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target);
        let mut seeds: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| {
                let path = entry.expect("seed directory entry").path();
                let bytes = std::fs::read(&path).expect("seed file");
                (path, bytes)
            })
            .collect();
        seeds.sort();
        assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
        seeds
    }

    /// A small deterministic generator (xorshift64*), seeded per seed file
    /// so a failure names an input that reproduces.
    struct Rng(u64);

    impl Rng {
        fn new(name: &str) -> Self {
            let mut state = 0x9E37_79B9_7F4A_7C15_u64;
            for b in name.bytes() {
                state = (state ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
            }
            Self(state | 1)
        }

        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let value = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            usize::try_from(value % n.max(1) as u64).expect("below n")
        }
    }

    /// One mutation of `seed`, as a fuzzer's first steps would make: a
    /// truncation, a byte replaced or inserted, a span deleted or repeated,
    /// or a line swapped in from `other`.
    fn mutate(seed: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
        let mut out = seed.to_vec();
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 => out.truncate(at),
            1 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            3 => {
                let end = (at + 1 + rng.below(32)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                let span = out[at.min(end)..end].to_vec();
                let times = 1 + rng.below(8);
                for _ in 0..times {
                    out.splice(at..at, span.iter().copied());
                }
            }
            _ => {
                let lines: Vec<&[u8]> = other.split(|&b| b == b'\n').collect();
                let line = lines[rng.below(lines.len())];
                out.splice(at..at, line.iter().chain(b"\n").copied());
            }
        }
        out
    }

    /// Runs `body` on every seed of `target` and on `MUTATIONS` mutations of
    /// each; a panic names the seed and the mutation's number.
    fn replay(target: &str, body: impl Fn(&[u8])) {
        let seeds = seeds(target);
        for (i, (path, seed)) in seeds.iter().enumerate() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            body(seed);
            let other = &seeds[(i + 1) % seeds.len()].1;
            let mut rng = Rng::new(&name);
            for n in 0..MUTATIONS {
                let input = mutate(seed, other, &mut rng);
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&input)));
                assert!(
                    outcome.is_ok(),
                    "{target}: mutation {n} of seed {name} panicked; input: {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    #[test]
    fn gate_spec_seeds_and_mutations() {
        let dir = tempfile::tempdir().expect("temp dir");
        replay("gate_spec", |data| gate_spec(data, dir.path()));
    }

    #[test]
    fn load_inputs_seeds_and_mutations() {
        replay("load_inputs", load_inputs);
    }

    #[test]
    fn render_template_seeds_and_mutations() {
        replay("render_template", render_template);
    }

    #[test]
    fn sealed_file_reader_seeds_and_mutations() {
        let (text, _) = generate_identity();
        let identities = Identities::load(&IdentitySources {
            key_text: Some(text.to_string()),
            ..Default::default()
        })
        .expect("a generated identity loads");
        replay("sealed_file_reader", |data| {
            sealed_file_reader(data, &identities);
        });
    }

    #[test]
    fn mutations_change_the_input_and_repeat_for_the_same_seed() {
        let seed = b"metrics:\n  - name: a\n";
        let (mut first, mut second) = (Rng::new("s"), Rng::new("s"));
        let a: Vec<_> = (0..20).map(|_| mutate(seed, b"x: 1", &mut first)).collect();
        let b: Vec<_> = (0..20)
            .map(|_| mutate(seed, b"x: 1", &mut second))
            .collect();
        assert_eq!(a, b, "the same seed name gives the same mutations");
        assert!(a.iter().filter(|m| m.as_slice() != seed).count() >= 15);
    }
}
