//! Reading spec files: opsctl's `gate.yaml` and Argo Rollouts templates,
//! composition (`spec.templates`), args, Argo's defaults and validation.

use std::path::{Path, PathBuf};

use regex::Regex;

use super::args::{self, Declared, Values};
use super::fields::{Fields, Source};
use super::metric::{decode_metric, prometheus_settings};
use super::{Metric, PrometheusSettings, Spec, SpecError};
use crate::document::Scalar;
use crate::document::located::{self, Entry, Located, Pos, Value};
use crate::gate::GateError;

/// What the command line adds to the files.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--arg NAME=VALUE`, in order.
    pub args: Vec<(String, String)>,
}

const ARGO_KINDS: &[&str] = &["AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun"];
const GATE_FIELDS: &[&str] = &[
    "prometheus",
    "args",
    "metrics",
    "dryRun",
    "measurementRetention",
];
const ARGO_SPEC_FIELDS: &[&str] = &[
    "metrics",
    "args",
    "dryRun",
    "measurementRetention",
    "templates",
    // AnalysisRun only; accepted and ignored.
    "terminate",
    "ttlStrategy",
];

/// A parsed file.
struct File {
    path: PathBuf,
    name: String,
    text: String,
    docs: Vec<Located>,
}

impl File {
    fn load(path: &Path) -> Result<Self, GateError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| GateError::Read {
            path: name.clone(),
            source,
        })?;
        let docs = located::parse(&text).map_err(|e| {
            SpecError::at(
                &name,
                &text,
                Pos {
                    line: e.line,
                    column: e.column,
                },
                e.message,
            )
        })?;
        Ok(Self {
            path: path.to_owned(),
            name,
            text,
            docs,
        })
    }

    fn source(&self) -> Source<'_> {
        Source {
            file: &self.name,
            text: &self.text,
        }
    }
}

/// Where one document sits: file index and document index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DocRef {
    file: usize,
    doc: usize,
}

/// An Argo template found in the files.
struct Template {
    at: DocRef,
    name: String,
    cluster: bool,
    kind: String,
}

/// Reads the spec files, following `spec.templates` into sibling files
/// when a referenced template is not among them.
pub fn read(paths: &[PathBuf], options: &ReadOptions) -> Result<Spec, GateError> {
    let mut files = Vec::new();
    for path in paths {
        files.push(File::load(path)?);
    }
    let mut gate_docs = Vec::new();
    let mut templates = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        if file.docs.is_empty() {
            return Err(SpecError::at(
                &file.name,
                &file.text,
                Pos { line: 1, column: 1 },
                "the file is empty; a spec needs `metrics:`",
            )
            .into());
        }
        for (di, doc) in file.docs.iter().enumerate() {
            let at = DocRef { file: fi, doc: di };
            match classify(&file.source(), doc)? {
                Some(template) => templates.push(Template { at, ..template }),
                None => gate_docs.push(at),
            }
        }
    }
    let given_templates = templates.len();
    // Templates other templates include are run through them, not again
    // on their own.
    let referenced = collect_references(&files, &templates)?;
    resolve_references(&mut files, &mut templates, &referenced, paths)?;
    let roots: Vec<usize> = (0..given_templates)
        .filter(|&i| {
            !referenced
                .iter()
                .any(|r| r.name == templates[i].name && r.cluster == templates[i].cluster)
        })
        .collect();

    // Gather every metric node, arg declaration and rule, in order.
    let mut parts = Parts::default();
    for at in &gate_docs {
        parts.gate_doc(&files, *at)?;
    }
    let mut visiting = Vec::new();
    for &root in &roots {
        parts.template(&files, &templates, root, &mut visiting)?;
    }
    if parts.metrics.is_empty() {
        let file = &files[0];
        return Err(SpecError::at(
            &file.name,
            &file.text,
            Pos { line: 1, column: 1 },
            "no metrics specified; add a `metrics:` list",
        )
        .into());
    }

    let values = args::resolve(&parts.args, &options.args)?;
    let mut metrics: Vec<Metric> = Vec::with_capacity(parts.metrics.len());
    let mut first_pos: Vec<(String, Pos, usize)> = Vec::with_capacity(parts.metrics.len());
    for part in &parts.metrics {
        let file = &files[part.file];
        let source = file.source();
        let node = substitute(&source, &part.node, &values)?;
        let metric = decode_metric(&source, &node, part)?;
        if let Some((_, pos, fi)) = first_pos.iter().find(|(n, _, _)| n == &metric.name) {
            return Err(source
                .error(
                    node.get("name").map_or(node.pos, |n| n.pos),
                    format!(
                        "duplicate metric name `{}` (first in {}:{})",
                        metric.name, files[*fi].name, pos.line
                    ),
                )
                .into());
        }
        first_pos.push((
            metric.name.clone(),
            node.get("name").map_or(node.pos, |n| n.pos),
            part.file,
        ));
        metrics.push(metric);
    }
    apply_rules(&files, &parts, &mut metrics)?;

    let mut sources = Vec::new();
    for at in &gate_docs {
        sources.push(files[at.file].name.clone());
    }
    for &root in &roots {
        let t = &templates[root];
        sources.push(format!("{}/{} ({})", t.kind, t.name, files[t.at.file].name));
    }
    sources.dedup();
    Ok(Spec {
        sources,
        metrics,
        secrets: values.secrets,
    })
}

/// `Some` for an Argo template, `None` for a gate.yaml document.
fn classify(source: &Source<'_>, doc: &Located) -> Result<Option<Template>, SpecError> {
    let Some(kind) = doc.get("kind") else {
        if doc.as_map().is_none() {
            return Err(source.error(
                doc.pos,
                format!("a spec must be a mapping, not {}", doc.kind()),
            ));
        }
        return Ok(None);
    };
    let kind_text = source.text(kind, "kind")?;
    if !ARGO_KINDS.contains(&kind_text.as_str()) {
        return Err(source.error(
            kind.pos,
            format!(
                "kind `{kind_text}` is not an analysis; opsctl gate reads gate.yaml, \
                 AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun"
            ),
        ));
    }
    let fields = source.fields(
        doc,
        &kind_text,
        &["apiVersion", "kind", "metadata", "spec", "status"],
    )?;
    let name = fields
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_owned();
    Ok(Some(Template {
        at: DocRef { file: 0, doc: 0 },
        name,
        cluster: kind_text == "ClusterAnalysisTemplate",
        kind: kind_text,
    }))
}

/// A `spec.templates` entry.
struct Reference {
    name: String,
    cluster: bool,
    file: usize,
    pos: Pos,
}

fn collect_references(files: &[File], templates: &[Template]) -> Result<Vec<Reference>, SpecError> {
    let mut out = Vec::new();
    for t in templates {
        let file = &files[t.at.file];
        let source = file.source();
        let Some(spec) = file.docs[t.at.doc].get("spec") else {
            continue;
        };
        let Some(list) = spec.get("templates") else {
            continue;
        };
        let Value::Seq(items) = &list.value else {
            return Err(source.error(list.pos, "`templates` must be a list"));
        };
        for item in items {
            let f = source.fields(
                item,
                "a template reference",
                &["templateName", "clusterScope"],
            )?;
            let name_node = f.get("templateName").ok_or_else(|| {
                source.error(item.pos, "a template reference needs `templateName`")
            })?;
            out.push(Reference {
                name: source.text(name_node, "templateName")?,
                cluster: f
                    .get("clusterScope")
                    .map(|c| source.bool(c, "clusterScope"))
                    .transpose()?
                    .unwrap_or(false),
                file: t.at.file,
                pos: name_node.pos,
            });
        }
    }
    Ok(out)
}

/// Loads templates referenced but not given from `*.yaml`/`*.yml` files
/// beside the given ones, as a cluster would have them installed.
fn resolve_references(
    files: &mut Vec<File>,
    templates: &mut Vec<Template>,
    references: &[Reference],
    paths: &[PathBuf],
) -> Result<(), GateError> {
    let missing = |templates: &[Template]| {
        references
            .iter()
            .find(|r| {
                !templates
                    .iter()
                    .any(|t| t.name == r.name && t.cluster == r.cluster)
            })
            .map(|r| (r.name.clone(), r.cluster, r.file, r.pos))
    };
    if missing(templates).is_none() {
        return Ok(());
    }
    let mut dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_owned()
        })
        .collect();
    dirs.dedup();
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut candidates: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                    && !files.iter().any(|f| same_file(&f.path, p))
            })
            .collect();
        candidates.sort();
        for path in candidates {
            // Unrelated YAML beside the spec may be anything; only
            // templates are taken from it.
            let Ok(file) = File::load(&path) else {
                continue;
            };
            let index = files.len();
            let mut found = Vec::new();
            for (di, doc) in file.docs.iter().enumerate() {
                if let Ok(Some(t)) = classify(&file.source(), doc) {
                    found.push(Template {
                        at: DocRef {
                            file: index,
                            doc: di,
                        },
                        ..t
                    });
                }
            }
            if !found.is_empty() {
                files.push(file);
                templates.extend(found);
            }
        }
    }
    if let Some((name, cluster, file, pos)) = missing(templates) {
        let kind = if cluster {
            "ClusterAnalysisTemplate"
        } else {
            "AnalysisTemplate"
        };
        let f = &files[file];
        return Err(f
            .source()
            .error(
                pos,
                format!(
                    "{kind} `{name}` is not in the given files nor beside them; \
                     pass its file too (opsctl gate a.yaml b.yaml)"
                ),
            )
            .into());
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// A metric node waiting for args, with what applies to it.
pub(super) struct MetricPart {
    pub(super) file: usize,
    pub(super) node: Located,
    /// From a gate.yaml document (vs an Argo template).
    pub(super) gate: bool,
    /// gate.yaml's top-level `prometheus:`.
    pub(super) prometheus: PrometheusSettings,
}

/// A `dryRun` or `measurementRetention` rule.
struct Rule {
    file: usize,
    pos: Pos,
    pattern: Regex,
    text: String,
    limit: Option<i64>,
}

#[derive(Default)]
struct Parts {
    metrics: Vec<MetricPart>,
    args: Vec<Declared>,
    dry_run: Vec<Rule>,
    retention: Vec<Rule>,
}

impl Parts {
    fn gate_doc(&mut self, files: &[File], at: DocRef) -> Result<(), SpecError> {
        let file = &files[at.file];
        let source = file.source();
        let doc = &file.docs[at.doc];
        let fields = source.fields(doc, "a gate spec", GATE_FIELDS)?;
        let prometheus = match fields.get("prometheus") {
            Some(node) => prometheus_settings(&source, node, &file.path)?,
            None => PrometheusSettings::default(),
        };
        self.common(&source, at.file, &fields)?;
        for node in fields.list(&source, "metrics")? {
            self.metrics.push(MetricPart {
                file: at.file,
                node: node.clone(),
                gate: true,
                prometheus: prometheus.clone(),
            });
        }
        Ok(())
    }

    fn template(
        &mut self,
        files: &[File],
        templates: &[Template],
        index: usize,
        visiting: &mut Vec<usize>,
    ) -> Result<(), SpecError> {
        let t = &templates[index];
        let file = &files[t.at.file];
        let source = file.source();
        let doc = &file.docs[t.at.doc];
        if visiting.contains(&index) {
            return Err(source.error(
                doc.pos,
                format!(
                    "{} `{}` includes itself through spec.templates",
                    t.kind, t.name
                ),
            ));
        }
        visiting.push(index);
        let spec = doc
            .get("spec")
            .ok_or_else(|| source.error(doc.pos, format!("{} has no `spec`", t.kind)))?;
        let fields = source.fields(spec, "spec", ARGO_SPEC_FIELDS)?;
        self.common(&source, t.at.file, &fields)?;
        for node in fields.list(&source, "metrics")? {
            self.metrics.push(MetricPart {
                file: t.at.file,
                node: node.clone(),
                gate: false,
                prometheus: PrometheusSettings::default(),
            });
        }
        for item in fields.list(&source, "templates")? {
            let name = item
                .get("templateName")
                .and_then(Located::as_str)
                .unwrap_or("");
            let cluster = matches!(
                item.get("clusterScope").map(|c| &c.value),
                Some(Value::Scalar(Scalar::Bool(true)))
            );
            if let Some(next) = templates
                .iter()
                .position(|t| t.name == name && t.cluster == cluster)
            {
                self.template(files, templates, next, visiting)?;
            }
        }
        visiting.pop();
        Ok(())
    }

    /// `args`, `dryRun` and `measurementRetention`, shared by both formats.
    fn common(
        &mut self,
        source: &Source<'_>,
        file: usize,
        fields: &Fields<'_>,
    ) -> Result<(), SpecError> {
        for node in fields.list(source, "args")? {
            let f = source.fields(node, "an arg", &["name", "value", "valueFrom"])?;
            let name_node = f
                .get("name")
                .ok_or_else(|| source.error(node.pos, "an arg needs a `name`"))?;
            let value_from = f
                .get("valueFrom")
                .map(|v| describe_value_from(source, v))
                .transpose()?;
            self.args.push(Declared {
                name: source.text(name_node, "an arg's name")?,
                value: f
                    .get("value")
                    .map(|v| source.text(v, "value"))
                    .transpose()?,
                secret: value_from
                    .as_deref()
                    .is_some_and(|f| f.starts_with("secretKeyRef")),
                value_from,
                pos: node.pos,
                file: source.file.to_owned(),
            });
        }
        for (key, with_limit) in [("dryRun", false), ("measurementRetention", true)] {
            for node in fields.list(source, key)? {
                let allowed: &[&str] = if with_limit {
                    &["metricName", "limit"]
                } else {
                    &["metricName"]
                };
                let f = source.fields(node, &format!("a {key} rule"), allowed)?;
                let name_node = f.get("metricName").ok_or_else(|| {
                    source.error(node.pos, format!("a {key} rule needs `metricName`"))
                })?;
                let text = source.text(name_node, "metricName")?;
                let pattern = Regex::new(&text).map_err(|e| {
                    source.error(
                        name_node.pos,
                        format!("metricName `{text}` is not a regular expression: {e}"),
                    )
                })?;
                let limit = f.get("limit").map(|l| source.int(l, "limit")).transpose()?;
                let rule = Rule {
                    file,
                    pos: name_node.pos,
                    pattern,
                    text,
                    limit,
                };
                if with_limit {
                    self.retention.push(rule);
                } else {
                    self.dry_run.push(rule);
                }
            }
        }
        Ok(())
    }
}

fn describe_value_from(source: &Source<'_>, node: &Located) -> Result<String, SpecError> {
    let f = source.fields(
        node,
        "valueFrom",
        &["secretKeyRef", "fieldRef", "podTemplateHashValue"],
    )?;
    if let Some(secret) = f.get("secretKeyRef") {
        let name = secret.get("name").and_then(Located::as_str).unwrap_or("?");
        let key = secret.get("key").and_then(Located::as_str).unwrap_or("?");
        return Ok(format!("secretKeyRef {name}/{key}"));
    }
    if let Some(field) = f.get("fieldRef") {
        let path = field
            .get("fieldPath")
            .and_then(Located::as_str)
            .unwrap_or("?");
        return Ok(format!("fieldRef {path}"));
    }
    if let Some(hash) = f.get("podTemplateHashValue") {
        return Ok(format!(
            "podTemplateHashValue {}",
            source.text(hash, "podTemplateHashValue")?
        ));
    }
    Err(source.error(
        node.pos,
        "valueFrom needs secretKeyRef, fieldRef or podTemplateHashValue",
    ))
}

/// Substitutes args in every string of a metric.
fn substitute(source: &Source<'_>, node: &Located, values: &Values) -> Result<Located, SpecError> {
    Ok(Located {
        pos: node.pos,
        value: match &node.value {
            Value::Scalar(Scalar::Str(s)) => Value::Scalar(Scalar::Str(
                values
                    .substitute(s)
                    .map_err(|e| source.error(node.pos, e))?,
            )),
            Value::Scalar(other) => Value::Scalar(other.clone()),
            Value::Seq(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| substitute(source, i, values))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|e| {
                        Ok(Entry {
                            key: e.key.clone(),
                            key_pos: e.key_pos,
                            value: substitute(source, &e.value, values)?,
                        })
                    })
                    .collect::<Result<_, SpecError>>()?,
            ),
        },
    })
}

/// Applies `dryRun` and `measurementRetention` rules; each must match a
/// metric, as Argo requires.
fn apply_rules(files: &[File], parts: &Parts, metrics: &mut [Metric]) -> Result<(), SpecError> {
    for (rules, key) in [
        (&parts.dry_run, "dryRun"),
        (&parts.retention, "measurementRetention"),
    ] {
        for (i, rule) in rules.iter().enumerate() {
            let mut matched = false;
            for metric in metrics
                .iter_mut()
                .filter(|m| rule.pattern.is_match(&m.name))
            {
                matched = true;
                match rule.limit {
                    None => metric.dry_run = true,
                    Some(limit) if limit > 0 => metric.retention = limit as usize,
                    Some(_) => {}
                }
            }
            if !matched {
                let f = &files[rule.file];
                return Err(f.source().error(
                    rule.pos,
                    format!(
                        "{key}[{i}]: Rule didn't match any metric name(s) (metricName `{}`)",
                        rule.text
                    ),
                ));
            }
        }
    }
    Ok(())
}
