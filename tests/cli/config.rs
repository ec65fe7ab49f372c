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
        .stderr("error: unknown config key `colour`; did you mean `color`?\n");
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
        .stderr(predicate::str::contains("2 | color = always"));
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
        .stderr(predicate::str::contains(
            "environment variable OPSCTL_OUTPUT=\"yaml\": expected one of: human, json",
        ));
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
        .stderr("error: cannot load configuration\n  caused by: config file missing.toml does not exist\n");
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
