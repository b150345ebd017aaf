//! CPU time of this process, from `/proc/self/task/*/schedstat` (Linux).
//!
//! On a shared machine other builds take CPU away from a benchmark, which changes its request
//! rate but hardly its CPU time per request; the latter is what compares across runs.

/// Nanoseconds all live threads of this process have run so far; `None` where `/proc` is
/// unavailable. Threads that exited are no longer counted, so read it around windows in which
/// the process's threads stay the same (the benchmark's runtime and store threads do).
pub fn process_cpu_ns() -> Option<u64> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let mut total = 0u64;
    for task in tasks.flatten() {
        let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
            // The thread exited between the listing and the read.
            continue;
        };
        total = total.saturating_add(parse_schedstat(&text)?);
    }
    Some(total)
}

/// Nanoseconds the processes `roots` and their direct children have run so far (a database
/// server: its postmaster and the backends it forked). `None` where `/proc` is unavailable.
/// Backends are single-threaded, so each process's `schedstat` is its whole CPU time.
pub fn process_tree_cpu_ns(roots: &[u32]) -> Option<u64> {
    let processes = std::fs::read_dir("/proc").ok()?;
    let mut total = 0u64;
    for process in processes.flatten() {
        let Some(pid) = process
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(process.path().join("stat")) else {
            continue;
        };
        let in_tree = roots.contains(&pid) || parent_pid(&stat).is_some_and(|p| roots.contains(&p));
        if !in_tree {
            continue;
        }
        if let Some(ns) = std::fs::read_to_string(process.path().join("schedstat"))
            .ok()
            .and_then(|text| parse_schedstat(&text))
        {
            total = total.saturating_add(ns);
        }
    }
    Some(total)
}

/// The parent pid in a `/proc/<pid>/stat` line (the field after the state, which follows the
/// parenthesised command name — itself possibly holding spaces or parentheses).
fn parent_pid(stat: &str) -> Option<u32> {
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// The first field of a `schedstat` line: time spent on the CPU, in nanoseconds.
fn parse_schedstat(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_pids_are_read_past_odd_command_names() {
        assert_eq!(parent_pid("42 (postgres: a) b) S 7 42 42 0"), Some(7));
        assert_eq!(parent_pid("garbage"), None);
    }

    #[test]
    fn schedstat_lines_are_parsed() {
        assert_eq!(parse_schedstat("123456 789 10\n"), Some(123456));
        assert_eq!(parse_schedstat(""), None);
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let Some(before) = process_cpu_ns() else {
            eprintln!("no /proc/self/task here; skipped");
            return;
        };
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let after = process_cpu_ns().unwrap_or(0);
        assert!(after > before);
    }
}
