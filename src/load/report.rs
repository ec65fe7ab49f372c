//! The self-contained HTML report of a load test (`opsctl load report
//! --report FILE`): one HTML5 document with its styles inline and its charts
//! drawn here as inline SVG, so it opens anywhere, offline, without scripts.
//!
//! It shows the test, the headline figures, latency percentiles and
//! throughput per second, responses by status and errors by kind, the
//! latency distribution, and the threshold verdicts and baseline comparison
//! when there are any. Every text taken from the result is HTML-escaped, and
//! every coordinate is finite: a chart without data says so instead.

use std::fmt::{self, Write as _};
use std::time::Duration;

use hdrhistogram::Histogram;

use super::baseline::{Comparison, Row};
use super::result::{LoadResult, SecondReport};
use super::threshold::{Unit, Verdict, format_value};
use crate::markup::escape;
use crate::units::{format_bytes, format_count, format_duration, format_latency};

/// The colours the charts draw their data in, distinct from each other and
/// from everything else on the page so a screenshot can tell them apart.
pub mod palette {
    /// Latency chart: the median line.
    pub const P50: &str = "#1f77b4";
    /// Latency chart: the 90th percentile line.
    pub const P90: &str = "#ff7f0e";
    /// Latency chart: the 99th percentile line.
    pub const P99: &str = "#9467bd";
    /// Throughput chart: requests finished per second.
    pub const REQUESTS: &str = "#2ca02c";
    /// Throughput chart: failed requests per second.
    pub const FAILED: &str = "#d62728";
    /// Latency distribution bars.
    pub const DISTRIBUTION: &str = "#17becf";
    /// Status chart: 1xx responses.
    pub const STATUS_1XX: &str = "#c7c7c7";
    /// Status chart: 2xx responses.
    pub const STATUS_2XX: &str = "#98df8a";
    /// Status chart: 3xx responses.
    pub const STATUS_3XX: &str = "#aec7e8";
    /// Status chart: 4xx responses.
    pub const STATUS_4XX: &str = "#ffbb78";
    /// Status chart: 5xx responses.
    pub const STATUS_5XX: &str = "#ff9896";
    /// Status chart: transport errors (no response).
    pub const TRANSPORT_ERROR: &str = "#c5b0d5";
}

/// The `id` of each chart's `<svg>` element, in page order.
pub const CHART_IDS: [&str; 4] = [
    "chart-latency",
    "chart-throughput",
    "chart-status",
    "chart-distribution",
];

/// Appends formatted text to a `String`, which cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// The report of `result` as one self-contained HTML document, with the
/// threshold `verdicts` (a table when non-empty) and the baseline
/// `comparison` (a table when given).
pub fn html(result: &LoadResult, verdicts: &[Verdict], comparison: Option<&Comparison>) -> String {
    let mut series = result.series.clone();
    series.sort_by_key(|s| s.second);
    let histogram = result.histogram().ok().filter(|h| !h.is_empty());

    let mut out = String::with_capacity(64 * 1024);
    put!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light\">\n\
         <meta name=\"generator\" content=\"opsctl {}\">\n\
         <title>Load test: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&result.test.url),
    );
    header(&mut out, result);
    banners(&mut out, result, verdicts, comparison);
    summary(&mut out, result);
    section(
        &mut out,
        "Latency over time",
        "Percentiles of the responses that finished in each second.",
        &latency_chart(&series),
    );
    section(
        &mut out,
        "Throughput over time",
        "Requests finished in each second, and those that failed (no response or status ≥ 400).",
        &throughput_chart(&series),
    );
    section(
        &mut out,
        "Responses and errors",
        "Responses by status code and requests that got no response, by kind; shares are of all requests.",
        &status_chart(result),
    );
    section(
        &mut out,
        "Latency distribution",
        "Responses by latency, on a logarithmic scale, with the median, p90 and p99 marked.",
        &distribution_chart(histogram.as_ref(), result),
    );
    if !verdicts.is_empty() {
        thresholds(&mut out, verdicts);
    }
    if let Some(comparison) = comparison {
        baseline(&mut out, comparison);
    }
    put!(
        out,
        "<footer>Report by opsctl {} from a result by opsctl {} ({}).</footer>\n\
         </main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&result.opsctl_version),
        escape(&result.format),
    );
    out
}

const STYLE: &str = "
:root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
h1{font-size:22px;margin:0 0 2px;font-weight:650}
h2{font-size:16px;margin:0 0 2px;font-weight:650}
.note{color:var(--muted);margin:0 0 14px;font-size:13px}
.url{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:15px;word-break:break-all;margin:0 0 14px}
section,header{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 18px}
dl.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 20px;margin:0}
dl.meta div{min-width:0}
dl.meta dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:0 0 18px}
.tile{border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile .value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.tile .sub{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;padding-left:0}
th:last-child,td:last-child{padding-right:0}
td.wrap{white-space:normal;overflow-wrap:anywhere}
table.text{margin-top:14px}table.text th,table.text td{text-align:left}
th{color:var(--muted);font-weight:600;font-size:12px}
tr:last-child td{border-bottom:0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.banner{border-radius:10px;padding:12px 18px;margin:0 0 18px;border:1px solid}
.banner.warn{background:#fffbea;border-color:#f7d070;color:#8d2b0b}
.banner.ok{background:#effcf6;border-color:#8eedc7;color:#014d40}
.banner.bad{background:#ffeeee;border-color:#facdcd;color:#780a0a}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650}
.badge.pass{background:#e3f9e5;color:#05400a}
.badge.fail{background:#ffe3e3;color:#8a041a}
.better{color:#05400a}.worse{color:#8a041a}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;fill:#52606d}
svg.chart text.strong{fill:#1f2933}
svg.chart text.empty{font-size:15px;fill:#9aa5b1}
svg.chart .halo{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
@media print{body{background:#fff}section,header{break-inside:avoid;border-color:#ccc}}
";

// ---------------------------------------------------------------------------
// Page sections

fn header(out: &mut String, result: &LoadResult) {
    let test = &result.test;
    put!(
        out,
        "<header>\n<h1>Load test report</h1>\n<p class=\"url\">{}</p>\n<dl class=\"meta\">\n",
        escape(&test.url)
    );
    let protocol = if test.http2 {
        format!("HTTP/2, {} streams per connection", test.streams)
    } else {
        "HTTP/1.1".to_owned()
    };
    let model = match test.model.as_str() {
        "open" => "open (fixed arrival rate)".to_owned(),
        "closed" => "closed (each connection waits for its response)".to_owned(),
        other => other.to_owned(),
    };
    meta(out, "Model", &model);
    meta(
        out,
        "Connections",
        &format!("{} · {protocol}", test.connections),
    );
    if let Some(rate) = load_shape(result) {
        meta(out, "Rate", &rate);
    }
    let mut planned = Vec::new();
    if let Some(seconds) = test.planned_seconds {
        planned.push(duration(seconds));
    }
    if let Some(n) = test.max_requests {
        planned.push(format!("{} requests", format_count(n)));
    }
    if !planned.is_empty() {
        meta(out, "Planned", &planned.join(" or "));
    }
    meta(out, "Ran for", &duration(result.duration_seconds));
    meta(out, "Started", &result.started_at);
    if result.merged_from > 1 {
        meta(
            out,
            "Merged from",
            &format!("{} runs", format_count(u64::from(result.merged_from))),
        );
    }
    if let Some(schedule) = &result.schedule {
        let late = if schedule.late == 0 {
            "none late".to_owned()
        } else {
            format!(
                "{} of {} sent late, up to {} behind",
                format_count(schedule.late),
                format_count(schedule.sent),
                ms(schedule.max_lag_ms)
            )
        };
        meta(out, "Schedule", &late);
    }
    out.push_str("</dl>\n");
    if test.requests.len() > 1 {
        out.push_str(
            "<table class=\"text\">\n<tr><th>Request</th><th>Method</th>\
             <th>Path</th><th>Weight</th></tr>\n",
        );
        for request in &test.requests {
            put!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"wrap\"><code>{}</code></td><td>{}</td></tr>\n",
                escape(&request.name),
                escape(&request.method),
                escape(&request.path),
                request.weight
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</header>\n");
}

fn meta(out: &mut String, term: &str, value: &str) {
    put!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>\n",
        escape(term),
        escape(value)
    );
}

/// The open model's rate or ramp, as people read it: `200/s`, or
/// `50/s, ramp to 400/s over 10s, hold 20s`.
fn load_shape(result: &LoadResult) -> Option<String> {
    let test = &result.test;
    if test.stages.is_empty() {
        return test.rate.map(|r| format!("{}/s", number(r)));
    }
    let mut rate = test.rate.unwrap_or(0.0);
    let mut text = format!("{}/s", number(rate));
    for stage in &test.stages {
        if stage.target == rate {
            put!(text, ", hold {}", duration(stage.seconds));
        } else {
            put!(
                text,
                ", ramp to {}/s over {}",
                number(stage.target),
                duration(stage.seconds)
            );
        }
        rate = stage.target;
    }
    Some(text)
}

fn banners(
    out: &mut String,
    result: &LoadResult,
    verdicts: &[Verdict],
    comparison: Option<&Comparison>,
) {
    if result.interrupted {
        out.push_str(
            "<div class=\"banner warn\"><strong>Interrupted.</strong> The run was stopped \
             early; the figures cover only the part that ran.</div>\n",
        );
    }
    if let Some(schedule) = result.schedule.as_ref().filter(|s| !s.kept_up) {
        put!(
            out,
            "<div class=\"banner warn\"><strong>The load generator fell behind.</strong> \
             {} of {} requests were sent more than 10 ms after they were due (up to {} late), \
             so the target rate of {}/s was not held; use more connections or machines.</div>\n",
            format_count(schedule.late),
            format_count(schedule.sent),
            ms(schedule.max_lag_ms),
            number(schedule.target_rate)
        );
    }
    if verdicts.is_empty() && comparison.is_none() {
        return;
    }
    let failed = verdicts.iter().filter(|v| !v.pass).count();
    let regressed = comparison.map_or(0, |c| c.rows.iter().filter(|r| r.regressed).count());
    let mut parts = Vec::new();
    if !verdicts.is_empty() {
        parts.push(format!(
            "{} of {} thresholds passed",
            verdicts.len() - failed,
            verdicts.len()
        ));
    }
    if comparison.is_some() {
        parts.push(match regressed {
            0 => "no regression against the baseline".to_owned(),
            1 => "1 metric regressed against the baseline".to_owned(),
            n => format!("{n} metrics regressed against the baseline"),
        });
    }
    let (class, word) = if failed + regressed == 0 {
        ("ok", "Passed")
    } else {
        ("bad", "Failed")
    };
    put!(
        out,
        "<div class=\"banner {class}\"><strong>{word}:</strong> {}.</div>\n",
        parts.join("; ")
    );
}

fn summary(out: &mut String, result: &LoadResult) {
    let s = &result.summary;
    out.push_str(
        "<section>\n<h2>Summary</h2>\n<p class=\"note\">Latency is from sending a request \
         to its whole response.</p>\n<div class=\"tiles\">\n",
    );
    tile(
        out,
        "Requests",
        &format_count(s.requests),
        &format!("{} responses", format_count(s.responses)),
    );
    tile(out, "Duration", &duration(result.duration_seconds), "");
    tile(
        out,
        "Throughput",
        &format!("{}/s", number(s.rps)),
        "requests per second",
    );
    let failed = s.transport_errors.saturating_add(s.http_errors);
    tile(
        out,
        "Error rate",
        &format_value(Unit::Ratio, finite(s.error_rate)),
        &format!("{} failed", format_count(failed)),
    );
    tile(
        out,
        "Received",
        &format_bytes(s.bytes_received),
        &format!("{} sent", format_bytes(s.bytes_sent)),
    );
    tile(out, "p99 latency", &latency(result, s.latency_ms.p99), "");
    out.push_str("</div>\n<table>\n<tr><th>Latency</th>");
    let l = &s.latency_ms;
    let columns = [
        ("min", l.min),
        ("mean", l.mean),
        ("stdev", l.stdev),
        ("p50", l.p50),
        ("p90", l.p90),
        ("p95", l.p95),
        ("p99", l.p99),
        ("p99.9", l.p99_9),
        ("max", l.max),
    ];
    for (name, _) in columns {
        put!(out, "<th>{name}</th>");
    }
    out.push_str("</tr>\n<tr><td>all responses</td>");
    for (_, value) in columns {
        put!(out, "<td>{}</td>", latency(result, value));
    }
    out.push_str("</tr>\n</table>\n</section>\n");
}

fn tile(out: &mut String, label: &str, value: &str, sub: &str) {
    put!(
        out,
        "<div class=\"tile\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
        escape(label),
        escape(value)
    );
    if !sub.is_empty() {
        put!(out, "<div class=\"sub\">{}</div>", escape(sub));
    }
    out.push_str("</div>\n");
}

fn section(out: &mut String, title: &str, note: &str, body: &str) {
    put!(
        out,
        "<section>\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n{body}</section>\n",
        escape(title),
        escape(note)
    );
}

fn thresholds(out: &mut String, verdicts: &[Verdict]) {
    out.push_str(
        "<section id=\"thresholds\">\n<h2>Thresholds</h2>\n<p class=\"note\">A threshold on a \
         metric without data fails.</p>\n<table>\n<tr><th>Threshold</th><th>Limit</th>\
         <th>Measured</th><th>Result</th></tr>\n",
    );
    for v in verdicts {
        let measured = v
            .actual
            .map_or_else(|| "no data".to_owned(), |a| value(v.unit, a));
        put!(
            out,
            "<tr><td class=\"wrap\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&v.threshold),
            escape(&value(v.unit, v.limit)),
            escape(&measured),
            badge(v.pass, if v.pass { "pass" } else { "fail" })
        );
    }
    out.push_str("</table>\n</section>\n");
}

fn baseline(out: &mut String, comparison: &Comparison) {
    out.push_str(
        "<section id=\"baseline\">\n<h2>Against the baseline</h2>\n<p class=\"note\">Changes \
         are relative, except the error rate's, in percentage points (pp).</p>\n<table>\n\
         <tr><th>Metric</th><th>Baseline</th><th>This run</th><th>Change</th>\
         <th>Allowed</th><th>Result</th></tr>\n",
    );
    for row in &comparison.rows {
        let shown = |v: Option<f64>| v.map_or_else(|| "no data".to_owned(), |v| value(row.unit, v));
        let (change, class) = match row.change.filter(|c| c.is_finite()) {
            Some(c) => {
                let worse = if higher_is_better(row) {
                    c < 0.0
                } else {
                    c > 0.0
                };
                let class = if c == 0.0 {
                    ""
                } else if worse {
                    " class=\"worse\""
                } else {
                    " class=\"better\""
                };
                (change_text(row.unit, c), class)
            }
            None => ("—".to_owned(), ""),
        };
        let allowed = row.limit.filter(|l| l.is_finite()).map_or_else(
            || "—".to_owned(),
            |l| {
                let sign = if higher_is_better(row) { "−" } else { "+" };
                match row.unit {
                    Unit::Ratio => format!("{sign}{} pp", number(l)),
                    _ => format!("{sign}{}%", number(l)),
                }
            },
        );
        let result = if row.regressed {
            badge(false, "regressed")
        } else if row.limit.is_some() {
            badge(true, "ok")
        } else {
            String::new()
        };
        put!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td><td>{}</td><td>{result}</td></tr>\n",
            escape(&row.metric),
            escape(&shown(row.baseline)),
            escape(&shown(row.current)),
            escape(&change),
            escape(&allowed),
        );
    }
    out.push_str("</table>\n</section>\n");
}

fn higher_is_better(row: &Row) -> bool {
    row.unit == Unit::PerSecond || row.metric == "requests"
}

fn change_text(unit: Unit, change: f64) -> String {
    let sign = if change > 0.0 {
        "+"
    } else if change < 0.0 {
        "−"
    } else {
        ""
    };
    match unit {
        Unit::Ratio => format!("{sign}{} pp", number(change.abs())),
        _ => format!("{sign}{}%", number(change.abs())),
    }
}

fn badge(pass: bool, text: &str) -> String {
    let class = if pass { "pass" } else { "fail" };
    format!("<span class=\"badge {class}\">{}</span>", escape(text))
}

// ---------------------------------------------------------------------------
// Charts

/// Width of every chart's coordinate system; the page scales it.
const WIDTH: f64 = 960.0;
/// Height of the line and distribution charts.
const HEIGHT: f64 = 300.0;
/// The plot area of the line and distribution charts.
const PLOT: Plot = Plot {
    left: 72.0,
    right: WIDTH - 24.0,
    top: 40.0,
    bottom: HEIGHT - 40.0,
};
/// Seconds beyond which per-second hover tooltips are left out.
const MAX_HOVER: usize = 1800;
/// Bars in the latency distribution.
const BINS: usize = 48;
/// Empty seconds the throughput chart fills with zeros at most, so a
/// nonsensical second number cannot make the page huge.
const MAX_POINTS: usize = 100_000;

#[derive(Clone, Copy)]
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn width(self) -> f64 {
        self.right - self.left
    }

    fn height(self) -> f64 {
        self.bottom - self.top
    }

    /// The x coordinate of `v` on a linear axis from 0 to `max`.
    fn x(self, v: f64, max: f64) -> f64 {
        self.left + ratio(v, max) * self.width()
    }

    /// The y coordinate of `v` on a linear axis from 0 to `max`.
    fn y(self, v: f64, max: f64) -> f64 {
        self.bottom - ratio(v, max) * self.height()
    }
}

/// `v / max` clamped to 0..=1; 0 when that is not a number.
fn ratio(v: f64, max: f64) -> f64 {
    let r = v / max;
    if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// A coordinate as SVG reads it: finite, one decimal, no trailing `.0`.
struct N(f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = (finite(self.0) * 10.0).round() / 10.0;
        if v.fract() == 0.0 {
            write!(f, "{}", v as i64)
        } else {
            write!(f, "{v:.1}")
        }
    }
}

/// One line of a line chart.
struct Line<'a> {
    label: &'a str,
    color: &'a str,
    /// Points (x, y); `None` breaks the line.
    points: Vec<Option<(f64, f64)>>,
}

/// A line chart over the seconds of the run.
struct LineChart<'a> {
    id: &'a str,
    label: &'a str,
    /// What the y axis counts, written above it.
    y_unit: &'a str,
    /// Whether the y axis counts whole things (no fractional ticks).
    y_whole: bool,
    y_format: fn(f64) -> String,
    /// The end of the x axis, in seconds.
    x_max: f64,
    lines: Vec<Line<'a>>,
    /// Per-second tooltips: the second and its text.
    hover: Vec<(u64, String)>,
}

fn latency_chart(series: &[SecondReport]) -> String {
    let mut lines = [
        ("p50", palette::P50),
        ("p90", palette::P90),
        ("p99", palette::P99),
    ]
    .map(|(label, color)| Line {
        label,
        color,
        points: Vec::new(),
    });
    let mut hover = Vec::new();
    let mut previous: Option<u64> = None;
    for second in series {
        let gap = previous.is_some_and(|p| second.second > p.saturating_add(1));
        previous = Some(second.second);
        let x = second.second as f64 + 0.5;
        let values = second.latency_ms.map(|l| [l.p50, l.p90, l.p99]);
        for (i, line) in lines.iter_mut().enumerate() {
            if gap {
                line.points.push(None);
            }
            line.points.push(values.map(|v| (x, v[i])));
        }
        if let Some(l) = second.latency_ms {
            hover.push((
                second.second,
                format!(
                    "{}: p50 {} · p90 {} · p99 {} · max {}",
                    second_span(second.second),
                    ms(l.p50),
                    ms(l.p90),
                    ms(l.p99),
                    ms(l.max)
                ),
            ));
        }
    }
    line_chart(&LineChart {
        id: CHART_IDS[0],
        label: "Latency percentiles per second",
        y_unit: "latency",
        y_whole: false,
        y_format: ms,
        x_max: x_extent(series),
        lines: lines.into(),
        hover,
    })
}

fn throughput_chart(series: &[SecondReport]) -> String {
    let mut requests = Vec::new();
    let mut failed = Vec::new();
    let mut hover = Vec::new();
    // Seconds missing from the series had nothing finish in them.
    let mut next = 0u64;
    for second in series {
        while next < second.second && requests.len() <= MAX_POINTS {
            let x = next as f64 + 0.5;
            requests.push(Some((x, 0.0)));
            failed.push(Some((x, 0.0)));
            next += 1;
        }
        let x = second.second as f64 + 0.5;
        requests.push(Some((x, second.requests as f64)));
        failed.push(Some((x, second.failed as f64)));
        next = second.second.saturating_add(1);
        hover.push((
            second.second,
            format!(
                "{}: {} requests, {} failed, {} received",
                second_span(second.second),
                format_count(second.requests),
                format_count(second.failed),
                format_bytes(second.bytes)
            ),
        ));
    }
    line_chart(&LineChart {
        id: CHART_IDS[1],
        label: "Requests and failures per second",
        y_unit: "req/s",
        y_whole: true,
        y_format: count,
        x_max: x_extent(series),
        lines: vec![
            Line {
                label: "requests",
                color: palette::REQUESTS,
                points: requests,
            },
            Line {
                label: "failed",
                color: palette::FAILED,
                points: failed,
            },
        ],
        hover,
    })
}

/// The end of the time axis: one past the last second.
fn x_extent(series: &[SecondReport]) -> f64 {
    series
        .last()
        .map_or(1.0, |s| s.second.saturating_add(1) as f64)
}

fn line_chart(chart: &LineChart<'_>) -> String {
    let y_max = chart
        .lines
        .iter()
        .flat_map(|l| l.points.iter().flatten())
        .map(|&(_, y)| y)
        .filter(|y| y.is_finite())
        .fold(None, |max: Option<f64>, y| {
            Some(max.map_or(y, |m| m.max(y)))
        });
    let Some(y_max) = y_max else {
        return no_data(
            chart.id,
            chart.label,
            HEIGHT,
            "No data: no request finished.",
        );
    };
    let (y_top, y_step) = nice_axis(y_max, chart.y_whole);
    let x_max = if chart.x_max.is_finite() && chart.x_max > 0.0 {
        chart.x_max
    } else {
        1.0
    };
    let p = PLOT;
    let mut svg = svg_open(chart.id, chart.label, HEIGHT);

    y_grid(&mut svg, y_top, y_step, |tick| {
        escape(&(chart.y_format)(tick))
    });
    y_unit(&mut svg, chart.y_unit);
    time_axis(&mut svg, x_max);

    // The data.
    for line in &chart.lines {
        let mut segment: Vec<(f64, f64)> = Vec::new();
        for point in line.points.iter().chain(std::iter::once(&None)) {
            match point {
                Some((x, y)) => segment.push((p.x(*x, x_max), p.y(*y, y_top))),
                None => {
                    polyline(&mut svg, &segment, line.color, line.label);
                    segment.clear();
                }
            }
        }
    }

    // Tooltips: one transparent column per second.
    if chart.hover.len() <= MAX_HOVER {
        let column = p.width() / x_max;
        svg.push_str("<g fill=\"transparent\">\n");
        for (second, text) in &chart.hover {
            put!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>\n",
                N(p.x(*second as f64, x_max)),
                N(p.top),
                N(column),
                N(p.height()),
                escape(text)
            );
        }
        svg.push_str("</g>\n");
    }

    let entries: Vec<(&str, &str)> = chart.lines.iter().map(|l| (l.label, l.color)).collect();
    legend(&mut svg, &entries);
    svg.push_str("</svg>\n");
    svg
}

/// A line through `points`, or a dot when there is only one.
fn polyline(svg: &mut String, points: &[(f64, f64)], color: &str, label: &str) {
    match points {
        [] => {}
        [(x, y)] => put!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{color}\"><title>{}</title></circle>\n",
            N(*x),
            N(*y),
            escape(label)
        ),
        _ => {
            put!(
                svg,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" \
                 stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\""
            );
            for (i, (x, y)) in points.iter().enumerate() {
                if i > 0 {
                    svg.push(' ');
                }
                put!(svg, "{},{}", N(*x), N(*y));
            }
            put!(svg, "\"><title>{}</title></polyline>\n", escape(label));
        }
    }
}

/// The x axis of a chart over seconds, from 0 to `x_max`.
fn time_axis(svg: &mut String, x_max: f64) {
    let p = PLOT;
    let step = time_step(x_max);
    for tick in ticks(x_max, step) {
        let x = p.x(tick, x_max);
        put!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9aa5b1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            N(x),
            N(p.bottom),
            N(x),
            N(p.bottom + 5.0),
            N(x),
            N(p.bottom + 20.0),
            escape(&seconds_label(tick))
        );
    }
    axis_lines(svg);
    put!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">time since start</text>\n",
        N(p.right),
        N(HEIGHT - 4.0)
    );
}

/// What the y axis counts, above its tick labels.
/// Horizontal grid lines with their labels on the y axis.
fn y_grid(svg: &mut String, y_top: f64, y_step: f64, label: impl Fn(f64) -> String) {
    let p = PLOT;
    for tick in ticks(y_top, y_step) {
        let y = p.y(tick, y_top);
        put!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e4e7eb\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
            N(p.left),
            N(y),
            N(p.right),
            N(y),
            N(p.left - 8.0),
            N(y + 4.0),
            label(tick)
        );
    }
}

fn y_unit(svg: &mut String, unit: &str) {
    put!(
        svg,
        "<text x=\"10\" y=\"{}\">{}</text>\n",
        N(PLOT.top - 16.0),
        escape(unit)
    );
}

/// The left and bottom axis lines of the plot area.
fn axis_lines(svg: &mut String) {
    let p = PLOT;
    put!(
        svg,
        "<path d=\"M{} {}V{}H{}\" fill=\"none\" stroke=\"#9aa5b1\"/>\n",
        N(p.left),
        N(p.top),
        N(p.bottom),
        N(p.right)
    );
}

/// A legend in the top margin, right-aligned: a swatch and a label each.
fn legend(svg: &mut String, entries: &[(&str, &str)]) {
    const SWATCH: f64 = 18.0;
    // Wide enough for short labels at 12px.
    let widths: Vec<f64> = entries
        .iter()
        .map(|(label, _)| SWATCH + 6.0 + 7.0 * label.chars().count() as f64 + 18.0)
        .collect();
    let mut x = PLOT.right - widths.iter().sum::<f64>() + 18.0;
    let y = PLOT.top - 20.0;
    svg.push_str("<g class=\"legend\">\n");
    for ((label, color), width) in entries.iter().zip(&widths) {
        put!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" stroke-width=\"3\" \
             stroke-linecap=\"round\"/><text class=\"strong\" x=\"{}\" y=\"{}\">{}</text>\n",
            N(x),
            N(y),
            N(x + SWATCH),
            N(y),
            N(x + SWATCH + 6.0),
            N(y + 4.0),
            escape(label)
        );
        x += width;
    }
    svg.push_str("</g>\n");
}

/// Responses by status and transport errors by kind, as horizontal bars.
fn status_chart(result: &LoadResult) -> String {
    let id = CHART_IDS[2];
    let label = "Responses by status code and errors by kind";
    let mut rows: Vec<(String, u64, &str)> = result
        .status_codes
        .iter()
        .filter(|&(_, &n)| n > 0)
        .map(|(&code, &n)| (status_label(code), n, status_color(code)))
        .collect();
    rows.extend(
        result
            .errors
            .iter()
            .filter(|&(_, &n)| n > 0)
            .map(|(kind, &n)| (kind.describe().to_owned(), n, palette::TRANSPORT_ERROR)),
    );
    let total = rows.iter().fold(0u64, |sum, r| sum.saturating_add(r.1));
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    if max == 0 {
        return no_data(id, label, 120.0, "No data: no request finished.");
    }
    const ROW: f64 = 30.0;
    const LABEL_END: f64 = 210.0;
    const BAR_START: f64 = 222.0;
    const BAR_END: f64 = WIDTH - 170.0;
    let height = 16.0 + ROW * rows.len() as f64;
    let mut svg = svg_open(id, label, height);
    for (i, (text, n, color)) in rows.iter().enumerate() {
        let top = 8.0 + ROW * i as f64;
        let middle = top + ROW / 2.0;
        let width = (ratio(*n as f64, max as f64) * (BAR_END - BAR_START)).max(3.0);
        put!(
            svg,
            "<g><title>{}: {} ({})</title>\
             <text class=\"strong\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{}\" y=\"{}\">{} · {}</text></g>\n",
            escape(text),
            format_count(*n),
            escape(&share(*n, total)),
            N(LABEL_END),
            N(middle + 4.0),
            escape(text),
            N(BAR_START),
            N(top + 4.0),
            N(width),
            N(ROW - 8.0),
            N(BAR_START + width + 8.0),
            N(middle + 4.0),
            format_count(*n),
            escape(&share(*n, total))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn status_label(code: u16) -> String {
    let reason = http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

fn status_color(code: u16) -> &'static str {
    match code / 100 {
        1 => palette::STATUS_1XX,
        2 => palette::STATUS_2XX,
        3 => palette::STATUS_3XX,
        4 => palette::STATUS_4XX,
        _ => palette::STATUS_5XX,
    }
}

/// The latency histogram as bars on a logarithmic axis, percentiles marked.
fn distribution_chart(histogram: Option<&Histogram<u64>>, result: &LoadResult) -> String {
    let id = CHART_IDS[3];
    let label = "Latency distribution";
    let Some(h) = histogram else {
        return no_data(id, label, HEIGHT, "No data: no response was received.");
    };
    let bins = bins(h);
    let max = bins.counts.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return no_data(id, label, HEIGHT, "No data: no response was received.");
    }
    let total = bins.counts.iter().fold(0u64, |s, &n| s.saturating_add(n));
    let (y_top, y_step) = nice_axis(max as f64, true);
    let p = PLOT;
    let mut svg = svg_open(id, label, HEIGHT);
    y_grid(&mut svg, y_top, y_step, count);
    y_unit(&mut svg, "responses");
    for tick in bins.ticks() {
        let x = bins.x(tick);
        put!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9aa5b1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            N(x),
            N(p.bottom),
            N(x),
            N(p.bottom + 5.0),
            N(x),
            N(p.bottom + 20.0),
            escape(&micros(tick))
        );
    }
    axis_lines(&mut svg);
    put!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">latency (log scale)</text>\n",
        N(p.right),
        N(HEIGHT - 4.0)
    );
    put!(svg, "<g fill=\"{}\">\n", palette::DISTRIBUTION);
    for (i, &n) in bins.counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let (from, to) = (bins.edge(i), bins.edge(i + 1));
        let (x0, x1) = (bins.x(from), bins.x(to));
        let y = p.y(n as f64, y_top);
        put!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} – {}: {} responses ({})</title></rect>\n",
            N(x0 + 0.5),
            N(y),
            N((x1 - x0 - 1.0).max(1.0)),
            N((p.bottom - y).max(1.0)),
            escape(&micros(from)),
            escape(&micros(to)),
            format_count(n),
            escape(&share(n, total))
        );
    }
    svg.push_str("</g>\n");
    let l = &result.summary.latency_ms;
    let markers = [("p50", l.p50), ("p90", l.p90), ("p99", l.p99)];
    for (row, (name, at_ms)) in markers.iter().enumerate() {
        let at = at_ms * 1000.0;
        if !(at.is_finite() && at >= bins.low && at <= bins.high) {
            continue;
        }
        let x = bins.x(at);
        put!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#3e4c59\" stroke-width=\"1.5\" \
             stroke-dasharray=\"5 4\"/><text class=\"strong halo\" x=\"{}\" y=\"{}\">{name} {}</text>\n",
            N(x),
            N(p.top - 6.0),
            N(x),
            N(p.bottom),
            N(x + 5.0),
            N(p.top + 8.0 + 15.0 * row as f64),
            escape(&ms(*at_ms))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A histogram's counts in bins of equal width on a log scale of µs.
struct Bins {
    low: f64,
    high: f64,
    counts: Vec<u64>,
}

fn bins(h: &Histogram<u64>) -> Bins {
    let min = h.min().max(1) as f64;
    let max = (h.max().max(1) as f64).max(min);
    // Widen a one-value range so its bar stands in the middle.
    let (low, high) = if max / min < 1.2 {
        (min / 1.25, max * 1.25)
    } else {
        (min, max)
    };
    let mut bins = Bins {
        low,
        high,
        counts: vec![0; BINS],
    };
    for v in h.iter_recorded() {
        let value = (v.value_iterated_to().max(1) as f64).clamp(low, high);
        let at = (bins.position(value) * BINS as f64).floor();
        let index = if at.is_finite() {
            (at as usize).min(BINS - 1)
        } else {
            0
        };
        bins.counts[index] = bins.counts[index].saturating_add(v.count_at_value());
    }
    bins
}

impl Bins {
    /// Where `value` (µs) lies between `low` and `high`, 0..=1 on a log scale.
    fn position(&self, value: f64) -> f64 {
        ratio((value / self.low).ln(), (self.high / self.low).ln())
    }

    /// The lower edge of bin `i` in µs (`i == BINS` is the upper end).
    fn edge(&self, i: usize) -> f64 {
        self.low * (self.high / self.low).powf(i as f64 / BINS as f64)
    }

    /// The x coordinate of `value` (µs).
    fn x(&self, value: f64) -> f64 {
        PLOT.left + self.position(value) * PLOT.width()
    }

    /// Tick values in µs: 1, 2 and 5 times powers of ten within the range,
    /// only the powers of ten when that is too many, the range's ends when
    /// it holds fewer than two.
    fn ticks(&self) -> Vec<f64> {
        let (low, high) = (self.low, self.high);
        let first = low.log10().floor() as i32;
        let last = high.log10().ceil() as i32;
        let within = |multiples: &[f64]| -> Vec<f64> {
            (first..=last)
                .flat_map(|d| multiples.iter().map(move |m| m * 10f64.powi(d)))
                .filter(|t| *t >= low * 0.999 && *t <= high * 1.001)
                .collect()
        };
        let mut ticks = within(&[1.0, 2.0, 5.0]);
        if ticks.len() > 10 {
            ticks = within(&[1.0]);
        }
        if ticks.len() < 2 {
            ticks = vec![low, high];
        }
        ticks
    }
}

/// An `<svg>` element's opening: the chart's id, label and size.
fn svg_open(id: &str, label: &str, height: f64) -> String {
    format!(
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\"><title>{}</title>\n",
        N(WIDTH),
        N(height),
        escape(label),
        escape(label)
    )
}

/// A chart's frame with a note instead of data.
fn no_data(id: &str, label: &str, height: f64, note: &str) -> String {
    let mut svg = svg_open(id, label, height);
    put!(
        svg,
        "<rect x=\"1\" y=\"1\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#f5f7fa\" \
         stroke=\"#e4e7eb\" stroke-dasharray=\"6 4\"/>\
         <text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>\n",
        N(WIDTH - 2.0),
        N(height - 2.0),
        N(WIDTH / 2.0),
        N(height / 2.0 + 5.0),
        escape(note)
    );
    svg
}

// ---------------------------------------------------------------------------
// Axes and numbers

/// The top and step of a linear axis from 0 that holds `max`, with about
/// five steps of 1, 2, 2.5 or 5 times a power of ten (whole steps when
/// `whole`).
fn nice_axis(max: f64, whole: bool) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let magnitude = 10f64.powi(raw.log10().floor() as i32);
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let top = (max / step).ceil() * step;
    (top, step)
}

/// The step of a time axis of `max` seconds: a round number of seconds,
/// minutes or hours giving at most ten ticks.
fn time_step(max: f64) -> f64 {
    const STEPS: [f64; 16] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        21600.0, 43200.0,
    ];
    STEPS
        .into_iter()
        .find(|s| max / s <= 10.0)
        .unwrap_or_else(|| nice_axis(max / 2.0, true).1)
}

/// 0, step, 2·step… up to `top` (at most 1000 ticks).
fn ticks(top: f64, step: f64) -> Vec<f64> {
    if !(top.is_finite() && step.is_finite() && step > 0.0) {
        return vec![0.0];
    }
    let n = (top / step + 1e-9).floor().min(1000.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A finite number: NaN and infinities become 0.
fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// Milliseconds as a latency (`812µs`, `4.21ms`, `1.3s`); `0` for zero.
fn ms(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    Duration::try_from_secs_f64(v / 1000.0).map_or_else(|_| "—".to_owned(), format_latency)
}

/// Microseconds as a latency.
fn micros(v: f64) -> String {
    ms(v / 1000.0)
}

/// A latency of the summary, or a dash when nothing responded.
fn latency(result: &LoadResult, v: f64) -> String {
    if result.summary.responses == 0 {
        "—".to_owned()
    } else {
        ms(v)
    }
}

/// Seconds as a run length (`45s`, `1m30s`, `1.5s`).
fn duration(seconds: f64) -> String {
    Duration::try_from_secs_f64(seconds).map_or_else(|_| "—".to_owned(), format_duration)
}

/// An axis tick in seconds: `0s`, `30s`, `1m30s`.
fn seconds_label(seconds: f64) -> String {
    if seconds == 0.0 {
        "0s".to_owned()
    } else {
        duration(seconds)
    }
}

/// The second `s` of the run as a span, such as `12–13s`.
fn second_span(s: u64) -> String {
    format!("{s}–{}s", s.saturating_add(1))
}

/// A count for an axis: `950`, `1.2k`, `3.4M`.
fn count(v: f64) -> String {
    let v = finite(v);
    if v.abs() >= 1e6 {
        format!("{}M", number(v / 1e6))
    } else if v.abs() >= 1e3 {
        format!("{}k", number(v / 1e3))
    } else {
        number(v)
    }
}

/// A number with at most one decimal (two below 10), no trailing zeros.
fn number(v: f64) -> String {
    let v = finite(v);
    let decimals = if v.abs() < 10.0 { 2 } else { 1 };
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `n` as a percentage of `total`: `12.5%`, `<0.01%`.
fn share(n: u64, total: u64) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    let percent = n as f64 / total as f64 * 100.0;
    if percent > 0.0 && percent < 0.01 {
        "<0.01%".to_owned()
    } else {
        format!("{}%", number(percent))
    }
}

/// A metric's value in its unit, safe for any number.
fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Ms => ms(v),
        _ => format_value(unit, finite(v)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::load::baseline::{self, parse_limits};
    use crate::load::result::{
        Latency, RequestInfo, ScheduleReport, SecondLatency, StageInfo, Summary, TestInfo, encode,
    };
    use crate::load::stats::{ErrorKind, new_histogram};
    use crate::load::threshold::Threshold;

    /// A result of `seconds` seconds with latencies (µs) from `latency(second, i)`.
    fn result(seconds: u64, per_second: u64, latency: impl Fn(u64, u64) -> u64) -> LoadResult {
        let mut total = new_histogram();
        let mut series = Vec::new();
        let mut statuses = BTreeMap::new();
        for second in 0..seconds {
            let mut h = new_histogram();
            for i in 0..per_second {
                h.record(latency(second, i)).unwrap();
            }
            total.add(&h).unwrap();
            let failed = u64::from(second % 4 == 3);
            *statuses.entry(200).or_insert(0) += per_second - failed;
            *statuses.entry(503).or_insert(0) += failed;
            series.push(SecondReport::new(
                second,
                per_second,
                failed,
                per_second * 512,
                &h,
            ));
        }
        statuses.retain(|_, n| *n > 0);
        let responses: u64 = statuses.values().sum();
        let http_errors = statuses.get(&503).copied().unwrap_or(0);
        let requests = responses + 2;
        LoadResult {
            format: crate::load::result::FORMAT.to_owned(),
            opsctl_version: "0.1.0".to_owned(),
            test: TestInfo {
                url: "https://api.example.com/".to_owned(),
                requests: vec![],
                model: "closed".to_owned(),
                connections: 8,
                streams: 1,
                http2: false,
                rate: None,
                stages: vec![],
                planned_seconds: Some(seconds as f64),
                max_requests: None,
            },
            started_at: "2027-01-15T08:00:00Z".to_owned(),
            duration_seconds: seconds as f64,
            interrupted: false,
            merged_from: 1,
            summary: Summary {
                requests,
                responses,
                transport_errors: 2,
                http_errors,
                error_rate: (http_errors + 2) as f64 / requests as f64,
                rps: requests as f64 / seconds.max(1) as f64,
                bytes_received: responses * 512,
                bytes_sent: requests * 90,
                latency_ms: Latency::of(&total),
            },
            status_codes: statuses,
            errors: BTreeMap::from([(ErrorKind::Timeout, 2)]),
            schedule: None,
            histogram: encode(&total),
            series,
        }
    }

    /// Twenty seconds of 200 requests, slower in seconds 8 to 10.
    fn sample() -> LoadResult {
        static SAMPLE: std::sync::OnceLock<LoadResult> = std::sync::OnceLock::new();
        SAMPLE
            .get_or_init(|| {
                result(20, 200, |second, i| {
                    let base = if (8..11).contains(&second) {
                        40_000
                    } else {
                        4_000
                    };
                    base + (i * i * 37) % 30_000
                })
            })
            .clone()
    }

    fn empty() -> LoadResult {
        let mut r = result(0, 0, |_, _| 0);
        r.status_codes.clear();
        r.errors.clear();
        r.summary = Summary::default();
        r.duration_seconds = 0.0;
        r
    }

    /// The `<svg>` element with this id, whole.
    fn chart<'a>(page: &'a str, id: &str) -> &'a str {
        let start = page
            .find(&format!("<svg id=\"{id}\""))
            .unwrap_or_else(|| panic!("no chart {id}"));
        let end = page[start..].find("</svg>").expect("chart is closed") + start;
        &page[start..end + "</svg>".len()]
    }

    fn assert_well_formed(page: &str) {
        for bad in ["NaN", "inf\"", "infinity", "-inf"] {
            assert!(!page.contains(bad), "`{bad}` in the page");
        }
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.trim_end().ends_with("</html>"));
        assert_eq!(page.matches("<svg ").count(), CHART_IDS.len());
        assert_eq!(page.matches("</svg>").count(), CHART_IDS.len());
        for tag in ["section", "table", "tr", "g", "title", "header", "main"] {
            assert_eq!(
                page.matches(&format!("<{tag}>")).count()
                    + page.matches(&format!("<{tag} ")).count(),
                page.matches(&format!("</{tag}>")).count(),
                "unbalanced <{tag}>"
            );
        }
        // Every coordinate attribute is a plain finite number.
        let coordinate =
            regex::Regex::new(r#" (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)""#).unwrap();
        for found in coordinate.captures_iter(page) {
            let text = &found[1];
            if text == "100%" {
                continue;
            }
            let v: f64 = text
                .parse()
                .unwrap_or_else(|_| panic!("coordinate `{text}`"));
            assert!(
                v.is_finite() && (-10.0..=10_000.0).contains(&v),
                "coordinate {v}"
            );
        }
        let points = regex::Regex::new(r#"points="([^"]*)""#).unwrap();
        for found in points.captures_iter(page) {
            for pair in found[1].split(' ') {
                let (x, y) = pair.split_once(',').expect("x,y");
                for v in [x, y] {
                    let v: f64 = v.parse().unwrap_or_else(|_| panic!("point `{pair}`"));
                    assert!((0.0..=WIDTH).contains(&v), "point {pair}");
                }
            }
        }
    }

    #[test]
    fn every_chart_is_drawn_in_its_own_colours() {
        let page = html(&sample(), &[], None);
        assert_well_formed(&page);
        let latency = chart(&page, "chart-latency");
        for color in [palette::P50, palette::P90, palette::P99] {
            assert!(latency.contains(&format!("<polyline fill=\"none\" stroke=\"{color}\"")));
        }
        let throughput = chart(&page, "chart-throughput");
        for color in [palette::REQUESTS, palette::FAILED] {
            assert!(throughput.contains(&format!("<polyline fill=\"none\" stroke=\"{color}\"")));
        }
        let status = chart(&page, "chart-status");
        assert!(status.contains(palette::STATUS_2XX) && status.contains(palette::STATUS_5XX));
        assert!(status.contains("200 OK") && status.contains("503 Service Unavailable"));
        assert!(status.contains("request timeout") && status.contains(palette::TRANSPORT_ERROR));
        let distribution = chart(&page, "chart-distribution");
        assert!(distribution.contains(&format!("<g fill=\"{}\">", palette::DISTRIBUTION)));
        assert!(distribution.matches("<rect ").count() > 10);
        assert!(distribution.contains(">p99 "));
        // Tooltips, a legend and ticks with units.
        assert!(latency.contains("<title>3–4s: p50 "));
        assert!(latency.contains(">p90</text>"));
        assert!(latency.contains(">10s</text>") && latency.contains("ms</text>"));
        // Each data colour belongs to one chart only.
        for (id, colors) in [
            (
                "chart-latency",
                &[palette::P50, palette::P90, palette::P99][..],
            ),
            ("chart-throughput", &[palette::REQUESTS, palette::FAILED]),
            ("chart-distribution", &[palette::DISTRIBUTION]),
        ] {
            for color in colors {
                let elsewhere = page.replace(chart(&page, id), "");
                assert!(!elsewhere.contains(color), "{color} outside {id}");
            }
        }
    }

    #[test]
    fn the_summary_and_test_are_described() {
        let mut r = sample();
        r.merged_from = 3;
        r.test.model = "open".to_owned();
        r.test.rate = Some(100.0);
        r.test.stages = vec![
            StageInfo {
                seconds: 30.0,
                target: 500.0,
            },
            StageInfo {
                seconds: 90.0,
                target: 500.0,
            },
        ];
        r.test.requests = vec![
            RequestInfo {
                name: "list".into(),
                method: "GET".into(),
                path: "/items?page=1&size=20".into(),
                weight: 3,
            },
            RequestInfo {
                name: "create".into(),
                method: "POST".into(),
                path: "/items".into(),
                weight: 1,
            },
        ];
        r.schedule = Some(ScheduleReport {
            target_rate: 300.0,
            sent: 1000,
            late: 50,
            max_lag_ms: 120.0,
            kept_up: false,
        });
        let page = html(&r, &[], None);
        assert_well_formed(&page);
        assert!(page.contains("<dd>3 runs</dd>"));
        assert!(page.contains("<dd>100/s, ramp to 500/s over 30s, hold 1m30s</dd>"));
        assert!(page.contains("<code>/items?page=1&amp;size=20</code>"));
        assert!(page.contains("The load generator fell behind."));
        assert!(page.contains("4,002"), "requests with separators");
        assert!(page.contains("<th>p99.9</th>"));
        assert!(!page.contains("Interrupted."));
        assert!(!page.contains("id=\"thresholds\"") && !page.contains("id=\"baseline\""));
        r.interrupted = true;
        assert!(html(&r, &[], None).contains("<strong>Interrupted.</strong>"));
    }

    #[test]
    fn text_from_the_result_is_escaped() {
        let mut r = sample();
        r.test.url = "http://x/<script>alert(\"1\")</script>?a=1&b='2'".to_owned();
        r.test.model = "<b>open</b>".to_owned();
        r.started_at = "<i>now</i>".to_owned();
        r.opsctl_version = "</footer><script>".to_owned();
        r.test.requests = vec![
            RequestInfo {
                name: "<img src=x onerror=alert(1)>".into(),
                method: "GET".into(),
                path: "/\"><svg onload=alert(1)>".into(),
                weight: 1,
            };
            2
        ];
        let verdict = Verdict {
            threshold: "p99<1s<script>".to_owned(),
            metric: "p99".to_owned(),
            unit: Unit::Ms,
            limit: 1000.0,
            actual: Some(12.0),
            pass: true,
        };
        let page = html(&r, &[verdict], None);
        assert_well_formed(&page);
        for raw in ["<script", "<b>", "<i>", "<img", "onload=alert(1)>", "'2'"] {
            assert!(!page.contains(raw), "unescaped `{raw}`");
        }
        assert!(page.contains(
            "http://x/&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;?a=1&amp;b=&#39;2&#39;"
        ));
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn the_page_needs_nothing_from_the_network() {
        let page = html(&sample(), &[], None);
        for external in [
            "<script", "<link", "<img", "@import", "url(", "src=", "href=",
        ] {
            assert!(!page.contains(external), "`{external}` in the page");
        }
        // The only URLs are the SVG namespace and the tested URL, as text.
        let urls = page.matches("http://").count() + page.matches("https://").count();
        let expected = CHART_IDS.len() + page.matches("https://api.example.com/").count();
        assert_eq!(urls, expected);
    }

    #[test]
    fn an_empty_result_says_no_data_without_nan() {
        let page = html(&empty(), &[], None);
        assert_well_formed(&page);
        for id in CHART_IDS {
            assert!(chart(&page, id).contains("No data"), "{id}");
        }
        assert!(
            page.contains("<td>—</td>"),
            "latency without responses is a dash"
        );

        // Errors only: statuses and errors are drawn, latency has no data.
        let mut r = empty();
        r.errors = BTreeMap::from([(ErrorKind::ConnectRefused, 40)]);
        r.summary.requests = 40;
        r.summary.transport_errors = 40;
        r.summary.error_rate = 1.0;
        r.series = (0..3)
            .map(|second| SecondReport {
                second,
                requests: 13,
                failed: 13,
                bytes: 0,
                latency_ms: None,
                histogram: encode(&new_histogram()),
            })
            .collect();
        let page = html(&r, &[], None);
        assert_well_formed(&page);
        assert!(chart(&page, "chart-latency").contains("No data"));
        assert!(chart(&page, "chart-throughput").contains("<polyline"));
        assert!(chart(&page, "chart-status").contains("connection refused"));
        assert!(chart(&page, "chart-distribution").contains("No data"));
        assert!(page.contains("100%"));
    }

    #[test]
    fn gaps_break_lines_and_lone_seconds_are_dots() {
        let mut r = sample();
        r.series.retain(|s| s.second != 5 && s.second != 7);
        r.series[4].latency_ms = None;
        let page = html(&r, &[], None);
        assert_well_formed(&page);
        let latency = chart(&page, "chart-latency");
        // 0-3 | 6 | 8-19: two lines and a dot per percentile.
        let p50_lines = format!("stroke=\"{}\" stroke-width=\"2.5\"", palette::P50);
        assert_eq!(latency.matches(&p50_lines).count(), 2);
        assert_eq!(
            latency
                .matches(&format!("fill=\"{}\"><title>p50", palette::P50))
                .count(),
            1
        );
        // Throughput counts the missing seconds as zero: one unbroken line.
        let throughput = chart(&page, "chart-throughput");
        assert_eq!(throughput.matches("<polyline").count(), 2);
    }

    #[test]
    fn one_second_and_one_latency_still_draw() {
        let r = result(1, 5, |_, _| 2_000);
        let page = html(&r, &[], None);
        assert_well_formed(&page);
        assert!(chart(&page, "chart-latency").contains("<circle"));
        let distribution = chart(&page, "chart-distribution");
        assert_eq!(distribution.matches("responses (").count(), 1);
        assert!(!distribution.contains("No data"));
    }

    #[test]
    fn thresholds_and_baseline_are_tabled_with_a_verdict() {
        let r = sample();
        let verdicts: Vec<Verdict> = ["p95<1ms", "error_rate<5%", "rps>=10"]
            .iter()
            .map(|t| Threshold::parse(t).unwrap().evaluate(&r))
            .collect();
        let mut before = r.clone();
        before.summary.rps *= 1.5;
        let comparison = baseline::compare(&r, &before, &parse_limits("p99=10%,rps=5%").unwrap());
        let page = html(&r, &verdicts, Some(&comparison));
        assert_well_formed(&page);
        assert!(page.contains("id=\"thresholds\"") && page.contains("id=\"baseline\""));
        assert!(page.contains("<code>p95&lt;1ms</code>"));
        assert_eq!(
            page.matches("<span class=\"badge fail\">fail</span>")
                .count(),
            1
        );
        assert_eq!(
            page.matches("<span class=\"badge pass\">pass</span>")
                .count(),
            2
        );
        assert!(page.contains("<span class=\"badge fail\">regressed</span>"));
        let table = &page[page.find("id=\"baseline\"").unwrap()..];
        assert!(table.contains("<td class=\"worse\">−33.3%</td>"), "{table}");
        assert!(page.contains("<td>−5%</td>"), "rps may fall by 5%");
        assert!(
            page.contains("<strong>Failed:</strong> 2 of 3 thresholds passed; 1 metric regressed")
        );

        let passing = [Verdict {
            actual: None,
            pass: false,
            ..verdicts[0].clone()
        }];
        let page = html(&empty(), &passing, None);
        assert_well_formed(&page);
        assert!(page.contains("<td>no data</td>"));
        let comparison = baseline::compare(&r, &r, &parse_limits("p99=10%").unwrap());
        let page = html(&r, &[], Some(&comparison));
        assert!(page.contains("<strong>Passed:</strong> no regression against the baseline."));
    }

    #[test]
    fn axes_are_round() {
        assert_eq!(nice_axis(0.0, false), (1.0, 0.2));
        assert_eq!(nice_axis(f64::NAN, true), (1.0, 1.0));
        assert_eq!(nice_axis(7.3, false), (8.0, 2.0));
        assert_eq!(nice_axis(812.0, true), (1000.0, 200.0));
        assert_eq!(nice_axis(3.0, true), (3.0, 1.0));
        assert_eq!(nice_axis(12.0, false), (12.5, 2.5));
        assert_eq!(time_step(20.0), 2.0);
        assert_eq!(time_step(600.0), 60.0);
        assert_eq!(time_step(86_400.0 * 3.0), 43_200.0);
        let month = 86_400.0 * 30.0;
        assert!(ticks(month, time_step(month)).len() <= 11);
        assert_eq!(ticks(1.0, 0.2).len(), 6);
        assert_eq!(ticks(f64::INFINITY, 1.0), vec![0.0]);
        let h = {
            let mut h = new_histogram();
            h.record(800).unwrap();
            h.record(60_000_000).unwrap();
            h
        };
        let ticks: Vec<String> = bins(&h).ticks().into_iter().map(micros).collect();
        assert_eq!(ticks, ["1ms", "10ms", "100ms", "1s", "10s"]);
        assert_eq!(count(1500.0), "1.5k");
        assert_eq!(count(2_000_000.0), "2M");
        assert_eq!(ms(0.25), "250µs");
        assert_eq!(ms(f64::INFINITY), "—");
        assert_eq!(ms(-1.0), "—");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_count(999), "999");
        assert_eq!(share(1, 1_000_000), "<0.01%");
        assert_eq!(N(f64::NAN).to_string(), "0");
        assert_eq!(N(12.34).to_string(), "12.3");
        assert_eq!(N(-0.01).to_string(), "0");
    }

    proptest! {
        #[test]
        fn any_series_draws_finite_coordinates(
            seconds in proptest::collection::btree_map(
                0u64..5000,
                (0u64..1_000_000, proptest::option::of((0.0f64..1e7, 0.0f64..1e7))),
                0..40,
            ),
            duration in prop_oneof![Just(f64::NAN), Just(-1.0), 0.0f64..1e6],
        ) {
            let mut r = sample();
            r.duration_seconds = duration;
            r.series = seconds
                .into_iter()
                .map(|(second, (requests, latency))| SecondReport {
                    second,
                    requests,
                    failed: requests / 3,
                    bytes: 0,
                    latency_ms: latency.map(|(a, b)| SecondLatency {
                        p50: a.min(b),
                        p90: a.max(b),
                        p99: a.max(b),
                        max: a + b,
                    }),
                    histogram: String::new(),
                })
                .collect();
            assert_well_formed(&html(&r, &[], None));
        }
    }
}
