//! Samples, targets and results: medians and quantiles, what each path is held to, and how
//! figures are written for people.

use super::*;
// ---------------------------------------------------------------------------------------------
// Statistics

#[derive(Default, Clone)]
pub(crate) struct Samples(Vec<f64>);

impl Samples {
    pub(crate) fn push(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64());
    }
    pub(crate) fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        let v = self.sorted();
        if v.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }
    pub(crate) fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }
    pub(crate) fn json(&self) -> Value {
        json!({ "n": self.0.len(), "median_s": self.median(), "p50_s": self.quantile(0.5), "p99_s": self.quantile(0.99),
                "min_s": self.quantile(0.0), "max_s": self.quantile(1.0) })
    }
}

pub(crate) fn timed<T>(f: impl FnOnce() -> Res<T>) -> Res<(Duration, T)> {
    let t = Instant::now();
    let v = f()?;
    Ok((t.elapsed(), v))
}

pub(crate) enum Target {
    /// Engine median ≤ k × raw median.
    Ratio(f64),
    /// Engine median ≤ seconds.
    Within(f64),
    /// Events per second ≥ n (from the engine median).
    Rate(f64),
    /// Both: events per second ≥ n and engine median ≤ k × raw median.
    RateAndRatio(f64, f64),
    /// Both: engine median ≤ seconds and engine median ≤ k × raw median.
    WithinAndRatio(f64, f64),
    None,
}

pub(crate) struct PathResult {
    pub(crate) path: &'static str,
    pub(crate) what: String,
    pub(crate) engine: Samples,
    pub(crate) raw: Option<Samples>,
    pub(crate) target: Target,
    pub(crate) events: Option<usize>,
}

impl PathResult {
    pub(crate) fn ratio(&self) -> Option<f64> {
        self.raw.as_ref().map(|r| self.engine.median() / r.median())
    }
    pub(crate) fn ratio_p99(&self) -> Option<f64> {
        self.raw.as_ref().map(|r| self.engine.quantile(0.99) / r.quantile(0.99))
    }
    pub(crate) fn rate(&self) -> Option<f64> {
        self.events.map(|n| n as f64 / self.engine.median())
    }
    pub(crate) fn target_text(&self) -> String {
        match self.target {
            Target::Ratio(k) => format!("≤ {k}× raw"),
            Target::Within(s) => format!("≤ {}", fmt_s(s)),
            Target::Rate(n) => format!("≥ {} events/s", group(n as u64)),
            Target::RateAndRatio(n, k) => format!("≥ {} events/s, ≤ {k}× raw", group(n as u64)),
            Target::WithinAndRatio(s, k) => format!("≤ {}, ≤ {k}× raw", fmt_s(s)),
            Target::None => "—".into(),
        }
    }
    pub(crate) fn pass(&self) -> Option<bool> {
        match self.target {
            Target::Ratio(k) => self.ratio().map(|r| r <= k),
            Target::Within(s) => Some(self.engine.median() <= s),
            Target::Rate(n) => self.rate().map(|r| r >= n),
            Target::RateAndRatio(n, k) => self.rate().zip(self.ratio()).map(|(r, x)| r >= n && x <= k),
            Target::WithinAndRatio(s, k) => self.ratio().map(|x| self.engine.median() <= s && x <= k),
            Target::None => None,
        }
    }
    pub(crate) fn json(&self) -> Value {
        json!({
            "path": self.path,
            "what": self.what,
            "engine": self.engine.json(),
            "raw": self.raw.as_ref().map(Samples::json),
            "ratio_median": self.ratio(),
            "ratio_p99": self.ratio_p99(),
            "events": self.events,
            "engine_events_per_s": self.rate(),
            "raw_events_per_s": self.events.zip(self.raw.as_ref()).map(|(n, r)| n as f64 / r.median()),
            "target": self.target_text(),
            "pass": self.pass(),
        })
    }
}

pub(crate) fn fmt_s(s: f64) -> String {
    if !s.is_finite() {
        "—".into()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

pub(crate) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
