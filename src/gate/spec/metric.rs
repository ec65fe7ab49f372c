//! Decoding one metric: Argo's fields and defaults, its validation rules,
//! and the provider (gate.yaml's `query`/`range`/`compare`, or Argo's
//! `provider.prometheus`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::fields::{Fields, Source};
use super::read::MetricPart;
use super::{Bound, Metric, PrometheusSettings, Provider, Query, SpecError, defaults};
use crate::document::located::{Entry, Located, Value};
use crate::gate::compare::{CompareConfig, Direction, NanStrategy};

const METRIC_COMMON: &[&str] = &[
    "name",
    "interval",
    "initialDelay",
    "count",
    "successCondition",
    "failureCondition",
    "failureLimit",
    "inconclusiveLimit",
    "consecutiveErrorLimit",
    "consecutiveSuccessLimit",
    "provider",
];

const GATE_METRIC_EXTRA: &[&str] = &["query", "range", "step", "compare", "dryRun", "timeout"];

const PROVIDERS: &[&str] = &[
    "prometheus",
    "job",
    "web",
    "datadog",
    "newRelic",
    "wavefront",
    "kayenta",
    "cloudWatch",
    "graphite",
    "influxdb",
    "skywalking",
    "plugin",
];

pub(super) fn decode_metric(
    source: &Source<'_>,
    node: &Located,
    part: &MetricPart,
) -> Result<Metric, SpecError> {
    let allowed: Vec<&str> = if part.gate {
        METRIC_COMMON
            .iter()
            .chain(GATE_METRIC_EXTRA)
            .copied()
            .collect()
    } else {
        METRIC_COMMON.to_vec()
    };
    let f = source.fields(node, "a metric", &allowed)?;
    let name_node = f
        .get("name")
        .ok_or_else(|| source.error(node.pos, "a metric needs a `name`"))?;
    let name = source.text(name_node, "name")?;
    let at = |key: &str| f.get(key).map_or(node.pos, |n| n.pos);
    let duration = |key: &str| f.get(key).map(|n| source.duration(n, key)).transpose();
    let int = |key: &str| f.get(key).map(|n| source.int(n, key)).transpose();

    let interval = duration("interval")?.filter(|d| !d.is_zero());
    let initial_delay = duration("initialDelay")?.unwrap_or_default();
    let count = int("count")?;
    if let Some(c) = count
        && c < 0
    {
        return Err(source.error(at("count"), "count must be 0 or more"));
    }
    let failure_limit = int("failureLimit")?.unwrap_or(0);
    let inconclusive_limit = int("inconclusiveLimit")?.unwrap_or(0);
    let consecutive_error_limit =
        int("consecutiveErrorLimit")?.unwrap_or(defaults::CONSECUTIVE_ERROR_LIMIT);
    let consecutive_success_limit = int("consecutiveSuccessLimit")?.unwrap_or(0);
    // Argo's validation, with its wording.
    let invalid = |key: &str, why: &str| source.error(at(key), format!("metric `{name}`: {why}"));
    if consecutive_success_limit < 0 {
        return Err(invalid(
            "consecutiveSuccessLimit",
            "consecutiveSuccessLimit must be >= 0",
        ));
    }
    if failure_limit < -1 {
        return Err(invalid("failureLimit", "failureLimit must be >= -1"));
    }
    if failure_limit == -1 && consecutive_success_limit == 0 {
        return Err(invalid(
            "failureLimit",
            "failureLimit -1 needs consecutiveSuccessLimit > 0 (both limits cannot be disabled)",
        ));
    }
    if inconclusive_limit < 0 {
        return Err(invalid(
            "inconclusiveLimit",
            "inconclusiveLimit must be >= 0",
        ));
    }
    if consecutive_error_limit < 0 {
        return Err(invalid(
            "consecutiveErrorLimit",
            "consecutiveErrorLimit must be >= 0",
        ));
    }
    if let Some(c) = count.filter(|c| *c > 0) {
        if failure_limit >= 0 && c < failure_limit + consecutive_success_limit {
            return Err(invalid(
                "count",
                "count must be >= failureLimit + consecutiveSuccessLimit",
            ));
        }
        if failure_limit == -1 && c < consecutive_success_limit {
            return Err(invalid("count", "count must be >= consecutiveSuccessLimit"));
        }
        if c < inconclusive_limit {
            return Err(invalid("count", "count must be >= inconclusiveLimit"));
        }
        if c > 1 && interval.is_none() {
            return Err(invalid("count", "count > 1 needs an interval"));
        }
    }
    // Argo: no count (or 0) is one measurement without an interval, and
    // unbounded with one.
    let count = match count.filter(|c| *c > 0) {
        Some(c) => Some(c as u64),
        None if interval.is_none() => Some(1),
        None => None,
    };

    let success = f
        .get("successCondition")
        .map(|n| source.expression(n, "successCondition"))
        .transpose()?;
    let failure = f
        .get("failureCondition")
        .map(|n| source.expression(n, "failureCondition"))
        .transpose()?;
    let dry_run = f
        .get("dryRun")
        .map(|n| source.bool(n, "dryRun"))
        .transpose()?
        .unwrap_or(false);

    let provider = if part.gate && f.get("provider").is_none() {
        gate_provider(source, node, &f, part, &name)?
    } else {
        if part.gate
            && let Some(extra) = ["query", "compare", "range", "step"]
                .into_iter()
                .find(|k| f.get(k).is_some())
        {
            return Err(source.error(
                at(extra),
                format!("metric `{name}` has both `provider` and `{extra}`; keep one"),
            ));
        }
        argo_provider(source, node, &f, &name)?
    };
    if matches!(provider.query, Query::Compare { .. }) && (success.is_some() || failure.is_some()) {
        return Err(source.error(
            at("compare"),
            format!(
                "metric `{name}`: a compare metric is judged by its statistics; \
                 drop successCondition/failureCondition"
            ),
        ));
    }
    Ok(Metric {
        name,
        interval,
        initial_delay,
        count,
        success,
        failure,
        failure_limit,
        inconclusive_limit,
        consecutive_error_limit,
        consecutive_success_limit,
        dry_run,
        retention: defaults::RETENTION,
        provider,
    })
}

pub(super) fn gate_provider(
    source: &Source<'_>,
    node: &Located,
    f: &Fields<'_>,
    part: &MetricPart,
    name: &str,
) -> Result<Provider, SpecError> {
    let mut prometheus = part.prometheus.clone();
    if let Some(t) = f.get("timeout") {
        prometheus.timeout = Some(source.duration(t, "timeout")?);
    }
    let range = f
        .get("range")
        .map(|n| source.duration(n, "range"))
        .transpose()?;
    let step = f
        .get("step")
        .map(|n| source.duration(n, "step"))
        .transpose()?;
    if let Some(s) = step
        && s.is_zero()
    {
        return Err(source.error(
            f.get("step").map_or(node.pos, |n| n.pos),
            "step must be more than 0",
        ));
    }
    let query = match (f.get("query"), f.get("compare")) {
        (Some(q), None) => {
            let text = source.text(q, "query")?;
            match range {
                Some(range) => Query::Range {
                    query: text,
                    start: Bound::Before(range),
                    end: Bound::Before(Duration::ZERO),
                    step: step.unwrap_or(Duration::from_secs(defaults::STEP_SECONDS)),
                },
                None if step.is_some() => {
                    return Err(source.error(
                        f.get("step").map_or(node.pos, |n| n.pos),
                        "step needs range (a range query covers `range` before the measurement)",
                    ));
                }
                None => Query::Instant(text),
            }
        }
        (None, Some(c)) => {
            let cf = source.fields(
                c,
                "compare",
                &[
                    "canary",
                    "baseline",
                    "direction",
                    "confidence",
                    "allowedIncrease",
                    "allowedDecrease",
                    "nanStrategy",
                    "minSamples",
                    "tolerance",
                ],
            )?;
            let need = |key: &str| {
                cf.get(key)
                    .ok_or_else(|| {
                        source.error(c.pos, format!("compare needs `{key}` (a PromQL query)"))
                    })
                    .and_then(|n| source.text(n, key))
            };
            let mut config = CompareConfig::default();
            if let Some(d) = cf.get("direction") {
                config.direction = match source.text(d, "direction")?.as_str() {
                    "increase" => Direction::Increase,
                    "decrease" => Direction::Decrease,
                    "either" => Direction::Either,
                    other => {
                        return Err(source.error(
                            d.pos,
                            format!("direction `{other}` must be increase, decrease or either"),
                        ));
                    }
                };
            }
            if let Some(n) = cf.get("nanStrategy") {
                config.nan_strategy = match source.text(n, "nanStrategy")?.as_str() {
                    "remove" => NanStrategy::Remove,
                    "replace" => NanStrategy::Replace,
                    other => {
                        return Err(source.error(
                            n.pos,
                            format!("nanStrategy `{other}` must be remove or replace"),
                        ));
                    }
                };
            }
            if let Some(n) = cf.get("confidence") {
                config.confidence = source.number(n, "confidence")?;
                if !(config.confidence > 0.5 && config.confidence < 1.0) {
                    return Err(
                        source.error(n.pos, "confidence must be between 0.5 and 1, such as 0.98")
                    );
                }
            }
            for (key, slot) in [
                ("allowedIncrease", &mut config.allowed_increase),
                ("allowedDecrease", &mut config.allowed_decrease),
            ] {
                if let Some(n) = cf.get(key) {
                    *slot = source.number(n, key)?;
                    if slot.is_nan() || *slot <= 0.0 {
                        return Err(source
                            .error(n.pos, format!("{key} must be a ratio above 0, such as 1.1")));
                    }
                }
            }
            if let Some(n) = cf.get("tolerance") {
                config.tolerance = source.number(n, "tolerance")?;
                if !(0.0..1.0).contains(&config.tolerance) {
                    return Err(
                        source.error(n.pos, "tolerance must be from 0 to below 1, such as 0.25")
                    );
                }
            }
            if let Some(n) = cf.get("minSamples") {
                config.min_samples = usize::try_from(source.int(n, "minSamples")?)
                    .map_err(|_| source.error(n.pos, "minSamples must be 0 or more"))?;
            }
            Query::Compare {
                canary: need("canary")?,
                baseline: need("baseline")?,
                range: range.unwrap_or(Duration::from_secs(defaults::COMPARE_RANGE_SECONDS)),
                step: step.unwrap_or(Duration::from_secs(15)),
                config,
            }
        }
        (Some(q), Some(_)) => {
            return Err(source.error(
                q.pos,
                format!("metric `{name}` has both `query` and `compare`; keep one"),
            ));
        }
        (None, None) => {
            return Err(source.error(
                node.pos,
                format!("metric `{name}` has no query; add `query:` (or `compare:` with canary and baseline)"),
            ));
        }
    };
    Ok(Provider { prometheus, query })
}

pub(super) fn argo_provider(
    source: &Source<'_>,
    node: &Located,
    f: &Fields<'_>,
    name: &str,
) -> Result<Provider, SpecError> {
    let Some(provider) = f.get("provider") else {
        return Err(source.error(
            node.pos,
            format!("metric `{name}`: no provider specified; add `provider: {{prometheus: {{address: …, query: …}}}}`"),
        ));
    };
    let pf = source.fields(provider, "provider", PROVIDERS)?;
    let given: Vec<&Entry> = provider.as_map().unwrap_or_default().iter().collect();
    if given.len() > 1 {
        return Err(source.error(
            provider.pos,
            format!("metric `{name}`: multiple providers specified"),
        ));
    }
    let Some(prom) = pf.get("prometheus") else {
        let Some(other) = given.first() else {
            return Err(source.error(
                provider.pos,
                format!("metric `{name}`: no provider specified"),
            ));
        };
        return Err(source.error(
            other.key_pos,
            format!(
                "metric `{name}`: the `{}` provider is not supported; opsctl gate measures \
                 Prometheus (and compatible) metrics",
                other.key
            ),
        ));
    };
    let p = source.fields(
        prom,
        "the prometheus provider",
        &[
            "address",
            "query",
            "timeout",
            "insecure",
            "headers",
            "authentication",
            "rangeQuery",
        ],
    )?;
    let mut settings = PrometheusSettings {
        address: p
            .get("address")
            .map(|a| source.text(a, "address"))
            .transpose()?,
        ..PrometheusSettings::default()
    };
    if let Some(t) = p.get("timeout") {
        // Argo's timeout is whole seconds.
        let seconds = source.int(t, "timeout")?;
        if seconds < 0 {
            return Err(source.error(t.pos, "timeout must be 0 or more seconds"));
        }
        settings.timeout = Some(Duration::from_secs(seconds as u64));
    }
    if let Some(i) = p.get("insecure") {
        settings.insecure = source.bool(i, "insecure")?;
    }
    for h in p.list(source, "headers")? {
        let hf = source.fields(h, "a header", &["key", "value"])?;
        let key = hf
            .get("key")
            .ok_or_else(|| source.error(h.pos, "a header needs `key`"))?;
        let value = hf
            .get("value")
            .map(|v| source.text(v, "value"))
            .transpose()?;
        settings
            .headers
            .push((source.text(key, "key")?, value.unwrap_or_default()));
    }
    if let Some(auth) = p.get("authentication") {
        let af = source.fields(auth, "authentication", &["basicAuth", "oauth2", "sigv4"])?;
        if let Some(basic) = af.get("basicAuth") {
            let bf = source.fields(basic, "basicAuth", &["username", "password"])?;
            let user = bf
                .get("username")
                .map(|u| source.text(u, "username"))
                .transpose()?;
            let password = bf
                .get("password")
                .map(|u| source.text(u, "password"))
                .transpose()?;
            match (user, password) {
                (Some(u), Some(p)) => settings.basic_auth = Some((u, p)),
                _ => {
                    return Err(
                        source.error(basic.pos, "basicAuth needs both username and password")
                    );
                }
            }
        }
        for unsupported in ["oauth2", "sigv4"] {
            if let Some(n) = af.get(unsupported) {
                return Err(source.error(
                    n.pos,
                    format!(
                        "{unsupported} authentication is not supported; give a token with \
                         --token-file or OPSCTL_PROMETHEUS_TOKEN instead"
                    ),
                ));
            }
        }
    }
    let query_node = p.get("query").ok_or_else(|| {
        source.error(
            prom.pos,
            format!("metric `{name}`: the prometheus provider needs `query`"),
        )
    })?;
    let query = source.text(query_node, "query")?;
    let query = match p.get("rangeQuery") {
        None => Query::Instant(query),
        Some(r) => {
            let rf = source.fields(r, "rangeQuery", &["start", "end", "step"])?;
            let need = |key: &str| {
                rf.get(key)
                    .ok_or_else(|| source.error(r.pos, format!("rangeQuery needs `{key}`")))
            };
            let step = source.duration(need("step")?, "step")?;
            if step.is_zero() {
                return Err(source.error(need("step")?.pos, "step must be more than 0"));
            }
            Query::Range {
                query,
                start: Bound::Expression(source.expression(need("start")?, "rangeQuery.start")?),
                end: Bound::Expression(source.expression(need("end")?, "rangeQuery.end")?),
                step,
            }
        }
    };
    Ok(Provider {
        prometheus: settings,
        query,
    })
}

/// gate.yaml's `prometheus:`, a URL or a mapping.
pub(super) fn prometheus_settings(
    source: &Source<'_>,
    node: &Located,
    path: &Path,
) -> Result<PrometheusSettings, SpecError> {
    if let Value::Scalar(_) = node.value {
        return Ok(PrometheusSettings {
            address: Some(source.text(node, "prometheus")?),
            ..PrometheusSettings::default()
        });
    }
    let f = source.fields(
        node,
        "prometheus",
        &[
            "address",
            "timeout",
            "headers",
            "bearerTokenFile",
            "bearerTokenEnv",
            "basicAuth",
            "caFile",
            "insecure",
            "method",
        ],
    )?;
    let base = path.parent().unwrap_or(Path::new("."));
    let file_in = |n: &Located, key: &str| -> Result<PathBuf, SpecError> {
        let p = PathBuf::from(source.text(n, key)?);
        Ok(if p.is_relative() { base.join(p) } else { p })
    };
    let read_file = |n: &Located, key: &str| -> Result<String, SpecError> {
        let p = file_in(n, key)?;
        std::fs::read_to_string(&p)
            .map(|t| t.trim().to_owned())
            .map_err(|e| source.error(n.pos, format!("{key}: cannot read {}: {e}", p.display())))
    };
    let read_env = |n: &Located, key: &str| -> Result<String, SpecError> {
        let var = source.text(n, key)?;
        std::env::var(&var)
            .map_err(|_| source.error(n.pos, format!("{key}: the variable {var} is not set")))
    };
    let mut s = PrometheusSettings {
        address: f
            .get("address")
            .map(|a| source.text(a, "address"))
            .transpose()?,
        timeout: f
            .get("timeout")
            .map(|t| source.duration(t, "timeout"))
            .transpose()?,
        insecure: f
            .get("insecure")
            .map(|i| source.bool(i, "insecure"))
            .transpose()?
            .unwrap_or(false),
        ca_file: f.get("caFile").map(|c| file_in(c, "caFile")).transpose()?,
        ..PrometheusSettings::default()
    };
    if let Some(m) = f.get("method") {
        s.use_get = match source.text(m, "method")?.to_ascii_uppercase().as_str() {
            "GET" => true,
            "POST" => false,
            other => {
                return Err(source.error(m.pos, format!("method `{other}` must be GET or POST")));
            }
        };
    }
    if let Some(h) = f.get("headers") {
        let hf = h
            .as_map()
            .ok_or_else(|| source.error(h.pos, "headers must be a mapping of name: value"))?;
        for entry in hf {
            s.headers
                .push((entry.key.clone(), source.text(&entry.value, &entry.key)?));
        }
    }
    match (f.get("bearerTokenFile"), f.get("bearerTokenEnv")) {
        (Some(file), None) => s.bearer_token = Some(read_file(file, "bearerTokenFile")?),
        (None, Some(env)) => s.bearer_token = Some(read_env(env, "bearerTokenEnv")?),
        (Some(_), Some(env)) => {
            return Err(source.error(env.pos, "give bearerTokenFile or bearerTokenEnv, not both"));
        }
        (None, None) => {}
    }
    if let Some(b) = f.get("basicAuth") {
        let bf = source.fields(
            b,
            "basicAuth",
            &["username", "password", "passwordFile", "passwordEnv"],
        )?;
        let user = bf
            .get("username")
            .ok_or_else(|| source.error(b.pos, "basicAuth needs `username`"))?;
        let password = if let Some(p) = bf.get("password") {
            source.text(p, "password")?
        } else if let Some(p) = bf.get("passwordFile") {
            read_file(p, "passwordFile")?
        } else if let Some(p) = bf.get("passwordEnv") {
            read_env(p, "passwordEnv")?
        } else {
            return Err(source.error(
                b.pos,
                "basicAuth needs password, passwordFile or passwordEnv",
            ));
        };
        s.basic_auth = Some((source.text(user, "username")?, password));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::gate::spec::{ReadOptions, read};

    /// Argo's validation of limits and counts, written out as the rule table
    /// in its docs: does a metric with these fields pass?
    fn argo_accepts(
        count: i64,
        interval: bool,
        failure: i64,
        inconclusive: i64,
        success: i64,
    ) -> bool {
        if success < 0 || failure < -1 || (failure == -1 && success == 0) || inconclusive < 0 {
            return false;
        }
        if count > 0 {
            if failure >= 0 && count < failure + success {
                return false;
            }
            if failure == -1 && count < success {
                return false;
            }
            if count < inconclusive || (count > 1 && !interval) {
                return false;
            }
        }
        true
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn limits_are_validated_as_argo_validates_them(
            count in -1i64..6,
            interval in any::<bool>(),
            failure in -2i64..4,
            inconclusive in -1i64..4,
            success in -1i64..4,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("gate.yaml");
            let interval_line = if interval { "    interval: 1m\n" } else { "" };
            std::fs::write(
                &path,
                format!(
                    "metrics:\n  - name: m\n    query: up\n{interval_line}    count: {count}\n    \
                     failureLimit: {failure}\n    inconclusiveLimit: {inconclusive}\n    \
                     consecutiveSuccessLimit: {success}\n"
                ),
            )
            .unwrap();
            let result = read(&[path], &ReadOptions::default());
            let expected = count >= 0 && argo_accepts(count, interval, failure, inconclusive, success);
            prop_assert_eq!(result.is_ok(), expected, "{:?}", result.err().map(|e| e.to_string()));
            if let Ok(spec) = result {
                let m = &spec.metrics[0];
                // No count (or 0): one measurement without an interval, unbounded with one.
                let effective = match (count, interval) {
                    (0, false) => Some(1),
                    (0, true) => None,
                    (c, _) => Some(c as u64),
                };
                prop_assert_eq!(m.count, effective);
                prop_assert_eq!(m.failure_limit, failure);
            }
        }
    }
}
