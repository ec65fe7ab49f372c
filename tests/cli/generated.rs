//! `completions/` and `man/` match what the current clap definition generates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use opsctl::cli::{GENERATE_COMMAND, generated_files};

#[test]
fn generated_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("OPSCTL_UPDATE_GENERATED").is_ok_and(|v| v == "1");
    let files = generated_files();
    let expected: BTreeSet<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut stale = Vec::new();

    for (rel, content) in &files {
        let path = root.join(rel);
        if std::fs::read(&path).ok().as_deref() == Some(content.as_slice()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            opsctl::fsx::write_atomic(&path, content).unwrap();
        } else {
            stale.push(rel.display().to_string());
        }
    }
    // Files left over from removed commands or shells.
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = Path::new(dir).join(entry.file_name());
            if !expected.contains(&rel) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{} (no longer generated)", rel.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {}\nregenerate them with:\n    {GENERATE_COMMAND}",
        stale.join(", ")
    );
}
