//! File-system helpers that lose nothing: atomic writes and private temp dirs.
//!
//! Every write opsctl makes goes through [`write_atomic`]: the new content
//! goes to a temp file in the same directory, is flushed to disk, and then
//! renamed over the target, so a crash or Ctrl-C leaves either the old file or
//! the new one, never half of each. Plaintext that must touch disk (an editor
//! session on a secret) lives in a [`PrivateTempDir`], which is removed when
//! dropped and also by [`remove_private_temp_dirs`] from the interrupt handler.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file-system operation failed; the path says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FsError {
    /// Writing a file (or its temp sibling) failed; the target is untouched.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file that was to be written.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A private temp directory could not be made.
    #[error("cannot create a private temporary directory")]
    TempDir(#[source] std::io::Error),
}

/// Replaces `path` with `contents` atomically.
///
/// An existing file keeps its permissions; a new one gets the process
/// default (0666 less the umask). The parent directory must exist.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), FsError> {
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    write_atomic_inner(path, contents, mode).map_err(|source| FsError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Replaces `path` with `contents` atomically and gives it exactly `mode`
/// (for example `0o600` for key files) before it becomes visible.
#[cfg(unix)]
pub fn write_atomic_with_mode(path: &Path, contents: &[u8], mode: u32) -> Result<(), FsError> {
    use std::os::unix::fs::PermissionsExt;
    write_atomic_inner(path, contents, Some(std::fs::Permissions::from_mode(mode))).map_err(
        |source| FsError::Write {
            path: path.to_owned(),
            source,
        },
    )
}

fn write_atomic_inner(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", file_name.as_deref().unwrap_or("opsctl")))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    match permissions {
        Some(p) => tmp.as_file().set_permissions(p)?,
        None => set_default_permissions(tmp.as_file())?,
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Temp files are created 0600; a new ordinary file should get what `open`
/// would give it: 0666 less the umask.
#[cfg(unix)]
fn set_default_permissions(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o666 & !current_umask()))
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The process umask, read from /proc (the only way without unsafe code);
/// 0o022 when it cannot be read.
#[cfg(unix)]
fn current_umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Directories that must be gone before the process exits, even on Ctrl-C.
static PRIVATE_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A directory only the current user can enter (0700), removed on drop and
/// by [`remove_private_temp_dirs`] if the process is interrupted.
#[derive(Debug)]
pub struct PrivateTempDir {
    dir: Option<tempfile::TempDir>,
}

impl PrivateTempDir {
    /// Creates the directory under the system temp dir.
    pub fn new() -> Result<Self, FsError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("opsctl-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir().map_err(FsError::TempDir)?;
        lock_private_dirs().push(dir.path().to_owned());
        Ok(Self { dir: Some(dir) })
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), |d| d.path())
    }
}

impl Drop for PrivateTempDir {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_owned();
            let _ = dir.close();
            lock_private_dirs().retain(|p| p != &path);
        }
    }
}

/// Removes every live [`PrivateTempDir`]; called by the interrupt handler just
/// before the process exits, when destructors will not run.
pub fn remove_private_temp_dirs() {
    for path in lock_private_dirs().drain(..) {
        let _ = std::fs::remove_dir_all(path);
    }
}

fn lock_private_dirs() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock must not stop the cleanup.
    PRIVATE_DIRS.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn atomic_write_replaces_content_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        write_atomic(&file, b"one").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"one");
        #[cfg(unix)]
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        #[cfg(unix)]
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
        // No temp siblings are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_with_mode_sets_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.txt");
        write_atomic_with_mode(&file, b"secret", 0o600).unwrap();
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_failed_write_leaves_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let missing_parent = dir.path().join("no/such/dir/file");
        let err = write_atomic(&missing_parent, b"x").unwrap_err();
        assert!(err.to_string().contains("cannot write"), "{err}");
        assert!(!missing_parent.exists());
    }

    #[test]
    fn private_temp_dirs_are_private_and_removed() {
        let tmp = PrivateTempDir::new().unwrap();
        let path = tmp.path().to_owned();
        #[cfg(unix)]
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert!(lock_private_dirs().contains(&path));
        drop(tmp);
        assert!(!path.exists());
        assert!(!lock_private_dirs().contains(&path));

        let tmp = PrivateTempDir::new().unwrap();
        let path = tmp.path().to_owned();
        std::fs::write(path.join("plain.yaml"), "secret").unwrap();
        remove_private_temp_dirs();
        assert!(!path.exists());
        drop(tmp); // dropping after the interrupt cleanup is harmless
    }
}
