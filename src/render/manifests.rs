//! Rendered text into checked Kubernetes objects: split into documents,
//! parsed back, checked for `apiVersion`/`kind`/`metadata.name` and
//! duplicates, put in install order, and written by opsctl's YAML writer.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic;
use crate::document::{Map, Node, Scalar, map_get, yaml};

use super::RenderError;

/// One Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The template that produced it (`templates/deployment.yaml`).
    pub source: String,
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
    /// The object, comments kept.
    pub body: Map,
    /// The object as written: `---`, `# Source:` and the YAML.
    text: String,
}

impl Manifest {
    /// `Kind/name`, or `Kind/namespace/name` when namespaced.
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    /// The object as YAML, led by `---` and a `# Source:` comment.
    pub fn to_yaml(&self) -> &str {
        &self.text
    }
}

/// Parses what one template rendered into its objects. Empty documents
/// (a disabled `{% if %}`) are skipped.
pub fn parse(source: &str, text: &str) -> Result<Vec<Manifest>, RenderError> {
    let tree = yaml::parse(text).map_err(|e| RenderError::Manifest {
        template: source.to_owned(),
        message: format!(
            "the rendered text is not YAML: line {}, column {}: {}\n{}",
            e.line,
            e.column,
            e.message,
            diagnostic::excerpt_at(text, e.line, e.column)
        ),
    })?;
    let mut manifests = Vec::new();
    for (index, body) in tree.documents.into_iter().enumerate() {
        if !body
            .iter()
            .any(|i| matches!(i, crate::document::Item::Entry(..)))
        {
            continue;
        }
        let problem = |what: &str| RenderError::Manifest {
            template: source.to_owned(),
            message: format!("document {} {what}", index + 1),
        };
        let text_at = |map: &Map, key: &str| match map_get(map, key) {
            Some(Node::Scalar(Scalar::Str(s))) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let api_version =
            text_at(&body, "apiVersion").ok_or_else(|| problem("has no apiVersion"))?;
        let kind = text_at(&body, "kind").ok_or_else(|| problem("has no kind"))?;
        let Some(Node::Map(metadata)) = map_get(&body, "metadata") else {
            return Err(problem(&format!("({kind}) has no metadata")));
        };
        let name = text_at(metadata, "name")
            .ok_or_else(|| problem(&format!("({kind}) has no metadata.name")))?;
        let namespace = text_at(metadata, "namespace");
        // Written here, so threads rendering templates also share this work.
        let mut text = String::with_capacity(256);
        text.push_str("---\n# Source: ");
        text.push_str(source);
        text.push('\n');
        yaml::emit_document(&mut text, &body);
        manifests.push(Manifest {
            text,
            source: source.to_owned(),
            api_version,
            kind,
            name,
            namespace,
            body,
        });
    }
    Ok(manifests)
}

/// Helm's install order, with Namespaces and CRDs first; unknown kinds
/// (custom resources) come after all of these.
const INSTALL_ORDER: [&str; 37] = [
    "Namespace",
    "CustomResourceDefinition",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Sorts into install order (then kind, namespace, name), refusing two
/// objects with the same kind, namespace and name.
pub fn order(manifests: &mut [Manifest]) -> Result<(), RenderError> {
    let rank = |kind: &str| {
        INSTALL_ORDER
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(INSTALL_ORDER.len())
    };
    manifests.sort_by(|a, b| {
        (rank(&a.kind), &a.kind, &a.namespace, &a.name).cmp(&(
            rank(&b.kind),
            &b.kind,
            &b.namespace,
            &b.name,
        ))
    });
    for pair in manifests.windows(2) {
        if pair[0].kind == pair[1].kind
            && pair[0].namespace == pair[1].namespace
            && pair[0].name == pair[1].name
        {
            return Err(RenderError::Duplicate {
                id: pair[0].id(),
                first: pair[0].source.clone(),
                second: pair[1].source.clone(),
            });
        }
    }
    Ok(())
}

/// The whole stream, as stdout carries it.
pub fn stream(manifests: &[Manifest]) -> String {
    let mut out = String::with_capacity(manifests.iter().map(|m| m.text.len()).sum());
    for m in manifests {
        out.push_str(&m.text);
    }
    out
}

/// One file name per object: `<kind>-<name>.yaml` in lower case, with the
/// namespace added (`<kind>-<namespace>-<name>.yaml`) where two objects
/// would otherwise share a name.
pub fn file_names(manifests: &[Manifest]) -> Vec<String> {
    let plain = |m: &Manifest| format!("{}-{}.yaml", slug(&m.kind), slug(&m.name));
    let mut count: HashMap<String, usize> = HashMap::new();
    for m in manifests {
        *count.entry(plain(m)).or_default() += 1;
    }
    manifests
        .iter()
        .map(|m| {
            let name = plain(m);
            match (&m.namespace, count[&name]) {
                (Some(ns), n) if n > 1 => {
                    format!("{}-{}-{}.yaml", slug(&m.kind), slug(ns), slug(&m.name))
                }
                _ => name,
            }
        })
        .collect()
}

/// Lower case, with anything but `a-z0-9.-` (e.g. `:` in `system:auth`)
/// turned into `-`.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '.' | '-') => c,
            _ => '-',
        })
        .collect()
}

/// The files `--out` holds for these objects: name → content.
pub fn files(manifests: &[Manifest]) -> BTreeMap<String, String> {
    file_names(manifests)
        .into_iter()
        .zip(manifests)
        .map(|(name, m)| (name, m.text.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<Manifest> {
        parse("templates/t.yaml", text).unwrap()
    }

    #[test]
    fn documents_are_checked_and_empty_ones_skipped() {
        let all = parsed(
            "---\n# only a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n",
        );
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].id(), "Service/web");
        for (text, needle) in [
            ("kind: Service\nmetadata: {name: x}\n", "has no apiVersion"),
            ("apiVersion: v1\nmetadata: {name: x}\n", "has no kind"),
            ("apiVersion: v1\nkind: Service\n", "has no metadata"),
            (
                "apiVersion: v1\nkind: Service\nmetadata: {labels: {}}\n",
                "no metadata.name",
            ),
            ("apiVersion: v1\nkind: [\n", "not YAML: line"),
        ] {
            let err = parse("templates/t.yaml", text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn install_order_and_duplicates() {
        let mut all = parsed(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\n\
             apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\n\
             apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n\
             apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n",
        );
        order(&mut all).unwrap();
        let kinds: Vec<&str> = all.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["Namespace", "Service", "Deployment", "Widget"]);
        let mut twice = parsed(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n\
             apiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
        );
        let err = order(&mut twice).unwrap_err().to_string();
        assert!(err.contains("Service/web"), "{err}");
    }

    #[test]
    fn file_names_add_the_namespace_only_when_needed() {
        let all = parsed(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: a}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: b}\n---\n\
             apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: \"system:x\"}\n",
        );
        assert_eq!(
            file_names(&all),
            [
                "configmap-a-cfg.yaml",
                "configmap-b-cfg.yaml",
                "clusterrole-system-x.yaml"
            ]
        );
    }

    #[test]
    fn output_quotes_what_yaml_1_1_would_retype() {
        let all = parsed(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: \"on\"\n  b: \"0755\"\n  c: \"1e3\"\n  d: \"2024-01-01\"\n  e: 'y'\n",
        );
        assert_eq!(
            all[0].to_yaml(),
            "---\n# Source: templates/t.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"on\"\n  b: \"0755\"\n  c: \"1e3\"\n  d: \"2024-01-01\"\n  e: \"y\"\n"
        );
    }
}
