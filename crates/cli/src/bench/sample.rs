//! Timing samples and their summary (median, p95), and the process's peak resident memory.

use std::time::Instant;

use serde::Serialize;

/// A measurement's samples, summarised. Times in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub n: usize,
    pub median_ms: f64,
    pub mean_ms: f64,
    pub p95_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
}

/// Median (mean of the middle two for an even count) and nearest-rank p95.
pub fn summarize(samples: &[f64]) -> Summary {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return Summary {
            n,
            median_ms: f64::NAN,
            mean_ms: f64::NAN,
            p95_ms: f64::NAN,
            min_ms: f64::NAN,
            max_ms: f64::NAN,
        };
    }
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n);
    let mean = sorted.iter().sum::<f64>() / n as f64;
    Summary { n, median_ms: median, mean_ms: mean, p95_ms: sorted[rank - 1], min_ms: sorted[0], max_ms: sorted[n - 1] }
}

/// Runs `f` once and returns its result and how long it took, in milliseconds.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64() * 1e3)
}

/// The process's peak resident set size (`VmHWM` in /proc/self/status), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak resident set size to the current one (writes 5 to /proc/self/clear_refs, Linux ≥ 4.0).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p95_by_nearest_rank() {
        let samples: Vec<f64> = (1..=20).map(f64::from).collect();
        let s = summarize(&samples);
        assert_eq!((s.n, s.median_ms, s.p95_ms, s.min_ms, s.max_ms), (20, 10.5, 19.0, 1.0, 20.0));
        let s = summarize(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median_ms, s.p95_ms), (2.0, 3.0));
    }

    #[test]
    fn peak_rss_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_bytes().is_some_and(|b| b > 0));
        }
    }
}
