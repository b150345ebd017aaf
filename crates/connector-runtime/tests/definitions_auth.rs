//! ActiveDirectoryOAuth against a loopback token endpoint, and ClientCertificate against a
//! loopback TLS server that requires a client certificate.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use connector_runtime::testing::MockApi;
use connector_runtime::{DefinitionOptions, Error, HttpWebhookDefinition};
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use serde_json::json;
use support::*;

/// Token requests the loopback endpoint received: (path, form).
type TokenRequests = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

/// A Microsoft Entra v1 style token endpoint on 127.0.0.1 issuing `tok-1`, `tok-2`, … that
/// expire after one second.
async fn token_endpoint() -> (String, TokenRequests) {
    async fn issue(
        State(requests): State<TokenRequests>,
        Path(tenant): Path<String>,
        Form(form): Form<Vec<(String, String)>>,
    ) -> impl IntoResponse {
        let n = {
            let mut requests = requests.lock().unwrap();
            requests.push((tenant, form));
            requests.len()
        };
        Json(json!({"token_type": "Bearer", "expires_in": "1",
                    "access_token": format!("tok-{n}")}))
    }
    let requests = TokenRequests::default();
    let router = Router::new()
        .route("/{tenant}/oauth2/token", post(issue))
        .with_state(requests.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}/"), requests)
}

#[tokio::test]
async fn oauth_token_is_fetched_once_reused_and_refreshed_after_expiry() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let (authority, token_requests) = token_endpoint().await;
    let value = json!({"type": "HttpWebhook", "inputs": {"subscribe": {
        "method": "POST", "uri": format!("{}/hooks", api.base_url()),
        "body": {"config": {"url": "@listCallbackUrl()"}},
        "authentication": {"type": "ActiveDirectoryOAuth", "authority": authority,
            "tenant": "contoso.onmicrosoft.com", "audience": "https://api.contoso.com",
            "clientId": "app-1", "secret": "@parameters('secret')"}}}});
    let options = DefinitionOptions::new().with_parameter("secret", json!("s3cret"));
    let hook = HttpWebhookDefinition::from_value_with(&value, &options)
        .unwrap()
        .with_name("oauth");
    assert!(!format!("{hook:?}").contains("s3cret"));
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();

    let first = host.enable(&hook).await.unwrap();
    let second = host.enable(&hook).await.unwrap();
    host.disable(&first).await.unwrap();
    let authorizations = |method: &str, prefix: &str| -> Vec<String> {
        api.requests_to(method, prefix)
            .iter()
            .map(|r| r.header("authorization").unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        authorizations("POST", "/hooks"),
        ["Bearer tok-1", "Bearer tok-1"]
    );
    assert_eq!(authorizations("DELETE", "/hooks/"), ["Bearer tok-1"]);
    {
        let requests = token_requests.lock().unwrap();
        assert_eq!(requests.len(), 1, "fetched once, then reused");
        let (tenant, form) = &requests[0];
        assert_eq!(tenant, "contoso.onmicrosoft.com");
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(field("grant_type"), Some("client_credentials"));
        assert_eq!(field("client_id"), Some("app-1"));
        assert_eq!(field("client_secret"), Some("s3cret"));
        assert_eq!(field("resource"), Some("https://api.contoso.com"));
    }

    // After expiry the next request fetches a new token.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    host.disable(&second).await.unwrap();
    assert_eq!(
        authorizations("DELETE", "/hooks/"),
        ["Bearer tok-1", "Bearer tok-2"]
    );
    assert_eq!(token_requests.lock().unwrap().len(), 2);
    host.shutdown().await;
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by it.
struct Pki {
    ca_pem: String,
    ca_der: Vec<u8>,
    server_der: Vec<u8>,
    server_key_der: Vec<u8>,
    client_der: Vec<u8>,
    client_key_der: Vec<u8>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "definitions test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let mut server_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = server_params.signed_by(&server_key, &ca, &ca_key).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params
        .distinguished_name
        .push(DnType::CommonName, "logic-app-client");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    Pki {
        ca_pem: ca.pem(),
        ca_der: ca.der().to_vec(),
        server_der: server.der().to_vec(),
        server_key_der: server_key.serialize_der(),
        client_der: client.der().to_vec(),
        client_key_der: client_key.serialize_der(),
    }
}

/// A TLS server on 127.0.0.1 that requires a client certificate signed by the CA; it serves
/// `POST /hooks` (201, `Location`) and `DELETE /hooks/{id}` and counts what it served.
async fn mtls_server(pki: &Pki) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let served = Arc::new(Mutex::new(Vec::new()));
    let create = {
        let served = served.clone();
        move || {
            served.lock().unwrap().push("POST /hooks".to_owned());
            async { (StatusCode::CREATED, [("location", "/hooks/1")], "{}") }
        }
    };
    let remove = {
        let served = served.clone();
        move |Path(id): Path<String>| {
            served.lock().unwrap().push(format!("DELETE /hooks/{id}"));
            async { StatusCode::NO_CONTENT }
        }
    };
    let router = Router::new()
        .route("/hooks", post(create))
        .route("/hooks/{id}", delete(remove));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone().into()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![pki.server_der.clone().into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.server_key_der.clone().into()),
        )
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config));
    let server = axum_server::from_tcp_rustls(listener, config).unwrap();
    tokio::spawn(async move {
        let _ = server.serve(router.into_make_service()).await;
    });
    (addr, served)
}

fn pem_block(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[tokio::test]
async fn client_certificate_from_a_pfx_is_presented() {
    let pki = pki();
    let (addr, served) = mtls_server(&pki).await;
    let host = memory_host().await;
    let pfx = p12::PFX::new(
        &pki.client_der,
        &pki.client_key_der,
        None,
        "pfx-pass",
        "client",
    )
    .unwrap()
    .to_der();
    let definition = |authentication: serde_json::Value| {
        json!({"type": "HttpWebhook", "inputs": {"subscribe": {
            "method": "POST", "uri": format!("https://{addr}/hooks"),
            "body": {"url": "@listCallbackUrl()"}, "authentication": authentication,
            "retryPolicy": {"type": "none"}}}})
    };
    let options = DefinitionOptions::new()
        .with_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap());

    let hook = HttpWebhookDefinition::from_value_with(
        &definition(json!({"type": "ClientCertificate",
            "pfx": base64::engine::general_purpose::STANDARD.encode(&pfx),
            "password": "pfx-pass"})),
        &options,
    )
    .unwrap()
    .with_name("mtls");
    assert!(!format!("{hook:?}").contains("pfx-pass"));
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();
    let id = host.enable(&hook).await.unwrap();
    host.disable(&id).await.unwrap();
    assert_eq!(*served.lock().unwrap(), ["POST /hooks", "DELETE /hooks/1"]);

    // The same request with the key and certificate given as PEM works too.
    let pem = format!(
        "{}{}",
        pem_block("PRIVATE KEY", &pki.client_key_der),
        pem_block("CERTIFICATE", &pki.client_der)
    );
    let from_pem = HttpWebhookDefinition::from_value_with(
        &definition(json!({"type": "ClientCertificate", "pem": pem})),
        &options,
    )
    .unwrap()
    .with_name("mtls-pem");
    host.register(&from_pem, from_pem.connection(), |_| async { Ok(()) })
        .unwrap();
    let id = host.enable(&from_pem).await.unwrap();
    host.disable(&id).await.unwrap();
    assert_eq!(served.lock().unwrap().len(), 4);

    // A certificate the server does not trust is turned away at the handshake.
    let stranger = rcgen::generate_simple_self_signed(vec!["stranger".to_owned()]).unwrap();
    let untrusted = HttpWebhookDefinition::from_value_with(
        &definition(json!({"type": "ClientCertificate",
            "pem": format!("{}{}", stranger.key_pair.serialize_pem(), stranger.cert.pem())})),
        &options,
    )
    .unwrap()
    .with_name("mtls-stranger");
    host.register(&untrusted, untrusted.connection(), |_| async { Ok(()) })
        .unwrap();
    let refused = host.enable(&untrusted).await;
    assert!(
        matches!(refused, Err(Error::Transport { .. })),
        "{refused:?}"
    );
    assert_eq!(served.lock().unwrap().len(), 4);
    host.shutdown().await;
}

#[tokio::test]
async fn oauth_with_a_certificate_sends_a_signed_client_assertion() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let (authority, token_requests) = token_endpoint().await;
    // Microsoft Entra takes RS256 assertions; ring signs RSA but cannot make RSA keys, so the
    // key is a fixture made for this test only.
    let key_pem = std::fs::read_to_string(format!(
        "{}/tests/fixtures/logic-apps/test-only-oauth-client-key.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let key = KeyPair::from_pem(&key_pem).unwrap();
    let cert = CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let pfx = p12::PFX::new(cert.der(), &key.serialize_der(), None, "pw", "client")
        .unwrap()
        .to_der();
    let b64 = base64::engine::general_purpose::STANDARD;
    let value = json!({"type": "HttpWebhook", "inputs": {"subscribe": {
        "method": "POST", "uri": format!("{}/hooks", api.base_url()),
        "body": {"config": {"url": "@listCallbackUrl()"}},
        "authentication": {"type": "ActiveDirectoryOAuth", "authority": authority,
            "tenant": "t-9", "audience": "https://api.contoso.com", "clientId": "app-2",
            "credentialType": "Certificate", "pfx": b64.encode(&pfx), "password": "pw"}}}});
    let hook = HttpWebhookDefinition::from_value(value)
        .unwrap()
        .with_name("oauth-cert");
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();
    host.enable(&hook).await.unwrap();
    assert_eq!(
        api.requests_to("POST", "/hooks")[0].header("authorization"),
        Some("Bearer tok-1")
    );

    let form = token_requests.lock().unwrap()[0].1.clone();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(field("client_secret"), None);
    assert_eq!(
        field("client_assertion_type").as_deref(),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    let assertion = field("client_assertion").unwrap();
    let parts: Vec<&str> = assertion.split('.').collect();
    let url_b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let decode = |part: &str| -> serde_json::Value {
        serde_json::from_slice(&url_b64.decode(part).unwrap()).unwrap()
    };
    let header = decode(parts[0]);
    let thumbprint = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert.der());
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["x5t"], url_b64.encode(thumbprint.as_ref()));
    let claims = decode(parts[1]);
    assert_eq!(claims["aud"], format!("{authority}t-9/oauth2/token"));
    assert_eq!(claims["iss"], "app-2");
    assert_eq!(claims["sub"], "app-2");
    let signature = url_b64.decode(parts[2]).unwrap();
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        key.public_key_raw(),
    )
    .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
    .unwrap();
    host.shutdown().await;
}
