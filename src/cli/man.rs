//! Man pages: `opsctl.1` and one page per subcommand, from the clap tree.
//!
//! clap_mangen renders the name, synopsis, description, options and
//! subcommands; the sections it does not know (EXIT STATUS, ENVIRONMENT,
//! FILES, EXAMPLES, SEE ALSO) are written here from the same tables that
//! feed `--help`, so the two never disagree.

use clap_mangen::Man;
use roff::{Roff, bold, italic, roman};

use super::examples;
use super::exit::EXIT_STATUS;
use crate::config::{KEYS, PROJECT_FILE_NAME};

/// Every page as (file name, roff source), the top page first.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    // Pages carry the package version only: the commit in `--version` would
    // make every commit rewrite every page.
    let mut cmd = super::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(None::<&str>)
        .disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, "", &mut pages);
    pages
}

fn collect(cmd: &clap::Command, path: &str, pages: &mut Vec<(String, Vec<u8>)>) {
    pages.push(page(cmd, path));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub_path = if path.is_empty() {
            sub.get_name().to_owned()
        } else {
            format!("{path} {}", sub.get_name())
        };
        collect(sub, &sub_path, pages);
    }
}

fn page(cmd: &clap::Command, path: &str) -> (String, Vec<u8>) {
    let man = Man::new(cmd.clone())
        .source(format!("opsctl {}", env!("CARGO_PKG_VERSION")))
        .manual("opsctl manual");
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        let _ = man.render_subcommands_section(&mut out);
    }
    let mut extra = Roff::new();
    exit_status_section(&mut extra);
    if path.is_empty() {
        environment_section(&mut extra);
        files_section(&mut extra);
    }
    examples_section(&mut extra, examples::for_command(path));
    see_also_section(&mut extra, cmd, path);
    out.extend_from_slice(extra.render().as_bytes());
    (man.get_filename(), out)
}

fn exit_status_section(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(*meaning)]);
    }
}

fn environment_section(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    let mut item = |name: String, text: String| {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(text)]);
    };
    item(
        "OPSCTL_CONFIG".into(),
        "Project config file to read instead of searching for opsctl.toml (as --config).".into(),
    );
    for key in KEYS {
        item(
            key.env_var(),
            format!("Sets the config key {}: {}.", key.key, key.help),
        );
    }
    item(
        "NO_COLOR".into(),
        "When set and not empty, no colour unless --color always.".into(),
    );
    item(
        "CLICOLOR_FORCE".into(),
        "When set and not 0, colour even when output is not a terminal.".into(),
    );
    item(
        "TERM".into(),
        "dumb turns colour and progress bars off.".into(),
    );
    item(
        "CI".into(),
        "When set, opsctl never prompts and draws no progress bars.".into(),
    );
    item(
        "XDG_CONFIG_HOME".into(),
        "Where the user config file lives (default ~/.config).".into(),
    );
}

fn files_section(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([bold(PROJECT_FILE_NAME)]);
    roff.text([roman(
        "Project configuration, found in the working directory or the nearest parent. \
         Overrides the user file; overridden by OPSCTL_* variables and flags.",
    )]);
    roff.control("TP", []);
    roff.text([italic("$XDG_CONFIG_HOME"), bold("/opsctl/config.toml")]);
    roff.text([roman(
        "User configuration, the lowest layer above the built-in defaults.",
    )]);
}

fn examples_section(roff: &mut Roff, examples: &[examples::Example]) {
    if examples.is_empty() {
        return;
    }
    roff.control("SH", ["EXAMPLES"]);
    for e in examples {
        roff.control("TP", []);
        roff.text([roman(e.about)]);
        roff.text([bold(e.command)]);
    }
}

fn see_also_section(roff: &mut Roff, cmd: &clap::Command, path: &str) {
    // The parent pages, nearest last: opsctl(1), opsctl-config(1), …
    let mut refs: Vec<String> = Vec::new();
    if !path.is_empty() {
        refs.push("opsctl(1)".to_owned());
        let words: Vec<&str> = path.split(' ').collect();
        for depth in 1..words.len() {
            refs.push(format!("opsctl-{}(1)", words[..depth].join("-")));
        }
    }
    let prefix = if path.is_empty() {
        "opsctl".to_owned()
    } else {
        format!("opsctl-{}", path.replace(' ', "-"))
    };
    refs.extend(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| format!("{prefix}-{}(1)", s.get_name())),
    );
    if refs.is_empty() {
        return;
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(refs.join(", "))]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_page_has_the_sections_users_look_for() {
        let pages = pages();
        let (name, body) = &pages[0];
        assert_eq!(name, "opsctl.1");
        let text = String::from_utf8_lossy(body);
        for section in [
            "NAME",
            "SYNOPSIS",
            "OPTIONS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
        ] {
            assert!(
                text.contains(&format!(".SH {section}"))
                    || text.contains(&format!(".SH \"{section}\"")),
                "missing {section}"
            );
        }
        assert!(
            !text.contains(env!("OPSCTL_GIT_COMMIT")) || env!("OPSCTL_GIT_COMMIT") == "unknown"
        );
    }

    #[test]
    fn a_nested_page_refers_to_its_parents() {
        let pages = pages();
        let (_, body) = pages
            .iter()
            .find(|(n, _)| n == "opsctl-config-show.1")
            .unwrap();
        let text = String::from_utf8_lossy(body);
        let see_also = text
            .split(".SH \"SEE ALSO\"")
            .nth(1)
            .expect("SEE ALSO section");
        assert!(
            see_also.contains("opsctl(1), opsctl\\-config(1)"),
            "{see_also}"
        );
    }

    #[test]
    fn there_is_a_page_per_subcommand() {
        let names: Vec<String> = pages().into_iter().map(|(n, _)| n).collect();
        for expected in [
            "opsctl-config.1",
            "opsctl-config-show.1",
            "opsctl-config-path.1",
            "opsctl-completions.1",
        ] {
            assert!(names.contains(&expected.to_owned()), "{names:?}");
        }
    }
}
