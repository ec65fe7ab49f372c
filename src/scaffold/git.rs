//! Templates in git repositories: a bare clone into a private temp dir with
//! libgit2, the ref resolved to one commit, and the files read straight from
//! that commit's tree (no checkout, so nothing runs and no link is followed).

use git2::{AutotagOption, Cred, CredentialType, FetchOptions, RemoteCallbacks, Repository};

use super::ScaffoldError;
use super::source::RawFile;

/// A fetched template: its files (relative to the subdirectory) and the commit.
pub(super) struct Fetched {
    pub files: Vec<RawFile>,
    pub commit: String,
}

/// Git file modes of entries that are not plain files.
const MODE_LINK: i32 = 0o120000;
const MODE_SUBMODULE: i32 = 0o160000;
const MODE_EXECUTABLE: i32 = 0o100755;

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

/// Clones `url`, resolves `reference` (default: the remote's HEAD) and reads
/// the tree under `subdir`.
pub(super) fn fetch(
    url: &str,
    reference: Option<&str>,
    subdir: Option<&str>,
) -> Result<Fetched, ScaffoldError> {
    let failed = |message: String| ScaffoldError::Git {
        url: without_userinfo(url),
        message,
    };
    let scratch = crate::fsx::PrivateTempDir::new()?;
    let mut builder = git2::build::RepoBuilder::new();
    builder.bare(true).fetch_options(fetch_options());
    let repo = builder
        .clone(url, scratch.path())
        .map_err(|e| failed(describe(&e)))?;
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

/// Callbacks for private repositories: ssh-agent for ssh URLs, git's
/// credential helpers for https; each tried once so a wrong credential
/// fails instead of looping.
fn fetch_options() -> FetchOptions<'static> {
    let mut tried = CredentialType::empty();
    let mut callbacks = RemoteCallbacks::new();
    callbacks.credentials(move |url, username, allowed| {
        if allowed.contains(CredentialType::SSH_KEY) && !tried.contains(CredentialType::SSH_KEY) {
            tried |= CredentialType::SSH_KEY;
            return Cred::ssh_key_from_agent(username.unwrap_or("git"));
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
            && !tried.contains(CredentialType::USER_PASS_PLAINTEXT)
        {
            tried |= CredentialType::USER_PASS_PLAINTEXT;
            let config = git2::Config::open_default()?;
            return Cred::credential_helper(&config, url, username);
        }
        if allowed.contains(CredentialType::DEFAULT) && !tried.contains(CredentialType::DEFAULT) {
            tried |= CredentialType::DEFAULT;
            return Cred::default();
        }
        Err(git2::Error::from_str(
            "authentication failed (no ssh-agent key or credential helper accepted)",
        ))
    });
    let mut options = FetchOptions::new();
    options
        .remote_callbacks(callbacks)
        .download_tags(AutotagOption::All);
    options
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
    use super::without_userinfo;

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
