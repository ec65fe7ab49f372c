//! The open model's arrival schedule: when the i-th request is due.
//!
//! A schedule is a list of segments, each ramping linearly from one rate to
//! another (k6's `ramping-arrival-rate`; a constant rate is one flat
//! segment). The number of requests due by time t is the integral of the rate,
//! so the i-th request (counting from 0) is due at the t where that integral
//! reaches i. Latency in the open model is measured from this intended time.

use std::time::Duration;

use serde::Serialize;

use crate::units::{UnitError, parse_duration, parse_rate};

/// One `--stages` step: ramp linearly to `target` requests per second over `duration`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stage {
    /// How long the ramp takes.
    #[serde(serialize_with = "crate::load::result::serialize_secs")]
    pub duration: Duration,
    /// The rate reached at the end of the ramp, in requests per second.
    pub target: f64,
}

/// Reads `--stages 30s:100,1m:500,30s:0` (duration:rate pairs).
pub fn parse_stages(text: &str) -> Result<Vec<Stage>, UnitError> {
    let mut stages = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((duration, rate)) = part.split_once(':') else {
            return Err(UnitError {
                input: part.to_owned(),
                what: "a stage",
                reason:
                    "write DURATION:RATE pairs separated by commas, such as 30s:100,1m:500,30s:0"
                        .to_owned(),
            });
        };
        stages.push(Stage {
            duration: parse_duration(duration)?,
            target: parse_rate(rate)?,
        });
    }
    if stages.is_empty() {
        return Err(UnitError {
            input: text.to_owned(),
            what: "a list of stages",
            reason: "give at least one DURATION:RATE pair, such as 30s:100".to_owned(),
        });
    }
    Ok(stages)
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    /// Seconds from the start of the run at which the segment begins.
    start: f64,
    /// Length in seconds; infinite for an open-ended constant rate.
    length: f64,
    /// Rate at the start and at the end, requests per second.
    from: f64,
    to: f64,
    /// Requests due before the segment begins.
    before: f64,
}

impl Segment {
    fn requests(&self) -> f64 {
        if self.length.is_infinite() {
            f64::INFINITY
        } else {
            (self.from + self.to) / 2.0 * self.length
        }
    }

    /// Seconds into the segment at which `n` requests of it are due.
    fn time_of(&self, n: f64) -> f64 {
        if n <= 0.0 {
            return 0.0;
        }
        let slope = if self.length.is_infinite() {
            0.0
        } else {
            (self.to - self.from) / self.length
        };
        // Solve from*t + slope*t²/2 = n; this form stays exact when slope → 0.
        let discriminant = self.from * self.from + 2.0 * slope * n;
        2.0 * n / (self.from + discriminant.max(0.0).sqrt())
    }
}

/// When each request of an open-model run is due.
#[derive(Debug, Clone)]
pub struct Schedule {
    segments: Vec<Segment>,
    total: f64,
}

impl Schedule {
    /// A constant `rate` for `length` (or until a request count stops the run).
    pub fn constant(rate: f64, length: Option<Duration>) -> Self {
        let length = length.map_or(f64::INFINITY, |d| d.as_secs_f64());
        Self::from_segments(vec![(length, rate, rate)])
    }

    /// Linear ramps between stage targets, starting from `start_rate`.
    pub fn stages(start_rate: f64, stages: &[Stage]) -> Self {
        let mut from = start_rate;
        let mut parts = Vec::with_capacity(stages.len());
        for stage in stages {
            parts.push((stage.duration.as_secs_f64(), from, stage.target));
            from = stage.target;
        }
        Self::from_segments(parts)
    }

    fn from_segments(parts: Vec<(f64, f64, f64)>) -> Self {
        let mut segments = Vec::with_capacity(parts.len());
        let (mut start, mut before) = (0.0, 0.0);
        for (length, from, to) in parts {
            let segment = Segment {
                start,
                length,
                from,
                to,
                before,
            };
            before += segment.requests();
            start += length;
            segments.push(segment);
        }
        Self {
            segments,
            total: before,
        }
    }

    /// How many requests the schedule holds (`u64::MAX` when open-ended).
    pub fn total_requests(&self) -> u64 {
        if self.total.is_infinite() {
            u64::MAX
        } else {
            // Request i is due while i < total; a hair of slack absorbs float error.
            (self.total - 1e-9).ceil().max(0.0) as u64
        }
    }

    /// The schedule's length, `None` when open-ended.
    pub fn length(&self) -> Option<Duration> {
        let end = self.segments.last().map_or(0.0, |s| s.start + s.length);
        end.is_finite().then(|| Duration::from_secs_f64(end))
    }

    /// The mean rate over the whole schedule, requests per second.
    pub fn mean_rate(&self) -> f64 {
        match self.length() {
            Some(length) if !length.is_zero() => self.total / length.as_secs_f64(),
            _ => self.segments.first().map_or(0.0, |s| s.from),
        }
    }

    /// The highest rate the schedule asks for.
    pub fn peak_rate(&self) -> f64 {
        self.segments
            .iter()
            .map(|s| s.from.max(s.to))
            .fold(0.0, f64::max)
    }

    /// When request `index` (from 0) is due, from the start of the run;
    /// `None` past the end of the schedule.
    pub fn due(&self, index: u64) -> Option<Duration> {
        let n = index as f64;
        if n >= self.total {
            return None;
        }
        // Few segments: a linear scan is faster than a search.
        let segment = self.segments.iter().find(|s| n < s.before + s.requests())?;
        let seconds = segment.start + segment.time_of(n - segment.before);
        Some(Duration::from_secs_f64(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_constant_rate_spaces_requests_evenly() {
        let schedule = Schedule::constant(1000.0, Some(Duration::from_secs(5)));
        assert_eq!(schedule.total_requests(), 5000);
        assert_eq!(schedule.due(0), Some(Duration::ZERO));
        assert_eq!(schedule.due(1), Some(Duration::from_millis(1)));
        assert_eq!(schedule.due(4999), Some(Duration::from_millis(4999)));
        assert_eq!(schedule.due(5000), None);
        assert_eq!(schedule.length(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn an_open_ended_rate_never_runs_out() {
        let schedule = Schedule::constant(10.0, None);
        assert_eq!(schedule.total_requests(), u64::MAX);
        assert_eq!(schedule.due(25), Some(Duration::from_millis(2500)));
        assert_eq!(schedule.length(), None);
    }

    #[test]
    fn a_ramp_integrates_its_rate() {
        // 0 → 100/s over 10 s, hold 100/s for 10 s, 100 → 0 over 10 s.
        let stages = parse_stages("10s:100,10s:100,10s:0").unwrap();
        let schedule = Schedule::stages(0.0, &stages);
        assert_eq!(schedule.total_requests(), 500 + 1000 + 500);
        // Half the ramp's 500 requests are due at t = 10·√0.5 ≈ 7.07 s.
        let t = schedule.due(250).unwrap().as_secs_f64();
        assert!((t - 7.0711).abs() < 1e-3, "{t}");
        let t = schedule.due(1000).unwrap().as_secs_f64();
        assert!((t - 15.0).abs() < 1e-9, "{t}");
        assert_eq!(schedule.peak_rate(), 100.0);
        assert!((schedule.mean_rate() - 2000.0 / 30.0).abs() < 1e-9);
    }

    #[test]
    fn stages_read_like_k6() {
        let stages = parse_stages("30s:100, 1m:500/s,30s:0").unwrap();
        assert_eq!(stages.len(), 3);
        assert_eq!(stages[1].duration, Duration::from_secs(60));
        assert_eq!(stages[1].target, 500.0);
        assert!(
            parse_stages("30s")
                .unwrap_err()
                .reason
                .contains("DURATION:RATE")
        );
        assert!(parse_stages("").is_err());
        assert!(parse_stages("30:100").is_err());
    }

    proptest! {
        #[test]
        fn due_times_never_go_backwards(
            stages in proptest::collection::vec((1u64..20, 0u32..2000), 1..5),
            start in 0u32..2000,
        ) {
            let stages: Vec<Stage> = stages
                .into_iter()
                .map(|(secs, rate)| Stage { duration: Duration::from_secs(secs), target: f64::from(rate) })
                .collect();
            let schedule = Schedule::stages(f64::from(start), &stages);
            let length = schedule.length().unwrap();
            let mut last = Duration::ZERO;
            let total = schedule.total_requests().min(20_000);
            for i in 0..total {
                let due = schedule.due(i).unwrap();
                prop_assert!(due >= last, "request {} due at {:?} before {:?}", i, due, last);
                prop_assert!(due <= length + Duration::from_millis(1));
                last = due;
            }
        }
    }
}
