//! Records the git commit the binary is built from, for `opsctl --version`,
//! embeds the built-in `opsctl new` templates (`templates/`), and on Linux
//! links the executable without PIE (see [`link_without_pie`]).
//!
//! Builds outside opsctl's own git checkout (a crates.io tarball, a vendored
//! copy inside another repository) fall back to `OPSCTL_GIT_COMMIT` from the
//! environment, then to "unknown"; the build never fails for want of git.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=OPSCTL_GIT_COMMIT");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let commit = std::env::var("OPSCTL_GIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| own_checkout_commit(Path::new(&manifest_dir)))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=OPSCTL_GIT_COMMIT={commit}");
    embed_templates(Path::new(&manifest_dir));
    link_without_pie();
}

/// Links the `opsctl` executable at a fixed address on Linux with glibc
/// (ADR 0013): a position-independent executable is relocated at every
/// start, about 20,000 pointers on 90 copied pages, a millisecond of each
/// command. `OPSCTL_PIE=1` keeps the toolchain's default (PIE), for
/// packagers whose policy requires it.
fn link_without_pie() {
    println!("cargo:rerun-if-env-changed=OPSCTL_PIE");
    let keep_pie = std::env::var("OPSCTL_PIE").is_ok_and(|v| v == "1");
    let target = |name: &str| std::env::var(name).unwrap_or_default();
    // A static glibc build (`-C target-feature=+crt-static`) is linked as a
    // static PIE, which `-no-pie` would contradict: left as it is.
    let crt_static = target("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|feature| feature == "crt-static");
    if !keep_pie
        && !crt_static
        && target("CARGO_CFG_TARGET_OS") == "linux"
        && target("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Writes `$OUT_DIR/builtin_templates.rs`: every file under `templates/` as
/// `(path, bytes, executable)`, sorted, with `include_bytes!` so a changed
/// file rebuilds the crate. Symbolic links are refused: a template must not
/// point outside itself.
fn embed_templates(root: &Path) {
    let templates = root.join("templates");
    println!("cargo:rerun-if-changed={}", templates.display());
    let mut files = Vec::new();
    if templates.is_dir() {
        collect(&templates, &templates, &mut files);
    }
    files.sort();
    let mut code = String::from(
        "/// Every built-in template file: path under templates/, contents, executable.\n\
         pub(super) static FILES: &[(&str, &[u8], bool)] = &[\n",
    );
    for (rel, abs, exec) in &files {
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({abs:?}), {exec}),\n"
        ));
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("builtin_templates.rs"), code)
        .expect("cannot write builtin_templates.rs");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String, bool)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let path = entry.path();
        let meta =
            std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if meta.file_type().is_symlink() {
            panic!(
                "{}: built-in templates may not hold symbolic links",
                path.display()
            );
        }
        if meta.is_dir() {
            collect(base, &path, files);
            continue;
        }
        let rel = path
            .strip_prefix(base)
            .expect("under templates/")
            .to_str()
            .unwrap_or_else(|| panic!("{}: template paths must be UTF-8", path.display()))
            .replace(std::path::MAIN_SEPARATOR, "/");
        #[cfg(unix)]
        let exec = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
        #[cfg(not(unix))]
        let exec = false;
        files.push((rel, path.display().to_string(), exec));
    }
}

/// The short commit hash of HEAD, when the package root is a git work tree's top.
fn own_checkout_commit(root: &Path) -> Option<String> {
    let toplevel = git(root, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&toplevel).canonicalize().ok()? != root.canonicalize().ok()? {
        return None;
    }
    // Rebuild when HEAD moves (checkout) or the branch it names moves (commit).
    if let Some(git_dir) = git(root, &["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
        if let Some(head_ref) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={git_dir}/{head_ref}");
        }
    }
    git(root, &["rev-parse", "--short=12", "HEAD"])
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
