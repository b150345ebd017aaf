//! A fault-injecting HTTP/1.1 proxy in front of the mock third-party API.
//!
//! The mock answers every request itself, so it cannot misbehave at the transport level. The
//! proxy sits between the runtime and the mock, one request per connection, and for requests
//! matching a [`Rule`] injects a [`Fault`]: an error status (optionally with `Retry-After`), a
//! connection reset before or after the mock saw the request, or an answer slower than the
//! runtime's client timeout (the mock acting late, or answering late).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head or body the proxy reads.
const MAX_REQUEST: usize = 16 * 1024 * 1024;

/// What to do to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status without forwarding, with `Retry-After` when given.
    Status {
        /// HTTP status, e.g. 503 or 429.
        status: u16,
        /// `Retry-After` value, e.g. `"1"`.
        retry_after: Option<String>,
    },
    /// Reset the connection (RST) before the mock sees the request.
    ResetBeforeForward,
    /// Forward the request, then reset the connection instead of answering: the mock acted,
    /// the client cannot know.
    ResetAfterForward,
    /// Hold the request this long, then forward it: the mock acts after the client gave up.
    DelayRequest(Duration),
    /// Forward at once, hold the answer this long.
    DelayResponse(Duration),
}

/// Inject `fault` into the next `times` requests with `method` whose path starts with `path`.
#[derive(Debug, Clone)]
pub struct Rule {
    method: String,
    path: String,
    fault: Fault,
    times: u32,
}

impl Rule {
    /// A rule for `times` requests matching `method` (case-insensitive) and the path prefix.
    pub fn new(method: &str, path: &str, fault: Fault, times: u32) -> Self {
        Rule {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            fault,
            times,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0 && self.method.eq_ignore_ascii_case(method) && path.starts_with(&self.path)
    }
}

/// One request the proxy saw, and the fault it injected (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Upper-case method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The injected fault.
    pub fault: Option<Fault>,
}

#[derive(Debug)]
struct ProxyState {
    upstream: SocketAddr,
    rules: Mutex<Vec<Rule>>,
    seen: Mutex<Vec<Seen>>,
}

impl ProxyState {
    /// The fault for this request, consuming one use of the first matching rule.
    fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let rule = rules.iter_mut().find(|r| r.matches(method, path))?;
        rule.times -= 1;
        Some(rule.fault.clone())
    }
}

/// The running proxy. Stops accepting when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<ProxyState>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl FaultProxy {
    /// Listen on `127.0.0.1` (ephemeral port) and forward to `upstream`.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ProxyState {
            upstream,
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
        });
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    // A failed exchange only means the client or the mock went away; the
                    // client sees that as the transport error it is.
                    let _ = serve_one(client, &state).await;
                });
            }
        });
        Ok(FaultProxy {
            addr,
            state,
            accept,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Add a rule (rules are tried in the order added).
    pub fn inject(&self, rule: Rule) {
        self.state
            .rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rule);
    }

    /// Drop every rule, used up or not.
    pub fn clear(&self) {
        self.state
            .rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Every request seen so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> usize {
        self.seen().iter().filter(|s| s.fault.is_some()).count()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_owned())
}

/// Read one request: `(head without the blank line, body)`. Only `Content-Length` bodies (what
/// reqwest sends for JSON) are supported.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_REQUEST {
            return Err(invalid("request head too large"));
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(invalid("connection closed before the request head ended"));
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = content_length(&head).unwrap_or(0);
    if length > MAX_REQUEST {
        return Err(invalid("request body too large"));
    }
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(invalid("connection closed inside the request body"));
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Ok((head, body))
}

fn content_length(head: &str) -> Option<usize> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// The head with any `Connection` header replaced by `connection: close`, so the mock closes
/// after answering and the proxy can read the answer to its end.
fn closing_head(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|line| {
            !line
                .split_once(':')
                .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    lines.push("connection: close");
    let mut out = lines.join("\r\n");
    out.push_str("\r\n\r\n");
    out
}

async fn forward(upstream: SocketAddr, head: &str, body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(upstream).await?;
    stream.write_all(closing_head(head).as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(answer)
}

fn status_answer(status: u16, retry_after: Option<&str>) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {status} Injected\r\ncontent-type: text/plain\r\ncontent-length: 16\r\n\
         connection: close\r\n"
    );
    if let Some(after) = retry_after {
        text.push_str(&format!("retry-after: {after}\r\n"));
    }
    text.push_str("\r\ninjected failure");
    text.into_bytes()
}

/// Reset instead of closing: `SO_LINGER` 0 makes the close send RST.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn serve_one(mut client: TcpStream, state: &ProxyState) -> std::io::Result<()> {
    let (head, body) = read_request(&mut client).await?;
    let mut request_line = head.lines().next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_ascii_uppercase();
    let path = request_line.next().unwrap_or("").to_owned();
    let fault = state.take_fault(&method, &path);
    state
        .seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Seen {
            method,
            path,
            fault: fault.clone(),
        });
    match &fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            client
                .write_all(&status_answer(*status, retry_after.as_deref()))
                .await?;
            return client.shutdown().await;
        }
        Some(Fault::ResetBeforeForward) => {
            reset(client);
            return Ok(());
        }
        Some(Fault::DelayRequest(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    let answer = forward(state.upstream, &head, &body).await?;
    match &fault {
        Some(Fault::ResetAfterForward) => {
            reset(client);
            return Ok(());
        }
        Some(Fault::DelayResponse(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    client.write_all(&answer).await?;
    client.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_headers_are_replaced() {
        let head = "POST /hooks HTTP/1.1\r\nhost: x\r\nConnection: keep-alive\r\ncontent-length: 2";
        assert_eq!(
            closing_head(head),
            "POST /hooks HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n"
        );
        assert_eq!(content_length(head), Some(2));
        assert_eq!(content_length("GET / HTTP/1.1\r\nhost: x"), None);
    }

    #[test]
    fn rules_are_used_up_in_order() {
        let state = ProxyState {
            upstream: SocketAddr::from(([127, 0, 0, 1], 1)),
            rules: Mutex::new(vec![
                Rule::new("post", "/hooks", Fault::ResetBeforeForward, 1),
                Rule::new(
                    "POST",
                    "/",
                    Fault::DelayRequest(Duration::from_millis(1)),
                    1,
                ),
            ]),
            seen: Mutex::new(Vec::new()),
        };
        assert_eq!(
            state.take_fault("POST", "/hooks"),
            Some(Fault::ResetBeforeForward)
        );
        assert_eq!(
            state.take_fault("POST", "/hooks"),
            Some(Fault::DelayRequest(Duration::from_millis(1)))
        );
        assert_eq!(state.take_fault("POST", "/hooks"), None);
    }
}
