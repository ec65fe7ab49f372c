//! `--validate`: every object checked against a Kubernetes JSON schema from
//! a local directory in kubeconform's layout, so it works offline.
//!
//! For `apps/v1` `Deployment` the schema is `deployment-apps-v1.json`; for
//! core `v1` `Service`, `service-v1.json` (the `*-standalone-strict`
//! directories of yannh/kubernetes-json-schema). Directories whose schemas
//! refer to a shared `_definitions.json` (kubernetes-validate's
//! `*-local-strict`) work too. Custom resources may use the CRDs-catalog
//! layout, `<group>/<kind>_<version>.json`. Strict schemas reject unknown
//! fields.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Manifest, RenderError};
use crate::document;

/// One object that breaks its schema (or has none).
#[derive(Debug, Clone, Serialize)]
pub struct Violation {
    /// The template that produced the object.
    pub source: String,
    /// `Kind/name`.
    pub object: String,
    /// Where in the object (`spec.replicas`), empty for the whole object.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// The schema files that may describe `apiVersion` + `kind`, in the order
/// they are tried.
fn candidates(dir: &Path, api_version: &str, kind: &str) -> Vec<PathBuf> {
    let kind = kind.to_ascii_lowercase();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let mut out = Vec::new();
    if group.is_empty() {
        out.push(dir.join(format!("{kind}-{version}.json")));
    } else {
        let short = group.split('.').next().unwrap_or(group);
        out.push(dir.join(format!("{kind}-{short}-{version}.json")));
        out.push(dir.join(group).join(format!("{kind}_{version}.json")));
    }
    out
}

/// Validates every object; returns the violations (empty when all pass).
pub fn validate(dir: &Path, manifests: &[Manifest]) -> Result<Vec<Violation>, RenderError> {
    if !dir.is_dir() {
        return Err(RenderError::Io {
            path: dir.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such schema directory"),
        });
    }
    let registry = shared_definitions(dir)?;
    let mut validators: HashMap<PathBuf, jsonschema::Validator> = HashMap::new();
    let mut violations = Vec::new();
    for m in manifests {
        let tried = candidates(dir, &m.api_version, &m.kind);
        let Some(path) = tried.iter().find(|p| p.is_file()) else {
            violations.push(Violation {
                source: m.source.clone(),
                object: m.id(),
                path: String::new(),
                message: format!(
                    "no schema for {} {}: looked for {}",
                    m.api_version,
                    m.kind,
                    tried
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            });
            continue;
        };
        if !validators.contains_key(path) {
            let text = std::fs::read_to_string(path).map_err(|source| RenderError::Io {
                path: path.clone(),
                source,
            })?;
            let bad = |message: String| RenderError::BadSchema {
                path: path.clone(),
                message,
            };
            let schema: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
            let mut options = jsonschema::options();
            if let Some(registry) = &registry {
                options = options.with_registry(registry);
            }
            let validator = options.build(&schema).map_err(|e| bad(e.to_string()))?;
            validators.insert(path.clone(), validator);
        }
        let validator = &validators[path];
        let instance = document::map_to_json(&m.body);
        for error in validator.iter_errors(&instance) {
            violations.push(Violation {
                source: m.source.clone(),
                object: m.id(),
                path: super::pointer_to_key(&error.instance_path().to_string()),
                message: error.to_string(),
            });
        }
    }
    Ok(violations)
}

/// The addresses schemas use for a shared `_definitions.json`.
const DEFINITIONS_URIS: [&str; 2] = [
    "https://kubernetes.io/api/_definitions.json",
    "json-schema:///api/_definitions.json",
];

/// A registry holding the directory's `_definitions.json`, if it has one.
fn shared_definitions(dir: &Path) -> Result<Option<jsonschema::Registry<'static>>, RenderError> {
    let path = dir.join("_definitions.json");
    if !path.is_file() {
        return Ok(None);
    }
    let bad = |message: String| RenderError::BadSchema {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|source| RenderError::Io {
        path: path.clone(),
        source,
    })?;
    let definitions: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let [first, second] = DEFINITIONS_URIS;
    jsonschema::Registry::new()
        .add(first, definitions.clone())
        .and_then(|b| b.add(second, definitions))
        .and_then(|b| b.prepare())
        .map(Some)
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_follow_kubeconform() {
        let dir = Path::new("/s");
        assert_eq!(
            candidates(dir, "apps/v1", "Deployment")[0],
            Path::new("/s/deployment-apps-v1.json")
        );
        assert_eq!(
            candidates(dir, "v1", "Service")[0],
            Path::new("/s/service-v1.json")
        );
        assert_eq!(
            candidates(dir, "networking.k8s.io/v1", "Ingress"),
            [
                PathBuf::from("/s/ingress-networking-v1.json"),
                PathBuf::from("/s/networking.k8s.io/ingress_v1.json")
            ]
        );
    }

    #[test]
    fn unknown_fields_and_missing_schemas_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("service-v1.json"),
            r#"{"type": "object", "additionalProperties": false,
                "properties": {"apiVersion": {}, "kind": {}, "metadata": {},
                  "spec": {"type": "object", "additionalProperties": false,
                           "properties": {"type": {"type": "string"}}}}}"#,
        )
        .unwrap();
        let manifests = super::super::manifests::parse(
            "templates/s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {typo: 1}\n---\n\
             apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        )
        .unwrap();
        let found = validate(tmp.path(), &manifests).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].path, "spec");
        assert!(found[0].message.contains("typo"), "{}", found[0].message);
        assert!(
            found[1]
                .message
                .contains("no schema for example.com/v1 Widget"),
            "{}",
            found[1].message
        );
    }
}
