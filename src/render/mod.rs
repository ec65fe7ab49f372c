//! `opsctl render`: Kubernetes manifests from Tera templates and layered
//! per-environment values.
//!
//! A deploy directory holds `templates/` (files starting with `_` are
//! partials), `values.yaml`, `values/<env>.yaml`, an optional
//! `values.schema.json` and `files/`. [`render`] merges the values (see
//! [`crate::values`]), checks them against the schema, renders every
//! template with [`crate::template`], parses the output back into objects
//! ([`manifests`]) and orders them. [`output`] writes or compares `--out`
//! directories; [`validate`] checks objects against Kubernetes JSON schemas.

pub mod manifests;
pub mod output;
pub mod validate;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::diagnostic;
use crate::document::{self, yaml};
use crate::secrets::{self, keys::Identities, keys::IdentitySources, store::Format};
use crate::template::{Engine, Source, TemplateError};
use crate::values::{
    Values,
    set::{self, SetKind},
};

pub use manifests::Manifest;

/// Everything that can stop a render.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The deploy directory is not one.
    #[error("{path} is not a deploy directory: {why}")]
    NotADeployDir {
        /// The directory.
        path: PathBuf,
        /// What is missing.
        why: String,
    },
    /// `--env` names an environment without a values file.
    #[error("no values file for environment `{env}`: {path} does not exist")]
    MissingEnv {
        /// The environment.
        env: String,
        /// The overlay that should exist.
        path: PathBuf,
        /// The environments that exist.
        available: Vec<String>,
    },
    /// A values file is not YAML, not a map, or cannot be unsealed.
    #[error("values file {path}: {message}")]
    Values {
        /// The file.
        path: PathBuf,
        /// What is wrong, with an excerpt.
        message: String,
    },
    /// A `--set*` argument is malformed.
    #[error("{flag} {arg:?}: {message}")]
    Set {
        /// `--set`, `--set-string` or `--set-file`.
        flag: &'static str,
        /// The argument.
        arg: String,
        /// What is wrong.
        message: String,
    },
    /// The merged values break `values.schema.json`.
    #[error("the values break {schema}:\n{}", .violations.join("\n"))]
    Schema {
        /// The schema file.
        schema: PathBuf,
        /// One line per violation: key path, rule, source.
        violations: Vec<String>,
    },
    /// A template does not parse or render.
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// A template produced something that is not a Kubernetes object.
    #[error("{template}: {message}")]
    Manifest {
        /// The template.
        template: String,
        /// What is wrong.
        message: String,
    },
    /// Two objects share kind, namespace and name.
    #[error("{id} is rendered twice: by {first} and by {second}")]
    Duplicate {
        /// `Kind/name`.
        id: String,
        /// One template.
        first: String,
        /// The other.
        second: String,
    },
    /// The `--out` directory holds files opsctl did not write.
    #[error("{path} holds files opsctl render did not write: {}", .files.join(", "))]
    ForeignFiles {
        /// The directory.
        path: PathBuf,
        /// Those files.
        files: Vec<String>,
    },
    /// Ctrl-C: the render stopped and wrote nothing.
    #[error("interrupted")]
    Interrupted(#[from] crate::interrupt::Interrupted),
    /// A JSON schema (values or Kubernetes) is itself broken.
    #[error("{path}: not a usable JSON schema: {message}")]
    BadSchema {
        /// The schema file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl RenderError {
    /// Advice on what to do next, when there is some.
    pub fn hint(&self) -> Option<String> {
        match self {
            RenderError::Template(e) => e.hint.clone(),
            RenderError::MissingEnv { available, .. } if available.is_empty() => {
                Some("create values/<env>.yaml in the deploy directory".to_owned())
            }
            RenderError::MissingEnv { env, available, .. } => Some(
                match diagnostic::closest(env, available.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `--env {near}`?"),
                    None => format!("environments: {}", available.join(", ")),
                },
            ),
            RenderError::ForeignFiles { .. } => Some(
                "move them away, or give --out a directory that only opsctl render writes"
                    .to_owned(),
            ),
            RenderError::NotADeployDir { .. } => Some(
                "pass the deploy directory (default `deploy`, or `render.dir` in opsctl.toml)"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RenderError + '_ {
    move |source| RenderError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What to render.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The deploy directory.
    pub dir: PathBuf,
    /// The environment, if any.
    pub env: Option<String>,
    /// `-f` files, in order.
    pub values_files: Vec<PathBuf>,
    /// `--set` arguments.
    pub set: Vec<String>,
    /// `--set-string` arguments.
    pub set_string: Vec<String>,
    /// `--set-file` arguments (paths relative to the working directory).
    pub set_file: Vec<String>,
    /// `release.name`.
    pub release: String,
    /// `release.namespace`.
    pub namespace: String,
    /// `chart.name`.
    pub chart_name: String,
    /// `chart.version`.
    pub chart_version: String,
    /// `--identity` files for sealed values files.
    pub identities: Vec<PathBuf>,
}

/// One environment's result.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The environment rendered (None without `--env`).
    pub env: Option<String>,
    /// The merged values.
    pub values: Values,
    /// The objects, in install order.
    pub manifests: Vec<Manifest>,
}

/// The environments a deploy directory defines (`values/*.yaml`), sorted.
pub fn environments(dir: &Path) -> Result<Vec<String>, RenderError> {
    let overlays = dir.join("values");
    if !overlays.is_dir() {
        return Ok(Vec::new());
    }
    let mut envs = Vec::new();
    for entry in std::fs::read_dir(&overlays).map_err(io(&overlays))? {
        let entry = entry.map_err(io(&overlays))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(env) = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
            && !env.starts_with('.')
        {
            envs.push(env.to_owned());
        }
    }
    envs.sort();
    Ok(envs)
}

/// Reads the templates of a deploy directory (recursively, sorted by path).
fn template_sources(dir: &Path) -> Result<Vec<Source>, RenderError> {
    let root = dir.join("templates");
    if !root.is_dir() {
        return Err(RenderError::NotADeployDir {
            path: dir.to_owned(),
            why: "it has no templates/ directory".to_owned(),
        });
    }
    let mut files = Vec::new();
    walk(&root, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            let name = slash_path(path.strip_prefix(dir).unwrap_or(&path));
            let partial = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('_'));
            Ok(Source {
                name,
                text,
                output: !partial,
            })
        })
        .collect()
}

/// A relative path with `/` between its parts on every platform, as
/// templates name files.
fn slash_path(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every regular file under `dir`, skipping hidden entries.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), RenderError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

/// `files`: every file under `files/`, by its path below it.
fn files_context(dir: &Path) -> Result<BTreeMap<String, String>, RenderError> {
    let root = dir.join("files");
    let mut map = BTreeMap::new();
    if !root.is_dir() {
        return Ok(map);
    }
    let mut paths = Vec::new();
    walk(&root, &mut paths)?;
    for path in paths {
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let Ok(text) = String::from_utf8(bytes) else {
            continue; // Binary files are not templatable text.
        };
        map.insert(slash_path(path.strip_prefix(&root).unwrap_or(&path)), text);
    }
    Ok(map)
}

/// Loads the deploy directory's templates once, for every environment.
pub struct Renderer {
    engine: Engine,
    request: Request,
    files: BTreeMap<String, String>,
    /// `values.schema.json`, compiled once for every environment.
    schema: Option<(PathBuf, jsonschema::Validator)>,
    identities: std::sync::OnceLock<Result<Identities, String>>,
    /// Values files already read: `--all-envs` reads values.yaml and each
    /// `-f` file (and unseals it) once, not once per environment.
    layers: std::sync::Mutex<HashMap<PathBuf, serde_json::Map<String, Value>>>,
}

impl Renderer {
    /// Reads and parses the templates, `files/` and the values schema.
    pub fn new(request: Request) -> Result<Self, RenderError> {
        let engine = Engine::load(template_sources(&request.dir)?, "templates/")?;
        let files = files_context(&request.dir)?;
        let schema_path = request.dir.join("values.schema.json");
        let schema = if schema_path.is_file() {
            let text = std::fs::read_to_string(&schema_path).map_err(io(&schema_path))?;
            let value: Value = serde_json::from_str(&text).map_err(|e| RenderError::BadSchema {
                path: schema_path.clone(),
                message: format!("line {}, column {}: {e}", e.line(), e.column()),
            })?;
            let validator =
                jsonschema::validator_for(&value).map_err(|e| RenderError::BadSchema {
                    path: schema_path.clone(),
                    message: e.to_string(),
                })?;
            Some((schema_path, validator))
        } else {
            None
        };
        Ok(Renderer {
            engine,
            request,
            files,
            schema,
            identities: std::sync::OnceLock::new(),
            layers: std::sync::Mutex::default(),
        })
    }

    /// Renders for one environment (or none).
    pub fn render(&self, env: Option<&str>) -> Result<Rendered, RenderError> {
        let values = self.values(env)?;
        if let Some((path, validator)) = &self.schema {
            check_schema(path, validator, &values)?;
        }
        let mut context = tera::Context::new();
        context.insert("values", values.root());
        context.insert("env", env.unwrap_or(""));
        context.insert(
            "release",
            &serde_json::json!({"name": self.request.release, "namespace": self.request.namespace}),
        );
        context.insert(
            "chart",
            &serde_json::json!({"name": self.request.chart_name, "version": self.request.chart_version}),
        );
        context.insert("files", &self.files);
        let mut all = Vec::new();
        for objects in self.render_all(&context) {
            all.extend(objects?);
        }
        manifests::order(&mut all)?;
        Ok(Rendered {
            env: env.map(str::to_owned),
            values,
            manifests: all,
        })
    }

    /// Renders and parses every output template, on as many threads as
    /// there are CPUs (templates are independent); results in template order.
    fn render_all(&self, context: &tera::Context) -> Vec<Result<Vec<Manifest>, RenderError>> {
        let names: Vec<&str> = self.engine.outputs().collect();
        let one = |name: &str| -> Result<Vec<Manifest>, RenderError> {
            crate::interrupt::check()?;
            let text = self.engine.render(name, context)?;
            manifests::parse(name, &text)
        };
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(names.len());
        if workers <= 1 {
            return names.into_iter().map(one).collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<Option<Result<Vec<Manifest>, RenderError>>> =
            (0..names.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(name) = names.get(i) else { break };
                            done.push((i, one(name)));
                        }
                        done
                    })
                })
                .collect();
            for handle in handles {
                // A panic in a worker is a bug; let it surface as one.
                for (i, result) in handle.join().expect("a render worker panicked") {
                    results[i] = Some(result);
                }
            }
        });
        results
            .into_iter()
            .map(|r| r.expect("every template was rendered"))
            .collect()
    }

    /// The merged values for `env`.
    pub fn values(&self, env: Option<&str>) -> Result<Values, RenderError> {
        let dir = &self.request.dir;
        let mut values = Values::default();
        let base = dir.join("values.yaml");
        if base.is_file() {
            values.merge_layer(self.read_values(&base)?, &display(dir, &base));
        }
        if let Some(env) = env {
            let overlay = dir.join("values").join(format!("{env}.yaml"));
            if !overlay.is_file() {
                return Err(RenderError::MissingEnv {
                    env: env.to_owned(),
                    path: overlay,
                    available: environments(dir)?,
                });
            }
            values.merge_layer(self.read_values(&overlay)?, &display(dir, &overlay));
        }
        for file in &self.request.values_files {
            values.merge_layer(self.read_values(file)?, &file.display().to_string());
        }
        let sets = [
            ("--set", &self.request.set, SetKind::Typed),
            ("--set-string", &self.request.set_string, SetKind::String),
        ];
        for (flag, args, kind) in sets {
            for arg in args {
                let assignments = set::parse(arg, kind).map_err(|message| RenderError::Set {
                    flag,
                    arg: arg.clone(),
                    message,
                })?;
                for a in assignments {
                    values.set(&a.path, a.value, &format!("{flag} {arg}"));
                }
            }
        }
        for arg in &self.request.set_file {
            let bad = |message: String| RenderError::Set {
                flag: "--set-file",
                arg: arg.clone(),
                message,
            };
            let (path, file) = set::parse_file_arg(arg).map_err(bad)?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| bad(format!("cannot read {file}: {e}")))?;
            values.set(&path, Value::String(text), &format!("--set-file {arg}"));
        }
        Ok(values)
    }

    /// One values file as a map, read once per renderer.
    fn read_values(&self, path: &Path) -> Result<serde_json::Map<String, Value>, RenderError> {
        let mut layers = self.layers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(map) = layers.get(path) {
            return Ok(map.clone());
        }
        let map = self.parse_values(path)?;
        layers.insert(path.to_owned(), map.clone());
        Ok(map)
    }

    /// Parses one values file; a SOPS-sealed file is opened in memory.
    fn parse_values(&self, path: &Path) -> Result<serde_json::Map<String, Value>, RenderError> {
        let bad = |message: String| RenderError::Values {
            path: path.to_owned(),
            message,
        };
        let bytes = std::fs::read(path).map_err(io(path))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| bad("not UTF-8 text".to_owned()))?;
        let mut tree = yaml::parse(text).map_err(|e| {
            bad(format!(
                "line {}, column {}: {}\n{}",
                e.line,
                e.column,
                e.message,
                diagnostic::excerpt_at(text, e.line, e.column)
            ))
        })?;
        let sealed = tree
            .documents
            .iter()
            .any(|d| document::map_get(d, "sops").is_some());
        if sealed {
            let identities = self
                .identities
                .get_or_init(|| {
                    Identities::load(&IdentitySources::from_environment(
                        self.request.identities.clone(),
                    ))
                    .map_err(|e| e.to_string())
                })
                .as_ref()
                .map_err(|e| {
                    bad(format!(
                        "it is sealed for {}, and no identity could be loaded: {e}",
                        match secrets::sealed_for(&tree).as_slice() {
                            [] => "no age recipient".to_owned(),
                            recipients => recipients.join(", "),
                        }
                    ))
                })?;
            tree = secrets::open(&bytes, Format::Yaml, identities, false)
                .map_err(|e| bad(format!("cannot unseal: {}", diagnostic::error_chain(&e))))?;
        }
        let mut merged = serde_json::Map::new();
        for doc in &tree.documents {
            if let Value::Object(map) = document::map_to_json(doc) {
                merged.extend(map);
            }
        }
        Ok(merged)
    }
}

/// A path as the user knows it: relative to the deploy directory's parent
/// when possible (`deploy/values/prod.yaml`).
fn display(dir: &Path, path: &Path) -> String {
    let parent = dir.parent().unwrap_or(Path::new(""));
    path.strip_prefix(parent)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Checks merged values against the schema, naming for each violation the
/// key path, the rule and the source that set the value.
fn check_schema(
    path: &Path,
    validator: &jsonschema::Validator,
    values: &Values,
) -> Result<(), RenderError> {
    let instance = values.to_value();
    let violations: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            let rule = error
                .schema_path()
                .to_string()
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_owned();
            let key = if pointer.is_empty() {
                "(the values)".to_owned()
            } else {
                pointer_to_key(&pointer)
            };
            let origin = values
                .origin(&pointer)
                .map(|o| format!(", set by {o}"))
                .unwrap_or_default();
            format!("  {key}: {error} (rule `{rule}`{origin})")
        })
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(RenderError::Schema {
            schema: path.to_owned(),
            violations,
        })
    }
}

/// `/image/tags/0` → `image.tags[0]`.
fn pointer_to_key(pointer: &str) -> String {
    let mut key = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            key.push_str(&format!("[{part}]"));
        } else {
            if !key.is_empty() {
                key.push('.');
            }
            key.push_str(&part);
        }
    }
    key
}

/// A summary of one environment's render, for `-o json`.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestSummary {
    /// The template.
    pub source: String,
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The file it goes to under `--out`.
    pub file: String,
}

/// The summaries of a render, in order.
pub fn summaries(rendered: &Rendered) -> Vec<ManifestSummary> {
    manifests::file_names(&rendered.manifests)
        .into_iter()
        .zip(&rendered.manifests)
        .map(|(file, m)| ManifestSummary {
            source: m.source.clone(),
            api_version: m.api_version.clone(),
            kind: m.kind.clone(),
            name: m.name.clone(),
            namespace: m.namespace.clone(),
            file,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_as_keys() {
        assert_eq!(pointer_to_key("/image/tags/0"), "image.tags[0]");
        assert_eq!(pointer_to_key("/a~1b"), "a/b");
    }
}
