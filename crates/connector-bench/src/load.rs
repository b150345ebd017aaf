//! A closed-loop HTTP/1.1 load generator: N concurrent senders, each on its own keep-alive
//! connection, each sending its next request as soon as the previous answer arrived.
//!
//! It writes prepared request bytes and reads just enough of the answer (status line,
//! `Content-Length`, body) to reuse the connection, so the client costs as little CPU as
//! possible and the 2-core machine's time goes to the server under test. Requests are built by
//! the caller ahead of the timed loop (signatures included).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::stats::Latency;

/// Builds request number `n` (0-based, unique across senders) as raw HTTP/1.1 bytes.
pub type RequestFn = Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>;

/// How hard and how long to push.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Server addresses (replicas); sender `i` talks to `addrs[i % len]`, so senders are
    /// spread round-robin over them.
    pub addrs: Vec<SocketAddr>,
    /// Other processes whose CPU time counts as the server's (a database server: these pids
    /// and their children).
    pub server_pids: Vec<u32>,
    /// Concurrent senders (one connection each).
    pub concurrency: usize,
    /// Time sent but not measured, to fill caches and pools.
    pub warmup: Duration,
    /// Time measured.
    pub duration: Duration,
}

/// What one load run measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadResult {
    /// Answers received inside the measured window.
    pub requests: u64,
    /// Of those, how many were 2xx.
    pub ok: u64,
    /// Answers by status, plus `"error"` for transport failures.
    pub statuses: BTreeMap<String, u64>,
    /// 2xx answers per second over the measured window.
    pub rate_per_s: f64,
    /// Latency of the measured answers.
    pub latency: Latency,
    /// CPU time the whole process (load generator included) used in the measured window, in
    /// nanoseconds; `None` where it cannot be read.
    pub cpu_ns: Option<u64>,
}

struct SenderOutcome {
    samples: Vec<u64>,
    statuses: BTreeMap<String, u64>,
}

/// Run the load and summarise the measured window.
pub async fn run(config: LoadConfig, request: RequestFn) -> LoadResult {
    let started = Instant::now();
    let measure_from = started + config.warmup;
    let end = measure_from + config.duration;
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for index in 0..config.concurrency.max(1) {
        let Some(addr) = config.addrs.get(index % config.addrs.len().max(1)).copied() else {
            break;
        };
        let request = request.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(sender(
            addr,
            request,
            counter,
            measure_from,
            end,
        )));
    }
    // Read the process's CPU time at the edges of the measured window.
    let server_pids = config.server_pids.clone();
    let cpu = tokio::spawn(async move {
        let read = || {
            let own = crate::cpu::process_cpu_ns()?;
            if server_pids.is_empty() {
                return Some(own);
            }
            Some(own + crate::cpu::process_tree_cpu_ns(&server_pids)?)
        };
        tokio::time::sleep_until(measure_from.into()).await;
        let first = read()?;
        tokio::time::sleep_until(end.into()).await;
        read()?.checked_sub(first)
    });
    let mut samples = Vec::new();
    let mut statuses = BTreeMap::new();
    for task in tasks {
        if let Ok(outcome) = task.await {
            samples.extend(outcome.samples);
            for (status, count) in outcome.statuses {
                *statuses.entry(status).or_insert(0) += count;
            }
        }
    }
    let ok = statuses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(_, count)| count)
        .sum();
    LoadResult {
        requests: samples.len() as u64,
        ok,
        statuses,
        rate_per_s: ok as f64 / config.duration.as_secs_f64(),
        latency: Latency::from_samples(&mut samples),
        cpu_ns: cpu.await.ok().flatten(),
    }
}

async fn sender(
    addr: SocketAddr,
    request: RequestFn,
    counter: Arc<std::sync::atomic::AtomicU64>,
    measure_from: Instant,
    end: Instant,
) -> SenderOutcome {
    let mut outcome = SenderOutcome {
        samples: Vec::new(),
        statuses: BTreeMap::new(),
    };
    let mut connection: Option<Connection> = None;
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let bytes = request(n);
        let sent_at = Instant::now();
        let answer = match connection.as_mut() {
            Some(open) => open.exchange(&bytes).await,
            None => match Connection::open(addr).await {
                Ok(mut open) => {
                    let answer = open.exchange(&bytes).await;
                    connection = Some(open);
                    answer
                }
                Err(error) => Err(error),
            },
        };
        let finished = Instant::now();
        let status = match answer {
            Ok(answer) => {
                if answer.close {
                    connection = None;
                }
                answer.status.to_string()
            }
            Err(_) => {
                connection = None;
                "error".to_owned()
            }
        };
        if sent_at >= measure_from && finished <= end {
            outcome.samples.push(
                u64::try_from(finished.duration_since(sent_at).as_micros()).unwrap_or(u64::MAX),
            );
            *outcome.statuses.entry(status).or_insert(0) += 1;
        }
    }
    outcome
}

/// A parsed answer: status and whether the server closes the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The server said `connection: close`.
    pub close: bool,
}

/// One keep-alive client connection.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    /// Connect (with `TCP_NODELAY`).
    pub async fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Send one request and read its whole answer.
    pub async fn exchange(&mut self, request: &[u8]) -> std::io::Result<Answer> {
        self.stream.write_all(request).await?;
        self.buffer.clear();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        };
        let head = std::str::from_utf8(&self.buffer[..head_end])
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
        let parsed = parse_head(head)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
        let mut have = self.buffer.len() - (head_end + 4);
        while have < parsed.length {
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            have += read;
        }
        Ok(Answer {
            status: parsed.status,
            close: parsed.close,
        })
    }
}

struct Head {
    status: u16,
    length: usize,
    close: bool,
}

fn parse_head(head: &str) -> Option<Head> {
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut length = 0;
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.trim().eq_ignore_ascii_case("close");
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Only the fixed-length answers of the servers under test are supported.
            return None;
        }
    }
    Some(Head {
        status,
        length,
        close,
    })
}

/// A `POST` request as raw bytes.
pub fn post_request(host: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("POST {path} HTTP/1.1\r\nhost: {host}\r\n");
    for (name, value) in headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed() {
        let head =
            parse_head("HTTP/1.1 202 Accepted\r\ncontent-length: 8\r\nConnection: close").unwrap();
        assert_eq!((head.status, head.length, head.close), (202, 8, true));
        assert!(parse_head("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked").is_none());
        assert!(parse_head("garbage").is_none());
    }

    #[test]
    fn requests_carry_length() {
        let bytes = post_request("h", "/x", &[("a", "b")], b"{}");
        assert_eq!(
            bytes,
            b"POST /x HTTP/1.1\r\nhost: h\r\na: b\r\ncontent-length: 2\r\n\r\n{}".to_vec()
        );
    }
}
