//! Templates in git repositories: a bare clone into a private temp dir by
//! the `git` command (so the user's credential helpers, ssh configuration,
//! proxies and CA settings apply, ADR 0012), the ref resolved to one commit
//! with libgit2, and the files read straight from that commit's tree (no
//! checkout, so nothing runs and no link is followed).

use std::process::{Command, Stdio};

use git2::Repository;

use super::ScaffoldError;
use super::source::RawFile;

/// A fetched template: its files (relative to the subdirectory) and the commit.
pub(super) struct Fetched {
    pub files: Vec<RawFile>,
    pub commit: String,
}

/// Whether `git` may ask the user for credentials while it fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompts {
    /// At a terminal: git may prompt for a user name, password or passphrase.
    Allowed,
    /// In CI, a hook or with `--no-input`: a missing credential is an error.
    Never,
}

/// Git file modes of entries that are not plain files.
const MODE_LINK: i32 = 0o120000;
const MODE_SUBMODULE: i32 = 0o160000;
const MODE_EXECUTABLE: i32 = 0o100755;

/// Variables that point git at a particular repository
/// (`git rev-parse --local-env-vars`): set when opsctl runs inside a git hook,
/// they would redirect or break the clone. Configuration given with `git -c`
/// (`GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_COUNT`) is kept, as git keeps it for
/// submodules.
const REPOSITORY_ENV: [&str; 14] = [
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
];

/// `url` with any `user:password@` taken out, for messages and records: a
/// token in a clone URL must not reach logs or a committed answers file.
pub(super) fn without_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let scheme = &url[..scheme_end];
    let user = &rest[..at];
    // Over HTTP a user name alone is often a token; over SSH it is the
    // account (`git@`) and the URL needs it, so only a password goes.
    if scheme.starts_with("http") {
        format!("{scheme}{}", &rest[at + 1..])
    } else {
        let user = user.split_once(':').map_or(user, |(name, _)| name);
        format!("{scheme}{user}@{}", &rest[at + 1..])
    }
}

/// `text` with the credentials taken out of every URL in it (git quotes the
/// URL it failed on, password included).
fn scrub_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '\'' | '"' | '`') {
            out.push_str(&without_userinfo(&token));
            token.clear();
            out.push(c);
        } else {
            token.push(c);
        }
    }
    out.push_str(&without_userinfo(&token));
    out
}

/// Clones `url`, resolves `reference` (default: the remote's HEAD) and reads
/// the tree under `subdir`.
pub(super) fn fetch(
    url: &str,
    reference: Option<&str>,
    subdir: Option<&str>,
    prompts: Prompts,
) -> Result<Fetched, ScaffoldError> {
    let failed = |message: String| ScaffoldError::Git {
        url: without_userinfo(url),
        message,
    };
    let scratch = crate::fsx::PrivateTempDir::new()?;
    let dir = scratch.path().join("template.git");
    clone(url, &dir, prompts).map_err(failed)?;
    let repo = Repository::open_bare(&dir).map_err(|e| failed(describe(&e)))?;
    let commit = resolve(&repo, reference).map_err(failed)?;
    let mut tree = commit.tree().map_err(|e| failed(describe(&e)))?;
    if let Some(dir) = subdir {
        let entry = tree
            .get_path(std::path::Path::new(dir))
            .map_err(|_| failed(format!("no directory `{dir}` at commit {}", short(&commit))))?;
        tree = entry
            .to_object(&repo)
            .and_then(|o| o.peel_to_tree())
            .map_err(|_| {
                failed(format!(
                    "`{dir}` is not a directory at commit {}",
                    short(&commit)
                ))
            })?;
    }
    let mut files = Vec::new();
    read_tree(&repo, &tree, "", &mut files).map_err(|e| match e {
        TreeError::Unsafe(path, message) => ScaffoldError::UnsafeTemplate { path, message },
        TreeError::Git(e) => failed(describe(&e)),
    })?;
    Ok(Fetched {
        files,
        commit: commit.id().to_string(),
    })
}

/// `git clone --bare URL DIR`, with git's own error as the message.
fn clone(url: &str, dir: &std::path::Path, prompts: Prompts) -> Result<(), String> {
    let mut git = Command::new("git");
    git.args(["clone", "--bare", "--quiet", "--"])
        .arg(url)
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for name in REPOSITORY_ENV {
        git.env_remove(name);
    }
    if prompts == Prompts::Never {
        // git asks on the terminal, not on stdin; this turns that off.
        git.env("GIT_TERMINAL_PROMPT", "0").stdin(Stdio::null());
    }
    let output = git.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "opsctl fetches git templates with the `git` command, which is not installed \
             (or not on PATH)"
                .to_owned()
        } else {
            format!("cannot run git: {e}")
        }
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .map(|line| {
            let line = line.trim();
            ["fatal: ", "error: "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))
                .unwrap_or(line)
        })
        .filter(|line| !line.is_empty())
        .collect();
    let message = if lines.is_empty() {
        format!("git clone failed ({})", output.status)
    } else {
        lines.join("; ")
    };
    Err(scrub_urls(&message))
}

/// The commit a ref names: a branch, a tag, or a commit id (full or short).
fn resolve<'r>(repo: &'r Repository, reference: Option<&str>) -> Result<git2::Commit<'r>, String> {
    let Some(name) = reference else {
        return repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|e| format!("the repository has no default branch: {}", describe(&e)));
    };
    let candidates = [
        format!("refs/heads/{name}"),
        format!("refs/remotes/origin/{name}"),
        format!("refs/tags/{name}"),
    ];
    for candidate in &candidates {
        if let Ok(r) = repo.find_reference(candidate) {
            return r.peel_to_commit().map_err(|e| describe(&e));
        }
    }
    match repo.revparse_single(name).and_then(|o| o.peel_to_commit()) {
        Ok(commit) => Ok(commit),
        Err(_) => {
            let mut known: Vec<String> = repo
                .references()
                .map(|refs| {
                    refs.filter_map(Result::ok)
                        .filter_map(|r| r.shorthand().map(str::to_owned))
                        .filter(|n| n != "HEAD" && n != "origin/HEAD")
                        .map(|n| n.trim_start_matches("origin/").to_owned())
                        .collect()
                })
                .unwrap_or_default();
            known.sort();
            known.dedup();
            Err(format!(
                "no branch, tag or commit `{name}` (branches and tags: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        }
    }
}

enum TreeError {
    Unsafe(String, String),
    Git(git2::Error),
}

impl From<git2::Error> for TreeError {
    fn from(e: git2::Error) -> Self {
        TreeError::Git(e)
    }
}

fn read_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    prefix: &str,
    out: &mut Vec<RawFile>,
) -> Result<(), TreeError> {
    for entry in tree.iter() {
        let Some(name) = entry.name() else {
            return Err(TreeError::Unsafe(
                format!("{prefix}(non-UTF-8 name)"),
                "template paths must be UTF-8".into(),
            ));
        };
        let path = format!("{prefix}{name}");
        match entry.filemode() {
            MODE_LINK => {
                return Err(TreeError::Unsafe(
                    path,
                    "is a symbolic link; templates may not link to files outside themselves".into(),
                ));
            }
            MODE_SUBMODULE => {
                return Err(TreeError::Unsafe(
                    path,
                    "is a git submodule; opsctl does not fetch submodules of templates".into(),
                ));
            }
            _ => {}
        }
        let object = entry.to_object(repo)?;
        if let Some(sub) = object.as_tree() {
            read_tree(repo, sub, &format!("{path}/"), out)?;
        } else if let Some(blob) = object.as_blob() {
            out.push(RawFile {
                path,
                bytes: blob.content().to_vec(),
                executable: entry.filemode() == MODE_EXECUTABLE,
            });
        }
    }
    Ok(())
}

fn short(commit: &git2::Commit<'_>) -> String {
    commit.id().to_string()[..12].to_owned()
}

/// libgit2's message without its class/code noise.
fn describe(e: &git2::Error) -> String {
    e.message().trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{scrub_urls, without_userinfo};

    #[test]
    fn messages_lose_the_credentials_of_every_url() {
        assert_eq!(
            scrub_urls(
                "unable to access 'https://u:tok@h/a.git/': 401; see \"ssh://git:pw@h/b\" or http://x@y/z"
            ),
            "unable to access 'https://h/a.git/': 401; see \"ssh://git@h/b\" or http://y/z"
        );
        assert_eq!(scrub_urls("no url here"), "no url here");
    }

    #[test]
    fn credentials_are_taken_out_of_urls() {
        let cases = [
            (
                "https://user:tok@github.com/a/b.git",
                "https://github.com/a/b.git",
            ),
            ("https://tok@host/a@b", "https://host/a@b"),
            ("ssh://git@host:22/x.git#v1", "ssh://git@host:22/x.git#v1"),
            ("ssh://git:pw@host/x.git", "ssh://git@host/x.git"),
            ("https://host/a.git", "https://host/a.git"),
            ("git@github.com:a/b.git", "git@github.com:a/b.git"),
        ];
        for (given, shown) in cases {
            assert_eq!(without_userinfo(given), shown, "{given}");
        }
    }
}
