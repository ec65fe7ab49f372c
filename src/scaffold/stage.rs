//! Writing a plan: every file goes to a staging directory beside the target
//! first; only when all of it (and the render step) is there does it move
//! into place. A new or empty target is swapped in by one rename; with
//! `--force` into a non-empty one, file by file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ScaffoldError;
use super::generate::Plan;
use crate::fsx::PrivateTempDir;

/// What happened to a file at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileAction {
    /// It did not exist.
    Create,
    /// It existed and was replaced (`--force`).
    Overwrite,
}

/// The target directory's state before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Nothing there.
    Missing,
    /// An empty directory.
    Empty,
    /// A directory with files (`--force` given).
    Existing,
}

/// Files written to a staging directory, not yet in place.
#[derive(Debug)]
pub struct Staged {
    staging: PrivateTempDir,
    dir: PathBuf,
    target: Target,
}

/// Checks that the plan can be written to its target, before anything is:
/// a non-empty target needs `force`, and no write may pass through a
/// symbolic link or onto a directory. Returns the files that exist.
pub fn check_target(plan: &Plan, force: bool) -> Result<Vec<String>, ScaffoldError> {
    let target = target_state(&plan.dir)?;
    let existing: Vec<String> = plan
        .files
        .iter()
        .filter(|f| plan.dir.join(&f.path).symlink_metadata().is_ok())
        .map(|f| f.path.clone())
        .collect();
    if target == Target::Existing {
        if !force {
            return Err(ScaffoldError::NotEmpty {
                dir: plan.dir.clone(),
                conflicts: existing,
            });
        }
        for file in &plan.files {
            check_inside(&plan.dir, &file.path)?;
        }
    }
    Ok(existing)
}

fn target_state(dir: &Path) -> Result<Target, ScaffoldError> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::Missing),
        Err(source) => Err(ScaffoldError::Io {
            path: dir.to_owned(),
            source,
        }),
        Ok(_) if !dir.is_dir() => Err(ScaffoldError::BadTarget {
            path: dir.to_owned(),
            why: "it exists and is not a directory".into(),
        }),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|source| ScaffoldError::Io {
                path: dir.to_owned(),
                source,
            })?;
            Ok(if entries.next().is_none() {
                Target::Empty
            } else {
                Target::Existing
            })
        }
    }
}

/// Refuses a write to `dir/rel` that would pass through a symbolic link or
/// a file, or replace a directory.
fn check_inside(dir: &Path, rel: &str) -> Result<(), ScaffoldError> {
    let mut path = dir.to_owned();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&path) {
            Err(_) => return Ok(()),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(ScaffoldError::BadTarget {
                    path,
                    why: "it is a symbolic link, and opsctl never writes through links into a \
                          generated directory"
                        .into(),
                });
            }
            Ok(meta) if !last && !meta.is_dir() => {
                return Err(ScaffoldError::BadTarget {
                    path,
                    why: format!("it is a file, but the template puts {rel} under it"),
                });
            }
            Ok(meta) if last && meta.is_dir() => {
                return Err(ScaffoldError::BadTarget {
                    path,
                    why: "it is a directory, but the template writes a file there".into(),
                });
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Writes the plan into a staging directory beside the target (or, for a
/// dry run, `in_temp`, under the system temp dir). [`check_target`] must
/// have passed.
pub fn stage(plan: &Plan, in_temp: bool) -> Result<Staged, ScaffoldError> {
    let target = if in_temp {
        Target::Missing
    } else {
        target_state(&plan.dir)?
    };
    let staging = if in_temp {
        PrivateTempDir::new()?
    } else {
        let parent = nearest_existing_parent(&plan.dir);
        PrivateTempDir::new_in(&parent, 0o777)?
    };
    for file in &plan.files {
        let path = staging.path().join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        write_new(&path, &file.bytes, file.executable)?;
    }
    crate::interrupt::check().map_err(crate::fsx::FsError::from)?;
    Ok(Staged {
        staging,
        dir: plan.dir.clone(),
        target,
    })
}

fn write_new(path: &Path, bytes: &[u8], executable: bool) -> Result<(), ScaffoldError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, if executable { 0o777 } else { 0o666 });
    #[cfg(not(unix))]
    let _ = executable;
    let io = |source| ScaffoldError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)
}

/// The closest ancestor of `dir` that exists (staging goes there, on the
/// same file system, so the final move is a rename).
fn nearest_existing_parent(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    absolute
        .ancestors()
        .skip(1)
        .find(|p| p.is_dir())
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

impl Staged {
    /// The staging directory, for steps that run on the staged files.
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Every staged file, relative and sorted.
    pub fn files(&self) -> Result<Vec<String>, ScaffoldError> {
        let mut out = Vec::new();
        walk(self.staging.path(), self.staging.path(), &mut out)?;
        out.sort();
        Ok(out)
    }

    /// Makes the staged files durable (one sync for all of them, the render
    /// step's included), then moves them into the target; returns each file
    /// with what happened to it.
    pub fn commit(self) -> Result<Vec<(String, FileAction)>, ScaffoldError> {
        crate::fsx::sync_tree(self.staging.path()).map_err(|source| ScaffoldError::Io {
            path: self.staging.path().to_owned(),
            source,
        })?;
        let files = self.files()?;
        match self.target {
            Target::Missing | Target::Empty => {
                if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Io {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                self.staging.persist(&self.dir)?;
                Ok(files.into_iter().map(|f| (f, FileAction::Create)).collect())
            }
            Target::Existing => {
                for f in &files {
                    check_inside(&self.dir, f)?;
                }
                let _deferral = crate::interrupt::defer();
                let mut done = Vec::new();
                for f in files {
                    let to = self.dir.join(&f);
                    let action = if to.symlink_metadata().is_ok() {
                        FileAction::Overwrite
                    } else {
                        FileAction::Create
                    };
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Io {
                            path: parent.to_owned(),
                            source,
                        })?;
                    }
                    std::fs::rename(self.staging.path().join(&f), &to).map_err(|source| {
                        ScaffoldError::Io {
                            path: to.clone(),
                            source,
                        }
                    })?;
                    done.push((f, action));
                }
                Ok(done)
            }
        }
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        if entry.file_type().map_err(io)?.is_dir() {
            walk(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}
