//! `authentication` of a definition request, as Logic Apps' "Authenticate HTTP actions and
//! triggers" describes it:
//!
//! | `type`                   | fields                                                        |
//! |--------------------------|---------------------------------------------------------------|
//! | none (absent, `{}`, `None`) | —                                                          |
//! | `Basic`                  | `username`, `password`                                        |
//! | `Raw`                    | `value` (sent as `Authorization`; `header` names another one)   |
//! | `ClientCertificate`      | `pfx` (base64) and `password`, or `pem` (certificate chain and key) |
//! | `ActiveDirectoryOAuth`   | `tenant`, `audience`, `clientId`, `secret` — or `credentialType: Certificate` with `pfx`/`password` — and `authority` (default `https://login.microsoftonline.com/`) |
//! | `Bearer` (runtime extension) | `token`                                                   |
//!
//! `ManagedServiceIdentity` needs Azure's identity endpoint and is refused. Field values may
//! be expressions (`@parameters('secret')`), evaluated at load. Secrets never reach `Debug`,
//! `Display` or an error: they are held in [`Secret`].

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::Value;

use super::reader::Object;
use super::LoadContext;
use crate::Auth;

/// Default Microsoft Entra authority, as Logic Apps uses for global Azure.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com/";

/// A secret value: printed as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Outbound authentication of one definition request.
#[derive(Clone, Debug)]
pub enum WebhookAuthentication {
    /// No credentials (absent, `{}` or `{"type": "None"}`).
    None,
    /// HTTP basic.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A raw header value, sent as `Authorization` unless `header` names another header.
    Raw {
        /// The header value.
        value: Secret,
        /// Header name (runtime extension; default `Authorization`).
        header: Option<String>,
    },
    /// `Authorization: Bearer <token>` (runtime extension).
    Bearer {
        /// The token.
        token: Secret,
    },
    /// A TLS client certificate.
    ClientCertificate(ClientIdentity),
    /// Microsoft Entra (Azure AD) client credentials; tokens cached and refreshed.
    ActiveDirectoryOAuth(Arc<TokenSource>),
}

impl WebhookAuthentication {
    /// The static part as the runtime's [`Auth`]: a client certificate travels in the HTTP
    /// client and an OAuth token is fetched per request, so both are [`Auth::None`] here.
    pub fn to_auth(&self) -> Auth {
        match self {
            WebhookAuthentication::Basic { username, password } => Auth::Basic {
                username: username.clone(),
                password: password.expose().to_owned(),
            },
            WebhookAuthentication::Raw { value, header } => Auth::Header {
                name: header.clone().unwrap_or_else(|| "Authorization".to_owned()),
                value: value.expose().to_owned(),
            },
            WebhookAuthentication::Bearer { token } => Auth::Bearer {
                token: token.expose().to_owned(),
            },
            WebhookAuthentication::None
            | WebhookAuthentication::ClientCertificate(_)
            | WebhookAuthentication::ActiveDirectoryOAuth(_) => Auth::None,
        }
    }

    /// The HTTP client that presents the client certificate, if any.
    pub fn client(&self) -> Option<&reqwest::Client> {
        match self {
            WebhookAuthentication::ClientCertificate(identity) => Some(&identity.client),
            _ => None,
        }
    }

    /// The OAuth token source, if any.
    pub fn token_source(&self) -> Option<&Arc<TokenSource>> {
        match self {
            WebhookAuthentication::ActiveDirectoryOAuth(source) => Some(source),
            _ => None,
        }
    }

    /// The Logic Apps type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            WebhookAuthentication::None => "None",
            WebhookAuthentication::Basic { .. } => "Basic",
            WebhookAuthentication::Raw { .. } => "Raw",
            WebhookAuthentication::Bearer { .. } => "Bearer",
            WebhookAuthentication::ClientCertificate(_) => "ClientCertificate",
            WebhookAuthentication::ActiveDirectoryOAuth(_) => "ActiveDirectoryOAuth",
        }
    }
}

/// A client certificate and the HTTP client that presents it.
#[derive(Clone)]
pub struct ClientIdentity {
    client: reqwest::Client,
    /// `pfx` or `pem`, for messages.
    source: &'static str,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientIdentity({}, <redacted>)", self.source)
    }
}

/// Why a token or an identity could not be obtained.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint could not be reached.
    #[error("token request to {endpoint} failed: {reason}")]
    Unreachable {
        /// The token endpoint.
        endpoint: String,
        /// Why (no secrets).
        reason: String,
    },
    /// The token endpoint refused.
    #[error("token endpoint {endpoint} answered {status}: {error}")]
    Refused {
        /// The token endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The `error` / `error_description` it gave, if any.
        error: String,
    },
    /// The answer had no usable `access_token`.
    #[error("token endpoint {endpoint} gave no usable access token: {reason}")]
    BadAnswer {
        /// The token endpoint.
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// The client assertion could not be signed.
    #[error("cannot sign the client assertion: {0}")]
    Signing(String),
}

/// How the client proves itself to the token endpoint.
enum ClientCredential {
    Secret(Secret),
    Certificate(Box<AssertionKey>),
}

/// An RSA key and its certificate's SHA-1 thumbprint, for RS256 client assertions.
struct AssertionKey {
    key: ring::signature::RsaKeyPair,
    x5t: String,
}

#[derive(Clone)]
struct CachedToken {
    token: Secret,
    fetched_at: Instant,
    expires_at: Instant,
}

/// Microsoft Entra client credentials with a token cache: one token is fetched, reused by
/// every request, and fetched again shortly before it expires (a tenth of its lifetime, at most
/// five minutes, early). Concurrent requests share one fetch.
pub struct TokenSource {
    endpoint: String,
    tenant: String,
    audience: String,
    client_id: String,
    credential: ClientCredential,
    http: reqwest::Client,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("endpoint", &self.endpoint)
            .field("tenant", &self.tenant)
            .field("audience", &self.audience)
            .field("client_id", &self.client_id)
            .field("credential", &"<redacted>")
            .finish()
    }
}

#[async_trait::async_trait]
impl crate::http_client::BearerTokenSource for TokenSource {
    async fn bearer_token(&self) -> Result<String, String> {
        self.access_token()
            .await
            .map(|token| token.expose().to_owned())
            .map_err(|e| e.to_string())
    }
}

/// Longest a token is refreshed before it expires.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl TokenSource {
    /// The token endpoint (`{authority}/{tenant}/oauth2/token`).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A valid access token: the cached one, or a fresh one.
    pub async fn access_token(&self) -> Result<Secret, AuthError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let lifetime = cached
                .expires_at
                .saturating_duration_since(cached.fetched_at);
            let margin = (lifetime / 10).min(MAX_REFRESH_MARGIN);
            if Instant::now() + margin < cached.expires_at {
                return Ok(cached.token.clone());
            }
        }
        let fetched = self.fetch().await?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }

    async fn fetch(&self) -> Result<CachedToken, AuthError> {
        let mut form: Vec<(&str, String)> = vec![
            ("grant_type", "client_credentials".into()),
            ("client_id", self.client_id.clone()),
            ("resource", self.audience.clone()),
        ];
        match &self.credential {
            ClientCredential::Secret(secret) => {
                form.push(("client_secret", secret.expose().to_owned()))
            }
            ClientCredential::Certificate(key) => {
                form.push((
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                ));
                form.push(("client_assertion", self.assertion(key)?));
            }
        }
        let fetched_at = Instant::now();
        let response = self
            .http
            .post(&self.endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| AuthError::Unreachable {
                endpoint: self.endpoint.clone(),
                reason: e.without_url().to_string(),
            })?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            let error = ["error", "error_description"]
                .iter()
                .filter_map(|k| body.get(k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(": ");
            return Err(AuthError::Refused {
                endpoint: self.endpoint.clone(),
                status,
                error,
            });
        }
        let bad = |reason: &str| AuthError::BadAnswer {
            endpoint: self.endpoint.clone(),
            reason: reason.to_owned(),
        };
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad("no access_token"))?;
        // v1 endpoints send `expires_in` as a string, v2 as a number.
        let expires_in = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| bad("no expires_in"))?;
        Ok(CachedToken {
            token: Secret::new(token),
            fetched_at,
            expires_at: fetched_at + Duration::from_secs(expires_in),
        })
    }

    /// An RS256 JWT client assertion, as Microsoft Entra expects from certificate credentials.
    fn assertion(&self, key: &AssertionKey) -> Result<String, AuthError> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| AuthError::Signing(e.to_string()))?
            .as_secs();
        let mut jti = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut jti)
            .map_err(|_| AuthError::Signing("no randomness".into()))?;
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "x5t": key.x5t});
        let claims = serde_json::json!({
            "aud": self.endpoint, "iss": self.client_id, "sub": self.client_id,
            "jti": hex::encode(jti), "nbf": now, "exp": now + 600,
        });
        let signing_input = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        let mut signature = vec![0u8; key.key.public().modulus_len()];
        key.key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| AuthError::Signing("RSA signing failed".into()))?;
        Ok(format!("{signing_input}.{}", b64.encode(signature)))
    }
}

/// A PEM block.
fn pem_block(label: &str, der: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A PFX's private key (PKCS #8 DER) and certificates (DER), or why not.
fn open_pfx(pfx_base64: &str, password: &str) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(pfx_base64.trim())
        .map_err(|e| format!("`pfx` is not base64: {e}"))?;
    let pfx = p12::PFX::parse(&der).map_err(|e| format!("`pfx` is not a PKCS #12 file: {e:?}"))?;
    if !pfx.verify_mac(password) {
        return Err("the password does not open the PFX (MAC check failed)".into());
    }
    let keys = pfx.key_bags(password).map_err(|_| {
        "cannot decrypt the PFX's key: the password is wrong or the PFX uses an encryption the \
         runtime does not read (it reads the 3DES/RC2 PKCS #12 encryption; re-export with \
         `openssl pkcs12 -export -legacy`, or give the key as `pem`)"
            .to_owned()
    })?;
    let certs = pfx
        .cert_x509_bags(password)
        .map_err(|_| "cannot read the PFX's certificates".to_owned())?;
    let key = keys
        .into_iter()
        .next()
        .ok_or("the PFX holds no private key")?;
    if certs.is_empty() {
        return Err("the PFX holds no certificate".into());
    }
    Ok((key, certs))
}

/// An HTTP client presenting `pem` (certificate chain and key) as its TLS client identity.
fn identity_client(pem: &[u8], context: &LoadContext<'_>) -> Result<reqwest::Client, String> {
    let identity = reqwest::Identity::from_pem(pem)
        .map_err(|e| format!("unusable certificate or key: {e}"))?;
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .identity(identity);
    for root in &context.options.root_certificates {
        builder = builder.add_root_certificate(root.clone());
    }
    builder
        .build()
        .map_err(|e| format!("cannot build an HTTP client with this identity: {e}"))
}

/// Read `authentication` at `pointer`.
pub(crate) fn read_authentication(
    value: &Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Option<WebhookAuthentication> {
    let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
    let Some((kind, kind_pointer)) = object.take("type") else {
        // `{}` means no authentication, as in the WebSub example of the reference.
        if let Some(first) = value.as_object().and_then(|m| m.keys().next()) {
            context.diagnostics.error(
                &object.pointer_of(first),
                "authentication without a `type` must be empty",
            );
            return None;
        }
        return Some(WebhookAuthentication::None);
    };
    let kind = context.constant_text(&kind, &kind_pointer)?;
    let authentication = match kind.to_ascii_lowercase().as_str() {
        "none" => Some(WebhookAuthentication::None),
        "basic" => {
            let username = context.required_text(&mut object, "username");
            let password = context.required_text(&mut object, "password");
            Some(WebhookAuthentication::Basic {
                username: username?,
                password: Secret::new(password?),
            })
        }
        "raw" => {
            let value = context.required_text(&mut object, "value");
            let header = context.optional_text(&mut object, "header");
            Some(WebhookAuthentication::Raw {
                value: Secret::new(value?),
                header,
            })
        }
        "bearer" => {
            let token = context.required_text(&mut object, "token");
            Some(WebhookAuthentication::Bearer {
                token: Secret::new(token?),
            })
        }
        "clientcertificate" => read_client_certificate(&mut object, context),
        "activedirectoryoauth" => read_oauth(&mut object, context),
        "managedserviceidentity" => {
            context.diagnostics.error(
                &kind_pointer,
                "ManagedServiceIdentity needs Azure's managed identity endpoint, which does not \
                 exist outside Azure; use ActiveDirectoryOAuth with a client secret or \
                 certificate instead",
            );
            // Its fields are part of this refusal, not unimplemented extras.
            return None;
        }
        _ => {
            context.diagnostics.error(
                &kind_pointer,
                format!(
                    "unknown authentication type `{kind}` (Basic, Raw, ClientCertificate, \
                     ActiveDirectoryOAuth)"
                ),
            );
            return None;
        }
    };
    object.finish(&mut context.diagnostics);
    authentication
}

fn read_client_certificate(
    object: &mut Object,
    context: &mut LoadContext<'_>,
) -> Option<WebhookAuthentication> {
    let pem = context.optional_text(object, "pem");
    let pfx = context.optional_text(object, "pfx");
    let password = context.optional_text(object, "password");
    let (pem, pointer, source) = match (pem, pfx) {
        (Some(pem), None) => (pem.into_bytes(), object.pointer_of("pem"), "pem"),
        (None, Some(pfx)) => {
            let pointer = object.pointer_of("pfx");
            match open_pfx(&pfx, password.as_deref().unwrap_or("")) {
                Ok((key, certs)) => {
                    let mut pem = pem_block("PRIVATE KEY", &key);
                    for cert in &certs {
                        pem.push_str(&pem_block("CERTIFICATE", cert));
                    }
                    (pem.into_bytes(), pointer, "pfx")
                }
                Err(reason) => {
                    context.diagnostics.error(&pointer, reason);
                    return None;
                }
            }
        }
        (Some(_), Some(_)) => {
            context.diagnostics.error(
                &object.pointer_of("pem"),
                "give either `pfx` or `pem`, not both",
            );
            return None;
        }
        (None, None) => {
            context.diagnostics.error(
                &object.pointer_of("pfx"),
                "required: the base64 PFX (with `password`), or `pem`",
            );
            return None;
        }
    };
    match identity_client(&pem, context) {
        Ok(client) => Some(WebhookAuthentication::ClientCertificate(ClientIdentity {
            client,
            source,
        })),
        Err(reason) => {
            context.diagnostics.error(&pointer, reason);
            None
        }
    }
}

fn read_oauth(object: &mut Object, context: &mut LoadContext<'_>) -> Option<WebhookAuthentication> {
    let tenant = context.required_text(object, "tenant");
    let audience = context.required_text(object, "audience");
    let client_id = context.required_text(object, "clientId");
    let authority = context
        .optional_text(object, "authority")
        .unwrap_or_else(|| DEFAULT_AUTHORITY.to_owned());
    let credential_type = context
        .optional_text(object, "credentialType")
        .unwrap_or_else(|| {
            if object.had("pfx") {
                "Certificate".into()
            } else {
                "Secret".into()
            }
        });
    let credential = match credential_type.to_ascii_lowercase().as_str() {
        "secret" => context
            .required_text(object, "secret")
            .map(|s| ClientCredential::Secret(Secret::new(s))),
        "certificate" => {
            let pfx = context.required_text(object, "pfx");
            let password = context
                .optional_text(object, "password")
                .unwrap_or_default();
            let pointer = object.pointer_of("pfx");
            pfx.and_then(|pfx| match assertion_key(&pfx, &password) {
                Ok(key) => Some(ClientCredential::Certificate(Box::new(key))),
                Err(reason) => {
                    context.diagnostics.error(&pointer, reason);
                    None
                }
            })
        }
        other => {
            context.diagnostics.error(
                &object.pointer_of("credentialType"),
                format!("unknown credentialType `{other}` (Secret, Certificate)"),
            );
            None
        }
    };
    let lower = authority.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        context.diagnostics.error(
            &object.pointer_of("authority"),
            format!("`{authority}` is not an absolute http(s) URL"),
        );
        return None;
    }
    let (tenant, audience, client_id, credential) = (tenant?, audience?, client_id?, credential?);
    let endpoint = format!(
        "{}/{}/oauth2/token",
        authority.trim_end_matches('/'),
        crate::lifecycle::percent_encode(&tenant, b"-._~")
    );
    let mut builder = reqwest::Client::builder().use_rustls_tls();
    for root in &context.options.root_certificates {
        builder = builder.add_root_certificate(root.clone());
    }
    let http = match builder.build() {
        Ok(http) => http,
        Err(e) => {
            context.diagnostics.error(
                object.pointer(),
                format!("cannot build the token client: {e}"),
            );
            return None;
        }
    };
    Some(WebhookAuthentication::ActiveDirectoryOAuth(Arc::new(
        TokenSource {
            endpoint,
            tenant,
            audience,
            client_id,
            credential,
            http,
            cache: tokio::sync::Mutex::new(None),
        },
    )))
}

fn assertion_key(pfx: &str, password: &str) -> Result<AssertionKey, String> {
    let (key, certs) = open_pfx(pfx, password)?;
    let key = ring::signature::RsaKeyPair::from_pkcs8(&key)
        .map_err(|e| format!("the PFX key is not an RSA key Microsoft Entra accepts: {e}"))?;
    let thumbprint = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &certs[0]);
    Ok(AssertionKey {
        key,
        x5t: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(thumbprint.as_ref()),
    })
}
