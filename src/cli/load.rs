//! `opsctl load`: flags over a scenario file, the run with live progress,
//! the summary, thresholds and baseline verdicts, and `load report`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::exit::Hint;
use crate::cli::output::HumanReport;
use crate::cli::{Outcome, Printer, Session};
use crate::load::baseline::{self, Comparison, Limit};
use crate::load::engine::{self, Progress};
use crate::load::result::{LoadResult, TestInfo};
use crate::load::scenario::{Scenario, parse_header};
use crate::load::threshold::{Threshold, Unit, Verdict, format_value};
use crate::load::{LoadError, job, report};
use crate::units::{format_bytes, format_count, format_duration, format_latency};

/// Load test an HTTP endpoint (closed or open model), with thresholds and baselines
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    long_about = "\
Load test an HTTP endpoint. The closed model (default) keeps -c connections busy back to back; \
the open model (--rate or --stages) starts requests on a schedule and measures latency from each \
request's intended start, so a stalled server shows in the percentiles (no coordinated omission). \
Latency goes into HDR histograms; results (-o json, --save) merge exactly with `opsctl load report`. \
--threshold and --baseline turn the run into a CI gate: exit 1 when one fails."
)]
pub(crate) struct LoadArgs {
    #[command(subcommand)]
    command: Option<LoadCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum LoadCommand {
    Report(ReportArgs),
}

/// Flags of a run.
#[derive(Debug, Args)]
struct RunArgs {
    /// The URL to test [default: url in the scenario]
    #[arg(value_name = "URL", value_hint = clap::ValueHint::Url)]
    url: Option<String>,
    /// Connections to hold open [default: 50]
    #[arg(short, long, value_name = "N")]
    connections: Option<usize>,
    /// Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]
    #[arg(short, long, value_name = "DURATION")]
    duration: Option<String>,
    /// Stop after this many requests
    #[arg(short = 'n', long = "requests", value_name = "N")]
    max_requests: Option<u64>,
    /// Open model: start requests at this constant rate, e.g. 500 or 500/s
    #[arg(long, value_name = "R/s")]
    rate: Option<String>,
    /// Open model: ramp the rate, e.g. 30s:100,1m:500,30s:0 (from --rate, else 0)
    #[arg(long, value_name = "STAGES", conflicts_with = "duration")]
    stages: Option<String>,
    /// Request method [default: GET, or POST with a body]
    #[arg(short, long, value_name = "METHOD")]
    method: Option<String>,
    /// Add a header, 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Request body
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    body: Option<String>,
    /// Request body from a file
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    body_file: Option<PathBuf>,
    /// Give up on a request after this long [default: 10s]
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Give up on connecting after this long [default: 5s]
    #[arg(long, value_name = "DURATION")]
    connect_timeout: Option<String>,
    /// Speak HTTP/2 (prior knowledge on http://, ALPN on https://)
    #[arg(long)]
    http2: bool,
    /// Concurrent HTTP/2 streams per connection [default: 1]
    #[arg(long, value_name = "N", requires = "http2")]
    streams: Option<usize>,
    /// Accept any TLS certificate
    #[arg(short = 'k', long)]
    insecure: bool,
    /// Engine threads [default: CPU count]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    outputs: Outputs,
    /// Read requests and settings from a scenario file (flags override it)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    scenario: Option<PathBuf>,
    /// Check the test (scenario, flags, thresholds, body files) and send nothing
    #[arg(long, conflicts_with = "emit_job")]
    validate: bool,
    /// Print a Kubernetes Job that runs this test on --workers pods, instead of running it
    #[arg(long)]
    emit_job: bool,
    /// Pods for --emit-job; the load is split between them
    #[arg(long, value_name = "N", requires = "emit_job", default_value_t = 2)]
    workers: u32,
    /// Image for --emit-job, with opsctl as its entrypoint
    #[arg(long, value_name = "IMAGE", requires = "emit_job")]
    image: Option<String>,
    /// Name of the Job and ConfigMap for --emit-job
    #[arg(
        long,
        value_name = "NAME",
        requires = "emit_job",
        default_value = "opsctl-load"
    )]
    job_name: String,
}

/// The verdicts and files of a run or a merge.
#[derive(Debug, Args)]
struct Outputs {
    /// Fail (exit 1) unless this holds, e.g. 'p95<200ms', 'error_rate<1%', 'rps>=500' (repeatable)
    #[arg(long = "threshold", value_name = "EXPR")]
    thresholds: Vec<String>,
    /// Compare with a saved result; exit 1 on regression
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    baseline: Option<PathBuf>,
    /// Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]
    #[arg(long, value_name = "LIST")]
    max_regression: Option<String>,
    /// Write the full result as JSON to FILE (for --baseline and `load report`)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    save: Option<PathBuf>,
    /// Write a self-contained HTML report to FILE
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    report: Option<PathBuf>,
}

/// Merge saved results and print, compare or draw them
#[derive(Debug, Args)]
#[command(long_about = "\
Merge results written by `opsctl load -o json` or `--save` (histograms add, so percentiles of the \
merge are exact) and print the summary, evaluate thresholds, compare with a baseline, or write an \
HTML report. `-` reads results from stdin: one or more JSON documents, as `kubectl logs` prints \
them for the pods of `--emit-job`.")]
struct ReportArgs {
    /// Result files (JSON), or - for stdin
    #[arg(value_name = "RESULT", required = true, value_hint = clap::ValueHint::FilePath)]
    results: Vec<PathBuf>,
    #[command(flatten)]
    outputs: Outputs,
}

pub(super) fn run(session: &Session, args: LoadArgs) -> anyhow::Result<Outcome> {
    let (_, printer) = session.load_config()?;
    match args.command {
        Some(LoadCommand::Report(report)) => run_report(&printer, report),
        None => run_test(&printer, args.run),
    }
}

/// The gates a result is judged by.
struct Gates {
    thresholds: Vec<Threshold>,
    baseline: Option<LoadResult>,
    limits: Vec<Limit>,
}

impl Gates {
    fn read(
        thresholds: &[String],
        baseline: Option<&Path>,
        max_regression: Option<&str>,
    ) -> anyhow::Result<Self> {
        let thresholds = thresholds
            .iter()
            .map(|t| Threshold::parse(t))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                anyhow::Error::new(e).context(Hint::new(
                    "invalid --threshold",
                    "write METRIC OP VALUE: p95<200ms, p99<=1s, mean<50ms, error_rate<1%, rps>=500",
                ))
            })?;
        let limits = baseline::parse_limits(max_regression.unwrap_or(baseline::DEFAULT_LIMITS))?;
        let baseline = baseline
            .map(|path| read_result(path).context("cannot read the --baseline result"))
            .transpose()?;
        Ok(Self {
            thresholds,
            baseline,
            limits,
        })
    }

    fn judge(&self, result: &LoadResult) -> (Vec<Verdict>, Option<Comparison>) {
        let verdicts = self.thresholds.iter().map(|t| t.evaluate(result)).collect();
        let comparison = self
            .baseline
            .as_ref()
            .map(|b| baseline::compare(result, b, &self.limits));
        (verdicts, comparison)
    }
}

fn run_test(printer: &Printer, args: RunArgs) -> anyhow::Result<Outcome> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::load(path).map_err(load_error)?,
        None => Scenario::default(),
    };
    overlay(&mut scenario, &args)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if args.emit_job {
        return emit_job(printer, &args, scenario, threads);
    }
    let (plan, info) = scenario.plan(threads).map_err(load_error)?;
    let gates = Gates::read(
        &scenario.thresholds,
        args.outputs.baseline.as_deref(),
        scenario.max_regression.as_deref(),
    )?;
    if args.validate {
        return validate(printer, &args, &info, &scenario.thresholds);
    }

    let bar = printer.progress_bar(None);
    let mut live = LiveProgress::default();
    let outcome = {
        // The first Ctrl-C stops the run and still prints its summary.
        let _deferral = crate::interrupt::defer();
        engine::run(&plan, &mut |p| live.update(&bar, p))
    };
    bar.finish_and_clear();
    let run = outcome.map_err(load_error)?;
    let result = LoadResult::from_run(info, run);
    finish(printer, &gates, result, &args.outputs)
}

/// Flags win over the scenario file.
fn overlay(scenario: &mut Scenario, args: &RunArgs) -> anyhow::Result<()> {
    fn set<T: Clone>(slot: &mut Option<T>, flag: &Option<T>) {
        if flag.is_some() {
            slot.clone_from(flag);
        }
    }
    set(&mut scenario.url, &args.url);
    set(&mut scenario.connections, &args.connections);
    set(&mut scenario.threads, &args.threads);
    set(&mut scenario.duration, &args.duration);
    set(&mut scenario.max_requests, &args.max_requests);
    set(&mut scenario.stages, &args.stages);
    set(&mut scenario.method, &args.method);
    set(&mut scenario.timeout, &args.timeout);
    set(&mut scenario.connect_timeout, &args.connect_timeout);
    set(&mut scenario.streams, &args.streams);
    set(&mut scenario.max_regression, &args.outputs.max_regression);
    if let Some(rate) = &args.rate {
        scenario.rate = Some(serde_json::Value::String(rate.clone()));
    }
    if args.stages.is_some() && args.duration.is_none() {
        scenario.duration = None;
    }
    if args.duration.is_some() && args.stages.is_none() {
        scenario.stages = None;
    }
    if args.body.is_some() || args.body_file.is_some() {
        scenario.body.clone_from(&args.body);
        scenario.body_file.clone_from(&args.body_file);
    }
    if args.http2 {
        scenario.http2 = Some(true);
    }
    if args.insecure {
        scenario.insecure = Some(true);
    }
    for header in &args.headers {
        let (name, value) = parse_header(header).map_err(load_error)?;
        scenario
            .headers
            .retain(|k, _| !k.eq_ignore_ascii_case(&name));
        scenario
            .headers
            .insert(name, serde_json::Value::String(value));
    }
    scenario
        .thresholds
        .extend(args.outputs.thresholds.iter().cloned());
    Ok(())
}

/// `--validate`: what the test would do, without a request sent.
fn validate(
    printer: &Printer,
    args: &RunArgs,
    info: &TestInfo,
    thresholds: &[String],
) -> anyhow::Result<Outcome> {
    printer.report(&ValidateReport {
        valid: true,
        scenario: args.scenario.as_deref(),
        test: info,
        thresholds,
    })?;
    Ok(Outcome::Success)
}

/// `-o json` of `opsctl load --validate`.
#[derive(Serialize)]
struct ValidateReport<'a> {
    valid: bool,
    scenario: Option<&'a Path>,
    test: &'a TestInfo,
    thresholds: &'a [String],
}

impl HumanReport for ValidateReport<'_> {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let info = self.test;
        let mut table = printer.table();
        table.set_header(["request", "method", "path", "weight"]);
        for r in &info.requests {
            table.add_row([
                r.name.clone(),
                r.method.clone(),
                r.path.clone(),
                r.weight.to_string(),
            ]);
        }
        let length = match (info.planned_seconds, info.max_requests) {
            (_, Some(n)) => format!("{n} requests"),
            (Some(s), None) => format_duration(Duration::from_secs_f64(s)),
            (None, None) => "until stopped".to_owned(),
        };
        let gates = if self.thresholds.is_empty() {
            "no thresholds".to_owned()
        } else {
            format!("thresholds {}", self.thresholds.join(", "))
        };
        writeln!(out, "{table}")?;
        writeln!(
            out,
            "{} valid: {} {} model on {} connection(s), {length}; {gates}",
            printer.paint("✓", anstyle::Style::new().bold()),
            info.url,
            info.model,
            info.connections,
        )
    }
}

fn emit_job(
    printer: &Printer,
    args: &RunArgs,
    mut scenario: Scenario,
    threads: usize,
) -> anyhow::Result<Outcome> {
    if args.workers == 0 {
        anyhow::bail!("--workers must be at least 1");
    }
    scenario.inline_bodies().map_err(load_error)?;
    // Check the test resolves before shipping it to a cluster.
    scenario.plan(threads).map_err(load_error)?;
    let gates: Vec<String> = scenario
        .thresholds
        .iter()
        .map(|t| format!("--threshold '{t}'"))
        .collect();
    let per_pod = job::split(&scenario, args.workers);
    let spec = job::JobSpec {
        name: args.job_name.clone(),
        workers: args.workers,
        image: args
            .image
            .clone()
            .unwrap_or_else(|| format!("ghcr.io/opsctl/opsctl:{}", env!("CARGO_PKG_VERSION"))),
    };
    printer.raw(job::manifests(&spec, &per_pod, &gates.join(" ")).as_bytes())?;
    Ok(Outcome::Success)
}

fn run_report(printer: &Printer, args: ReportArgs) -> anyhow::Result<Outcome> {
    let gates = Gates::read(
        &args.outputs.thresholds,
        args.outputs.baseline.as_deref(),
        args.outputs.max_regression.as_deref(),
    )?;
    let mut results = Vec::new();
    for path in &args.results {
        if path.as_os_str() == "-" {
            results.extend(read_stdin_results()?);
        } else {
            results.push(read_result(path)?);
        }
    }
    let merged = LoadResult::merge(&results)
        .map_err(|e| anyhow::anyhow!(e))
        .context("cannot merge the results")?;
    finish(printer, &gates, merged, &args.outputs)
}

fn read_result(path: &Path) -> anyhow::Result<LoadResult> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    LoadResult::from_json(&text, &path.display().to_string()).map_err(load_error)
}

/// Several JSON documents back to back, as `kubectl logs` concatenates them.
fn read_stdin_results() -> anyhow::Result<Vec<LoadResult>> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("cannot read results from stdin")?;
    let mut results = Vec::new();
    let stream = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    for (i, value) in stream.enumerate() {
        let value = value.map_err(|e| {
            anyhow::anyhow!(
                "stdin: result {} is not JSON (line {}, column {}): {e}",
                i + 1,
                e.line(),
                e.column()
            )
        })?;
        let name = format!("stdin (result {})", i + 1);
        results.push(LoadResult::from_value(value, &name).map_err(load_error)?);
    }
    if results.is_empty() {
        anyhow::bail!("stdin held no results");
    }
    Ok(results)
}

/// Judges, saves, draws and prints a result; the exit status follows from it.
fn finish(
    printer: &Printer,
    gates: &Gates,
    result: LoadResult,
    outputs: &Outputs,
) -> anyhow::Result<Outcome> {
    let (save, html) = (outputs.save.as_deref(), outputs.report.as_deref());
    let (verdicts, comparison) = gates.judge(&result);
    let document = RunReport {
        result: &result,
        thresholds: &verdicts,
        baseline: comparison.as_ref(),
    };
    if let Some(path) = save {
        let mut json = serde_json::to_vec_pretty(&document).context("cannot encode the result")?;
        json.push(b'\n');
        crate::fsx::write_atomic(path, &json)
            .with_context(|| format!("cannot save the result to {}", path.display()))?;
    }
    if let Some(path) = html {
        let page = report::html(&result, &verdicts, comparison.as_ref());
        crate::fsx::write_atomic(path, page.as_bytes())
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    }
    printer.report(&document)?;
    if result.interrupted {
        return Ok(Outcome::Interrupted);
    }
    let s = &result.summary;
    if s.responses == 0 {
        let why = result
            .errors
            .iter()
            .map(|(kind, n)| format!("{n} × {}", kind.describe()))
            .collect::<Vec<_>>()
            .join(", ");
        printer.warn(&if why.is_empty() {
            "no request was sent".to_owned()
        } else {
            format!("no request got a response ({why})")
        });
        return Ok(Outcome::Negative);
    }
    if let Some(schedule) = &result.schedule
        && !schedule.kept_up
    {
        printer.warn(&format!(
            "the generator could not keep the rate: {} of {} requests started more than 10ms late \
             (up to {} behind); raise -c so a connection is free when a request is due",
            schedule.late,
            schedule.sent,
            format_latency(Duration::from_secs_f64(schedule.max_lag_ms / 1000.0)),
        ));
    }
    let failed = verdicts.iter().filter(|v| !v.pass).count();
    let regressed = comparison.as_ref().is_some_and(|c| c.regressed);
    if failed > 0 {
        printer.warn(&format!("{failed} of {} thresholds failed", verdicts.len()));
    }
    if regressed {
        printer.warn("the result regressed against the baseline");
    }
    Ok(if failed > 0 || regressed {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

fn load_error(err: LoadError) -> anyhow::Error {
    let hint = match &err {
        LoadError::Url { .. } => {
            Some("write the URL in full, such as http://localhost:8080/health")
        }
        LoadError::Resolve { .. } => Some("check the host name, or test an IP address"),
        LoadError::Plan(_) => Some("see `opsctl load --help`"),
        _ => None,
    };
    match hint {
        Some(hint) => {
            let message = err.to_string();
            anyhow::Error::new(err).context(Hint::new(
                format!("cannot run the load test: {message}"),
                hint,
            ))
        }
        None => anyhow::Error::new(err).context("cannot run the load test"),
    }
}

/// The live progress line: elapsed, current req/s, errors, p99 so far.
#[derive(Default)]
struct LiveProgress {
    last: Option<(Duration, u64)>,
    rate: f64,
    styled: bool,
}

impl LiveProgress {
    fn update(&mut self, bar: &indicatif::ProgressBar, p: Progress) {
        if bar.is_hidden() {
            return;
        }
        if !self.styled {
            self.styled = true;
            let (template, len) = match p.planned {
                Some(planned) => (
                    "{spinner} {prefix} [{bar:20}] {msg}",
                    (planned.as_secs_f64() * 10.0) as u64,
                ),
                None => ("{spinner} {prefix} {msg}", 0),
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            if len > 0 {
                bar.set_length(len);
            }
        }
        match self.last {
            Some((at, requests)) if p.elapsed - at >= Duration::from_millis(500) => {
                let seconds = (p.elapsed - at).as_secs_f64();
                self.rate = (p.requests - requests) as f64 / seconds;
                self.last = Some((p.elapsed, p.requests));
            }
            None => self.last = Some((p.elapsed, p.requests)),
            _ => {}
        }
        let elapsed = match p.elapsed.as_secs() {
            secs @ 0..60 => format!("{secs}s"),
            secs => format_duration(Duration::from_secs(secs)),
        };
        let prefix = match p.planned {
            Some(planned) => format!("{elapsed}/{}", format_duration(planned)),
            None => elapsed,
        };
        bar.set_prefix(prefix);
        bar.set_position((p.elapsed.as_secs_f64() * 10.0) as u64);
        let p99 = p.p99.map_or("-".to_owned(), format_latency);
        bar.set_message(format!(
            "{}/s · {} req · {} errors · p99 {p99}",
            format_count(self.rate.round() as u64),
            format_count(p.requests),
            format_count(p.errors),
        ));
    }
}

/// What `-o json` and `--save` print: the result with its verdicts.
#[derive(Serialize)]
struct RunReport<'a> {
    #[serde(flatten)]
    result: &'a LoadResult,
    thresholds: &'a [Verdict],
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a Comparison>,
}

impl HumanReport for RunReport<'_> {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let r = self.result;
        let s = &r.summary;
        let bold = anstyle::Style::new().bold();
        writeln!(out, "{}", printer.paint(&headline(r), bold))?;
        if r.interrupted {
            writeln!(
                out,
                "{}",
                printer.paint("interrupted: partial results", warn_style())
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "  Requests   {} in {} ({}/s)",
            format_count(s.requests),
            format_duration(Duration::from_secs_f64(r.duration_seconds)),
            with_one_decimal(s.rps),
        )?;
        writeln!(
            out,
            "  Failed     {} ({}: {} transport errors, {} HTTP ≥ 400)",
            format_count(s.transport_errors + s.http_errors),
            format_value(Unit::Ratio, s.error_rate),
            format_count(s.transport_errors),
            format_count(s.http_errors),
        )?;
        writeln!(
            out,
            "  Transfer   {} received, {} sent",
            format_bytes(s.bytes_received),
            format_bytes(s.bytes_sent),
        )?;
        if let Some(schedule) = &r.schedule {
            writeln!(
                out,
                "  Schedule   {}/s target, {} sent, {} late (>10ms), max lag {}{}",
                with_one_decimal(schedule.target_rate),
                format_count(schedule.sent),
                format_count(schedule.late),
                format_latency(Duration::from_secs_f64(schedule.max_lag_ms / 1000.0)),
                if schedule.kept_up {
                    ""
                } else {
                    " — rate NOT kept"
                },
            )?;
        }
        writeln!(out)?;
        if s.responses > 0 {
            let l = &s.latency_ms;
            let mut table = printer.table();
            table.set_header([
                "latency", "min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max",
            ]);
            let ms = |v: f64| format_value(Unit::Ms, v);
            table.add_row([
                "".to_owned(),
                ms(l.min),
                ms(l.mean),
                ms(l.p50),
                ms(l.p90),
                ms(l.p95),
                ms(l.p99),
                ms(l.p99_9),
                ms(l.max),
            ]);
            writeln!(out, "{table}")?;
        }
        if !r.status_codes.is_empty() || !r.errors.is_empty() {
            let mut table = printer.table();
            table.set_header(["outcome", "count", "share"]);
            for (code, n) in &r.status_codes {
                table.add_row([
                    format!("HTTP {code}"),
                    format_count(*n),
                    share(*n, s.requests),
                ]);
            }
            for (kind, n) in &r.errors {
                table.add_row([
                    kind.describe().to_owned(),
                    format_count(*n),
                    share(*n, s.requests),
                ]);
            }
            writeln!(out, "{table}")?;
        }
        if s.responses > 0 {
            write_histogram(out, r)?;
        }
        if !self.thresholds.is_empty() {
            let mut table = printer.table();
            table.set_header(["threshold", "actual", "result"]);
            for v in self.thresholds {
                let actual = v
                    .actual
                    .map_or("no data".to_owned(), |a| format_value(v.unit, a));
                table.add_row([v.threshold.clone(), actual, pass_fail(printer, v.pass)]);
            }
            writeln!(out, "{table}")?;
        }
        if let Some(comparison) = self.baseline {
            let mut table = printer.table();
            table.set_header(["metric", "baseline", "current", "change", "limit", "result"]);
            for row in &comparison.rows {
                let value =
                    |v: Option<f64>| v.map_or("-".to_owned(), |v| format_value(row.unit, v));
                let suffix = if row.unit == Unit::Ratio { " pts" } else { "%" };
                let change = row
                    .change
                    .map_or("-".to_owned(), |c| format!("{c:+.1}{suffix}"));
                let limit = row.limit.map_or(String::new(), |l| format!("±{l}{suffix}"));
                let verdict = match (row.limit, row.regressed) {
                    (Some(_), regressed) => pass_fail(printer, !regressed),
                    (None, _) => String::new(),
                };
                table.add_row([
                    row.metric.clone(),
                    value(row.baseline),
                    value(row.current),
                    change,
                    limit,
                    verdict,
                ]);
            }
            writeln!(out, "{table}")?;
        }
        Ok(())
    }
}

fn headline(r: &LoadResult) -> String {
    let t = &r.test;
    let model = match (t.model.as_str(), t.rate, t.stages.is_empty()) {
        ("open", _, false) => format!("open model, {} stages", t.stages.len()),
        ("open", Some(rate), true) => format!("open model at {}/s", with_one_decimal(rate)),
        _ => "closed model".to_owned(),
    };
    let protocol = if t.http2 { ", HTTP/2" } else { "" };
    let merged = if r.merged_from > 1 {
        format!(", merged from {} results", r.merged_from)
    } else {
        String::new()
    };
    format!(
        "{} — {model}, {} connections{protocol}{merged}",
        t.url, t.connections
    )
}

/// A ten-bar latency histogram between the fastest response and p99.9,
/// with everything slower in a last bar.
fn write_histogram(out: &mut dyn Write, r: &LoadResult) -> std::io::Result<()> {
    let Ok(histogram) = r.histogram() else {
        return Ok(());
    };
    let low = histogram.min();
    let high = histogram.value_at_quantile(0.999).max(low + 1);
    let step = (high - low).div_ceil(10).max(1);
    let mut buckets: Vec<(u64, u64)> = (1..=10).map(|i| (low + step * i, 0)).collect();
    let mut slower = 0;
    for v in histogram.iter_recorded() {
        let value = v.value_iterated_to();
        let count = v.count_at_value();
        match buckets.iter_mut().find(|(upper, _)| value <= *upper) {
            Some(bucket) => bucket.1 += count,
            None => slower += count,
        }
    }
    let most = buckets
        .iter()
        .map(|b| b.1)
        .max()
        .unwrap_or(0)
        .max(slower)
        .max(1);
    writeln!(out, "Latency distribution")?;
    let bar = |n: u64| "█".repeat(((n as f64 / most as f64) * 40.0).round() as usize);
    for (upper, n) in &buckets {
        let label = format_latency(Duration::from_micros(*upper));
        writeln!(out, "  ≤{label:>8} {} {}", bar(*n), format_count(*n))?;
    }
    if slower > 0 {
        writeln!(
            out,
            "  >{:>8} {} {}",
            format_latency(Duration::from_micros(high)),
            bar(slower),
            format_count(slower)
        )?;
    }
    writeln!(out)
}

fn pass_fail(printer: &Printer, pass: bool) -> String {
    if pass {
        printer.paint(
            "pass",
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into())),
        )
    } else {
        printer.paint("FAIL", warn_style())
    }
}

fn warn_style() -> anstyle::Style {
    anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
        .bold()
}

fn share(n: u64, total: u64) -> String {
    if total == 0 {
        return "-".to_owned();
    }
    format_value(Unit::Ratio, n as f64 / total as f64)
}

fn with_one_decimal(value: f64) -> String {
    let whole = value.trunc() as u64;
    let tenth = ((value - value.trunc()) * 10.0).round() as u64;
    if tenth >= 10 {
        format!("{}.0", format_count(whole + 1))
    } else {
        format!("{}.{tenth}", format_count(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(with_one_decimal(1234.56), "1,234.6");
        assert_eq!(with_one_decimal(9.96), "10.0");
    }
}
