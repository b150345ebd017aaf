//! Find a subscription's hook at the API by listing the API's hooks and matching the callback
//! URL, then remove it.
//!
//! This is how a hook whose subscribe answer never reached the store (a crash mid-subscribe, an
//! answer lost in transit) is removed when the unsubscribe request depends on that answer (a
//! `Location` header, an id in the body). The callback URL carries the subscription's random
//! id, so a listed hook with that URL can only be this subscription's.

use reqwest::header::{HeaderMap, LINK};
use serde_json::Value;
use url::Url;

use crate::error::{Error, Result};
use crate::http_client::resolve_url;
use crate::lifecycle::{
    id_in, is_removed, is_success, route_request, send_error_to_error, truncate,
    OPERATION_NAME_HEADER, TRACKING_ID_HEADER,
};
use crate::redact::redact_url;
use crate::registry::Connection;
use crate::runtime::HostInner;
use crate::store::{HookLookup, Intent, SubscriptionRecord, SubscriptionState};
use crate::{RequestSpec, SubscriptionId};

/// Pages of a paginated hook list followed at most: a bound on an API whose `next` links never
/// end.
const MAX_PAGES: usize = 100;

/// Where list answers usually keep their hooks, tried when the route does not say.
const USUAL_ITEMS: [&str; 7] = [
    "/value",
    "/data",
    "/items",
    "/hooks",
    "/webhooks",
    "/subscriptions",
    "/results",
];

/// The hooks in a list answer: at `items_from`, else the answer itself when it is an array,
/// else the first array at a usual place.
fn hook_items<'a>(body: &'a Value, items_from: Option<&str>) -> Option<&'a [Value]> {
    let array_at = |pointer: &str| body.pointer(pointer)?.as_array().map(Vec::as_slice);
    match items_from {
        Some(pointer) => array_at(pointer),
        None => body
            .as_array()
            .map(Vec::as_slice)
            .or_else(|| USUAL_ITEMS.iter().find_map(|p| array_at(p))),
    }
}

/// `true` when a listed hook's callback URL is `callback`. Compared without the query as well:
/// an API may re-encode or drop it, and the path alone already holds the subscription's id.
fn is_our_callback(candidate: &str, callback: &str) -> bool {
    fn without_query(url: &str) -> &str {
        let url = url.trim();
        let end = url.find(['?', '#']).unwrap_or(url.len());
        url[..end].trim_end_matches('/')
    }
    let candidate = candidate.trim();
    candidate == callback
        || (!without_query(callback).is_empty()
            && without_query(candidate) == without_query(callback))
}

/// The `rel="next"` target of a `Link` header (RFC 8288), the way GitHub paginates.
fn next_link(headers: &HeaderMap, base: &Url) -> Option<Url> {
    for value in headers.get_all(LINK) {
        let Ok(text) = value.to_str() else { continue };
        for link in text.split(',') {
            let mut parts = link.split(';');
            let Some(target) = parts.next() else { continue };
            let Some(target) = target
                .trim()
                .strip_prefix('<')
                .and_then(|t| t.strip_suffix('>'))
            else {
                continue;
            };
            let is_next = parts.any(|param| {
                let Some((name, value)) = param.split_once('=') else {
                    return false;
                };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return base.join(target).ok();
            }
        }
    }
    None
}

/// `true` when `url` names a member of the collection at `list_url`: same origin (credentials
/// never go to another host) and a path below the list's (`/repos/o/r/hooks/1` under
/// `/repos/o/r/hooks`), so a hook's unrelated link (its repository, say) is never deleted.
fn is_member_of(url: &Url, list_url: &Url) -> bool {
    let collection = list_url.path().trim_end_matches('/');
    url.origin() == list_url.origin()
        && url
            .path()
            .strip_prefix(collection)
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
}

/// The request that removes one listed hook: the unsubscribe route with the hook's id, else
/// the hook's own URL when it is a member of the listed collection (see [`is_member_of`]).
fn removal_for(
    hook: &Value,
    lookup: &HookLookup,
    connection: &Connection,
    list_url: &Url,
) -> Result<RequestSpec> {
    if let Some(route) = &lookup.unsubscribe {
        let id = id_in(hook, lookup.list.id_from.as_deref());
        if let Some(spec) = route_request(route, id.as_deref(), &connection.base_url)? {
            return Ok(spec);
        }
    }
    let own_url = lookup
        .list
        .url_from
        .as_deref()
        .and_then(|pointer| hook.pointer(pointer)?.as_str())
        .and_then(|url| list_url.join(url).ok())
        .filter(|url| is_member_of(url, list_url));
    match own_url {
        Some(url) => Ok(RequestSpec {
            method: "DELETE".to_owned(),
            url: url.to_string(),
            ..RequestSpec::default()
        }),
        None => Err(Error::HookLookup {
            reason: format!(
                "found the hook but no way to remove it (no id for the unsubscribe route, no \
                 URL of its own under the list's): {}",
                truncate(&hook.to_string())
            ),
        }),
    }
}

impl HostInner {
    /// Remove every hook the API lists with `record`'s callback URL, except the one `keep`
    /// (a removal URL) names; returns how many were removed (0 when the subscribe never
    /// created one, and 0 when `keep` names none of them: the live hook is never guessed). A failed or refused request is an error to retry later; a list answer
    /// without hooks, or a hook that cannot be removed, is [`Error::HookLookup`] (retrying
    /// will not help).
    pub(crate) async fn remove_listed_hooks(
        &self,
        record: &SubscriptionRecord,
        lookup: &HookLookup,
        connection: &Connection,
        keep: Option<&str>,
    ) -> Result<usize> {
        let keep = keep.and_then(|url| Url::parse(url).ok());
        let callback = self.callback_url(&record.id);
        let route = &lookup.list;
        let first = resolve_url(&connection.base_url, &route.path, &route.query)
            .map_err(send_error_to_error)?;
        let mut page = first.clone();
        let mut removals = Vec::new();
        let mut live_seen = false;
        for page_number in 1.. {
            let spec = RequestSpec {
                method: route.method.clone(),
                url: page.to_string(),
                query: Vec::new(),
                headers: route.headers.clone(),
                body: None,
            };
            let answer = self
                .outbound
                .send(&spec, &connection.base_url, &connection.auth, &[])
                .await
                .map_err(send_error_to_error)?;
            if !is_success(answer.status) {
                return Err(Error::UnsubscribeRejected {
                    status: answer.status,
                    body: format!(
                        "listing hooks at {}: {}",
                        redact_url(answer.url.as_str()),
                        truncate(&answer.body)
                    ),
                });
            }
            let body: Value =
                serde_json::from_str(&answer.body).map_err(|e| Error::HookLookup {
                    reason: format!("the list answer is not JSON: {e}"),
                })?;
            let hooks = hook_items(&body, route.items_from.as_deref()).ok_or_else(|| {
                Error::HookLookup {
                    reason: format!(
                        "the list answer holds no array of hooks{}",
                        route
                            .items_from
                            .as_deref()
                            .map(|p| format!(" at {p}"))
                            .unwrap_or_default()
                    ),
                }
            })?;
            for hook in hooks {
                let listed = hook.pointer(&route.callback_from).and_then(Value::as_str);
                if listed.is_some_and(|url| is_our_callback(url, &callback)) {
                    let removal = removal_for(hook, lookup, connection, &answer.url)?;
                    // The live hook: the same URL, or the same path (the API may name
                    // itself by another host in `Location` than in its links).
                    let kept = keep.as_ref().is_some_and(|keep| {
                        Url::parse(&removal.url)
                            .is_ok_and(|url| url == *keep || url.path() == keep.path())
                    });
                    if kept {
                        live_seen = true;
                    } else {
                        removals.push(removal);
                    }
                }
            }
            match next_link(&answer.headers, &answer.url) {
                Some(next) if next.origin() == first.origin() => {
                    if page_number >= MAX_PAGES {
                        return Err(Error::HookLookup {
                            reason: format!("the hook list runs past {MAX_PAGES} pages"),
                        });
                    }
                    page = next;
                }
                _ => break,
            }
        }
        if keep.is_some() && !live_seen && !removals.is_empty() {
            // Deleting the live hook would silently stop the subscription: when it cannot be
            // told apart from the others, remove none.
            tracing::warn!(
                subscription = %record.id,
                hooks = removals.len(),
                "several hooks carry this subscription's callback URL but none is the one its \
                 unsubscribe request names; leaving them"
            );
            return Ok(0);
        }
        let headers = [
            (TRACKING_ID_HEADER.to_owned(), record.id.to_string()),
            (OPERATION_NAME_HEADER.to_owned(), record.trigger.clone()),
        ];
        for removal in &removals {
            let answer = self
                .outbound
                .send(
                    removal,
                    &connection.base_url,
                    connection.auth_for_unsubscribe(),
                    &headers,
                )
                .await
                .map_err(send_error_to_error)?;
            if !is_removed(answer.status) {
                return Err(Error::UnsubscribeRejected {
                    status: answer.status,
                    body: truncate(&answer.body),
                });
            }
            tracing::info!(
                subscription = %record.id,
                url = %redact_url(answer.url.as_str()),
                status = answer.status,
                "removed a hook found by listing"
            );
        }
        Ok(removals.len())
    }
}

impl HostInner {
    /// A subscribe answer of `id` was lost: a request held in transit may still reach the API
    /// after the cleanup, so look for late hooks for a while (see
    /// [`crate::HostBuilder::with_late_hook_window`]).
    pub(crate) fn watch_for_late_hooks(&self, id: &SubscriptionId) {
        let until = tokio::time::Instant::now() + self.late_hook_window;
        if let Ok(mut watch) = self.late_hook_watch.lock() {
            watch.insert(id.clone(), until);
        }
    }

    /// Called by the sweeper: for each watched subscription, remove hooks carrying its callback
    /// URL that it does not own — all of them once it is gone or failed, all but the one its
    /// unsubscribe request names while it is active. Subscriptions between states wait for the
    /// next sweep; those whose live hook cannot be told apart are left alone.
    pub(crate) async fn remove_late_hooks(&self) {
        let now = tokio::time::Instant::now();
        let watched: Vec<SubscriptionId> = match self.late_hook_watch.lock() {
            Ok(mut watch) => {
                watch.retain(|_, until| *until > now);
                watch.keys().cloned().collect()
            }
            Err(_) => return,
        };
        for id in watched {
            let Some(_lock) = self.subscriptions.try_lock(&id).await else {
                continue;
            };
            let Ok(record) = self.subscriptions.load(&id).await else {
                continue;
            };
            let Some(lookup) = record.lookup.clone() else {
                continue;
            };
            let keep = match (record.state, record.intent) {
                (SubscriptionState::Gone | SubscriptionState::Failed, _) => None,
                (SubscriptionState::Active, Intent::Enabled) => match &record.unsubscribe {
                    Some(live) => Some(live.url.clone()),
                    None => continue,
                },
                _ => continue,
            };
            let Some(registration) = self.registration(&record.trigger) else {
                continue;
            };
            match self
                .remove_listed_hooks(&record, &lookup, &registration.connection, keep.as_deref())
                .await
            {
                Ok(0) => {}
                Ok(removed) => tracing::info!(
                    subscription = %id,
                    removed,
                    "removed late hooks made by a subscribe request that arrived after the cleanup"
                ),
                Err(error) => {
                    tracing::debug!(subscription = %id, %error, "looking for late hooks failed")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hooks_are_found_at_the_usual_places() {
        assert_eq!(
            hook_items(&json!([{"id": 1}]), None).map(<[_]>::len),
            Some(1)
        );
        assert_eq!(
            hook_items(&json!({"value": [{"id": 1}, {"id": 2}]}), None).map(<[_]>::len),
            Some(2)
        );
        assert_eq!(
            hook_items(&json!({"page": {"hooks": []}}), Some("/page/hooks")).map(<[_]>::len),
            Some(0)
        );
        assert!(hook_items(&json!({"count": 3}), None).is_none());
    }

    #[test]
    fn callbacks_match_with_or_without_their_query() {
        let ours = "https://me.example/callbacks/abc?sig=xyz";
        assert!(is_our_callback(ours, ours));
        assert!(is_our_callback("https://me.example/callbacks/abc", ours));
        assert!(is_our_callback(
            "https://me.example/callbacks/abc?sig=x%79z",
            ours
        ));
        assert!(!is_our_callback(
            "https://me.example/callbacks/abd?sig=xyz",
            ours
        ));
        assert!(!is_our_callback("https://me.example/callbacks/abcd", ours));
        assert!(!is_our_callback("", ours));
    }

    #[test]
    fn only_members_of_the_listed_collection_are_deleted_by_url() {
        let list = Url::parse("https://api.example/repos/o/r/hooks?per_page=100").unwrap();
        let member = |u: &str| is_member_of(&Url::parse(u).unwrap(), &list);
        assert!(member("https://api.example/repos/o/r/hooks/12"));
        assert!(!member("https://api.example/repos/o/r"));
        assert!(!member("https://api.example/repos/o/r/hooks"));
        assert!(!member("https://api.example/repos/o/r/hooksX/1"));
        assert!(!member("https://evil.example/repos/o/r/hooks/12"));
        assert!(!member("http://api.example/repos/o/r/hooks/12"));
    }

    #[test]
    fn next_links_are_read_from_link_headers() {
        let base = Url::parse("https://api.example/repos/o/r/hooks").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            "<https://api.example/repos/o/r/hooks?page=2>; rel=\"next\", \
             <https://api.example/repos/o/r/hooks?page=5>; rel=\"last\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers, &base).map(|u| u.to_string()),
            Some("https://api.example/repos/o/r/hooks?page=2".to_owned())
        );
        headers.insert(LINK, "</hooks?page=1>; rel=prev".parse().unwrap());
        assert_eq!(next_link(&headers, &base), None);
        headers.insert(LINK, "garbage; rel=next, <".parse().unwrap());
        assert_eq!(next_link(&headers, &base), None);
    }
}
