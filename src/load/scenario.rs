//! `load.yaml`: a load test in a file, with several weighted requests. It
//! carries the same settings as the flags (flags override it), so a test
//! lives in the repository beside the service it exercises.
//!
//! ```yaml
//! url: http://localhost:8080
//! connections: 50
//! duration: 30s
//! rate: 200            # open model; or stages: 30s:100,1m:500,30s:0
//! headers: {Authorization: Bearer dev-token}
//! thresholds: ["p95<200ms", "error_rate<1%"]
//! requests:
//!   - name: list items
//!     path: /items?page=1
//!     weight: 3
//!   - name: create item
//!     method: POST
//!     path: /items
//!     headers: {Content-Type: application/json}
//!     body: '{"name":"load"}'
//!     think: 100ms
//! ```

use std::path::{Path, PathBuf};

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::LoadError;
use super::plan::{Model, Plan, RequestSpec, Target, parse_url};
use super::result::{RequestInfo, StageInfo, TestInfo};
use super::schedule::{Schedule, parse_stages};
use crate::document::{self, yaml};
use crate::units::{parse_duration, parse_rate};

/// A scenario file's settings; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Base URL; request paths are relative to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Connections (`-c`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<usize>,
    /// Engine threads (`--threads`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Run length (`-d`), such as `30s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Stop after this many requests (`-n`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_requests: Option<u64>,
    /// Open model rate (`--rate`): a number per second or text like `600/m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<serde_json::Value>,
    /// Open model ramp (`--stages`), such as `30s:100,1m:500,30s:0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stages: Option<String>,
    /// Default method for requests that name none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Headers sent with every request.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// Default body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Default body, read from a file relative to the scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_file: Option<PathBuf>,
    /// Per-request timeout (`--timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Connect timeout (`--connect-timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_timeout: Option<String>,
    /// Speak HTTP/2 (`--http2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http2: Option<bool>,
    /// HTTP/2 streams per connection (`--streams`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streams: Option<usize>,
    /// Skip TLS certificate checks (`--insecure`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
    /// Thresholds, added to `--threshold`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<String>,
    /// Allowed regression against `--baseline` (`--max-regression`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_regression: Option<String>,
    /// The weighted requests; without them, one GET of the URL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<ScenarioRequest>,
}

/// One request of a scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// Name in reports (default: method and path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Method (default: the scenario's, else GET; POST when a body is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path and query relative to the URL's origin, or a full URL of the same origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Relative weight (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Headers, over the scenario's.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// Body text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body read from a file relative to the scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_file: Option<PathBuf>,
    /// Pause after the response, such as `100ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub think: Option<String>,
}

impl Scenario {
    /// Reads a scenario file; `body_file` paths are made relative to it.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let bad = |reason: String| LoadError::File {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        let tree = yaml::parse(&text).map_err(|e| {
            bad(format!(
                "line {}, column {}: {}\n{}",
                e.line,
                e.column,
                e.message,
                crate::diagnostic::excerpt_at(&text, e.line, e.column)
            ))
        })?;
        let Some(doc) = tree.documents.first() else {
            return Ok(Self::default());
        };
        let mut scenario: Self =
            serde_json::from_value(document::map_to_json(doc)).map_err(|e| bad(format!("{e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let rebase = |file: &mut Option<PathBuf>| {
            if let Some(f) = file
                && f.is_relative()
            {
                *f = base.join(&*f);
            }
        };
        rebase(&mut scenario.body_file);
        for request in &mut scenario.requests {
            rebase(&mut request.body_file);
        }
        Ok(scenario)
    }

    /// The scenario as YAML, for the ConfigMap of `--emit-job`.
    pub fn to_yaml(&self) -> String {
        let json = serde_json::to_value(self).unwrap_or_default();
        yaml::emit_node(&document::from_json(json))
    }
}

/// Defaults where neither flags nor the scenario say.
pub const DEFAULT_CONNECTIONS: usize = 50;
/// Run length when no duration, request count or stages are given.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);
/// Per-request timeout by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connect timeout by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Scenario {
    /// Reads body files into `body` text, so the scenario stands alone (for
    /// `--emit-job`, whose pods cannot see local files).
    pub fn inline_bodies(&mut self) -> Result<(), LoadError> {
        fn inline(body: &mut Option<String>, file: &mut Option<PathBuf>) -> Result<(), LoadError> {
            if let Some(path) = file.take() {
                let bytes = read_body(&path)?;
                *body = Some(String::from_utf8(bytes).map_err(|_| LoadError::File {
                    path: path.display().to_string(),
                    reason: "a body shipped in --emit-job's ConfigMap must be text".to_owned(),
                })?);
            }
            Ok(())
        }
        inline(&mut self.body, &mut self.body_file)?;
        for request in &mut self.requests {
            inline(&mut request.body, &mut request.body_file)?;
        }
        Ok(())
    }

    /// Resolves the scenario into a runnable plan and the description
    /// results carry. `threads` is the engine's default thread count.
    pub fn plan(&self, threads: usize) -> Result<(Plan, TestInfo), LoadError> {
        let url = self.url.as_deref().ok_or_else(|| {
            LoadError::Plan("give the URL to test, or `url:` in the scenario".to_owned())
        })?;
        let (target, base_path) = parse_url(url)?;
        let duration = self
            .duration
            .as_deref()
            .map(parse_duration)
            .transpose()
            .map_err(unit)?;
        let rate = match &self.rate {
            None => None,
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(text)) => Some(parse_rate(text).map_err(unit)?),
            Some(other) => {
                return Err(LoadError::Plan(format!(
                    "rate `{other}` is not a number or a rate like 100/s"
                )));
            }
        };
        let stages = self
            .stages
            .as_deref()
            .map(parse_stages)
            .transpose()
            .map_err(unit)?;
        let model = match (&stages, rate) {
            (Some(stages), start) => {
                if duration.is_some() {
                    return Err(LoadError::Plan(
                        "--stages sets the run length; drop -d/--duration".to_owned(),
                    ));
                }
                Model::Open(Schedule::stages(start.unwrap_or(0.0), stages))
            }
            (None, Some(rate)) => {
                let length = match (duration, self.max_requests) {
                    (None, Some(_)) => None,
                    (d, _) => Some(d.unwrap_or(DEFAULT_DURATION)),
                };
                Model::Open(Schedule::constant(rate, length))
            }
            (None, None) => Model::Closed,
        };
        let duration = match (&model, duration, self.max_requests) {
            (Model::Open(_), _, _) => None,
            (Model::Closed, None, None) => Some(DEFAULT_DURATION),
            (Model::Closed, d, _) => d,
        };
        let timeout = |text: &Option<String>, default| {
            text.as_deref()
                .map(parse_duration)
                .transpose()
                .map(|d| d.unwrap_or(default))
                .map_err(unit)
        };
        let headers = header_list(&self.headers)?;
        let requests = if self.requests.is_empty() {
            let body = body_of(self.body.as_deref(), self.body_file.as_deref())?;
            let method = method_of(self.method.as_deref(), &body)?;
            vec![RequestSpec {
                name: format!("{method} {base_path}"),
                method,
                path: base_path,
                headers: headers.clone(),
                body,
                weight: 1,
                think: Duration::ZERO,
            }]
        } else {
            self.requests
                .iter()
                .map(|r| self.request(r, &target, &headers))
                .collect::<Result<_, _>>()?
        };
        let plan = Plan {
            target,
            requests,
            connections: self.connections.unwrap_or(DEFAULT_CONNECTIONS),
            streams: self.streams.unwrap_or(1),
            threads: self.threads.unwrap_or(threads),
            model,
            duration,
            max_requests: self.max_requests,
            timeout: timeout(&self.timeout, DEFAULT_TIMEOUT)?,
            connect_timeout: timeout(&self.connect_timeout, DEFAULT_CONNECT_TIMEOUT)?,
            http2: self.http2.unwrap_or(false),
            insecure: self.insecure.unwrap_or(false),
        };
        plan.validate()?;
        let info = TestInfo {
            url: url.to_owned(),
            requests: plan
                .requests
                .iter()
                .map(|r| RequestInfo {
                    name: r.name.clone(),
                    method: r.method.clone(),
                    path: r.path.clone(),
                    weight: r.weight,
                })
                .collect(),
            model: match plan.model {
                Model::Closed => "closed",
                Model::Open(_) => "open",
            }
            .to_owned(),
            connections: plan.connections,
            streams: plan.streams,
            http2: plan.http2,
            rate,
            stages: stages.iter().flatten().map(StageInfo::from).collect(),
            planned_seconds: match &plan.model {
                Model::Open(schedule) => schedule.length().map(|d| d.as_secs_f64()),
                Model::Closed => plan.duration.map(|d| d.as_secs_f64()),
            },
            max_requests: plan.max_requests,
        };
        Ok((plan, info))
    }

    fn request(
        &self,
        r: &ScenarioRequest,
        target: &Target,
        common: &[(String, String)],
    ) -> Result<RequestSpec, LoadError> {
        let raw_path = r.path.as_deref().unwrap_or("/");
        let path = if raw_path.starts_with("http://") || raw_path.starts_with("https://") {
            let (other, path) = parse_url(raw_path)?;
            if &other != target {
                return Err(LoadError::Plan(format!(
                    "request `{raw_path}` goes to {}, but a run tests one origin ({}); \
                     run a second test for the other host",
                    other.origin(),
                    target.origin()
                )));
            }
            path
        } else if raw_path.starts_with('/') {
            raw_path.to_owned()
        } else {
            format!("/{raw_path}")
        };
        let mut headers = common.to_vec();
        for (name, value) in header_list(&r.headers)? {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
            headers.push((name, value));
        }
        let body = body_of(r.body.as_deref(), r.body_file.as_deref())?;
        let method = method_of(r.method.as_deref().or(self.method.as_deref()), &body)?;
        let think = r
            .think
            .as_deref()
            .map(parse_duration)
            .transpose()
            .map_err(unit)?;
        Ok(RequestSpec {
            name: r.name.clone().unwrap_or_else(|| format!("{method} {path}")),
            method,
            path,
            headers,
            body,
            weight: r.weight.unwrap_or(1).max(1),
            think: think.unwrap_or(Duration::ZERO),
        })
    }
}

fn unit(err: crate::units::UnitError) -> LoadError {
    LoadError::Plan(err.to_string())
}

fn read_body(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|e| LoadError::File {
        path: path.display().to_string(),
        reason: format!("cannot read the body file: {e}"),
    })
}

fn body_of(body: Option<&str>, file: Option<&Path>) -> Result<Vec<u8>, LoadError> {
    match (body, file) {
        (Some(_), Some(_)) => Err(LoadError::Plan(
            "give body or body_file, not both".to_owned(),
        )),
        (Some(text), None) => Ok(text.as_bytes().to_vec()),
        (None, Some(path)) => read_body(path),
        (None, None) => Ok(Vec::new()),
    }
}

/// The method, upper-cased; POST when there is a body and none was named (as curl does).
fn method_of(method: Option<&str>, body: &[u8]) -> Result<String, LoadError> {
    let method = match method {
        Some(m) => m.trim().to_ascii_uppercase(),
        None if body.is_empty() => "GET".to_owned(),
        None => "POST".to_owned(),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(LoadError::Plan(format!("`{method}` is not an HTTP method")));
    }
    Ok(method)
}

/// Reads `-H 'Name: value'` headers.
pub fn parse_header(text: &str) -> Result<(String, String), LoadError> {
    let (name, value) = text.split_once(':').ok_or_else(|| {
        LoadError::Plan(format!(
            "header `{text}` has no `:`; write -H 'Name: value'"
        ))
    })?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(LoadError::Plan(format!(
            "header `{text}` has no valid name"
        )));
    }
    let value = value.trim();
    if value.contains(['\r', '\n']) {
        return Err(LoadError::Plan(format!(
            "header `{name}` contains a line break"
        )));
    }
    Ok((name.to_owned(), value.to_owned()))
}

fn header_list(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(String, String)>, LoadError> {
    map.iter()
        .map(|(k, v)| parse_header(&format!("{k}: {}", header_value(v))))
        .collect()
}

/// Header values in a scenario may be strings, numbers or booleans.
pub fn header_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_reads_and_rebases_body_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("load.yaml");
        std::fs::write(
            &path,
            "url: http://localhost:8080\nconnections: 20\nrate: 100\nheaders: {X-Env: 1}\n\
             requests:\n  - path: /a\n    weight: 3\n  - method: POST\n    path: /b\n    body_file: body.json\n",
        )
        .unwrap();
        let scenario = Scenario::load(&path).unwrap();
        assert_eq!(scenario.connections, Some(20));
        assert_eq!(scenario.rate, Some(serde_json::json!(100)));
        assert_eq!(scenario.requests.len(), 2);
        assert_eq!(
            scenario.requests[1].body_file,
            Some(dir.path().join("body.json"))
        );
        let again: Scenario = serde_json::from_value(document::map_to_json(
            &yaml::parse(&scenario.to_yaml()).unwrap().documents[0],
        ))
        .unwrap();
        assert_eq!(again.requests, scenario.requests);
    }

    #[test]
    fn typos_and_broken_yaml_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("load.yaml");
        std::fs::write(&path, "conections: 5\n").unwrap();
        let err = Scenario::load(&path).unwrap_err().to_string();
        assert!(err.contains("unknown field `conections`"), "{err}");
        std::fs::write(&path, "requests: [\n").unwrap();
        let err = Scenario::load(&path).unwrap_err().to_string();
        assert!(err.contains("line"), "{err}");
    }
}
