//! Hostile input to callback URLs, table-driven: every row gets its expected status, and
//! nothing but the one valid delivery is stored or dispatched.
//!
//! A real host on a SQLite file, real HTTP on loopback. Two triggers: one checks Standard
//! Webhooks signatures, one GitHub's `X-Hub-Signature-256`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use connector_bench::crash::host::definition;
use connector_bench::crash::ApiStyle;
use connector_runtime::testing::MockApi;
use connector_runtime::verify::{sign, CallbackSigner};
use connector_runtime::{Host, SignatureCheck, SubscriptionId, TriggerOptions};

const SIGNING_KEY: &[u8] = b"bad-input-test-callback-key";
const STANDARD_KEY: &[u8] = b"standard webhooks key, 24+ bytes";
const GITHUB_SECRET: &[u8] = b"It's a Secret to Everybody";
const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy)]
enum Target {
    /// The live Standard Webhooks subscription.
    Standard,
    /// The live GitHub subscription.
    GitHub,
    /// A well-formed id with a valid token that the store does not know.
    Unknown,
    /// A subscription that was disabled.
    Disabled,
    /// The live Standard Webhooks subscription with a forged `sig` token.
    ForgedToken,
    /// The live Standard Webhooks subscription without a `sig` token.
    NoToken,
    /// An id that is no id at all.
    Traversal,
}

/// How a row's request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Send {
    /// reqwest, with `Content-Length`.
    Client,
    /// Raw socket, reading the answer while still writing the body, as senders that handle
    /// early answers do (curl). hyper's client reports a broken pipe instead of the 413 when
    /// the server answers before the body is sent, so the oversized rows use this.
    EarlyAnswer {
        /// `Transfer-Encoding: chunked` instead of `Content-Length`.
        chunked: bool,
    },
}

struct Row {
    name: &'static str,
    method: &'static str,
    target: Target,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    send: Send,
    expect: u16,
}

/// Send a request on a raw socket: the body is written by its own task while the answer is
/// read, so an early answer is seen even if the server stops reading. Returns the status.
async fn send_early_answer(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    chunked: bool,
) -> std::io::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let parsed = url::Url::parse(url).map_err(|e| std::io::Error::other(e.to_string()))?;
    let authority = format!(
        "{}:{}",
        parsed.host_str().unwrap_or("127.0.0.1"),
        parsed.port_or_known_default().unwrap_or(80)
    );
    let target = match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let stream = tokio::net::TcpStream::connect(&authority).await?;
    let (mut reader, mut writer) = stream.into_split();
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {authority}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if chunked {
        head.push_str("transfer-encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    }
    let write = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        if chunked {
            for chunk in body.chunks(64 * 1024) {
                writer
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                writer.write_all(chunk).await?;
                writer.write_all(b"\r\n").await?;
            }
            writer.write_all(b"0\r\n\r\n").await?;
        } else {
            writer.write_all(&body).await?;
        }
        std::io::Result::Ok(())
    });
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let status = loop {
        if let Some(line_end) = answer.windows(2).position(|w| w == b"\r\n") {
            let line = String::from_utf8_lossy(&answer[..line_end]).into_owned();
            break line
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        }
        let read = reader.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        answer.extend_from_slice(&chunk[..read]);
    };
    // The server may stop reading after answering: the writer's broken pipe is expected.
    write.abort();
    Ok(status)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Standard Webhooks headers for `body` with `signature` as the signature header.
fn standard_headers(id: &str, timestamp: i64, signature: &str) -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "application/json".into()),
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), timestamp.to_string()),
        ("webhook-signature".into(), signature.into()),
    ]
}

fn signed_standard(id: &str, body: &[u8]) -> Vec<(String, String)> {
    let timestamp = now();
    let signature = sign::standard_webhooks(STANDARD_KEY, id, timestamp, body);
    standard_headers(id, timestamp, &signature)
}

fn github_headers(delivery: &str, signature: Option<&str>) -> Vec<(String, String)> {
    let mut headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        ("x-github-event".to_owned(), "push".to_owned()),
        ("x-github-delivery".to_owned(), delivery.to_owned()),
    ];
    if let Some(signature) = signature {
        headers.push(("x-hub-signature-256".to_owned(), signature.to_owned()));
    }
    headers
}

fn rows() -> Vec<Row> {
    // One timestamp for the whole table, so a second boundary cannot split signing and sending.
    let ts = now();
    let body = br#"{"type":"invoice.paid","data":{"id":"in_1"}}"#.to_vec();
    let good = sign::standard_webhooks(STANDARD_KEY, "msg_valid", ts, &body);
    let wrong = sign::standard_webhooks(b"some other key entirely", "msg_wrong", ts, &body);
    let truncated = {
        let full = sign::standard_webhooks(STANDARD_KEY, "msg_trunc", ts, &body);
        full[..full.len() - 6].to_owned()
    };
    let gh_good = sign::github(GITHUB_SECRET, &body);
    let big = {
        let mut big = br#"{"pad":""#.to_vec();
        big.resize(10 * 1024 * 1024, b'a');
        big.extend_from_slice(br#""}"#);
        big
    };
    let malformed = br#"{"type": "invoice.paid", "data": {"#.to_vec();
    let row = |name, method, target, headers, body: &[u8], expect| Row {
        name,
        method,
        target,
        headers,
        body: body.to_vec(),
        send: Send::Client,
        expect,
    };
    let early = |row: Row, chunked| Row {
        send: Send::EarlyAnswer { chunked },
        ..row
    };
    vec![
        row(
            "valid (the one delivery dispatched)",
            "POST",
            Target::Standard,
            standard_headers("msg_valid", ts, &good),
            &body,
            202,
        ),
        row(
            "replayed delivery id",
            "POST",
            Target::Standard,
            standard_headers("msg_valid", ts, &good),
            &body,
            200,
        ),
        row(
            "wrong signature",
            "POST",
            Target::Standard,
            standard_headers("msg_wrong", ts, &wrong),
            &body,
            401,
        ),
        row(
            "truncated signature",
            "POST",
            Target::Standard,
            standard_headers("msg_trunc", ts, &truncated),
            &body,
            401,
        ),
        row(
            "signature header `v1,` with nothing after it",
            "POST",
            Target::Standard,
            standard_headers("msg_empty", ts, "v1,"),
            &body,
            401,
        ),
        row(
            "signature header `v1` without a comma",
            "POST",
            Target::Standard,
            standard_headers("msg_nocomma", ts, "v1"),
            &body,
            401,
        ),
        row(
            "signature of another version only",
            "POST",
            Target::Standard,
            standard_headers("msg_v2", ts, &good.replacen("v1,", "v2,", 1)),
            &body,
            401,
        ),
        row(
            "signature header missing",
            "POST",
            Target::Standard,
            vec![
                ("content-type".into(), "application/json".into()),
                ("webhook-id".into(), "msg_nosig".into()),
                ("webhook-timestamp".into(), ts.to_string()),
            ],
            &body,
            401,
        ),
        row(
            "stale timestamp, correctly signed",
            "POST",
            Target::Standard,
            standard_headers(
                "msg_stale",
                ts - 3600,
                &sign::standard_webhooks(STANDARD_KEY, "msg_stale", ts - 3600, &body),
            ),
            &body,
            401,
        ),
        row(
            "timestamp not a number",
            "POST",
            Target::Standard,
            standard_headers("msg_ts", 0, &good)
                .into_iter()
                .map(|(k, v)| {
                    if k == "webhook-timestamp" {
                        (k, "soon".into())
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            &body,
            401,
        ),
        row(
            "forged callback token",
            "POST",
            Target::ForgedToken,
            signed_standard("msg_forged", &body),
            &body,
            401,
        ),
        row(
            "missing callback token",
            "POST",
            Target::NoToken,
            signed_standard("msg_notoken", &body),
            &body,
            401,
        ),
        row(
            "unknown subscription id",
            "POST",
            Target::Unknown,
            signed_standard("msg_unknown", &body),
            &body,
            404,
        ),
        row(
            "path tricks instead of an id",
            "POST",
            Target::Traversal,
            signed_standard("msg_traversal", &body),
            &body,
            404,
        ),
        row(
            "disabled subscription",
            "POST",
            Target::Disabled,
            signed_standard("msg_disabled", &body),
            &body,
            410,
        ),
        row(
            "malformed JSON, correctly signed",
            "POST",
            Target::Standard,
            signed_standard("msg_malformed", &malformed),
            &malformed,
            400,
        ),
        early(
            row(
                "10 MB body, correctly signed",
                "POST",
                Target::Standard,
                signed_standard("msg_big", &big),
                &big,
                413,
            ),
            false,
        ),
        early(
            row(
                "10 MB chunked body (no Content-Length), correctly signed",
                "POST",
                Target::Standard,
                signed_standard("msg_big_chunked", &big),
                &big,
                413,
            ),
            true,
        ),
        row(
            "wrong content type, correctly signed",
            "POST",
            Target::Standard,
            signed_standard("msg_ctype", &body)
                .into_iter()
                .map(|(k, v)| {
                    if k == "content-type" {
                        (k, "text/plain".into())
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            &body,
            415,
        ),
        row(
            "wrong method GET",
            "GET",
            Target::Standard,
            signed_standard("msg_get", b""),
            b"",
            405,
        ),
        row(
            "wrong method PUT",
            "PUT",
            Target::Standard,
            signed_standard("msg_put", &body),
            &body,
            405,
        ),
        row(
            "wrong method DELETE",
            "DELETE",
            Target::Standard,
            signed_standard("msg_delete", b""),
            b"",
            405,
        ),
        row(
            "GitHub: wrong signature",
            "POST",
            Target::GitHub,
            github_headers("gh-wrong", Some(&sign::github(b"wrong secret", &body))),
            &body,
            401,
        ),
        row(
            "GitHub: truncated signature",
            "POST",
            Target::GitHub,
            github_headers("gh-trunc", Some(&gh_good[..gh_good.len() - 2])),
            &body,
            401,
        ),
        row(
            "GitHub: `sha256=` with nothing after it",
            "POST",
            Target::GitHub,
            github_headers("gh-empty", Some("sha256=")),
            &body,
            401,
        ),
        row(
            "GitHub: SHA-1 signature only",
            "POST",
            Target::GitHub,
            github_headers(
                "gh-sha1",
                Some("sha1=0123456789abcdef0123456789abcdef01234567"),
            ),
            &body,
            401,
        ),
        row(
            "GitHub: signature missing",
            "POST",
            Target::GitHub,
            github_headers("gh-none", None),
            &body,
            401,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_callbacks_get_their_status_and_nothing_is_dispatched() {
    let mock = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = Host::builder()
        .with_sqlite(dir.path().join("bad-input.db"))
        .with_signing_key(SIGNING_KEY.to_vec())
        .with_body_limit(BODY_LIMIT)
        .build()
        .await
        .unwrap();
    let dispatched = Arc::new(AtomicUsize::new(0));
    let count = |counter: &Arc<AtomicUsize>| {
        let counter = counter.clone();
        move |_callback| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        }
    };
    let standard = definition(&mock.base_url(), ApiStyle::Location)
        .unwrap()
        .with_name("standard");
    let secret = format!("whsec_{}", STANDARD.encode(STANDARD_KEY));
    let options = TriggerOptions::default()
        .with_signature(SignatureCheck::standard_webhooks(&secret).unwrap());
    host.register_with(
        &standard,
        standard.connection(),
        options,
        count(&dispatched),
    )
    .unwrap();
    let github = definition(&mock.base_url(), ApiStyle::Location)
        .unwrap()
        .with_name("github");
    let options =
        TriggerOptions::default().with_signature(SignatureCheck::github(GITHUB_SECRET.to_vec()));
    host.register_with(&github, github.connection(), options, count(&dispatched))
        .unwrap();
    host.resume().await.unwrap();
    let live = host.enable(&standard).await.unwrap();
    let live_github = host.enable(&github).await.unwrap();
    let disabled = host.enable(&standard).await.unwrap();
    host.disable(&disabled).await.unwrap();

    let signer = CallbackSigner::new(SIGNING_KEY.to_vec());
    let unknown = SubscriptionId::generate();
    let base = host.public_url().to_owned();
    let url_of = |target: Target| match target {
        Target::Standard => host.callback_url(&live),
        Target::GitHub => host.callback_url(&live_github),
        Target::Disabled => host.callback_url(&disabled),
        Target::Unknown => format!(
            "{base}/callbacks/{unknown}?sig={}",
            signer.token(unknown.as_str())
        ),
        Target::ForgedToken => format!(
            "{base}/callbacks/{live}?sig={}",
            signer.token("someone-else")
        ),
        Target::NoToken => format!("{base}/callbacks/{live}"),
        Target::Traversal => format!("{base}/callbacks/..%2F..%2Fetc%2Fpasswd?sig=x"),
    };

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut failures = Vec::new();
    for row in rows() {
        let url = url_of(row.target);
        let answer = match row.send {
            Send::Client => {
                let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
                let mut request = client.request(method, url);
                for (name, value) in &row.headers {
                    request = request.header(name, value);
                }
                request
                    .body(row.body.clone())
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
                    .map_err(|e| e.to_string())
            }
            Send::EarlyAnswer { chunked } => {
                send_early_answer(&url, row.method, &row.headers, row.body.clone(), chunked)
                    .await
                    .map_err(|e| e.to_string())
            }
        };
        let status = match answer {
            Ok(status) => status,
            Err(error) => {
                failures.push(format!("{}: no answer ({error})", row.name));
                continue;
            }
        };
        let verdict = if status == row.expect { "ok  " } else { "FAIL" };
        println!(
            "{verdict} {:>3} (expected {}) {}",
            status, row.expect, row.name
        );
        if status != row.expect {
            failures.push(format!("{}: {status}, expected {}", row.name, row.expect));
        }
    }

    // The valid delivery reaches its handler; give stray dispatches the same time to show up.
    let delivered = connector_runtime::testing::eventually(Duration::from_secs(5), || {
        dispatched.load(Ordering::SeqCst) >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(delivered, "the valid delivery was never dispatched");
    assert_eq!(
        dispatched.load(Ordering::SeqCst),
        1,
        "only the valid delivery may be dispatched (once)"
    );
    let store = host.store();
    assert_eq!(store.deliveries_of(&live).await.unwrap().len(), 1);
    assert!(store.deliveries_of(&live_github).await.unwrap().is_empty());
    assert!(store.deliveries_of(&disabled).await.unwrap().is_empty());
    assert!(store.deliveries_of(&unknown).await.unwrap().is_empty());
    host.shutdown().await;
    assert!(
        failures.is_empty(),
        "rows with the wrong answer:\n{}",
        failures.join("\n")
    );
}
