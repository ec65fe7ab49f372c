//! Rendering a template in memory: which files, under which names, with
//! what contents; then sealing the files the template marks, and recording
//! the answers. Nothing touches the disk here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::answers::{Answers, eval_condition};
use super::manifest::{Globs, RenderStep};
use super::source::{Origin, Template};
use super::{ANSWERS_FILE, ScaffoldError};
use crate::secrets::creation_rules::SopsConfig;
use crate::secrets::store::Format;
use crate::template::{Engine, Source};

/// One file to write, relative to the target directory.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// `/`-separated path.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Whether it gets the executable bits.
    pub executable: bool,
    /// Whether opsctl sealed it (`[seal]`).
    pub sealed: bool,
}

/// A development age identity made for a template that seals files when no
/// recipient was given.
pub struct DevIdentity {
    /// The identity file's text (secret).
    pub identity: zeroize::Zeroizing<String>,
    /// Its public key, the recipient the files are sealed for.
    pub public_key: String,
}

impl std::fmt::Debug for DevIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevIdentity")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Everything `opsctl new` will write, decided and rendered.
#[derive(Debug)]
pub struct Plan {
    /// The target directory.
    pub dir: PathBuf,
    /// The files, sorted by path (the answers file included).
    pub files: Vec<GeneratedFile>,
    /// The answers used.
    pub answers: Answers,
    /// The template's name.
    pub template_name: String,
    /// Where the template came from.
    pub origin: Origin,
    /// The render step to run once the files are staged.
    pub render: Option<RenderStep>,
    /// The dev identity made for `[seal]`, to be stored when the files are.
    pub dev_identity: Option<DevIdentity>,
}

/// The age key sealed files are for when no recipient was given.
#[derive(Debug)]
pub enum FallbackKey {
    /// The user's own identity, from the default SOPS key file (its public key).
    Own(String),
    /// A new dev identity, to be stored with the files.
    New(DevIdentity),
}

/// When the template seals files and its recipients variable is empty,
/// answers it with `own()` (the public key of the user's identity in the
/// default SOPS key file, when there is one; asked only then), or else with
/// a new identity.
pub fn fallback_key(
    template: &Template,
    answers: &mut Answers,
    own: impl FnOnce() -> Option<String>,
) -> Option<FallbackKey> {
    let seal = template.manifest.seal.as_ref()?;
    let empty = answers
        .values
        .get(&seal.recipients)
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if !empty {
        return None;
    }
    let (key, public_key) = match own() {
        Some(public_key) => (FallbackKey::Own(public_key.clone()), public_key),
        None => {
            let (identity, public_key) = crate::secrets::keys::generate_identity();
            let dev = DevIdentity {
                identity,
                public_key: public_key.clone(),
            };
            (FallbackKey::New(dev), public_key)
        }
    };
    answers.values.insert(
        seal.recipients.clone(),
        Value::Array(vec![Value::String(public_key)]),
    );
    Some(key)
}

/// Renders the template for `answers` into `dir` (in memory).
pub fn plan(
    template: &Template,
    answers: Answers,
    dev_identity: Option<DevIdentity>,
    dir: &Path,
) -> Result<Plan, ScaffoldError> {
    let manifest = &template.manifest;
    let context_map = context(template, &answers);
    let context = tera::Context::from_serialize(&context_map).unwrap_or_default();

    let exclude = Globs::new(&manifest.template.exclude);
    let verbatim = Globs::new(&manifest.template.verbatim);
    let mut conditions = Vec::new();
    for (i, c) in manifest.conditional.iter().enumerate() {
        let holds = eval_condition(&c.when, &format!("conditional[{i}].when"), &context_map)?;
        conditions.push((Globs::new(&c.paths), holds));
    }

    // Decide each file, then render all templated contents and names with
    // one engine, so templates can `include` each other.
    struct Pending<'a> {
        file: &'a super::source::TemplateFile,
        render_body: bool,
        directive: bool,
    }
    let mut pending = Vec::new();
    let mut sources = Vec::new();
    for file in &template.files {
        if exclude.matches(&file.path)
            || conditions
                .iter()
                .any(|(globs, holds)| !holds && globs.matches(&file.path))
        {
            continue;
        }
        let text = std::str::from_utf8(&file.bytes).ok();
        let render_body = text.is_some() && !verbatim.matches(&file.path);
        if render_body {
            sources.push(Source {
                name: file.path.clone(),
                text: text.unwrap_or_default().to_owned(),
                output: true,
            });
        }
        if is_templated(&file.path) {
            sources.push(Source {
                name: name_source(&file.path),
                text: file.path.clone(),
                output: true,
            });
        }
        pending.push(Pending {
            file,
            render_body,
            directive: render_body && crate::template::has_directive(text.unwrap_or_default()),
        });
    }
    let engine = Engine::load(sources, "")?;

    let mut files: BTreeMap<String, GeneratedFile> = BTreeMap::new();
    for p in &pending {
        let file = p.file;
        let name = if is_templated(&file.path) {
            engine.render(&name_source(&file.path), &context)?
        } else {
            file.path.clone()
        };
        let Some(path) = checked_path(&file.path, &name)? else {
            continue; // an empty segment: the file is left out
        };
        if path == ANSWERS_FILE {
            return Err(ScaffoldError::UnsafeTemplate {
                path: file.path.clone(),
                message: format!("{ANSWERS_FILE} is written by opsctl itself"),
            });
        }
        let bytes = if p.render_body {
            let mut text = engine.render(&file.path, &context)?;
            if p.directive && text.starts_with('\n') {
                text.remove(0);
            }
            text.into_bytes()
        } else {
            file.bytes.clone()
        };
        if let Some(earlier) = files.get(&path) {
            return Err(ScaffoldError::UnsafeTemplate {
                path: file.path.clone(),
                message: format!(
                    "renders to {path}, which another template file also produces ({})",
                    earlier.path
                ),
            });
        }
        files.insert(
            path.clone(),
            GeneratedFile {
                path,
                bytes,
                executable: file.executable,
                sealed: false,
            },
        );
    }

    if let Some(seal) = &manifest.seal {
        seal_files(&mut files, &Globs::new(&seal.paths), dir)?;
    }
    let answers_text = answers_file(template, &answers)?;
    files.insert(
        ANSWERS_FILE.to_owned(),
        GeneratedFile {
            path: ANSWERS_FILE.to_owned(),
            bytes: answers_text.into_bytes(),
            executable: false,
            sealed: false,
        },
    );

    Ok(Plan {
        dir: dir.to_owned(),
        files: files.into_values().collect(),
        answers,
        template_name: manifest.template.name.clone(),
        origin: template.origin.clone(),
        render: manifest.render.clone(),
        dev_identity,
    })
}

/// The template context: every answer, plus `template` and `opsctl`.
fn context(template: &Template, answers: &Answers) -> Map<String, Value> {
    let mut map = answers.values.clone();
    map.insert(
        "template".into(),
        serde_json::json!({
            "name": template.manifest.template.name,
            "version": template.manifest.template.version,
        }),
    );
    map.insert(
        "opsctl".into(),
        serde_json::json!({ "version": env!("CARGO_PKG_VERSION") }),
    );
    map
}

fn is_templated(path: &str) -> bool {
    path.contains("{{") || path.contains("{%")
}

fn name_source(path: &str) -> String {
    format!("(file name) {path}")
}

/// A rendered path, checked: `None` when the file is left out (a name
/// that renders empty, or with an empty segment, as copier and cookiecutter
/// do for conditional names); an error when it would leave the target
/// directory or write into `.git`.
fn checked_path(template_path: &str, rendered: &str) -> Result<Option<String>, ScaffoldError> {
    if rendered.trim().is_empty() {
        return Ok(None);
    }
    // A conditional segment that renders empty leaves `/x`, `a//x` or `a/`;
    // a substituted value cannot make a path absolute that way, since only
    // `{% %}` blocks are conditions.
    let conditional = template_path.contains("{%");
    let segments: Vec<&str> = rendered.split('/').collect();
    if conditional && segments.iter().any(|s| s.trim().is_empty()) {
        return Ok(None);
    }
    match super::paths::problem(rendered) {
        None => Ok(Some(rendered.to_owned())),
        Some(why) => Err(ScaffoldError::UnsafeTemplate {
            path: template_path.to_owned(),
            message: format!("renders to {rendered:?}, which is refused: {why}"),
        }),
    }
}

/// Seals every generated file `globs` matches, per the generated
/// `.sops.yaml`'s creation rules.
fn seal_files(
    files: &mut BTreeMap<String, GeneratedFile>,
    globs: &Globs,
    dir: &Path,
) -> Result<(), ScaffoldError> {
    let targets: Vec<String> = files.keys().filter(|p| globs.matches(p)).cloned().collect();
    if targets.is_empty() {
        return Ok(());
    }
    let seal_error = |path: &str, message: String| ScaffoldError::Seal {
        path: path.to_owned(),
        message,
    };
    let Some(config_file) = files.get(".sops.yaml") else {
        return Err(seal_error(
            &targets[0],
            "[seal] needs the template to generate a .sops.yaml at the top".into(),
        ));
    };
    let config_path = dir.join(".sops.yaml");
    let config = SopsConfig::parse(&config_path, &config_file.bytes)
        .map_err(|e| seal_error(".sops.yaml", crate::diagnostic::error_chain(&e)))?;
    for path in targets {
        let Some(rule) = config.rule_for(Path::new(&path), dir) else {
            return Err(seal_error(
                &path,
                "no creation rule of the generated .sops.yaml matches it".into(),
            ));
        };
        if rule.age.is_empty() {
            return Err(seal_error(
                &path,
                format!("creation rule {} names no age recipients", rule.index),
            ));
        }
        let options = crate::secrets::SealOptions {
            recipients: rule.age.clone(),
            rule: rule.rule.clone().unwrap_or_default(),
            mac_only_encrypted: rule.mac_only_encrypted,
        };
        let file = files.get_mut(&path).expect("listed above");
        let format = Format::from_path(Path::new(&path));
        let sealed = crate::secrets::seal(&file.bytes, format, format, &options)
            .map_err(|e| seal_error(&path, crate::diagnostic::error_chain(&e)))?;
        file.bytes = sealed;
        file.sealed = true;
    }
    Ok(())
}

/// `.opsctl/answers.toml`: where the files came from and the answers, so a
/// later update can re-apply a newer template with the same answers.
fn answers_file(template: &Template, answers: &Answers) -> Result<String, ScaffoldError> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        template: TemplateRecord<'a>,
        answers: Map<String, Value>,
    }
    #[derive(serde::Serialize)]
    struct TemplateRecord<'a> {
        name: &'a str,
        #[serde(flatten)]
        origin: &'a Origin,
        opsctl_version: &'static str,
    }
    let record = File {
        template: TemplateRecord {
            name: &template.manifest.template.name,
            origin: &template.origin,
            opsctl_version: env!("CARGO_PKG_VERSION"),
        },
        answers: answers.recordable(&template.manifest),
    };
    let body = toml::to_string(&record).map_err(|e| ScaffoldError::AnswersFile {
        path: ANSWERS_FILE.into(),
        message: format!("cannot record the answers: {e}"),
    })?;
    Ok(format!(
        "# Written by `opsctl new`: the template this directory came from and the answers given.\n\
         # Keep it committed; a template update re-applies the template with these answers.\n\n{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_paths_stay_inside_the_target() {
        assert_eq!(
            checked_path("a", "src/main.rs").unwrap(),
            Some("src/main.rs".into())
        );
        // A condition that renders empty leaves the file out, wherever it is.
        let conditional = "{% if x %}d{% endif %}/f";
        assert_eq!(checked_path(conditional, "").unwrap(), None);
        assert_eq!(checked_path(conditional, "/f").unwrap(), None);
        assert_eq!(checked_path(conditional, "a//b").unwrap(), None);
        assert_eq!(checked_path(conditional, "a/ /b").unwrap(), None);
        assert_eq!(checked_path("{{ x }}", "").unwrap(), None);
        // A substituted value cannot make the path absolute or climb out.
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./x",
            "a\\..\\x",
            ".git/config",
            ".GIT/config",
            "sub/.git/hooks/post-checkout",
            "C:/x",
            "a//b",
        ] {
            assert!(checked_path("{{ t }}", bad).is_err(), "{bad}");
        }
    }
}
