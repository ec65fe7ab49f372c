//! `opsctl load report --report FILE` on saved results of a two-pod run:
//! the HTML it writes is opened in headless Chromium, which must draw every
//! chart (checked in the rendered DOM and by the charts' colours in a
//! screenshot).
//!
//! The fixtures in tests/fixtures/load are made by `regenerate_fixtures`
//! below (`cargo test --test cli regenerate_fixtures -- --ignored`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use opsctl::load::report::{CHART_IDS, palette};
use opsctl::load::result::{
    FORMAT, Latency, LoadResult, RequestInfo, ScheduleReport, SecondReport, StageInfo, Summary,
    TestInfo, encode,
};
use opsctl::load::stats::{ErrorKind, new_histogram};

use crate::support::{Sandbox, tool};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load")
}

const POD_RESULTS: [&str; 2] = ["pod-0.json", "pod-1.json"];
const BASELINE: &str = "baseline.json";

#[test]
fn report_renders_every_chart_in_chromium() {
    for name in POD_RESULTS.iter().chain([&BASELINE]) {
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        LoadResult::from_json(&text, name).unwrap_or_else(|e| {
            panic!("{e}; regenerate the fixtures: cargo test --test cli regenerate_fixtures -- --ignored")
        });
    }
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["load", "report"])
        .args(POD_RESULTS.map(|name| fixtures().join(name)))
        .args(["--threshold", "p99<2s", "--threshold", "error_rate<5%"])
        .arg("--baseline")
        .arg(fixtures().join(BASELINE))
        .args(["--max-regression", "p99=1000%,rps=10%,error_rate=5%"])
        .args(["--report", "report.html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "opsctl load report failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let report = s.work().join("report.html");
    let html = std::fs::read_to_string(&report).expect("--report wrote the file");
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("load_report.html"),
        &html,
    );
    for id in CHART_IDS {
        assert!(
            html.contains(&format!("<svg id=\"{id}\"")),
            "no {id} in the report"
        );
    }
    assert_renders(&s, &report);
}

/// Opens the report of the fixtures in Chromium and checks what it drew.
fn assert_renders(s: &Sandbox, report: &Path) {
    // The DOM Chromium built: every chart is an SVG element with its data.
    let dom = chromium(s, report, "--dump-dom", None);
    let dom = String::from_utf8(dom).expect("the DOM is UTF-8");
    assert!(!dom.contains("NaN"), "NaN in the rendered DOM");
    assert!(dom.contains("Merged from") && dom.contains("2 runs"));
    assert!(dom.contains("id=\"thresholds\"") && dom.contains("id=\"baseline\""));
    let lines_of = |id: &str, colors: &[&str]| {
        let svg = element(&dom, id);
        for color in colors {
            let line = format!("<polyline fill=\"none\" stroke=\"{color}\"");
            assert!(svg.contains(&line), "{id} has no {color} line:\n{svg}");
        }
    };
    lines_of("chart-latency", &[palette::P50, palette::P90, palette::P99]);
    lines_of("chart-throughput", &[palette::REQUESTS, palette::FAILED]);
    let status = element(&dom, "chart-status");
    for label in [
        "200 OK",
        "404 Not Found",
        "503 Service Unavailable",
        "request timeout",
    ] {
        assert!(status.contains(label), "no `{label}` bar:\n{status}");
    }
    let distribution = element(&dom, "chart-distribution");
    assert!(
        distribution.matches("<rect ").count() >= 20,
        "too few latency bars:\n{distribution}"
    );

    // What Chromium painted: each series in its own colour, across its
    // chart. Kept in Cargo's temp dir to look at when this fails.
    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("load_report.png");
    let _ = std::fs::remove_file(&png);
    chromium(s, report, "--screenshot", Some(&png));
    let shot = Screenshot::read(&png);
    assert!(
        shot.count(|p| p != [255, 255, 255]) > 100_000,
        "the screenshot is nearly blank: {}",
        png.display()
    );
    // Lines span their chart's time axis; bars stand 22 px tall in the SVG.
    // At 1280 px wide there are ~1,500 pixels per line, ~40,000 of latency
    // bars, ~14,000 of the 2xx bar and 2-6 px wide bars for the rare outcomes.
    for (name, color, min_pixels, min_width, min_height) in [
        ("p50 line", palette::P50, 800, 600, 0),
        ("p90 line", palette::P90, 800, 600, 0),
        ("p99 line", palette::P99, 800, 600, 0),
        ("requests line", palette::REQUESTS, 800, 600, 0),
        ("failed line", palette::FAILED, 800, 600, 0),
        ("latency bars", palette::DISTRIBUTION, 10_000, 300, 15),
        ("2xx bar", palette::STATUS_2XX, 5_000, 400, 15),
        ("5xx bar", palette::STATUS_5XX, 30, 2, 15),
        ("timeout bar", palette::TRANSPORT_ERROR, 30, 2, 15),
    ] {
        let found = shot.find(hex(color));
        assert!(
            found.pixels >= min_pixels && found.width >= min_width && found.tallest >= min_height,
            "{name} ({color}) in the screenshot: {found:?}; expected at least {min_pixels} \
             pixels, {min_width} px wide, {min_height} px tall (see {})",
            png.display()
        );
    }
}

/// Runs headless Chromium on `page` with `mode` (`--dump-dom`, or
/// `--screenshot` into `png`); returns its stdout.
fn chromium(s: &Sandbox, page: &Path, mode: &str, png: Option<&Path>) -> Vec<u8> {
    let chromium = tool("chromium", "it apt-installs chromium");
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(chromium);
    cmd.env("HOME", s.home())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1280,3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()));
    match png {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg(mode),
    };
    let mut child = cmd
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium {mode} did not finish in 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "chromium {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(png) = png {
        assert!(png.is_file(), "chromium wrote no screenshot");
    }
    out.stdout
}

/// The element `<svg id="ID" …>…</svg>` in serialized HTML.
fn element<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no <svg id=\"{id}\"> in the rendered DOM"));
    let end = dom[start..]
        .find("</svg>")
        .unwrap_or_else(|| panic!("<svg id=\"{id}\"> is not closed"));
    &dom[start..start + end]
}

fn hex(color: &str) -> [u8; 3] {
    let channel = |i: usize| u8::from_str_radix(&color[1 + 2 * i..3 + 2 * i], 16).unwrap();
    [channel(0), channel(1), channel(2)]
}

/// A decoded screenshot, RGB.
struct Screenshot {
    width: usize,
    pixels: Vec<[u8; 3]>,
}

impl Screenshot {
    fn read(path: &Path) -> Self {
        let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit screenshot");
        let step = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected screenshot colour type {other:?}"),
        };
        let pixels = buf[..info.buffer_size()]
            .chunks_exact(step)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        Self {
            width: info.width as usize,
            pixels,
        }
    }

    fn count(&self, keep: impl Fn([u8; 3]) -> bool) -> usize {
        self.pixels.iter().filter(|&&p| keep(p)).count()
    }

    /// Where colour `rgb` was painted (give or take 2 per channel, so
    /// anti-aliased edges of other colours hardly count).
    fn find(&self, rgb: [u8; 3]) -> Found {
        let near = |p: [u8; 3]| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 2);
        let height = self.pixels.len() / self.width;
        let mut found = Found::default();
        let (mut left, mut right) = (usize::MAX, 0);
        for x in 0..self.width {
            let mut run = 0;
            for y in 0..height {
                if near(self.pixels[y * self.width + x]) {
                    found.pixels += 1;
                    left = left.min(x);
                    right = right.max(x);
                    run += 1;
                    found.tallest = found.tallest.max(run);
                } else {
                    run = 0;
                }
            }
        }
        found.width = if found.pixels == 0 {
            0
        } else {
            right - left + 1
        };
        found
    }
}

/// Pixels of one colour in a screenshot.
#[derive(Debug, Default)]
struct Found {
    /// How many.
    pixels: usize,
    /// From the leftmost to the rightmost.
    width: usize,
    /// The longest vertical run.
    tallest: usize,
}

// ---------------------------------------------------------------------------
// The fixtures: a simulated open-model run on two pods, and its baseline.

/// Writes tests/fixtures/load/{pod-0,pod-1,baseline}.json.
#[test]
#[ignore = "writes the fixtures; run when the result format changes"]
fn regenerate_fixtures() {
    let dir = fixtures();
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, result: &LoadResult| {
        let mut json = serde_json::to_string_pretty(result).unwrap();
        json.push('\n');
        std::fs::write(dir.join(name), json).unwrap();
    };
    for (pod, name) in POD_RESULTS.iter().enumerate() {
        write(name, &simulate(pod as u64, true));
    }
    let earlier: Vec<LoadResult> = (0..2)
        .map(|pod| {
            let mut r = simulate(10 + pod, false);
            r.started_at = r.started_at.replace("2027-03-04", "2027-03-03");
            r
        })
        .collect();
    write(BASELINE, &LoadResult::merge(&earlier).unwrap());
}

/// splitmix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Log-normal with this median and shape.
    fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        let normal = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
        median * (sigma * normal).exp()
    }
}

/// One pod's 30 s open-model run: 50/s ramping to 400/s over 10 s, then
/// 400/s for 20 s. With `incident`, seconds 17–20 slow down and fail.
fn simulate(pod: u64, incident: bool) -> LoadResult {
    const SECONDS: u64 = 30;
    let mut rng = Rng(0x5eed_c0de_u64.wrapping_mul(pod + 1));
    let mut total = new_histogram();
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    let mut errors: BTreeMap<ErrorKind, u64> = BTreeMap::new();
    let (mut bytes_received, mut bytes_sent) = (0, 0);
    let mut series = Vec::new();
    for second in 0..SECONDS {
        let rate = if second < 10 {
            50.0 + 350.0 * (second as f64 + 0.5) / 10.0
        } else {
            400.0
        };
        let trouble = incident && (17..21).contains(&second);
        let mut h: Histogram<u64> = new_histogram();
        let (mut requests, mut failed, mut bytes) = (0, 0, 0);
        for _ in 0..(rate * (0.97 + 0.06 * rng.uniform())) as u64 {
            requests += 1;
            bytes_sent += 142;
            let roll = rng.uniform();
            if trouble && roll < 0.01 {
                *errors.entry(ErrorKind::Timeout).or_default() += 1;
                failed += 1;
                continue;
            }
            if roll > 0.99995 {
                *errors.entry(ErrorKind::Reset).or_default() += 1;
                failed += 1;
                continue;
            }
            let status = if trouble && roll < 0.08 {
                503
            } else if roll > 0.998 {
                404
            } else if roll > 0.996 {
                304
            } else {
                200
            };
            let median_ms = if trouble { 95.0 } else { 11.0 };
            let mut ms = rng.log_normal(median_ms, 0.45);
            if rng.uniform() < 0.004 {
                ms += rng.uniform() * 400.0;
            }
            if status == 503 {
                ms = rng.log_normal(4.0, 0.3);
            }
            let micros = (ms * 1000.0).round().clamp(50.0, 3.6e9) as u64;
            h.record(micros).unwrap();
            *statuses.entry(status).or_default() += 1;
            if status >= 400 {
                failed += 1;
            }
            let size = match status {
                200 => 1_800 + (rng.next() % 600),
                304 => 180,
                _ => 240,
            };
            bytes += size;
        }
        bytes_received += bytes;
        total.add(&h).unwrap();
        series.push(SecondReport::new(second, requests, failed, bytes, &h));
    }
    let responses: u64 = statuses.values().sum();
    let transport_errors: u64 = errors.values().sum();
    let http_errors: u64 = statuses
        .iter()
        .filter(|&(&code, _)| code >= 400)
        .map(|(_, n)| n)
        .sum();
    let requests = responses + transport_errors;
    let duration = SECONDS as f64 + 0.0813 * (pod as f64 + 1.0);
    let round3 = |v: f64| (v * 1000.0).round() / 1000.0;
    LoadResult {
        format: FORMAT.to_owned(),
        opsctl_version: env!("CARGO_PKG_VERSION").to_owned(),
        test: TestInfo {
            url: "https://shop.staging.example.com".to_owned(),
            requests: vec![
                RequestInfo {
                    name: "browse".to_owned(),
                    method: "GET".to_owned(),
                    path: "/api/products?category=shoes&page=1".to_owned(),
                    weight: 4,
                },
                RequestInfo {
                    name: "product".to_owned(),
                    method: "GET".to_owned(),
                    path: "/api/products/42".to_owned(),
                    weight: 2,
                },
                RequestInfo {
                    name: "add-to-cart".to_owned(),
                    method: "POST".to_owned(),
                    path: "/api/cart/items".to_owned(),
                    weight: 1,
                },
            ],
            model: "open".to_owned(),
            connections: 64,
            streams: 1,
            http2: false,
            rate: Some(50.0),
            stages: vec![
                StageInfo {
                    seconds: 10.0,
                    target: 400.0,
                },
                StageInfo {
                    seconds: 20.0,
                    target: 400.0,
                },
            ],
            planned_seconds: Some(SECONDS as f64),
            max_requests: None,
        },
        started_at: format!("2027-03-04T10:15:00.{:03}Z", (120 + 360 * pod) % 1000),
        duration_seconds: duration,
        interrupted: false,
        merged_from: 1,
        summary: Summary {
            requests,
            responses,
            transport_errors,
            http_errors,
            error_rate: (transport_errors + http_errors) as f64 / requests as f64,
            rps: round3(requests as f64 / duration),
            bytes_received,
            bytes_sent,
            latency_ms: Latency::of(&total),
        },
        status_codes: statuses,
        errors,
        schedule: Some(ScheduleReport {
            target_rate: 341.667,
            sent: requests,
            late: rng.next() % 5,
            max_lag_ms: 11.0 + (rng.next() % 4000) as f64 / 1000.0,
            kept_up: true,
        }),
        histogram: encode(&total),
        series,
    }
}
