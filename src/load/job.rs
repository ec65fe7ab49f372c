//! `--emit-job`: the same test on N pods. The output is a ConfigMap holding
//! each pod's scenario (the rate, or the connections in the closed model,
//! split N ways) and an indexed Job that runs `opsctl load --scenario` on it.
//! Each pod prints its JSON result; `opsctl load report -` merges them
//! exactly, since results carry full histograms.

use super::scenario::Scenario;
use super::schedule::parse_stages;
use crate::document::json_quote;
use crate::units::format_duration;

/// What the Job looks like.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// Name of the Job and the ConfigMap.
    pub name: String,
    /// Pods (parallelism and completions).
    pub workers: u32,
    /// An image whose entrypoint is `opsctl`.
    pub image: String,
}

/// Splits a scenario's load `workers` ways: rates and stage targets divide,
/// connections and request counts divide rounding up (at least 1 each).
pub fn split(scenario: &Scenario, workers: u32) -> Scenario {
    let n = f64::from(workers.max(1));
    let mut part = scenario.clone();
    // A pod's verdict on its slice means little and would fail the Job;
    // thresholds apply to the merged result (`opsctl load report`).
    part.thresholds.clear();
    part.max_regression = None;
    part.rate = scenario.rate.as_ref().map(|rate| match rate {
        serde_json::Value::Number(x) => serde_json::json!(x.as_f64().unwrap_or(0.0) / n),
        serde_json::Value::String(text) => match crate::units::parse_rate(text) {
            Ok(per_second) => serde_json::json!(per_second / n),
            Err(_) => rate.clone(),
        },
        other => other.clone(),
    });
    // Unparsable stages are left as they are; `plan` reports them.
    part.stages = scenario
        .stages
        .as_ref()
        .map(|text| match parse_stages(text) {
            Ok(stages) => stages
                .iter()
                .map(|s| format!("{}:{}", format_duration(s.duration), s.target / n))
                .collect::<Vec<_>>()
                .join(","),
            Err(_) => text.clone(),
        });
    let share = |total: usize| total.div_ceil(workers.max(1) as usize).max(1);
    part.connections = scenario.connections.map(share);
    part.max_requests = scenario
        .max_requests
        .map(|total| total.div_ceil(u64::from(workers.max(1))).max(1));
    part
}

/// The ConfigMap and Job, as one YAML stream.
/// `gates` are the thresholds to evaluate on the merged result, as flags.
pub fn manifests(spec: &JobSpec, per_pod: &Scenario, gates: &str) -> String {
    let name = &spec.name;
    let labels = format!(
        "app.kubernetes.io/name: opsctl-load\n    app.kubernetes.io/instance: {name}\n    app.kubernetes.io/managed-by: opsctl"
    );
    let scenario = indent(&per_pod.to_yaml(), 4);
    let workers = spec.workers;
    let image = json_quote(&spec.image);
    format!(
        "\
# {workers} pods each run this scenario, with the load split {workers} ways.
# Collect and merge their results once the Job completes:
#   kubectl wait --for=condition=complete job/{name} --timeout=1h
#   kubectl logs -l job-name={name} --tail=-1 | opsctl load report - {gates}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  labels:
    {labels}
data:
  load.yaml: |
{scenario}---
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  labels:
    {labels}
spec:
  completionMode: Indexed
  completions: {workers}
  parallelism: {workers}
  backoffLimit: 0
  ttlSecondsAfterFinished: 86400
  template:
    metadata:
      labels:
        {pod_labels}
    spec:
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: load
          image: {image}
          args: [\"--no-config\", \"--quiet\", \"load\", \"--scenario\", \"/etc/opsctl/load.yaml\", \"--output\", \"json\"]
          resources:
            requests:
              cpu: \"1\"
              memory: 128Mi
            limits:
              memory: 512Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [\"ALL\"]
          volumeMounts:
            - name: scenario
              mountPath: /etc/opsctl
              readOnly: true
      volumes:
        - name: scenario
          configMap:
            name: {name}
",
        pod_labels = labels.replace("\n    ", "\n        "),
    )
}

fn indent(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("{pad}{line}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_splits_n_ways() {
        let scenario = Scenario {
            url: Some("http://svc:8080/".into()),
            rate: Some(serde_json::json!(1000)),
            stages: Some("30s:100,1m:600/m".into()),
            connections: Some(50),
            max_requests: Some(1001),
            ..Scenario::default()
        };
        let part = split(&scenario, 4);
        assert_eq!(part.rate, Some(serde_json::json!(250.0)));
        assert_eq!(part.stages.as_deref(), Some("30s:25,1m:2.5"));
        assert_eq!(part.connections, Some(13));
        assert_eq!(part.max_requests, Some(251));
        assert_eq!(part.url, scenario.url);
    }

    #[test]
    fn manifests_carry_the_scenario_and_the_pod_count() {
        let spec = JobSpec {
            name: "opsctl-load".into(),
            workers: 3,
            image: "ghcr.io/x/opsctl:1".into(),
        };
        let scenario = Scenario {
            url: Some("http://svc/".into()),
            duration: Some("30s".into()),
            ..Scenario::default()
        };
        let yaml = manifests(&spec, &scenario, "--threshold 'p99<1s'");
        assert!(yaml.contains("opsctl load report - --threshold 'p99<1s'\n"));
        assert!(yaml.contains("completions: 3\n  parallelism: 3\n"));
        assert!(
            yaml.contains("  load.yaml: |\n    url: http://svc/\n    duration: \"30s\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("image: \"ghcr.io/x/opsctl:1\""));
    }
}
