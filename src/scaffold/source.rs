//! Where a template comes from (built in, a directory, a git repository) and
//! reading it into memory: its manifest and its files, nothing else.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::git::Prompts;
use super::manifest::{self, MANIFEST_FILE, Manifest};
use super::{ScaffoldError, builtin, git};

/// A `--template` value, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A template embedded in opsctl.
    Builtin(String),
    /// A directory.
    Local(PathBuf),
    /// A git repository, at a ref, in a subdirectory.
    Git {
        /// The repository URL.
        url: String,
        /// Branch, tag or commit after `#`.
        reference: Option<String>,
        /// Subdirectory after `//`.
        subdir: Option<String>,
    },
}

impl Spec {
    /// Reads `URL[#REF][//SUBDIR]`, a built-in name, or a path.
    pub fn parse(text: &str) -> Spec {
        if let Some(spec) = parse_git(text) {
            return spec;
        }
        if builtin::names().contains(&text) {
            return Spec::Builtin(text.to_owned());
        }
        let path = match text.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(rest))
                .unwrap_or_else(|| PathBuf::from(text)),
            None => PathBuf::from(text),
        };
        Spec::Local(path)
    }
}

/// Git URLs: a scheme git speaks, or scp-like `user@host:path`.
fn parse_git(text: &str) -> Option<Spec> {
    const SCHEMES: [&str; 6] = [
        "https://",
        "http://",
        "ssh://",
        "git://",
        "file://",
        "git+ssh://",
    ];
    let (scheme_len, rest) = match SCHEMES.iter().find(|s| text.starts_with(*s)) {
        Some(s) => (s.len(), &text[s.len()..]),
        None => {
            let at = text.find('@')?;
            let colon = text.find(':')?;
            let scp_like = at > 0
                && colon > at + 1
                && !text[..colon].contains('/')
                && !text[colon + 1..].starts_with("//");
            if !scp_like {
                return None;
            }
            (0, text)
        }
    };
    let (before_subdir, subdir) = match rest.find("//") {
        Some(i) => (&rest[..i], Some(rest[i + 2..].trim_matches('/').to_owned())),
        None => (rest, None),
    };
    let (location, reference) = match before_subdir.rfind('#') {
        Some(i) => (&before_subdir[..i], Some(before_subdir[i + 1..].to_owned())),
        None => (before_subdir, None),
    };
    Some(Spec::Git {
        url: format!("{}{location}", &text[..scheme_len]),
        reference: reference.filter(|r| !r.is_empty()),
        subdir: subdir.filter(|s| !s.is_empty()),
    })
}

/// For a git template, `text` as it may be shown (its credentials taken
/// out); `None` for any other source.
pub fn git_source_shown(text: &str) -> Option<String> {
    matches!(Spec::parse(text), Spec::Git { .. }).then(|| git::without_userinfo(text))
}

/// Where a loaded template came from, as recorded in the answers file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Origin {
    /// `builtin`, `local` or `git`.
    pub kind: &'static str,
    /// The `--template` value as given.
    pub source: String,
    /// The built-in name, the absolute directory, or the repository URL.
    pub location: String,
    /// The ref asked for (git).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The subdirectory (git).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subdir: Option<String>,
    /// The exact commit used (git), or opsctl's version for built-ins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The template's own version from its manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One file of a template, relative to its files directory.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// `/`-separated path.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Whether it is executable.
    pub executable: bool,
}

/// A template, read whole.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its manifest.
    pub manifest: Manifest,
    /// Its files (the manifest and `.git` left out), sorted by path.
    pub files: Vec<TemplateFile>,
    /// Where it came from.
    pub origin: Origin,
}

/// A file read from a template source: the path is relative to the
/// template's root (where the manifest is).
pub(super) struct RawFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// Reads the template `text` names; relative paths are taken from `cwd`;
/// `prompts` says whether git may ask for credentials.
pub fn load(text: &str, cwd: &Path, prompts: Prompts) -> Result<Template, ScaffoldError> {
    match Spec::parse(text) {
        Spec::Builtin(name) => {
            let files = builtin::files(&name);
            let origin = Origin {
                kind: "builtin",
                source: text.to_owned(),
                location: name.clone(),
                reference: None,
                subdir: None,
                commit: Some(format!("opsctl {}", env!("CARGO_PKG_VERSION"))),
                version: None,
            };
            assemble(files, origin, &format!("built-in template {name}"))
        }
        Spec::Local(path) => {
            let dir = cwd.join(&path);
            let meta = std::fs::metadata(&dir).map_err(|e| ScaffoldError::NotFound {
                source_name: text.to_owned(),
                why: if e.kind() == std::io::ErrorKind::NotFound {
                    format!(
                        "no built-in template has this name and {} does not exist",
                        dir.display()
                    )
                } else {
                    format!("{}: {e}", dir.display())
                },
                builtins: builtin::names().iter().map(|s| (*s).to_owned()).collect(),
            })?;
            if !meta.is_dir() || !dir.join(MANIFEST_FILE).is_file() {
                return Err(ScaffoldError::NotFound {
                    source_name: text.to_owned(),
                    why: format!("{} holds no {MANIFEST_FILE}", dir.display()),
                    builtins: builtin::names().iter().map(|s| (*s).to_owned()).collect(),
                });
            }
            let dir = std::fs::canonicalize(&dir).map_err(|source| ScaffoldError::Io {
                path: dir.clone(),
                source,
            })?;
            let mut files = Vec::new();
            read_dir(&dir, &dir, &mut files)?;
            let origin = Origin {
                kind: "local",
                source: text.to_owned(),
                location: dir.display().to_string(),
                reference: None,
                subdir: None,
                commit: None,
                version: None,
            };
            assemble(
                files,
                origin,
                &dir.join(MANIFEST_FILE).display().to_string(),
            )
        }
        Spec::Git {
            url,
            reference,
            subdir,
        } => {
            let fetched = git::fetch(&url, reference.as_deref(), subdir.as_deref(), prompts)?;
            let origin = Origin {
                kind: "git",
                source: git::without_userinfo(text),
                location: git::without_userinfo(&url),
                reference,
                subdir,
                commit: Some(fetched.commit),
                version: None,
            };
            let name = format!("{} ({MANIFEST_FILE})", git::without_userinfo(&url));
            assemble(fetched.files, origin, &name)
        }
    }
}

/// Every built-in template, read (for `--list`).
pub fn builtins() -> Result<Vec<Template>, ScaffoldError> {
    builtin::names()
        .iter()
        .map(|name| load(name, Path::new("."), Prompts::Never))
        .collect()
}

/// Finds the manifest, parses it, and keeps the files under its files dir.
fn assemble(
    raw: Vec<RawFile>,
    mut origin: Origin,
    manifest_name: &str,
) -> Result<Template, ScaffoldError> {
    let Some(manifest_file) = raw.iter().find(|f| f.path == MANIFEST_FILE) else {
        return Err(ScaffoldError::NotFound {
            source_name: origin.source.clone(),
            why: format!("{} holds no {MANIFEST_FILE}", origin.location),
            builtins: builtin::names().iter().map(|s| (*s).to_owned()).collect(),
        });
    };
    let text = std::str::from_utf8(&manifest_file.bytes).map_err(|_| ScaffoldError::Manifest {
        origin: manifest_name.to_owned(),
        line: 0,
        column: 0,
        message: "not UTF-8".into(),
        excerpt: String::new(),
    })?;
    let manifest = manifest::parse(manifest_name, text)?;
    let prefix =
        files_prefix(&manifest.template.files).map_err(|message| ScaffoldError::Manifest {
            origin: manifest_name.to_owned(),
            line: 0,
            column: 0,
            message,
            excerpt: String::new(),
        })?;
    origin.version = manifest.template.version.clone();
    // The manifest at the root is never generated.
    let files: Vec<TemplateFile> = raw
        .into_iter()
        .filter(|f| f.path != MANIFEST_FILE)
        .filter_map(|f| {
            let path = f.path.strip_prefix(&prefix)?.to_owned();
            Some(TemplateFile {
                path,
                bytes: f.bytes,
                executable: f.executable,
            })
        })
        .collect();
    if files.is_empty() {
        return Err(ScaffoldError::Manifest {
            origin: manifest_name.to_owned(),
            line: 0,
            column: 0,
            message: format!(
                "no files to generate under `files = {:?}`",
                manifest.template.files
            ),
            excerpt: String::new(),
        });
    }
    Ok(Template {
        manifest,
        files,
        origin,
    })
}

/// `files = "a/b"` as the prefix `a/b/`; `.` as no prefix. It must stay
/// inside the template.
fn files_prefix(files: &str) -> Result<String, String> {
    let trimmed = files.trim_matches('/');
    if files.starts_with('/') || trimmed.split('/').any(|s| s == "..") {
        return Err(format!(
            "files = {files:?} must be a directory inside the template"
        ));
    }
    let parts: Vec<&str> = trimmed
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    Ok(if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    })
}

/// Reads a local template directory, refusing symbolic links; `.git` is
/// left out.
fn read_dir(base: &Path, dir: &Path, out: &mut Vec<RawFile>) -> Result<(), ScaffoldError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ScaffoldError::Io { path, source }
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = relative(base, &path)?;
        let meta = std::fs::symlink_metadata(&path).map_err(io(&path))?;
        if meta.file_type().is_symlink() {
            return Err(ScaffoldError::UnsafeTemplate {
                path: rel,
                message: "is a symbolic link; templates may not link to files outside themselves"
                    .into(),
            });
        }
        if meta.is_dir() {
            if entry.file_name() == ".git" {
                continue;
            }
            read_dir(base, &path, out)?;
        } else if meta.is_file() {
            #[cfg(unix)]
            let executable =
                std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
            #[cfg(not(unix))]
            let executable = false;
            out.push(RawFile {
                path: rel,
                bytes: std::fs::read(&path).map_err(io(&path))?,
                executable,
            });
        } else {
            return Err(ScaffoldError::UnsafeTemplate {
                path: rel,
                message: "is neither a file nor a directory".into(),
            });
        }
    }
    Ok(())
}

fn relative(base: &Path, path: &Path) -> Result<String, ScaffoldError> {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| ScaffoldError::UnsafeTemplate {
            path: rel.display().to_string(),
            message: "template paths must be UTF-8".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, reference: Option<&str>, subdir: Option<&str>) -> Spec {
        Spec::Git {
            url: url.into(),
            reference: reference.map(Into::into),
            subdir: subdir.map(Into::into),
        }
    }

    #[test]
    fn specs_are_told_apart() {
        assert_eq!(
            Spec::parse("https://github.com/acme/t.git"),
            git("https://github.com/acme/t.git", None, None)
        );
        assert_eq!(
            Spec::parse("https://github.com/acme/t.git#v1.2//templates/svc"),
            git(
                "https://github.com/acme/t.git",
                Some("v1.2"),
                Some("templates/svc")
            )
        );
        assert_eq!(
            Spec::parse("file:///tmp/repo#main"),
            git("file:///tmp/repo", Some("main"), None)
        );
        assert_eq!(
            Spec::parse("file:///tmp/repo//sub"),
            git("file:///tmp/repo", None, Some("sub"))
        );
        assert_eq!(
            Spec::parse("git@github.com:acme/t.git#abc123"),
            git("git@github.com:acme/t.git", Some("abc123"), None)
        );
        assert_eq!(
            Spec::parse("./templates/x"),
            Spec::Local("./templates/x".into())
        );
        assert_eq!(Spec::parse("/abs/x"), Spec::Local("/abs/x".into()));
        assert_eq!(Spec::parse("c:/x"), Spec::Local("c:/x".into()));
    }

    #[test]
    fn the_files_directory_stays_inside_the_template() {
        assert_eq!(files_prefix(".").unwrap(), "");
        assert_eq!(files_prefix("files").unwrap(), "files/");
        assert_eq!(files_prefix("./a/b/").unwrap(), "a/b/");
        assert!(files_prefix("../x").is_err());
        assert!(files_prefix("/etc").is_err());
    }
}
