//! Templates in git repositories: a bare clone into a private temp dir by
//! the `git` command (so the user's credential helpers, ssh configuration,
//! proxies and CA settings apply, ADR 0012), the ref resolved to one commit
//! with libgit2, and the files read straight from that commit's tree (no
//! checkout, so nothing runs and no link is followed).

mod clone;
mod redact;

use git2::Repository;

use super::ScaffoldError;
use super::source::RawFile;
use clone::CloneError;
pub(super) use redact::without_userinfo;

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
    clone::clone_bare(url, &dir, &scratch.path().join("git.log"), prompts).map_err(
        |e| match e {
            CloneError::NotInstalled => ScaffoldError::GitNotInstalled {
                url: without_userinfo(url),
            },
            CloneError::Failed(message) => failed(message),
            CloneError::Interrupted => ScaffoldError::Fs(crate::interrupt::Interrupted.into()),
        },
    )?;
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

/// The commit a ref names: a branch, a tag, or a commit id (full or short).
fn resolve<'r>(repo: &'r Repository, reference: Option<&str>) -> Result<git2::Commit<'r>, String> {
    let Some(name) = reference else {
        return repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|e| format!("the repository has no default branch: {}", describe(&e)));
    };
    // `git clone --bare` keeps the remote's branches as local ones.
    let candidates = [format!("refs/heads/{name}"), format!("refs/tags/{name}")];
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
                        .filter(|n| n != "HEAD")
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
