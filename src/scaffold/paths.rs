//! The one check every path a template names must pass before opsctl writes
//! there: relative, inside the target, and not into a git directory.

/// Why `path` (a `/`-separated relative path, already rendered) may not be
/// written inside the target directory, or `None` when it may.
pub fn problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("it is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || is_drive_prefix(path) {
        return Some("it is an absolute path outside the target directory");
    }
    if path.contains(['\\', '\0', '\n', '\r']) {
        return Some("it holds a backslash, NUL or line break");
    }
    for segment in path.split('/') {
        if segment.is_empty() {
            return Some("it has an empty path segment");
        }
        if segment == "." || segment == ".." {
            return Some("it steps outside the target directory (`..` or `.`)");
        }
        if is_git_dir(segment) {
            return Some("it is inside a .git directory, which a template may not write");
        }
    }
    None
}

/// `C:` and the like: absolute on Windows.
fn is_drive_prefix(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// `.git` as file systems that ignore case, or trailing dots and spaces
/// (Windows, macOS), would read it: git refuses these names for the same
/// reason (a written `.GIT/config` could run code on the next git command).
fn is_git_dir(segment: &str) -> bool {
    segment
        .trim_end_matches(['.', ' '])
        .eq_ignore_ascii_case(".git")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_paths_pass() {
        for ok in [
            "a",
            "a/b.txt",
            ".github/workflows/ci.yml",
            "deploy/rendered",
            ".gitignore",
            "x.git",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn escapes_and_git_dirs_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "\\x",
            "C:/x",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a\\b",
            ".git/config",
            "a/.git/hooks/pre-commit",
            ".GIT/config",
            ".git./config",
            ".git /x",
        ] {
            assert!(problem(bad).is_some(), "{bad:?} passed");
        }
    }
}
