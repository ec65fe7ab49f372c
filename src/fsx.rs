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
    /// Something is already where a new file was to be created.
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// A private temp directory could not be made.
    #[error("cannot create a private temporary directory")]
    TempDir(#[source] std::io::Error),
    /// Ctrl-C arrived during the operation; it completed (or was undone)
    /// cleanly and the command should stop.
    #[error("interrupted")]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

/// Replaces the directory `dir` with exactly `files` (relative name →
/// contents) in one step: they are written to a temp directory beside it,
/// which is then swapped in (`renameat2(RENAME_EXCHANGE)` on Linux) and the
/// old contents removed. A failure before the swap leaves `dir` as it was;
/// a Ctrl-C is held off until the swap is done or undone. With `sync` the
/// new files are made durable before the swap ([`sync_tree`]); without, the
/// caller syncs them later (as `opsctl new` does once for all it writes).
pub fn replace_dir(dir: &Path, files: &[(&str, &[u8])], sync: bool) -> Result<(), FsError> {
    let deferral = crate::interrupt::defer();
    let failed = |source: std::io::Error| FsError::Write {
        path: dir.to_owned(),
        source,
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(failed)?;
    let staging = tempfile::Builder::new()
        .prefix(".opsctl-")
        .tempdir_in(&parent)
        .map_err(failed)?;
    for (name, contents) in files {
        let path = staging.path().join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(failed)?;
        }
        std::fs::write(&path, contents).map_err(failed)?;
    }
    if sync {
        sync_tree(staging.path()).map_err(failed)?;
    }
    // The temp dir is private (0700); the output is ordinary.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map_or(0o755, |m| m.permissions().mode() & 0o7777);
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(mode))
            .map_err(failed)?;
    }
    if dir.is_dir() {
        swap(staging.path(), dir).map_err(failed)?;
        // `staging` now holds the old contents; dropping it removes them.
    } else {
        let kept = staging.keep();
        std::fs::rename(&kept, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&kept);
            failed(e)
        })?;
    }
    drop(deferral);
    crate::interrupt::check()?;
    Ok(())
}

/// Makes every file written under `dir` durable before it is renamed into
/// place: one `syncfs` of its file system on Linux (a single journal commit,
/// where an fsync per file costs one each), else an fsync of each file.
pub fn sync_tree(dir: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let handle = std::fs::File::open(dir)?;
        rustix::fs::syncfs(&handle).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                sync_tree(&path)?;
            } else {
                std::fs::File::open(&path)?.sync_all()?;
            }
        }
        std::fs::File::open(dir)?.sync_all()
    }
}

/// Exchanges two directories atomically where the kernel can.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Exchanges two directories with two renames (not atomic: for a moment
/// `b` is missing).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        std::fs::rename(&aside, b)?;
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

/// Replaces `path` with `contents` atomically.
///
/// An existing file keeps its permissions; a new one gets what `open` would
/// give it (0666 less the umask). A symbolic link is written through, to its
/// target. The parent directory must exist. A Ctrl-C during the write lets it
/// finish (or fail) cleanly, then returns [`FsError::Interrupted`], so no
/// temp file is left behind.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), FsError> {
    write_atomic_with(path, None, |out| write_contents(path, out, contents))
}

/// Like [`write_atomic`], with the contents written by `fill` straight into
/// the temp file (through a buffer) rather than from memory: `path` is
/// replaced only if `fill` succeeds, and is untouched otherwise. With
/// `mode`, the file has exactly that mode from the moment it exists (as
/// [`write_atomic_with_mode`]); without, an existing file keeps its own.
pub fn write_atomic_with<E: From<FsError>>(
    path: &Path,
    mode: Option<u32>,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let target = resolve_link(path)?;
    let permissions = match mode {
        #[cfg(unix)]
        Some(mode) => {
            use std::os::unix::fs::PermissionsExt;
            Some(std::fs::Permissions::from_mode(mode))
        }
        #[cfg(not(unix))]
        Some(_) => None,
        None => std::fs::metadata(&target).ok().map(|m| m.permissions()),
    };
    write_atomic_inner(&target, permissions, false, fill)
}

/// Replaces `path` with `contents` atomically; the file has exactly `mode`
/// from the moment it exists (for example `0o600` for keys and plaintext).
#[cfg(unix)]
pub fn write_atomic_with_mode(path: &Path, contents: &[u8], mode: u32) -> Result<(), FsError> {
    write_atomic_with(path, Some(mode), |out| write_contents(path, out, contents))
}

/// Creates `path` with `contents` and exactly `mode`; fails with
/// [`FsError::Exists`] if anything is already there, even if it appeared a
/// moment ago (the final rename refuses to replace).
#[cfg(unix)]
pub fn create_new_with_mode(path: &Path, contents: &[u8], mode: u32) -> Result<(), FsError> {
    use std::os::unix::fs::PermissionsExt;
    if path.symlink_metadata().is_ok() {
        return Err(FsError::Exists(path.to_owned()));
    }
    write_atomic_inner(
        path,
        Some(std::fs::Permissions::from_mode(mode)),
        true,
        |out| write_contents(path, out, contents),
    )
}

fn write_contents(path: &Path, out: &mut dyn Write, contents: &[u8]) -> Result<(), FsError> {
    out.write_all(contents).map_err(|source| FsError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The file a path names: itself, or a symbolic link's target.
fn resolve_link(path: &Path) -> Result<std::path::PathBuf, FsError> {
    match path.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|source| FsError::Write {
                path: path.to_owned(),
                source,
            })
        }
        _ => Ok(path.to_owned()),
    }
}

fn write_atomic_inner<E: From<FsError>>(
    path: &Path,
    permissions: Option<std::fs::Permissions>,
    create_new: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let deferral = crate::interrupt::defer();
    let written = write_via_temp(path, permissions, create_new, fill);
    drop(deferral);
    match written {
        Ok(Ok(())) => {}
        Ok(Err(filling)) => return Err(filling),
        Err(source) if create_new && source.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(FsError::Exists(path.to_owned()).into());
        }
        Err(source) => {
            return Err(FsError::Write {
                path: path.to_owned(),
                source,
            }
            .into());
        }
    }
    crate::interrupt::check().map_err(FsError::from)?;
    Ok(())
}

/// The temp file's own failures in the outer result, `fill`'s in the inner.
fn write_via_temp<E>(
    path: &Path,
    permissions: Option<std::fs::Permissions>,
    create_new: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> std::io::Result<Result<(), E>> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = temp_prefix(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // Created with the final mode before any byte is written (open(2)
        // applies the umask; a requested mode is set exactly below).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(
            permissions
                .clone()
                .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
        );
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        // On failure the temp file is removed as `tmp` drops.
        if let Err(e) = fill(&mut out) {
            return Ok(Err(e));
        }
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    if create_new {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    } else {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    // Make the rename itself durable.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(Ok(()))
}

/// `.NAME.` for the temp sibling of `path`, with NAME cut short enough that
/// the temp name stays within the usual 255-byte file name limit.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "opsctl".to_owned(), |n| n.to_string_lossy().into_owned());
    let mut end = name.len().min(200);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// Serializes a path as text for reports: bytes that are not UTF-8 become
/// U+FFFD rather than failing the whole report.
pub fn serialize_path_lossy<S: serde::Serializer>(
    path: &Path,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
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
        // No Ctrl-C exit between creating the directory and registering it
        // for removal.
        let deferral = crate::interrupt::defer();
        let mut builder = tempfile::Builder::new();
        builder.prefix("opsctl-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir().map_err(FsError::TempDir)?;
        lock_private_dirs().push(dir.path().to_owned());
        let created = Self { dir: Some(dir) };
        drop(deferral);
        crate::interrupt::check()?; // dropping `created` removes the directory
        Ok(created)
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), |d| d.path())
    }

    /// Creates the directory inside `parent` (so it can be renamed into
    /// place on the same file system) with `mode` before the umask.
    pub fn new_in(parent: &Path, mode: u32) -> Result<Self, FsError> {
        let deferral = crate::interrupt::defer();
        let mut builder = tempfile::Builder::new();
        builder.prefix(".opsctl-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let dir = builder.tempdir_in(parent).map_err(FsError::TempDir)?;
        lock_private_dirs().push(dir.path().to_owned());
        let created = Self { dir: Some(dir) };
        drop(deferral);
        crate::interrupt::check()?;
        Ok(created)
    }

    /// Renames the directory to `target` (which must not exist, or be an
    /// empty directory) and stops tracking it; a Ctrl-C waits for the rename.
    pub fn persist(mut self, target: &Path) -> Result<(), FsError> {
        let Some(dir) = self.dir.take() else {
            return Ok(());
        };
        let deferral = crate::interrupt::defer();
        let from = dir.keep();
        let renamed = std::fs::rename(&from, target);
        lock_private_dirs().retain(|p| p != &from);
        if renamed.is_err() {
            let _ = std::fs::remove_dir_all(&from);
        }
        drop(deferral);
        renamed.map_err(|source| FsError::Write {
            path: target.to_owned(),
            source,
        })?;
        crate::interrupt::check()?;
        Ok(())
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

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_umask_default_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("new.txt");
        write_atomic(&file, b"x").unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        // Not the 0600 of a temp file: group/other read unless the umask forbids it.
        assert_ne!(mode, 0o600, "{mode:o}");
        assert_eq!(mode & 0o600, 0o600);
    }

    #[test]
    fn a_very_long_name_still_gets_a_temp_sibling() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("é".repeat(120)); // 240 bytes
        write_atomic(&file, b"x").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn writes_go_through_symlinks_and_create_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let err = create_new_with_mode(&real, b"x", 0o600).unwrap_err();
        assert!(matches!(err, FsError::Exists(_)));
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let fresh = dir.path().join("fresh.txt");
        create_new_with_mode(&fresh, b"k", 0o600).unwrap();
        assert_eq!(
            std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
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
