//! Latency percentiles.

use serde::Serialize;

/// Summary of a set of latencies, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Number of samples.
    pub count: usize,
    /// Median.
    pub p50_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// Largest sample.
    pub max_us: u64,
}

impl Latency {
    /// Summarise `samples` (sorted in place). Nearest-rank percentiles; all zero when empty.
    pub fn from_samples(samples: &mut [u64]) -> Self {
        if samples.is_empty() {
            return Latency::default();
        }
        samples.sort_unstable();
        Latency {
            count: samples.len(),
            p50_us: percentile(samples, 50.0),
            p99_us: percentile(samples, 99.0),
            max_us: samples[samples.len() - 1],
        }
    }
}

/// Nearest-rank percentile of sorted, non-empty `samples`.
fn percentile(sorted: &[u64], p: f64) -> u64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<u64> = (1..=100).rev().collect();
        let latency = Latency::from_samples(&mut samples);
        assert_eq!(latency.count, 100);
        assert_eq!(latency.p50_us, 50);
        assert_eq!(latency.p99_us, 99);
        assert_eq!(latency.max_us, 100);
        assert_eq!(Latency::from_samples(&mut []), Latency::default());
        assert_eq!(Latency::from_samples(&mut [7]).p99_us, 7);
    }
}
