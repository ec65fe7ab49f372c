//! Finding the config files, reading each layer, and merging them with origins.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::keys::{self, KEYS};
use super::{Config, ConfigError};
use crate::diagnostic::{closest, excerpt, line_col};

/// The project config file name, looked for in the working directory and its parents.
pub const PROJECT_FILE_NAME: &str = "opsctl.toml";

/// Where to look for configuration, and what the environment and flags say.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Directory the project file search starts from.
    pub cwd: PathBuf,
    /// A project file named explicitly (`--config`); replaces the search.
    pub explicit_file: Option<PathBuf>,
    /// Read no config file at all (`--no-config`).
    pub skip_files: bool,
    /// The user's config home (`$XDG_CONFIG_HOME`, else `~/.config`), if known.
    pub user_config_home: Option<PathBuf>,
    /// `OPSCTL_*` variables to apply as the environment layer.
    pub env: Vec<(String, String)>,
    /// Values set by command-line flags, the top layer.
    pub overrides: Vec<Override>,
}

/// A value set by a command-line flag.
#[derive(Debug, Clone)]
pub struct Override {
    /// The dotted key it sets.
    pub key: &'static str,
    /// The value.
    pub value: toml::Value,
    /// The flag as shown to the user, e.g. `--color`.
    pub flag: String,
}

/// The layer a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The built-in default.
    Default,
    /// The user config file.
    User {
        /// The file.
        #[serde(serialize_with = "crate::fsx::serialize_path_lossy")]
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
    },
    /// The project config file.
    Project {
        /// The file.
        #[serde(serialize_with = "crate::fsx::serialize_path_lossy")]
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
    },
    /// An environment variable.
    Env {
        /// The variable's name.
        var: String,
    },
    /// A command-line flag.
    Flag {
        /// The flag.
        flag: String,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::User { path, line } => write!(f, "user file {}:{line}", path.display()),
            Origin::Project { path, line } => write!(f, "project file {}:{line}", path.display()),
            Origin::Env { var } => write!(f, "environment {var}"),
            Origin::Flag { flag } => write!(f, "flag {flag}"),
        }
    }
}

/// Which file layer a config file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileLayer {
    /// `$XDG_CONFIG_HOME/opsctl/config.toml`.
    User,
    /// `opsctl.toml` found upward from the working directory, or `--config`.
    Project,
}

impl FileLayer {
    /// The layer's name as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileLayer::User => "user",
            FileLayer::Project => "project",
        }
    }
}

/// Whether a candidate config file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// The file exists and is read.
    Found,
    /// No such file.
    NotFound,
    /// Config files are disabled (`--no-config`).
    Disabled,
}

impl FileStatus {
    /// The status's name as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Found => "found",
            FileStatus::NotFound => "not_found",
            FileStatus::Disabled => "disabled",
        }
    }
}

/// A config file opsctl considered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFile {
    /// The layer it feeds.
    pub layer: FileLayer,
    /// The file, or where it would be.
    #[serde(serialize_with = "crate::fsx::serialize_path_lossy")]
    pub path: PathBuf,
    /// Whether it was read.
    pub status: FileStatus,
}

/// The merged configuration with the origin of every value that was set.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The effective configuration.
    pub config: Config,
    /// Files considered, lowest precedence first.
    pub files: Vec<ConfigFile>,
    /// Dotted key → the layer that set it; keys absent here hold their default.
    pub origins: BTreeMap<String, Origin>,
    /// Things worth telling the user that do not stop the command.
    pub warnings: Vec<String>,
}

/// Reads every layer and merges them, later layers winning.
pub fn load(opts: &LoadOptions) -> Result<LoadedConfig, ConfigError> {
    let mut merged = toml::Table::new();
    let mut origins = BTreeMap::new();
    let mut warnings = Vec::new();

    let files = locate(opts);
    let explicit_path = opts.explicit_file.as_ref().map(|p| opts.cwd.join(p));
    if let Some(path) = &explicit_path
        && !opts.skip_files
        && !exists(path)
    {
        return Err(ConfigError::Missing { path: path.clone() });
    }
    for file in files.iter().filter(|f| f.status == FileStatus::Found) {
        let explicit = explicit_path.as_ref() == Some(&file.path);
        let layer = read_file_layer(&file.path, explicit)?;
        let path = file.path.clone();
        let kind = file.layer;
        apply(&mut merged, &mut origins, layer.table, |key| {
            let line = layer.lines.get(key).copied().unwrap_or(1);
            match kind {
                FileLayer::User => Origin::User {
                    path: path.clone(),
                    line,
                },
                FileLayer::Project => Origin::Project {
                    path: path.clone(),
                    line,
                },
            }
        });
    }

    let mut env: Vec<&(String, String)> = opts.env.iter().collect();
    env.sort();
    for (var, text) in env {
        if text.is_empty() {
            continue; // an empty variable counts as unset, as NO_COLOR= does
        }
        let Some(info) = keys::find_by_env(var) else {
            warnings.push(unknown_env_warning(var));
            continue;
        };
        let value = info.parse_env(text).and_then(|v| check_value(info.key, v));
        let value = value.map_err(|message| ConfigError::Env {
            var: var.clone(),
            value: text.clone(),
            message,
        })?;
        set_path(&mut merged, info.key, value);
        origins.insert(info.key.to_owned(), Origin::Env { var: var.clone() });
    }

    for o in &opts.overrides {
        let value = check_value(o.key, o.value.clone()).map_err(|message| ConfigError::Flag {
            flag: o.flag.clone(),
            message,
        })?;
        set_path(&mut merged, o.key, value);
        origins.insert(
            o.key.to_owned(),
            Origin::Flag {
                flag: o.flag.clone(),
            },
        );
    }

    // Every layer was checked on its own, so the merge fits the schema;
    // failing here would be a bug in the layering, reported as such.
    let config = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Merge {
            message: e.message().to_owned(),
        })?;
    Ok(LoadedConfig {
        config,
        files,
        origins,
        warnings,
    })
}

/// The config files to read, lowest precedence first, without reading them:
/// the user file, then the project file (`--config`, or the nearest
/// `opsctl.toml`). Never fails, so the files can be listed while one is broken.
pub fn locate(opts: &LoadOptions) -> Vec<ConfigFile> {
    let status = |path: &Path| {
        if opts.skip_files {
            FileStatus::Disabled
        } else if exists(path) {
            FileStatus::Found
        } else {
            FileStatus::NotFound
        }
    };
    let mut files = Vec::new();
    if let Some(home) = &opts.user_config_home {
        let path = home.join("opsctl").join("config.toml");
        files.push(ConfigFile {
            layer: FileLayer::User,
            status: status(&path),
            path,
        });
    }
    let project = match &opts.explicit_file {
        Some(path) => opts.cwd.join(path),
        None => find_project_file(&opts.cwd).unwrap_or_else(|| opts.cwd.join(PROJECT_FILE_NAME)),
    };
    files.push(ConfigFile {
        layer: FileLayer::Project,
        status: status(&project),
        path: project,
    });
    files
}

/// Whether anything is at `path`, a broken symbolic link included (so it is
/// reported rather than silently passed over).
fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// The first `opsctl.toml` in `start` or one of its parents.
fn find_project_file(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(PROJECT_FILE_NAME))
        .find(|candidate| exists(candidate))
}

/// A parsed, schema-checked config file and the line of each leaf key.
struct FileLayerData {
    table: toml::Table,
    lines: BTreeMap<String, usize>,
}

/// Reads and checks one file. A file named explicitly may be a pipe
/// (`--config <(…)`); a discovered one must be a regular file.
fn read_file_layer(path: &Path, explicit: bool) -> Result<FileLayerData, ConfigError> {
    let not_a_file = |what: &'static str| ConfigError::NotAFile {
        path: path.to_owned(),
        what,
    };
    match std::fs::metadata(path) {
        Err(_) if path.symlink_metadata().is_ok() => {
            return Err(not_a_file("a broken symbolic link"));
        }
        Ok(meta) if meta.is_dir() => return Err(not_a_file("a directory")),
        Ok(meta) if !meta.is_file() && !explicit => return Err(not_a_file("not a regular file")),
        _ => {}
    }
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    // Deserializing into the typed schema rejects unknown keys and wrong types
    // with a span; the untyped table is what gets merged.
    let invalid = |e: toml::de::Error| invalid_file_error(path, &text, &e);
    toml::from_str::<Config>(&text).map_err(invalid)?;
    let table = toml::from_str::<toml::Table>(&text).map_err(invalid)?;
    let mut lines = BTreeMap::new();
    if let Ok(doc) = toml::de::DeTable::parse(&text) {
        collect_key_lines("", doc.get_ref(), &text, &mut lines);
    }
    Ok(FileLayerData { table, lines })
}

/// Records the line of every leaf key of a parsed document.
fn collect_key_lines(
    prefix: &str,
    table: &toml::de::DeTable<'_>,
    text: &str,
    out: &mut BTreeMap<String, usize>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => collect_key_lines(&path, inner, text, out),
            _ => {
                out.insert(path, line_col(text, key.span().start).0);
            }
        }
    }
}

fn invalid_file_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let span = err.span().unwrap_or(0..0);
    let (line, column) = line_col(text, span.start);
    ConfigError::Invalid {
        path: path.to_owned(),
        line,
        column,
        message: crate::diagnostic::explain_toml_message(err.message()),
        excerpt: excerpt(text, span),
    }
}

fn unknown_env_warning(var: &str) -> String {
    // Every name shares the OPSCTL_ prefix; compare what follows it.
    let names: Vec<String> = KEYS.iter().map(|k| k.env_var()).collect();
    let suffixes: Vec<&str> = names.iter().map(|n| &n["OPSCTL_".len()..]).collect();
    let suffix = var.strip_prefix("OPSCTL_").unwrap_or(var);
    match closest(suffix, suffixes.iter().copied()) {
        Some(best) => format!("ignoring unknown variable {var}; did you mean OPSCTL_{best}?"),
        None => format!("ignoring unknown variable {var}: it is not an opsctl setting"),
    }
}

/// Checks one value against the schema by deserializing it alone.
fn check_value(key: &str, value: toml::Value) -> Result<toml::Value, String> {
    let mut table = toml::Table::new();
    set_path(&mut table, key, value.clone());
    toml::Value::Table(table)
        .try_into::<Config>()
        .map(|_| value)
        .map_err(|e| e.message().to_owned())
}

/// Applies one file layer: deep-merges its table and records each leaf's origin.
fn apply(
    merged: &mut toml::Table,
    origins: &mut BTreeMap<String, Origin>,
    layer: toml::Table,
    origin_of: impl Fn(&str) -> Origin,
) {
    let mut leaves = Vec::new();
    collect_leaves("", &layer, &mut leaves);
    for key in leaves {
        origins.insert(key.clone(), origin_of(&key));
    }
    deep_merge(merged, layer);
}

fn collect_leaves(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => collect_leaves(&path, t, out),
            _ => out.push(path),
        }
    }
}

/// Merges `top` into `base`: tables merge key by key, anything else replaces.
fn deep_merge(base: &mut toml::Table, top: toml::Table) {
    for (k, v) in top {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => deep_merge(b, t),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Sets a dotted path in a table, creating intermediate tables.
fn set_path(table: &mut toml::Table, key: &str, value: toml::Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = table
                .entry(head)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_json_form() {
        for layer in [FileLayer::User, FileLayer::Project] {
            assert_eq!(serde_json::to_value(layer).unwrap(), layer.as_str());
        }
        for status in [
            FileStatus::Found,
            FileStatus::NotFound,
            FileStatus::Disabled,
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn unknown_key_message_suggests_the_near_one() {
        let msg = crate::diagnostic::explain_toml_message(
            "unknown field `colour`, expected one of `output`, `color`, `no_input`",
        );
        assert!(
            msg.starts_with("unknown key `colour`; did you mean `color`?"),
            "{msg}"
        );
        let msg = crate::diagnostic::explain_toml_message("unknown field `zzz`, expected `output`");
        assert_eq!(msg, "unknown key `zzz` (known keys here: output)");
    }

    #[test]
    fn deep_merge_merges_tables_and_replaces_the_rest() {
        let mut base: toml::Table = toml::from_str("a = 1\n[t]\nx = 1\ny = [1, 2]\n").unwrap();
        let top: toml::Table = toml::from_str("[t]\ny = [3]\nz = 'n'\n").unwrap();
        deep_merge(&mut base, top);
        let want: toml::Table = toml::from_str("a = 1\n[t]\nx = 1\ny = [3]\nz = 'n'\n").unwrap();
        assert_eq!(base, want);
    }

    #[test]
    fn project_file_is_found_in_a_parent() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(find_project_file(&nested), None);
        std::fs::write(dir.path().join(PROJECT_FILE_NAME), "").unwrap();
        assert_eq!(
            find_project_file(&nested),
            Some(dir.path().join(PROJECT_FILE_NAME))
        );
    }

    fn opts(dir: &Path) -> LoadOptions {
        LoadOptions {
            cwd: dir.to_owned(),
            user_config_home: Some(dir.join("home")),
            ..LoadOptions::default()
        }
    }

    #[test]
    fn later_layers_win_and_keep_their_origin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home/opsctl")).unwrap();
        std::fs::write(
            dir.path().join("home/opsctl/config.toml"),
            "color = \"never\"\noutput = \"json\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE_NAME), "\ncolor = \"always\"\n").unwrap();
        let mut o = opts(dir.path());
        let loaded = load(&o).unwrap();
        assert_eq!(loaded.config.color, crate::config::ColorMode::Always);
        assert_eq!(loaded.config.output, crate::config::OutputFormat::Json);
        assert_eq!(
            loaded.origins["color"],
            Origin::Project {
                path: dir.path().join(PROJECT_FILE_NAME),
                line: 2
            }
        );
        o.env.push(("OPSCTL_COLOR".into(), "auto".into()));
        assert_eq!(
            load(&o).unwrap().config.color,
            crate::config::ColorMode::Auto
        );
        o.overrides.push(Override {
            key: "color",
            value: toml::Value::String("never".into()),
            flag: "--color".into(),
        });
        let loaded = load(&o).unwrap();
        assert_eq!(loaded.config.color, crate::config::ColorMode::Never);
        assert_eq!(
            loaded.origins["color"],
            Origin::Flag {
                flag: "--color".into()
            }
        );
    }

    #[test]
    fn a_bad_env_value_names_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts(dir.path());
        o.env.push(("OPSCTL_NO_INPUT".into(), "perhaps".into()));
        let err = load(&o).unwrap_err().to_string();
        assert!(err.contains("OPSCTL_NO_INPUT=\"perhaps\""), "{err}");
    }

    #[test]
    fn an_unknown_env_variable_is_a_warning_with_a_suggestion() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts(dir.path());
        o.env.push(("OPSCTL_COLOUR".into(), "never".into()));
        let loaded = load(&o).unwrap();
        assert_eq!(loaded.warnings.len(), 1);
        assert!(
            loaded.warnings[0].contains("did you mean OPSCTL_COLOR?"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_wrongly_typed_value_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PROJECT_FILE_NAME);
        std::fs::write(&file, "# settings\nno_input = \"sure\"\n").unwrap();
        let err = load(&opts(dir.path())).unwrap_err();
        match err {
            ConfigError::Invalid { line, column, .. } => assert_eq!((line, column), (2, 12)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn no_config_reads_no_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE_NAME), "not toml at all = = =").unwrap();
        let mut o = opts(dir.path());
        o.skip_files = true;
        let loaded = load(&o).unwrap();
        assert!(
            loaded
                .files
                .iter()
                .all(|f| f.status == FileStatus::Disabled)
        );
        assert_eq!(loaded.files.len(), 2);
    }
}
