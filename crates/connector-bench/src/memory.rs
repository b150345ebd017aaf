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

/// Bytes the allocator has handed out and not taken back (glibc `mallinfo2().uordblks`): live
/// heap, without the freed-but-retained memory that RSS also counts. `None` off glibc.
pub fn live_heap_bytes() -> Option<u64> {
    glibc::live_heap_bytes()
}

/// Give freed heap memory back to the OS (glibc `malloc_trim(0)`), so an RSS reading after it
/// shows what is live plus unavoidable fragmentation. Does nothing off glibc.
pub fn trim_heap() {
    glibc::trim();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
mod glibc {
    /// glibc's `struct mallinfo2` (glibc 2.33+): ten `size_t` fields.
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }

    extern "C" {
        fn mallinfo2() -> MallInfo2;
        fn malloc_trim(pad: usize) -> i32;
    }

    pub fn live_heap_bytes() -> Option<u64> {
        // SAFETY: both functions only read the allocator's own statistics; `mallinfo2`
        // returns its struct by value and takes no pointers.
        let info = unsafe { mallinfo2() };
        // Large blocks are mmapped separately (`hblkhd`) and not part of `uordblks`.
        u64::try_from(info.uordblks + info.hblkhd).ok()
    }

    pub fn trim() {
        // SAFETY: `malloc_trim` takes a plain integer and only releases free memory.
        unsafe {
            malloc_trim(0);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod glibc {
    pub fn live_heap_bytes() -> Option<u64> {
        None
    }

    pub fn trim() {}
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
