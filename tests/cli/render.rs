//! `opsctl render` on a realistic service: golden output for two
//! environments checked by the real kubernetes-validate and yamllint,
//! `--check` drift detection, atomic `--out`, and bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;

use crate::support::{Sandbox, assert_matches_schema, git, passes, pre_commit_run, tool};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render")
}

/// Copies the service fixture into the sandbox as `work/deploy`.
fn service(s: &Sandbox) -> PathBuf {
    let target = s.work().join("deploy");
    copy_dir(&fixtures().join("service"), &target);
    target
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Seals the fixture's plaintext secrets values with a fresh identity;
/// returns the sealed file (work/secrets.yaml). The key is work/key.txt.
fn sealed_secrets(s: &Sandbox) -> PathBuf {
    s.cmd()
        .args(["secrets", "keygen", "--out", "key.txt"])
        .assert()
        .success();
    let key = std::fs::read_to_string(s.work().join("key.txt")).unwrap();
    let recipient = key
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_owned();
    std::fs::copy(
        fixtures().join("service-secrets.plain.yaml"),
        s.work().join("secrets.yaml"),
    )
    .unwrap();
    s.cmd()
        .args([
            "secrets",
            "seal",
            "--in-place",
            "secrets.yaml",
            "--age",
            &recipient,
        ])
        .assert()
        .success();
    s.work().join("secrets.yaml")
}

/// `opsctl render deploy --env ENV -f secrets.yaml` with the sandbox key,
/// then `extra`.
fn render_env(s: &Sandbox, env: &str, extra: &[&std::ffi::OsStr]) -> assert_cmd::assert::Assert {
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", s.work().join("key.txt"))
        .args(["render", "deploy", "--env", env, "-f", "secrets.yaml"])
        .args(["--release", "orders", "--namespace", "shop"])
        .args(extra)
        .assert()
}

#[test]
fn golden_renders_pass_kubernetes_validate_and_yamllint() {
    let s = Sandbox::new();
    service(&s);
    let sealed = sealed_secrets(&s);
    // The sealed file holds no plaintext; render reads it in memory.
    let on_disk = std::fs::read_to_string(&sealed).unwrap();
    let plain = std::fs::read_to_string(fixtures().join("service-secrets.plain.yaml")).unwrap();
    let secret_line = plain.lines().find(|l| l.contains("postgres://")).unwrap();
    let secret = secret_line.split_once(": ").unwrap().1.trim_matches('"');
    assert!(!on_disk.contains(secret));

    let kubernetes_validate = tool("kubernetes-validate", "pip install kubernetes-validate");
    let yamllint = tool("yamllint", "apt-get install yamllint");
    let schemas = kubernetes_schemas();
    for env in ["staging", "production"] {
        let out = render_env(&s, env, &[])
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(format!("render-{env}"), text);
        // Deterministic: a second run gives the same bytes.
        let again = render_env(&s, env, &[])
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(text.as_bytes(), again.as_slice());

        // The same objects as one file each.
        let dir = s.work().join("rendered").join(env);
        render_env(&s, env, &["--out".as_ref(), dir.as_os_str()]).success();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        assert!(files.len() >= 6, "{files:?}");
        passes(
            Command::new(&kubernetes_validate)
                .arg("--strict")
                .args(&files),
            &format!("kubernetes-validate --strict for {env}"),
        );
        passes(
            Command::new(&yamllint)
                .args(["--strict", "-f", "parsable"])
                .args(&files),
            &format!("yamllint for {env}"),
        );
        // opsctl's own --validate agrees, against the same schemas.
        render_env(&s, env, &["--schema-dir".as_ref(), schemas.as_os_str()]).success();
        // And the stream form lints too.
        let stream = s.work().join(format!("{env}.yaml"));
        std::fs::write(&stream, &text).unwrap();
        passes(
            Command::new(&yamllint).arg("--strict").arg(&stream),
            &format!("yamllint for the {env} stream"),
        );
    }
}

#[test]
fn a_sealed_values_file_needs_its_key() {
    let s = Sandbox::new();
    service(&s);
    sealed_secrets(&s);
    std::fs::remove_file(s.work().join("key.txt")).unwrap();
    s.cmd()
        .args(["render", "deploy", "--env", "staging", "-f", "secrets.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("secrets.yaml").and(predicate::str::contains("age1")));
}

#[test]
fn check_detects_drift_and_json_lists_it() {
    let s = Sandbox::new();
    service(&s);
    let render = |extra: &[&str]| {
        let mut cmd = s.cmd();
        cmd.args(["render", "deploy", "--env", "staging"])
            .args(["--set-string", "secrets.DATABASE_URL=x,secrets.API_TOKEN=y"])
            .args(extra);
        cmd
    };
    render(&["--out", "out"]).assert().success().stdout("");
    render(&["--out", "out", "--check"]).assert().success();
    // A changed value: exit 1, a unified diff on stdout.
    render(&["--out", "out", "--check", "--set", "replicas=5"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("+++ b/out/deployment-")
                .and(predicate::str::contains("+  replicas: 5")),
        );
    // A removed file and a stale one, as JSON.
    let deployment = std::fs::read_dir(s.work().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("deployment-"))
        .unwrap();
    std::fs::remove_file(s.work().join("out").join(&deployment)).unwrap();
    let out = render(&["--out", "out", "--check", "-o", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("render-check.schema.json", &out);
    assert_eq!(report["up_to_date"], false);
    assert_eq!(report["drift"][0]["status"], "missing", "{report}");
    // Rendering again repairs it, and --check agrees.
    render(&["--out", "out"]).assert().success();
    render(&["--out", "out", "--check", "-o", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"up_to_date\": true"));
}

/// Every file in `dir`, name → bytes.
fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_failing_template_leaves_out_untouched() {
    let s = Sandbox::new();
    let deploy = service(&s);
    let args = [
        "render",
        "deploy",
        "--env",
        "production",
        "--set-string",
        "secrets.DATABASE_URL=x,secrets.API_TOKEN=y",
        "--out",
        "out",
    ];
    s.cmd().args(args).assert().success();
    let before = snapshot_dir(&s.work().join("out"));
    let service_yaml = deploy.join("templates/service.yaml");
    let text = std::fs::read_to_string(&service_yaml).unwrap();
    std::fs::write(&service_yaml, format!("{text}\n# {{{{ values.nope }}}}\n")).unwrap();
    s.cmd()
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("templates/service.yaml:"));
    assert_eq!(snapshot_dir(&s.work().join("out")), before);
    // No staging directory is left behind.
    let names: Vec<String> = std::fs::read_dir(s.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".opsctl-")),
        "{names:?}"
    );
    // A file opsctl did not write stops --out before anything changes.
    std::fs::write(&service_yaml, text).unwrap();
    std::fs::write(s.work().join("out/README.md"), "mine").unwrap();
    s.cmd()
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md"));
    assert_eq!(
        std::fs::read_to_string(s.work().join("out/README.md")).unwrap(),
        "mine"
    );
}

/// A minimal deploy dir with one template.
fn minimal(s: &Sandbox, template: &str, values: &str) {
    s.write("work/deploy/templates/cm.yaml", template);
    s.write("work/deploy/values.yaml", values);
    s.write("work/deploy/values/staging.yaml", "{}\n");
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.name }}\ndata:\n  replicas: \"{{ values.replicas }}\"\n";

#[test]
fn errors_point_at_the_template_and_suggest() {
    let s = Sandbox::new();
    minimal(
        &s,
        &CM.replace("values.replicas", "values.replcas"),
        "name: web\nreplicas: 2\n",
    );
    s.cmd()
        .args(["render", "deploy"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("templates/cm.yaml:6:")
                .and(predicate::str::contains(
                    "replicas: \"{{ values.replcas }}\"",
                ))
                .and(predicate::str::contains("^^^"))
                .and(predicate::str::contains("did you mean `.replicas`?")),
        );
}

#[test]
fn foreign_template_syntax_gets_the_fix() {
    let s = Sandbox::new();
    minimal(
        &s,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  alert: \"{{ $labels.pod }} down\"\n",
        "{}\n",
    );
    s.cmd().args(["render", "deploy"]).assert().code(2).stderr(
        predicate::str::contains("templates/cm.yaml:6:")
            .and(predicate::str::contains("{% raw %}"))
            .and(predicate::str::contains("# opsctl: verbatim")),
    );
    // The delimiter directive makes it render, braces untouched.
    s.write(
        "work/deploy/templates/cm.yaml",
        "# opsctl: delimiters [[ ]]\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [[ release.name ]]\ndata:\n  alert: \"{{ $labels.pod }} down\"\n",
    );
    s.cmd()
        .args(["render", "deploy", "--release", "web"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("name: web").and(predicate::str::contains(
                "alert: \"{{ $labels.pod }} down\"",
            )),
        );
}

#[test]
fn bad_values_input_is_exit_2_with_a_clear_message() {
    let s = Sandbox::new();
    minimal(&s, CM, "name: web\nreplicas: 2\n");
    let cases: &[(&[&str], &str)] = &[
        (&["--env", "stagin"], "did you mean `--env staging`?"),
        (&["--set", "a..b=1"], "empty name between dots"),
        (&["--set", "replicas"], "has no `=`"),
        (&["--set-file", "x=missing.txt"], "cannot read missing.txt"),
    ];
    for (args, needle) in cases {
        s.cmd()
            .args(["render", "deploy"])
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*needle));
    }
    s.write("work/list.yaml", "- a\n- b\n");
    s.cmd()
        .args(["render", "deploy", "-f", "list.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("list.yaml").and(predicate::str::contains("mapping")));
    s.write("work/broken.yaml", "a: 1\nb: [unclosed\n");
    s.cmd()
        .args(["render", "deploy", "-f", "broken.yaml"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("broken.yaml")
                .and(predicate::str::contains("line 3").or(predicate::str::contains("line 2"))),
        );
    s.cmd()
        .args(["render", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere is not a directory"));
}

#[test]
fn the_schema_names_key_rule_and_source() {
    let s = Sandbox::new();
    minimal(&s, CM, "name: web\nreplicas: 2\n");
    s.write(
        "work/deploy/values.schema.json",
        r#"{"type": "object", "required": ["name"], "properties": {"replicas": {"type": "integer", "minimum": 1}}}"#,
    );
    s.write("work/deploy/values/staging.yaml", "replicas: two\n");
    s.cmd()
        .args(["render", "deploy", "--env", "staging"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("replicas: \"two\" is not of type \"integer\"")
                .and(predicate::str::contains("rule `type`"))
                .and(predicate::str::contains(
                    "set by deploy/values/staging.yaml",
                )),
        );
    s.cmd()
        .args(["render", "deploy", "--set", "replicas=0"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("rule `minimum`")
                .and(predicate::str::contains("set by --set replicas=0")),
        );
}

#[test]
fn set_layers_over_files_and_null_deletes() {
    let s = Sandbox::new();
    minimal(
        &s,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.name }}\ndata:\n{{ values.data | toYaml | indent(width=2) }}\n",
        "name: web\ndata:\n  a: \"1\"\n  b: \"2\"\n",
    );
    s.write("work/more.yaml", "data:\n  c: \"on\"\n");
    s.cmd()
        .args(["render", "deploy", "-f", "more.yaml", "--set", "data.b=null", "--set-string", "data.d=007"])
        .assert()
        .success()
        .stdout("---\n# Source: templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: \"1\"\n  c: \"on\"\n  d: \"007\"\n");
    s.cmd()
        .args([
            "render",
            "deploy",
            "-f",
            "more.yaml",
            "--show-values",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"c\": \"on\""));
}

#[test]
fn duplicates_and_missing_fields_are_refused() {
    let s = Sandbox::new();
    minimal(&s, CM, "name: web\nreplicas: 2\n");
    s.write(
        "work/deploy/templates/again.yaml",
        &CM.replace("values.replicas", "1"),
    );
    s.cmd()
        .args(["render", "deploy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ConfigMap/web is rendered twice"));
    s.write(
        "work/deploy/templates/again.yaml",
        "apiVersion: v1\nmetadata:\n  name: x\n",
    );
    s.cmd()
        .args(["render", "deploy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "templates/again.yaml: document 1 has no kind",
        ));
}

#[test]
fn json_output_matches_its_schema() {
    let s = Sandbox::new();
    minimal(&s, CM, "name: web\nreplicas: 2\n");
    let out = s
        .cmd()
        .args(["render", "deploy", "--all-envs", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("render.schema.json", &out);
    assert_eq!(report["environments"][0]["env"], "staging");
    assert_eq!(
        report["environments"][0]["manifests"][0]["file"],
        "configmap-web.yaml"
    );
    assert_eq!(
        report["environments"][0]["manifests"][0]["object"]["data"]["replicas"],
        "2"
    );
}

#[test]
fn validate_reports_unknown_fields_against_kubernetes_schemas() {
    let s = Sandbox::new();
    minimal(
        &s,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n  selectr:\n    app: web\n",
        "{}\n",
    );
    let schemas = kubernetes_schemas();
    let out = s
        .cmd()
        .args(["render", "deploy", "--schema-dir"])
        .arg(&schemas)
        .args(["-o", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("render-validate.schema.json", &out);
    assert_eq!(report["violations"][0]["object"], "Service/web");
    assert!(
        report["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("selectr"),
        "{report}"
    );
    s.write(
        "work/deploy/templates/cm.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n  selector:\n    app: web\n",
    );
    s.cmd()
        .args(["render", "deploy", "--validate", "--schema-dir"])
        .arg(&schemas)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 object(s) valid"));
}

/// The strict schemas kubernetes-validate bundles (the newest version).
fn kubernetes_schemas() -> PathBuf {
    let python = tool("python3", "python3 -m venv .venv");
    let out = Command::new(python)
        .args([
            "-c",
            "import kubernetes_validate, os, glob; d = os.path.dirname(kubernetes_validate.__file__); \
             print(sorted(glob.glob(os.path.join(d, '**', '*-local-strict'), recursive=True))[-1])",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubernetes-validate's schemas not found: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The hook from .pre-commit-hooks.yaml, run by the real pre-commit against
/// the built binary: it blocks a commit whose rendered output is stale.
#[test]
fn pre_commit_hook_blocks_stale_rendered_manifests() {
    let s = Sandbox::new();
    minimal(&s, CM, "name: web\nreplicas: 2\n");
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let entry = manifest
        .split("\n- id: opsctl-render-check\n")
        .nth(1)
        .and_then(|hook| hook.lines().find_map(|l| l.trim().strip_prefix("entry: ")))
        .expect("the manifest has the opsctl-render-check hook");
    let entry = entry.replacen("opsctl", crate::support::OPSCTL, 1);
    s.write(
        "work/.pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: opsctl-render-check\n        name: render\n        entry: {entry}\n        language: system\n        pass_filenames: false\n        always_run: true\n"
        ),
    );
    git(&s, &["init", "-q"]);
    s.cmd()
        .args(["render", "--all-envs", "--out", "deploy/rendered"])
        .assert()
        .success();
    git(&s, &["add", "-A"]);
    let out = pre_commit_run(&s);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    s.write("work/deploy/values.yaml", "name: web\nreplicas: 3\n");
    git(&s, &["add", "-A"]);
    let out = pre_commit_run(&s);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("+  replicas: \"3\""),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
