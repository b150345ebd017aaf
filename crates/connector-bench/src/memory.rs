//! Memory readings from `/proc/self/status` (Linux).

/// Resident set size now, in KiB (`VmRSS`); `None` where `/proc` is unavailable.
pub fn rss_kib() -> Option<u64> {
    status_field("VmRSS:")
}

/// Peak resident set size of this process so far, in KiB (`VmHWM`). Run each measurement in a
/// fresh process so the peak belongs to it alone.
pub fn peak_rss_kib() -> Option<u64> {
    status_field("VmHWM:")
}

fn status_field(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_field(&status, name)
}

fn parse_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_fields() {
        let status = "Name:\tx\nVmHWM:\t  12345 kB\nVmRSS:\t   999 kB\n";
        assert_eq!(parse_field(status, "VmHWM:"), Some(12345));
        assert_eq!(parse_field(status, "VmRSS:"), Some(999));
        assert_eq!(parse_field(status, "VmSwap:"), None);
    }
}
