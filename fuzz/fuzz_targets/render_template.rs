//! Fuzzes what `opsctl render` reads from a deploy directory: arbitrary text
//! as a template (directives included), rendered with fixed values, the
//! output parsed back as manifests; and arbitrary `--set` arguments. Each
//! must give an error or a result, never a panic, a hang or a stack overflow.
//!
//! Run from fuzz/ (see sealed_file_reader.rs):
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run render_template corpus/render_template seeds/render_template -- -max_total_time=60

#![no_main]

use libfuzzer_sys::fuzz_target;
use opsctl::render::manifests;
use opsctl::template::{Engine, Source};
use opsctl::values::set::{self, SetKind};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line doubles as a --set argument.
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
});
