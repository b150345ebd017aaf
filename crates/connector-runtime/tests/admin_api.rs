//! The admin JSON API over loopback: authentication, listings with filters and cursors,
//! 400 / 401 / 404 answers, and no secret in any answer.

mod support;

use support::admin::*;

const GET_ROUTES: &[&str] = &[
    "/api/triggers",
    "/api/subscriptions",
    "/api/deliveries",
    "/api/waits",
    "/api/attempts",
    "/api/audit",
    "/metrics",
];

#[tokio::test]
async fn every_route_needs_a_valid_token() {
    let fixture = AdminFixture::start().await;
    let id = fixture.subscription_with_deliveries(1).await;
    let mut routes: Vec<(bool, String)> =
        GET_ROUTES.iter().map(|r| (false, r.to_string())).collect();
    routes.push((false, format!("/api/subscriptions/{id}")));
    routes.push((false, "/api/deliveries/1".into()));
    for action in ["disable", "enable", "retry-unsubscribe", "requeue-failed"] {
        routes.push((true, format!("/api/subscriptions/{id}/{action}")));
    }
    routes.push((true, "/api/deliveries/1/requeue".into()));
    for (post, route) in &routes {
        for token in [
            None,
            Some("wrong"),
            Some(""),
            Some(&OPS_TOKEN[..OPS_TOKEN.len() - 1]),
        ] {
            let (status, body) = if *post {
                fixture.post(route, token).await
            } else {
                fixture.get(route, token).await
            };
            assert_eq!(status, 401, "{route} with {token:?}: {body}");
        }
    }
    for route in GET_ROUTES {
        assert_eq!(fixture.get(route, Some(CI_TOKEN)).await.0, 200, "{route}");
    }
    // Pages send a browser without the cookie to the login form.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", fixture.admin))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 303);
    // The callback port serves no admin route.
    let public = fixture
        .client
        .get(format!("{}/api/triggers", fixture.host.public_url()))
        .bearer_auth(OPS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(public.status().as_u16(), 404);
    assert_ne!(fixture.host.admin_addr(), Some(fixture.host.local_addr()));
}

#[tokio::test]
async fn an_admin_listener_without_a_token_is_refused() {
    let error = connector_runtime::Host::builder()
        .with_sqlite(":memory:")
        .with_admin_bind("127.0.0.1:0".parse().unwrap())
        .build()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("token"), "{error}");
    let off = connector_runtime::Host::builder()
        .with_sqlite(":memory:")
        .build()
        .await
        .unwrap();
    assert_eq!(off.admin_addr(), None, "off by default");
}

#[tokio::test]
async fn listings_filter_and_page_by_cursor() {
    let fixture = AdminFixture::start().await;
    let first = fixture.subscription_with_deliveries(3).await;
    let second = fixture.subscription_with_deliveries(2).await;
    fixture.until_all(&first, "failed", 3).await;
    fixture.until_all(&second, "failed", 2).await;

    let triggers = fixture.json("/api/triggers").await;
    assert_eq!(triggers["items"][0]["name"], "orders");
    assert_eq!(triggers["items"][0]["kind"], "trigger");

    let subscriptions = fixture.json("/api/subscriptions?trigger=orders").await;
    let items = subscriptions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second.as_str(), "newest first");
    assert_eq!(items[0]["state"], "active");
    assert!(items[0]["callback_url"]
        .as_str()
        .unwrap()
        .contains("sig=%3Credacted%3E"));
    assert!(items[0]["location"].as_str().unwrap().contains("/hooks/"));
    assert!(items[0]["unsubscribe"]
        .as_str()
        .unwrap()
        .starts_with("DELETE "));
    assert!(items[0]["last_callback_ms"].as_i64().is_some());
    let none = fixture.json("/api/subscriptions?state=gone").await;
    assert!(none["items"].as_array().unwrap().is_empty());

    // Two per page over five failed rows: 2 + 2 + 1, newest first, no row twice.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/deliveries?trigger=orders&state=failed&limit=2".to_owned();
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = fixture.json(&path).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_i64().unwrap());
            assert_eq!(item["state"], "failed");
            assert_eq!(item["last_error"], "downstream said no");
            assert!(item.get("body").is_none(), "bodies only on request");
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");

    let of_first = fixture
        .json(&format!("/api/deliveries?subscription={first}&body=true"))
        .await;
    let rows = of_first["items"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["body"]["seq"], 2);
    let now = connector_runtime::store::now_ms();
    let recent = fixture
        .json(&format!(
            "/api/deliveries?since={}&until={}",
            now - 60_000,
            now + 60_000
        ))
        .await;
    assert_eq!(recent["items"].as_array().unwrap().len(), 5);
    let future = fixture
        .json(&format!("/api/deliveries?since={}", now + 60_000))
        .await;
    assert!(future["items"].as_array().unwrap().is_empty());

    let one = fixture
        .json(&format!("/api/deliveries/{}?body=true", seen[0]))
        .await;
    assert_eq!(one["attempts"], 1);
    let headers = one["headers"].as_array().unwrap();
    let header = |name: &str| {
        headers
            .iter()
            .find(|pair| pair[0] == name)
            .map(|pair| pair[1].as_str().unwrap().to_owned())
    };
    assert_eq!(header("authorization").as_deref(), Some("<redacted>"));
    assert_eq!(header("x-api-key").as_deref(), Some("<redacted>"));
    assert!(header("x-github-delivery")
        .unwrap()
        .starts_with("delivery-"));
    assert_eq!(one["body"]["hook"]["config"]["secret"], "<redacted>");

    let attempts = fixture.json("/api/attempts?trigger=orders&state=ok").await;
    let attempts = attempts["items"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[0]["operation"], "subscribe");
    assert_eq!(attempts[0]["status"], 201);

    let waits = fixture.json("/api/waits").await;
    assert!(waits["items"].as_array().unwrap().is_empty());

    let metrics = fixture.get("/metrics", Some(OPS_TOKEN)).await.1;
    for family in [
        "connector_callbacks_total{status=\"202\"} 5",
        "connector_deliveries_total{event=\"stored\"} 5",
        "connector_deliveries_total{event=\"failed\"} 5",
        "connector_handler_duration_seconds_count 5",
        "connector_queue_depth 0",
        "connector_deliveries_failed_stored 5",
        "connector_subscriptions{state=\"active\"} 2",
        "connector_subscription_attempts_total{operation=\"subscribe\",outcome=\"ok\"} 2",
    ] {
        assert!(metrics.contains(family), "{family} missing from {metrics}");
    }

    // Nothing secret anywhere.
    let mut answers = Vec::new();
    for path in [
        "/api/subscriptions".to_owned(),
        "/api/deliveries?body=true".to_owned(),
        format!("/api/deliveries/{}?body=true", seen[0]),
        format!("/api/subscriptions/{first}"),
        "/api/attempts".to_owned(),
        "/metrics".to_owned(),
    ] {
        answers.push((path.clone(), fixture.get(&path, Some(OPS_TOKEN)).await.1));
    }
    for (path, text) in answers {
        fixture.assert_no_secret(&[&first, &second], &path, &text);
    }
}

#[tokio::test]
async fn bad_filters_and_cursors_are_400_and_unknown_ids_404() {
    let fixture = AdminFixture::start().await;
    fixture.subscription_with_deliveries(1).await;
    for (path, expected) in [
        ("/api/deliveries?state=lost", "state"),
        ("/api/deliveries?cursor=bm9wZQ", "cursor"),
        ("/api/deliveries?cursor=%25%25", "cursor"),
        ("/api/deliveries?since=yesterday", "since"),
        (
            "/api/deliveries?since=10&until=5",
            "since must be before until",
        ),
        ("/api/deliveries?limit=0", "limit"),
        ("/api/deliveries?limit=100000", "limit"),
        ("/api/deliveries?body=maybe", "body"),
        ("/api/deliveries?colour=red", "unknown filter"),
        ("/api/deliveries?subscription=../etc", "subscription"),
        ("/api/subscriptions?state=done", "state"),
        ("/api/attempts?state=failed", "state"),
        ("/api/audit?state=explode", "state"),
        ("/api/deliveries/abc", "not a number"),
    ] {
        let (status, body) = fixture.get(path, Some(OPS_TOKEN)).await;
        assert_eq!(status, 400, "{path}: {body}");
        let message: serde_json::Value = serde_json::from_str(&body).unwrap();
        let message = message["error"].as_str().unwrap();
        assert!(message.contains(expected), "{path}: {message}");
    }
    for path in [
        "/api/deliveries/999999",
        "/api/subscriptions/sdoesnotexist",
        "/api/no-such-route",
    ] {
        let (status, body) = fixture.get(path, Some(OPS_TOKEN)).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    for path in [
        "/api/deliveries/999999/requeue",
        "/api/subscriptions/sdoesnotexist/disable",
        "/api/subscriptions/sdoesnotexist/enable",
        "/api/subscriptions/sdoesnotexist/retry-unsubscribe",
        "/api/subscriptions/sdoesnotexist/requeue-failed",
    ] {
        let (status, body) = fixture.post(path, Some(OPS_TOKEN)).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
}

#[tokio::test]
async fn pages_render_behind_the_login_cookie_without_secrets() {
    let fixture = AdminFixture::start().await;
    let id = fixture.subscription_with_deliveries(2).await;
    fixture.until_all(&id, "failed", 2).await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wrong = browser
        .post(format!("{}/login", fixture.admin))
        .form(&[("token", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let login = browser
        .post(format!("{}/login", fixture.admin))
        .form(&[("token", OPS_TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 303);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let delivery = fixture.json("/api/deliveries?limit=1").await["items"][0]["id"].clone();
    for (path, expected) in [
        ("/".to_owned(), "Recent failed deliveries"),
        ("/triggers/orders".to_owned(), "downstream said no"),
        ("/triggers/orders?state=failed".to_owned(), "Requeue"),
        (format!("/subscriptions/{id}"), "subscribe"),
        (format!("/deliveries/{delivery}"), "&quot;seq&quot;"),
    ] {
        let response = browser
            .get(format!("{}{path}", fixture.admin))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains(expected), "{path} lacks {expected:?}: {html}");
        fixture.assert_no_secret(&[&id], &path, &html);
    }
    for path in [
        "/triggers/nope",
        "/subscriptions/snope",
        "/deliveries/424242",
    ] {
        let response = browser
            .get(format!("{}{path}", fixture.admin))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
}
