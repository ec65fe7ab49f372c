//! The templates embedded in the binary from `templates/` (by build.rs).

use super::source::RawFile;

include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));

/// The built-in template names: the directories under `templates/`.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = FILES
        .iter()
        .filter_map(|(path, _, _)| path.split_once('/').map(|(name, _)| name))
        .collect();
    names.dedup();
    names
}

/// The files of one built-in template, relative to its directory.
pub(super) fn files(name: &str) -> Vec<RawFile> {
    let prefix = format!("{name}/");
    FILES
        .iter()
        .filter_map(|(path, bytes, executable)| {
            Some(RawFile {
                path: path.strip_prefix(&prefix)?.to_owned(),
                bytes: bytes.to_vec(),
                executable: *executable,
            })
        })
        .collect()
}
