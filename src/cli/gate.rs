//! `opsctl gate`: spec files and flags into a run, a live view on a
//! terminal, the verdict table or JSON status, JUnit, and the exit code.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;

use crate::cli::exit::Hint;
use crate::cli::output::HumanReport;
use crate::cli::{Outcome, Printer, Session};
use crate::gate::GateError;
use crate::gate::analysis::Phase;
use crate::gate::report::{MetricResult, Status, format_time};
use crate::gate::run::{self, Connection, Progress, Settings};
use crate::gate::spec::{self, ReadOptions, args::parse_assignment};

/// Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)
#[derive(Debug, Args)]
#[command(long_about = "\
Gate a deployment on Prometheus metrics. Reads opsctl's gate.yaml or Argo Rollouts AnalysisTemplate / \
ClusterAnalysisTemplate files unchanged (several files are merged, as a Rollout step merges templates) and \
classifies every measurement exactly as Argo Rollouts does. Exit 0 Successful, 1 Failed, 3 Inconclusive \
or Error (the JSON phase says which), 2 for an invalid spec or arguments.")]
pub(crate) struct GateArgs {
    /// Spec files: gate.yaml, AnalysisTemplate or ClusterAnalysisTemplate [default: gate.yaml]
    #[arg(value_name = "SPEC", value_hint = clap::ValueHint::FilePath)]
    specs: Vec<PathBuf>,
    /// Prometheus (or Thanos, Mimir, VictoriaMetrics) address; wins over the spec and opsctl.toml
    #[arg(long, value_name = "URL", value_hint = clap::ValueHint::Url)]
    prometheus: Option<String>,
    /// Set an analysis arg, substituted as {{args.NAME}} (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    args: Vec<String>,
    /// One measurement per metric, judged alone (for a post-deploy CI check)
    #[arg(long)]
    once: bool,
    /// Replay the analysis from a past instant: RFC 3339, unix seconds, or a duration ago (30m)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Evaluate and report, but exit 0 whatever the verdict
    #[arg(long)]
    dry_run: bool,
    /// Stop the analysis after this long (background metrics without a count end then)
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Write a JUnit XML report, one test case per metric
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    junit: Option<PathBuf>,
    /// Check the spec and print the resolved queries; query nothing
    #[arg(long, conflicts_with_all = ["once", "at", "dry_run", "timeout", "junit"])]
    validate: bool,
    /// Bearer token file for Prometheus (else OPSCTL_PROMETHEUS_TOKEN)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Prometheus connection")]
    token_file: Option<PathBuf>,
    /// Basic auth user; the password comes from OPSCTL_PROMETHEUS_PASSWORD
    #[arg(long, value_name = "USER", help_heading = "Prometheus connection")]
    user: Option<String>,
    /// Add a header to every query, 'Name: value' (e.g. X-Scope-OrgID) (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "HEADER",
        help_heading = "Prometheus connection"
    )]
    headers: Vec<String>,
    /// Trust the CA certificates in this PEM file
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Prometheus connection")]
    cacert: Option<PathBuf>,
    /// Skip TLS certificate verification
    #[arg(short = 'k', long, help_heading = "Prometheus connection")]
    insecure: bool,
}

pub(super) fn run(session: &Session, args: GateArgs) -> anyhow::Result<Outcome> {
    let (loaded, printer) = session.load_config()?;
    let specs = if args.specs.is_empty() {
        vec![PathBuf::from("gate.yaml")]
    } else {
        args.specs.clone()
    };
    let supplied = args
        .args
        .iter()
        .map(|a| parse_assignment(a))
        .collect::<Result<Vec<_>, _>>()?;
    let spec = spec::read(&specs, &ReadOptions { args: supplied }).map_err(gate_error)?;
    let connection = connection(&args, loaded.config.gate.prometheus.clone())?;
    if args.validate {
        return validate(&printer, &spec);
    }
    let settings = Settings {
        once: args.once,
        at: args.at.as_deref().map(parse_at).transpose()?,
        time_limit: args
            .timeout
            .as_deref()
            .map(|t| crate::units::parse_duration(t).context("invalid --timeout"))
            .transpose()?,
    };
    if let Some(t) = settings.time_limit
        && t.is_zero()
    {
        anyhow::bail!("--timeout must be more than 0");
    }
    let bar = printer.progress_bar(None);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    // The ticker is a thread of its own; a hidden bar (no terminal, -o json)
    // needs none.
    if !bar.is_hidden() {
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    bar.set_message(format!("measuring {} metrics", spec.metrics.len()));
    let outcome = {
        // The first Ctrl-C ends the analysis and still reports it.
        let _deferral = crate::interrupt::defer();
        run::execute(&spec, &connection, settings, &mut |p| {
            bar.set_message(live_lines(&p));
        })
    };
    bar.finish_and_clear();
    let outcome = outcome.map_err(gate_error)?;
    let status = Status::new(&spec, &outcome, args.once, settings.at, args.dry_run);
    if let Some(path) = &args.junit {
        crate::fsx::write_atomic(path, status.junit().as_bytes())
            .with_context(|| format!("cannot write the JUnit report {}", path.display()))?;
    }
    printer.report(&status)?;
    if outcome.stop == Some(crate::gate::analysis::Stop::Interrupted) {
        return Ok(Outcome::Interrupted);
    }
    if args.dry_run {
        if status.phase != Phase::Successful {
            printer.note(&format!(
                "--dry-run: the gate would have ended {}; exiting 0",
                status.phase
            ));
        }
        return Ok(Outcome::Success);
    }
    Ok(match status.phase {
        Phase::Successful => Outcome::Success,
        Phase::Failed => Outcome::Negative,
        _ => Outcome::Inconclusive,
    })
}

fn gate_error(e: GateError) -> anyhow::Error {
    match &e {
        GateError::Spec(_) => anyhow::Error::new(e).context("invalid gate spec"),
        _ => anyhow::Error::new(e),
    }
}

fn connection(args: &GateArgs, configured: Option<String>) -> anyhow::Result<Connection> {
    let bearer_token = match &args.token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --token-file {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        None => std::env::var("OPSCTL_PROMETHEUS_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
    };
    let basic_auth = match &args.user {
        Some(user) => {
            let password = std::env::var("OPSCTL_PROMETHEUS_PASSWORD").map_err(|_| {
                anyhow::Error::msg("--user needs the password in OPSCTL_PROMETHEUS_PASSWORD")
            })?;
            Some((user.clone(), password))
        }
        None => None,
    };
    let headers = args
        .headers
        .iter()
        .map(|h| {
            crate::load::scenario::parse_header(h).map_err(|e| {
                anyhow::Error::new(e).context(Hint::new("invalid --header", "write 'Name: value'"))
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Connection {
        address: args.prometheus.clone(),
        default_address: configured,
        bearer_token,
        basic_auth,
        headers,
        ca_file: args.cacert.clone(),
        insecure: args.insecure,
    })
}

/// `--at`: RFC 3339, unix seconds, or a duration before now.
fn parse_at(text: &str) -> anyhow::Result<f64> {
    let hint = || {
        Hint::new(
            format!("invalid --at `{text}`"),
            "write an RFC 3339 time (2026-11-21T10:00:00Z), unix seconds, or a duration ago (30m)",
        )
    };
    let t = text.trim();
    if let Ok(seconds) = t.parse::<f64>()
        && seconds.is_finite()
        && seconds > 0.0
    {
        return Ok(seconds);
    }
    if let Ok(time) = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
    {
        return Ok(time.unix_timestamp_nanos() as f64 / 1e9);
    }
    if let Ok(ago) = crate::units::parse_duration(t.trim_start_matches('-')) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        return Ok(now - ago.as_secs_f64());
    }
    Err(anyhow::Error::msg(format!("`{text}` is not a time")).context(hint()))
}

/// The live view: one line per metric.
fn live_lines(p: &Progress<'_>) -> String {
    p.metrics
        .iter()
        .zip(p.states)
        .zip(p.next_due)
        .map(|((m, s), due)| {
            let last = s
                .last()
                .and_then(|x| x.value.clone())
                .unwrap_or_else(|| "-".into());
            let next = if s.phase.is_terminal() {
                String::new()
            } else {
                format!("  next in {:.0}s", (due - p.now).max(0.0))
            };
            format!(
                "{:<24} {:<12} ✓{} ✗{} ?{} !{}  last {}{next}",
                m.name, s.phase, s.successful, s.failed, s.inconclusive, s.error, last
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `--validate`: the resolved spec, no queries.
fn validate(printer: &Printer, spec: &spec::Spec) -> anyhow::Result<Outcome> {
    let mut table = printer.table();
    table.set_header(["metric", "schedule", "conditions", "query"]);
    for m in &spec.metrics {
        let schedule = match (m.count, m.interval) {
            (Some(1), _) => "once".to_owned(),
            (Some(n), Some(i)) => format!("{n} × every {}", crate::units::format_duration(i)),
            (None, Some(i)) => format!("every {} until stopped", crate::units::format_duration(i)),
            (c, _) => format!("{c:?}"),
        };
        let conditions = [
            m.success
                .as_ref()
                .map(|e| format!("success: {}", e.source())),
            m.failure
                .as_ref()
                .map(|e| format!("failure: {}", e.source())),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        table.add_row([
            m.name.clone(),
            schedule,
            conditions,
            spec.redact(&m.provider.query.texts().join("\n")),
        ]);
    }
    if printer.format() == crate::config::OutputFormat::Json {
        let metrics: Vec<serde_json::Value> = spec
            .metrics
            .iter()
            .map(|m| {
                serde_json::json!({
                    "name": m.name,
                    "count": m.count,
                    "interval": m.interval.map(|i| i.as_secs_f64()),
                    "successCondition": m.success.as_ref().map(|e| e.source()),
                    "failureCondition": m.failure.as_ref().map(|e| e.source()),
                    "queries": m.provider.query.texts().iter().map(|q| spec.redact(q)).collect::<Vec<_>>(),
                    "dryRun": m.dry_run,
                })
            })
            .collect();
        let doc = serde_json::json!({"valid": true, "sources": spec.sources, "metrics": metrics});
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        printer.raw(text.as_bytes())?;
    } else {
        let mut text = format!("{table}\n");
        text.push_str(&format!(
            "{} valid: {} metrics from {}\n",
            printer.paint("✓", anstyle::Style::new().bold()),
            spec.metrics.len(),
            spec.sources.join(", ")
        ));
        printer.raw(text.as_bytes())?;
    }
    Ok(Outcome::Success)
}

fn phase_style(phase: Phase) -> anstyle::Style {
    let color = match phase {
        Phase::Successful => anstyle::AnsiColor::Green,
        Phase::Failed => anstyle::AnsiColor::Red,
        Phase::Error | Phase::Inconclusive => anstyle::AnsiColor::Yellow,
        Phase::Running | Phase::Pending => anstyle::AnsiColor::Cyan,
    };
    anstyle::Style::new().fg_color(Some(color.into())).bold()
}

impl HumanReport for Status {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let mut table = printer.table();
        table.set_header([
            "metric",
            "phase",
            "✓ ok",
            "✗ failed",
            "? inconcl.",
            "! error",
            "last value",
            "condition",
            "message",
        ]);
        for m in &self.metric_results {
            let mut phase = printer.paint(m.phase.name(), phase_style(m.phase));
            if m.dry_run {
                phase.push_str(" (dry-run)");
            }
            table.add_row([
                m.name.clone(),
                phase,
                m.successful.to_string(),
                m.failed.to_string(),
                m.inconclusive.to_string(),
                m.error.to_string(),
                last_value(m),
                condition(m),
                m.message.clone().unwrap_or_default(),
            ]);
        }
        writeln!(out, "{table}")?;
        writeln!(out, "Queries:")?;
        for m in &self.metric_results {
            for (key, query) in &m.metadata {
                let label = match key.as_str() {
                    "ResolvedCanaryQuery" => " (canary)",
                    "ResolvedBaselineQuery" => " (baseline)",
                    _ => "",
                };
                writeln!(out, "  {}{label} @ {}\n    {query}", m.name, m.address)?;
            }
            if let Some(c) = m.measurements.last().and_then(|x| x.comparison.as_ref()) {
                writeln!(
                    out,
                    "    Mann-Whitney U {:.1}, p = {:.4}, shift {:+.4} ({:.4} to {:.4}), {} canary / {} baseline samples: {}",
                    c.u,
                    c.p_value,
                    c.shift,
                    c.interval.0,
                    c.interval.1,
                    c.canary_count,
                    c.baseline_count,
                    c.reason
                )?;
            }
        }
        let when = match &self.at {
            Some(at) => format!(" (replayed from {at})"),
            None => String::new(),
        };
        let verdict = printer.paint(&format!("Gate {}", self.phase), phase_style(self.phase));
        write!(out, "{verdict}{when}")?;
        if !self.message.is_empty() {
            write!(out, ": {}", self.message)?;
        }
        writeln!(out)?;
        if self.dry_run {
            writeln!(out, "--dry-run: reported only; the exit status is 0")?;
        }
        if self.stopped == Some("interrupted") {
            writeln!(
                out,
                "interrupted at {}: partial results",
                format_time(self.completed_at)
            )?;
        }
        Ok(())
    }
}

fn last_value(m: &MetricResult) -> String {
    m.measurements
        .last()
        .and_then(|x| x.value.clone())
        .unwrap_or_else(|| "-".into())
}

fn condition(m: &MetricResult) -> String {
    [
        m.success_condition
            .as_ref()
            .map(|c| format!("success: {c}")),
        m.failure_condition
            .as_ref()
            .map(|c| format!("failure: {c}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}
