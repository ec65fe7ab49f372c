//! Configuration discovery, layering, errors and `opsctl config`.

use predicates::prelude::*;

use crate::support::{Sandbox, assert_matches_schema, redact};

fn show_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd
        .args(["config", "show", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_matches_schema("config-show.schema.json", &out)
}

fn entry<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no entry {key} in {report:#}"))
}

#[test]
fn precedence_is_flag_then_env_then_project_then_user() {
    let s = Sandbox::new();
    let user = s.user_config("color = \"never\"\nno_input = true\n");
    let project = s.write(
        "work/opsctl.toml",
        "# project settings\ncolor = \"always\"\n",
    );

    // user file alone sets no_input; project beats user for color
    let report = show_json(&mut s.cmd());
    assert_eq!(
        entry(&report, "output")["origin"],
        serde_json::json!({"kind": "flag", "flag": "--output"})
    );
    let color = entry(&report, "color");
    assert_eq!(color["value"], "always");
    assert_eq!(color["origin"]["kind"], "project");
    assert_eq!(color["origin"]["path"], project.display().to_string());
    assert_eq!(color["origin"]["line"], 2);
    let no_input = entry(&report, "no_input");
    assert_eq!(no_input["value"], true);
    assert_eq!(no_input["origin"]["path"], user.display().to_string());

    // env beats project
    let report = show_json(s.cmd().env("OPSCTL_COLOR", "auto"));
    assert_eq!(entry(&report, "color")["value"], "auto");
    assert_eq!(
        entry(&report, "color")["origin"],
        serde_json::json!({"kind": "env", "var": "OPSCTL_COLOR"})
    );

    // flag beats env
    let report = show_json(
        s.cmd()
            .env("OPSCTL_COLOR", "auto")
            .args(["--color", "never"]),
    );
    assert_eq!(entry(&report, "color")["value"], "never");
    assert_eq!(
        entry(&report, "color")["origin"],
        serde_json::json!({"kind": "flag", "flag": "--color"})
    );

    // untouched keys report their default
    assert_eq!(
        entry(&report, "output")["origin"],
        serde_json::json!({"kind": "flag", "flag": "--output"})
    );
}

#[test]
fn xdg_config_home_locates_the_user_file() {
    let s = Sandbox::new();
    let file = s.write("xdg/opsctl/config.toml", "color = \"never\"\n");
    let report = show_json(
        s.cmd()
            .env("XDG_CONFIG_HOME", file.parent().unwrap().parent().unwrap()),
    );
    assert_eq!(entry(&report, "color")["origin"]["kind"], "user");
}

#[test]
fn the_project_file_is_found_from_a_subdirectory_and_with_dash_c() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "output = \"json\"\n");
    std::fs::create_dir_all(s.work().join("deploy/base")).unwrap();
    // output = json from the project file: no -o needed for JSON
    let out = s
        .cmd()
        .current_dir(s.work().join("deploy/base"))
        .args(["config", "show"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_matches_schema("config-show.schema.json", &out);
    // -C runs as if started there
    let out = s
        .cmd()
        .current_dir(s.home())
        .args(["-C"])
        .arg(s.work().join("deploy"))
        .args(["config", "show"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_matches_schema("config-show.schema.json", &out);
}

#[test]
fn show_json_shape_is_pinned() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "color = \"never\"\n");
    let out = s
        .cmd()
        .env("OPSCTL_NO_INPUT", "1")
        .args(["config", "show", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_matches_schema("config-show.schema.json", &out);
    insta::assert_snapshot!(
        "config_show_json",
        redact(&String::from_utf8(out).unwrap(), &s)
    );
}

#[test]
fn show_human_is_a_table_with_origins() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .env("OPSCTL_COLOR", "never")
        .args(["config", "show"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!("config_show_human", String::from_utf8(out).unwrap());
}

#[test]
fn show_one_key_prints_the_bare_value() {
    let s = Sandbox::new();
    s.cmd()
        .env("OPSCTL_OUTPUT", "human")
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("auto\n");
    let out = s
        .cmd()
        .args(["config", "show", "color", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("config-show.schema.json", &out);
    assert_eq!(report["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn show_an_unknown_key_is_an_error_with_a_suggestion() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "show", "colour"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "invalid value 'colour' for '[KEY]'",
        ))
        .stderr(predicate::str::contains(
            "[possible values: output, color, no_input, secrets.age_recipients, project.name,",
        ))
        .stderr(predicate::str::contains("a similar value exists: 'color'"));
}

#[test]
fn a_malformed_project_file_names_file_line_and_column() {
    let s = Sandbox::new();
    let file = s.write("work/opsctl.toml", "output = \"json\"\ncolor = always\n");
    s.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "error: cannot load configuration\n  caused by: {}:2:9: ",
            file.display()
        )))
        .stderr(predicate::str::contains("2 | color = always"))
        .stderr(predicate::str::ends_with(
            "  hint: fix the file, or pass --no-config to read no config file (`opsctl config path` lists the files read)\n",
        ));
}

#[test]
fn an_unknown_key_names_file_line_key_and_the_near_one() {
    let s = Sandbox::new();
    let file = s.user_config("\n\ncolour = \"never\"\n");
    let assert = s.cmd().args(["config", "show"]).assert().code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    insta::assert_snapshot!(
        "unknown_key_error",
        stderr.replace(&file.display().to_string(), "[USER_CONFIG]")
    );
}

#[test]
fn a_wrongly_typed_value_is_an_error() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "no_input = \"yes please\"\n");
    s.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "opsctl.toml:1:12: invalid type: string \"yes please\", expected a boolean",
        ));
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let s = Sandbox::new();
    s.cmd()
        .env("OPSCTL_OUTPUT", "yaml")
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(
            "error: cannot load configuration\n  caused by: environment variable OPSCTL_OUTPUT=\"yaml\": \
             `yaml` is not one of: human, json\n  hint: unset OPSCTL_OUTPUT or give it one of the listed values\n",
        );
}

#[test]
fn an_unknown_opsctl_variable_is_a_warning_not_an_error() {
    let s = Sandbox::new();
    s.cmd()
        .env("OPSCTL_OUTPT", "json")
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("auto\n")
        .stderr("warning: ignoring unknown variable OPSCTL_OUTPT; did you mean OPSCTL_OUTPUT?\n");
}

#[test]
fn explicit_config_replaces_the_search_and_must_exist() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "color = \"always\"\n");
    let other = s.write("other.toml", "color = \"never\"\n");
    s.cmd()
        .arg("--config")
        .arg(&other)
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("never\n");
    s.cmd()
        .env("OPSCTL_CONFIG", &other)
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("never\n");
    s.cmd()
        .args(["--config", "missing.toml", "config", "show"])
        .assert()
        .code(2)
        .stderr(format!(
            "error: cannot load configuration\n  caused by: config file {} does not exist\n  \
             hint: check the path given to --config\n",
            s.work().join("missing.toml").display()
        ));
    s.cmd()
        .env("OPSCTL_CONFIG", "missing.toml")
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "hint: the path comes from OPSCTL_CONFIG",
        ));
    // An empty variable counts as unset: the search finds work/opsctl.toml.
    s.cmd()
        .env("OPSCTL_CONFIG", "")
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("always\n");
    // Process substitution hands over a pipe, which an explicit --config accepts.
    let out = std::process::Command::new("bash")
        .current_dir(s.work())
        .env("HOME", s.home())
        .args([
            "-c",
            &format!(
                "{} --config <(echo 'color = \"never\"') config show color",
                crate::support::OPSCTL
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "never\n", "{out:?}");
}

#[test]
fn something_that_is_not_a_file_is_an_error_not_skipped() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "color = \"never\"\n");
    std::fs::create_dir_all(s.work().join("sub/opsctl.toml")).unwrap();
    s.cmd()
        .current_dir(s.work().join("sub"))
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "opsctl.toml is a directory, not a config file",
        ));
    // config path still lists it, so it can be found
    s.cmd()
        .current_dir(s.work().join("sub"))
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("sub/opsctl.toml\n"));
}

#[test]
fn the_error_for_a_bad_enum_value_lists_the_choices() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "color = \"sometimes\"\n");
    s.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "opsctl.toml:1:9: `sometimes` is not one of: auto, always, never",
        ));
    s.write("work/opsctl.toml", "color = \"NEVER\"\n");
    s.cmd()
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stdout("never\n");
}

#[test]
fn no_config_ignores_even_a_broken_file() {
    let s = Sandbox::new();
    s.write("work/opsctl.toml", "this is [not toml\n");
    s.cmd()
        .args(["--no-config", "config", "show", "color"])
        .assert()
        .success()
        .stdout("auto\n");
    s.cmd()
        .args(["--no-config", "--config", "x.toml", "config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn path_lists_a_missing_explicit_file_as_not_found() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["--config", "missing.toml", "config", "path", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("config-path.schema.json", &out);
    assert_eq!(
        report["files"][1],
        serde_json::json!({
            "layer": "project",
            "path": s.work().join("missing.toml").display().to_string(),
            "status": "not_found"
        })
    );
}

#[test]
fn a_failed_stdout_write_says_so() {
    let s = Sandbox::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = s
        .std_cmd()
        .args(["config", "show"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot write to stdout\n  caused by: No space left on device (os error 28)\n"
    );
}

#[test]
fn path_lists_read_files_and_works_while_one_is_broken() {
    let s = Sandbox::new();
    let user = s.user_config("color = \"never\"\n");
    let project = s.write("work/opsctl.toml", "this is [not toml\n");
    s.cmd()
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n{}\n", user.display(), project.display()));
    let out = s
        .cmd()
        .args(["config", "path", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("config-path.schema.json", &out);
    assert_eq!(report["files"][0]["layer"], "user");
    assert_eq!(report["files"][1]["status"], "found");
}

#[test]
fn path_says_where_it_looked_when_nothing_is_found() {
    let s = Sandbox::new();
    s.cmd()
        .args(["config", "path"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "note: no config file is read; opsctl looks for",
        ));
    s.cmd()
        .args(["-q", "config", "path"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let out = s
        .cmd()
        .args(["--no-config", "config", "path", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = assert_matches_schema("config-path.schema.json", &out);
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "disabled")
    );
}

#[test]
fn verbose_says_which_files_were_read() {
    let s = Sandbox::new();
    let project = s.write("work/opsctl.toml", "color = \"never\"\n");
    s.cmd()
        .args(["-v", "config", "show", "color"])
        .assert()
        .success()
        .stdout("never\n")
        .stderr(predicate::str::contains(format!(
            "debug: project config {}: found",
            project.display()
        )))
        .stderr(predicate::str::contains("debug: user config "));
    s.cmd()
        .args(["config", "show", "color"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn a_directory_or_non_utf8_file_as_config_is_a_clear_error() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.work().join("conf.d")).unwrap();
    s.cmd()
        .args(["--config", "conf.d", "config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "conf.d is a directory, not a config file",
        ));
    std::fs::write(s.work().join("opsctl.toml"), b"color = \"\xff\"\n").unwrap();
    s.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read config file"))
        .stderr(predicate::str::contains("valid UTF-8"));
}

#[test]
fn paths_that_are_not_utf8_still_give_valid_json() {
    use std::os::unix::ffi::OsStrExt;
    let s = Sandbox::new();
    let odd = s.work().join(std::ffi::OsStr::from_bytes(b"bad\xffdir"));
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("opsctl.toml"), "color = \"never\"\n").unwrap();
    for args in [
        &["config", "show", "-o", "json"][..],
        &["config", "path", "-o", "json"],
    ] {
        let out = s
            .cmd()
            .arg("-C")
            .arg(&odd)
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let schema = if args[1] == "show" {
            "config-show.schema.json"
        } else {
            "config-path.schema.json"
        };
        assert_matches_schema(schema, &out);
        assert!(String::from_utf8(out).unwrap().contains("bad\u{fffd}dir"));
    }
}
