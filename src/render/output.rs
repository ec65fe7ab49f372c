//! `--out DIR`: one file per object plus an index of what opsctl wrote,
//! swapped in atomically; and `--check`, the same files compared with what
//! the directory holds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::RenderError;

/// The index of the files opsctl render wrote into a directory, so a later
/// run removes only its own stale files and never a file it did not write.
pub const INDEX: &str = ".opsctl-render";

fn index_text(files: &BTreeMap<String, String>) -> String {
    let mut text = String::from(
        "# Written by `opsctl render`; every file listed here is replaced on the next render.\n",
    );
    for name in files.keys() {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// What the directory holds now: its index (if any) and every file name.
fn current(dir: &Path) -> Result<(BTreeSet<String>, BTreeSet<String>), RenderError> {
    let io = |source| RenderError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut present = BTreeSet::new();
    if !dir.exists() {
        return Ok((BTreeSet::new(), present));
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        present.insert(entry.file_name().to_string_lossy().into_owned());
    }
    let owned = match std::fs::read_to_string(dir.join(INDEX)) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeSet::new(),
        Err(source) => {
            return Err(RenderError::Io {
                path: dir.join(INDEX),
                source,
            });
        }
    };
    present.remove(INDEX);
    Ok((owned, present))
}

/// Replaces `dir` with exactly `files` (and the index), atomically and
/// durably. Files opsctl wrote before and no longer produces disappear; a
/// file it did not write stops the write before anything changes.
pub fn write_dir(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), RenderError> {
    write_dir_with(dir, files, true)
}

/// [`write_dir`], with `sync` false leaving durability to the caller (a
/// directory being staged that it syncs as a whole).
pub fn write_dir_with(
    dir: &Path,
    files: &BTreeMap<String, String>,
    sync: bool,
) -> Result<(), RenderError> {
    if dir.exists() && !dir.is_dir() {
        return Err(RenderError::Io {
            path: dir.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let (owned, present) = current(dir)?;
    let foreign: Vec<String> = present.difference(&owned).cloned().collect();
    if !foreign.is_empty() {
        return Err(RenderError::ForeignFiles {
            path: dir.to_owned(),
            files: foreign,
        });
    }
    let index = index_text(files);
    let mut entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    entries.push((INDEX, index.as_bytes()));
    crate::fsx::replace_dir(dir, &entries, sync).map_err(|e| match e {
        crate::fsx::FsError::Interrupted(i) => RenderError::Interrupted(i),
        e => RenderError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(crate::diagnostic::error_chain(&e)),
        },
    })
}

/// How a file differs from the rendered result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    /// Rendered, but its content differs.
    Changed,
    /// Rendered, but not in the directory.
    Missing,
    /// In the directory (written by opsctl before), no longer rendered.
    Stale,
}

/// One file that is not up to date.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// The file, as `DIR/name`.
    pub path: String,
    /// How it differs.
    pub status: DriftKind,
    /// A unified diff from what is there to what render produces.
    #[serde(skip)]
    pub diff: String,
}

/// Compares `files` with the directory: every rendered file must be there
/// with the same bytes, and no file opsctl wrote may be left over.
pub fn compare_dir(
    dir: &Path,
    files: &BTreeMap<String, String>,
) -> Result<Vec<Drift>, RenderError> {
    let (owned, present) = current(dir)?;
    let label = |name: &str| dir.join(name).display().to_string();
    let mut drift = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        let existing = if present.contains(name) {
            Some(
                std::fs::read_to_string(&path).map_err(|source| RenderError::Io {
                    path: path.clone(),
                    source,
                })?,
            )
        } else {
            None
        };
        match existing {
            Some(old) if old == *text => {}
            Some(old) => drift.push(Drift {
                path: label(name),
                status: DriftKind::Changed,
                diff: unified(&old, text, &label(name), &label(name)),
            }),
            None => drift.push(Drift {
                path: label(name),
                status: DriftKind::Missing,
                diff: unified("", text, "/dev/null", &label(name)),
            }),
        }
    }
    for name in owned.intersection(&present) {
        if !files.contains_key(name) {
            let old = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            drift.push(Drift {
                path: label(name),
                status: DriftKind::Stale,
                diff: unified(&old, "", &label(name), "/dev/null"),
            });
        }
    }
    drift.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(drift)
}

fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let old_label = if old_name == "/dev/null" {
        old_name.to_owned()
    } else {
        format!("a/{}", old_name.trim_start_matches('/'))
    };
    let new_label = if new_name == "/dev/null" {
        new_name.to_owned()
    } else {
        format!("b/{}", new_name.trim_start_matches('/'))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, &new_label)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn write_prunes_its_own_files_and_refuses_foreign_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("rendered");
        write_dir(&out, &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")])).unwrap();
        write_dir(&out, &files(&[("a.yaml", "a2\n")])).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.yaml")).unwrap(), "a2\n");
        assert!(!out.join("b.yaml").exists());
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        let err = write_dir(&out, &files(&[("c.yaml", "c\n")])).unwrap_err();
        assert!(matches!(err, RenderError::ForeignFiles { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("a.yaml")).unwrap(), "a2\n");
        // No staging directory is left beside it.
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn compare_finds_changed_missing_and_stale() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("r");
        write_dir(&out, &files(&[("a.yaml", "x: 1\n"), ("old.yaml", "o\n")])).unwrap();
        assert!(
            compare_dir(&out, &files(&[("a.yaml", "x: 1\n"), ("old.yaml", "o\n")]))
                .unwrap()
                .is_empty()
        );
        let drift =
            compare_dir(&out, &files(&[("a.yaml", "x: 2\n"), ("new.yaml", "n\n")])).unwrap();
        let kinds: Vec<(String, DriftKind)> = drift
            .iter()
            .map(|d| (d.path.rsplit('/').next().unwrap().to_owned(), d.status))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a.yaml".to_owned(), DriftKind::Changed),
                ("new.yaml".to_owned(), DriftKind::Missing),
                ("old.yaml".to_owned(), DriftKind::Stale)
            ]
        );
        assert!(
            drift[0].diff.contains("-x: 1\n+x: 2\n"),
            "{}",
            drift[0].diff
        );
    }
}
