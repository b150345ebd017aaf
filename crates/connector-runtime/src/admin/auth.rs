//! Admin bearer tokens: several, each with a name that the audit log records (the token itself
//! is never stored, logged or shown).
//!
//! Requests authenticate with `Authorization: Bearer <token>`; the web pages, which a browser
//! cannot give that header, send the same token in an `HttpOnly`, `SameSite=Strict` cookie set
//! by the login form, so another site can neither read it nor make the browser send it with a
//! forged action.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::rejection::Rejection;
use super::AdminState;

/// Name of the cookie the login form sets.
pub(crate) const COOKIE: &str = "connector_admin";

/// One configured token: its name and the SHA-256 of its value.
#[derive(Clone)]
struct NamedToken {
    name: String,
    digest: [u8; 32],
}

/// The configured admin tokens.
#[derive(Clone, Default)]
pub(crate) struct AdminTokens(Vec<NamedToken>);

impl std::fmt::Debug for AdminTokens {
    // Names only: the digests say nothing useful and stay out of logs anyway.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|t| &t.name))
            .finish()
    }
}

fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

impl AdminTokens {
    /// Add a named token (a name given twice keeps both tokens).
    pub fn add(&mut self, name: String, token: &str) {
        self.0.push(NamedToken {
            name,
            digest: digest(token.as_bytes()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name of the token `presented` matches. Both sides are hashed to the same length
    /// and every configured token is compared, so the time taken says nothing about how much
    /// of a token was right, nor which one matched.
    pub fn identify(&self, presented: &str) -> Option<String> {
        let presented = digest(presented.as_bytes());
        let mut found = None;
        for token in &self.0 {
            if bool::from(token.digest.ct_eq(&presented)) && found.is_none() {
                found = Some(token.name.clone());
            }
        }
        found
    }
}

/// The bearer token of a request, from the `Authorization` header or the login cookie.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            // The login form percent-encodes the token into the cookie.
            (name == COOKIE).then(|| {
                url::form_urlencoded::parse(value.as_bytes())
                    .map(|(decoded, _)| decoded.into_owned())
                    .next()
                    .unwrap_or_default()
            })
        })
}

/// An authenticated admin request: the name of the token it used.
#[derive(Debug, Clone)]
pub(crate) struct Operator(pub String);

impl FromRequestParts<Arc<AdminState>> for Operator {
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AdminState>,
    ) -> Result<Self, Self::Rejection> {
        let token = presented_token(&parts.headers).ok_or(Rejection::Unauthorized)?;
        state
            .tokens
            .identify(&token)
            .map(Operator)
            .ok_or(Rejection::Unauthorized)
    }
}

/// Like [`Operator`] for pages: a browser without a valid cookie is sent to the login form.
#[derive(Debug, Clone)]
pub(crate) struct PageOperator(pub String);

impl FromRequestParts<Arc<AdminState>> for PageOperator {
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AdminState>,
    ) -> Result<Self, Self::Rejection> {
        match Operator::from_request_parts(parts, state).await {
            Ok(Operator(name)) => Ok(PageOperator(name)),
            Err(_) => Err(Rejection::LoginRequired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_told_apart_by_name() {
        let mut tokens = AdminTokens::default();
        tokens.add("ops".into(), "first-secret");
        tokens.add("ci".into(), "second-secret");
        assert_eq!(tokens.identify("second-secret").as_deref(), Some("ci"));
        assert_eq!(tokens.identify("first-secret").as_deref(), Some("ops"));
        assert_eq!(tokens.identify("first-secre"), None);
        assert_eq!(tokens.identify(""), None);
        assert!(!format!("{tokens:?}").contains("secret"));
    }

    #[test]
    fn the_token_comes_from_the_header_or_the_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=b; connector_admin=tok".parse().unwrap());
        assert_eq!(presented_token(&headers).as_deref(), Some("tok"));
        headers.insert(header::AUTHORIZATION, "Bearer other".parse().unwrap());
        assert_eq!(presented_token(&headers).as_deref(), Some("other"));
        headers.insert(header::AUTHORIZATION, "Basic other".parse().unwrap());
        assert_eq!(presented_token(&headers), None);
    }
}
