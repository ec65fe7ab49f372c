//! Writing a plan: every file goes to a staging directory first; only when
//! all of it (and the render step) is there does it move into place. A new
//! target is staged beside it and renamed into place whole. An existing one
//! (empty, or with `--force`) is never renamed over (it may be the working
//! directory or a mount point): the staging directory is made inside it and
//! the files are moved in one by one, the replaced ones kept aside until
//! every move has worked, and put back if one fails.

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

/// Checks, before anything is written, that the plan's target is missing or
/// a directory (whether its files may be overwritten is [`Staged::check`]'s
/// question, once the render step has said which files there are).
pub fn check_target(plan: &Plan) -> Result<(), ScaffoldError> {
    target_state(&plan.dir).map(|_| ())
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
    let target = target_state(&plan.dir)?;
    let staging = match target {
        _ if in_temp => PrivateTempDir::new()?,
        Target::Missing => PrivateTempDir::new_in(&nearest_existing_parent(&plan.dir), 0o777)?,
        Target::Empty | Target::Existing => PrivateTempDir::new_in(&plan.dir, 0o777)?,
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

    /// The staged files that already exist in the target (what `--force`
    /// would overwrite).
    pub fn existing(&self) -> Result<Vec<String>, ScaffoldError> {
        Ok(self
            .files()?
            .into_iter()
            .filter(|f| self.dir.join(f).symlink_metadata().is_ok())
            .collect())
    }

    /// Refuses what cannot be written: a non-empty target without `force`
    /// (naming the files it would overwrite), and a write that would pass
    /// through a symbolic link or a file, or replace a directory.
    pub fn check(&self, force: bool) -> Result<(), ScaffoldError> {
        if self.target != Target::Existing {
            return Ok(());
        }
        if !force {
            return Err(ScaffoldError::NotEmpty {
                dir: self.dir.clone(),
                conflicts: self.existing()?,
            });
        }
        for f in self.files()? {
            check_inside(&self.dir, &f)?;
        }
        Ok(())
    }

    /// Moves the staged files into the target; returns each file with what
    /// happened to it.
    ///
    /// Into a directory that already holds files, the staged files are made
    /// durable first (one sync for all of them, the render step's included),
    /// so a crash cannot leave an empty file where the user had one. A new
    /// or empty directory holds nothing of the user's: a crash there loses
    /// only what a rerun makes again, so it is not worth a file-system-wide
    /// sync, which waits on every other process's writes too.
    pub fn commit(self) -> Result<Vec<(String, FileAction)>, ScaffoldError> {
        if self.target == Target::Existing {
            crate::fsx::sync_tree(self.staging.path()).map_err(|source| ScaffoldError::Io {
                path: self.staging.path().to_owned(),
                source,
            })?;
        }
        let files = self.files()?;
        if self.target == Target::Missing {
            if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Io {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            self.staging.persist(&self.dir)?;
            return Ok(files.into_iter().map(|f| (f, FileAction::Create)).collect());
        }
        for f in &files {
            check_inside(&self.dir, f)?;
        }
        let _deferral = crate::interrupt::defer();
        let aside = self.staging.path().join(".replaced");
        let mut done: Vec<(String, FileAction)> = Vec::new();
        for f in files {
            match self.move_in(&f, &aside) {
                Ok(action) => done.push((f, action)),
                Err(e) => {
                    self.roll_back(&done, &aside);
                    return Err(e);
                }
            }
        }
        Ok(done)
    }

    /// Moves one staged file into the target, an existing one aside first.
    fn move_in(&self, rel: &str, aside: &Path) -> Result<FileAction, ScaffoldError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ScaffoldError::Io { path, source }
        };
        let to = self.dir.join(rel);
        let action = if to.symlink_metadata().is_ok() {
            let kept = aside.join(rel);
            if let Some(parent) = kept.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::rename(&to, &kept).map_err(io(&to))?;
            FileAction::Overwrite
        } else {
            FileAction::Create
        };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::rename(self.staging.path().join(rel), &to).map_err(io(&to))?;
        Ok(action)
    }

    /// Undoes the moves of a commit that failed part-way: new files go, the
    /// replaced ones come back (best effort; the staging directory, with
    /// anything not put back, is removed when `self` drops).
    fn roll_back(&self, done: &[(String, FileAction)], aside: &Path) {
        for (rel, action) in done.iter().rev() {
            let to = self.dir.join(rel);
            let _ = std::fs::remove_file(&to);
            if *action == FileAction::Overwrite {
                let _ = std::fs::rename(aside.join(rel), &to);
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
