//! The run-history page in Debian's Chromium, driven headless over WebDriver: log in, find a
//! failed delivery, requeue it, and watch it turn done once the handler succeeds.
//!
//! The browser must start: if chromedriver or Chromium is missing this test fails (install
//! them with `scripts/test.sh`), it never skips.

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use support::admin::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {CHROMEDRIVER} (run scripts/test.sh to install it): {e}")
        });
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
    };
    let args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--window-size=1280,860".to_owned(),
        format!("--user-data-dir={}", driver._profile.path().display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    // chromedriver takes a moment to listen; a browser that never comes up fails the test.
    let mut last_error = String::new();
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(error) => last_error = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the headless browser did not start: {last_error}");
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_is_found_and_requeued_in_the_browser() {
    let fixture = AdminFixture::start().await;
    let id = fixture.subscription_with_deliveries(3).await;
    fixture.until_all(&id, "failed", 3).await;
    // A few that succeed, so the history shows both colours.
    fixture.failing.store(false, Ordering::SeqCst);
    let ok = fixture.subscription_with_deliveries(2).await;
    fixture.until_all(&ok, "done", 2).await;

    let (_driver, client) = start_browser().await;
    client
        .goto(&format!("{}/login", fixture.admin))
        .await
        .unwrap();
    client
        .find(Locator::Id("token"))
        .await
        .unwrap()
        .send_keys(OPS_TOKEN)
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("header nav"))
        .await
        .unwrap();

    // Overview → the trigger's run history → its failed tab.
    client
        .find(Locator::LinkText("orders"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("table#deliveries"))
        .await
        .unwrap();
    let screenshot = client.screenshot().await.unwrap();
    let png = std::env::temp_dir().join("connector-runtime-run-history.png");
    std::fs::write(&png, &screenshot).unwrap();
    if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("run-history.png"), &screenshot).unwrap();
    }
    let page = client.source().await.unwrap();
    fixture.assert_no_secret(&[&id, &ok], "the run-history page", &page);

    client
        .find(Locator::LinkText("Failed"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let failed = client
        .wait()
        .for_element(Locator::Css("tr.delivery[data-state=failed] td a"))
        .await
        .unwrap();
    let delivery = failed.text().await.unwrap();
    failed.click().await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("pre#body"))
        .await
        .unwrap();
    assert_eq!(text_of(&client, "#delivery-state").await, "failed");
    let page = client.source().await.unwrap();
    fixture.assert_no_secret(&[&id, &ok], "the delivery page", &page);
    assert!(page.contains("downstream said no"));

    client
        .find(Locator::Css("button.requeue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The button reloads the page, which refreshes itself while the delivery is pending.
    let mut state = String::new();
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        if let Ok(element) = client.find(Locator::Css("#delivery-state")).await {
            if let Ok(text) = element.text().await {
                state = text;
                if state == "done" {
                    break;
                }
            }
        }
    }
    assert_eq!(state, "done", "delivery {delivery} after requeue");
    let audit = fixture.json("/api/audit?state=requeue").await;
    assert_eq!(audit["items"][0]["token_name"], "ops");
    assert_eq!(audit["items"][0]["delivery"].to_string(), delivery);
    client.close().await.unwrap();
}
