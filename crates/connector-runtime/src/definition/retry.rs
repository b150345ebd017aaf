//! `retryPolicy` and ISO 8601 durations (`PT30S`, `P1DT2H`), with Logic Apps' bounds.
//!
//! | `type`        | fields                                                     |
//! |---------------|------------------------------------------------------------|
//! | `none`        | —                                                          |
//! | `fixed`       | `count` (1–90), `interval` (PT5S–P1D)                      |
//! | `exponential` | `count`, `interval`, optional `minimumInterval` / `maximumInterval` (PT5S–P1D) |
//!
//! Absent: Logic Apps' default policy ([`RetryPolicy::logic_apps_default`]).
//! Exponential retry *n* waits a random interval inside Logic Apps' documented range
//! `[interval·2ⁿ⁻², interval·2ⁿ⁻¹]` (0 for the first lower bound), bounded by
//! `minimumInterval` and `maximumInterval`: the runtime's policy draws ±20 % around ¾ of the
//! upper end, which always falls inside that range.

use std::time::Duration;

use serde_json::Value;

use super::diagnostics::Diagnostics;
use super::reader::Object;
use crate::RetryPolicy;

/// Most retries Logic Apps allows.
pub const MAX_RETRY_COUNT: u64 = 90;
/// Shortest retry interval Logic Apps allows.
pub const MIN_RETRY_INTERVAL: Duration = Duration::from_secs(5);
/// Longest retry interval Logic Apps allows (one day).
pub const MAX_RETRY_INTERVAL: Duration = Duration::from_secs(86_400);

/// Parse an ISO 8601 duration: `P[nY][nM][nW][nD][T[nH][nM][nS]]`, the last number may have
/// a fraction. A year counts 365 days and a month 30, as .NET's `XmlConvert` (which Logic
/// Apps uses) counts them.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let fail = |why: &str| format!("`{text}` is not an ISO 8601 duration ({why})");
    let Some(rest) = text.strip_prefix('P') else {
        return Err(fail("it must start with `P`, e.g. PT30S"));
    };
    if rest.is_empty() || rest == "T" {
        return Err(fail("no amount"));
    }
    let mut seconds = 0f64;
    let mut in_time = false;
    let mut number = String::new();
    let mut seen_any = false;
    let mut last_order = 0u8;
    for c in rest.chars() {
        match c {
            'T' if !in_time && number.is_empty() => {
                in_time = true;
                last_order = 4;
            }
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            unit => {
                let (order, factor) = match (in_time, unit) {
                    (false, 'Y') => (1, 365.0 * 86_400.0),
                    (false, 'M') => (2, 30.0 * 86_400.0),
                    (false, 'W') => (3, 7.0 * 86_400.0),
                    (false, 'D') => (4, 86_400.0),
                    (true, 'H') => (5, 3600.0),
                    (true, 'M') => (6, 60.0),
                    (true, 'S') => (7, 1.0),
                    _ => return Err(fail(&format!("unexpected `{unit}`"))),
                };
                if order <= last_order && !(order == 4 && last_order == 4 && !in_time) {
                    return Err(fail("designators out of order"));
                }
                last_order = order;
                let amount: f64 = number
                    .parse()
                    .map_err(|_| fail(&format!("no number before `{unit}`")))?;
                number.clear();
                seconds += amount * factor;
                seen_any = true;
            }
        }
    }
    if !number.is_empty() {
        return Err(fail("a number without a designator at the end"));
    }
    if !seen_any {
        return Err(fail("no amount"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| fail("out of range"))
}

/// A duration field: parsed, checked against `[min, max]`, reported at `pointer`.
pub(crate) fn duration_field(
    value: &Value,
    pointer: &str,
    bounds: Option<(Duration, Duration)>,
    diagnostics: &mut Diagnostics,
) -> Option<Duration> {
    let Some(text) = value.as_str() else {
        diagnostics.error(pointer, "must be an ISO 8601 duration string, e.g. PT30S");
        return None;
    };
    match parse_duration(text) {
        Err(reason) => {
            diagnostics.error(pointer, reason);
            None
        }
        Ok(duration) => match bounds {
            Some((min, max)) if duration < min || duration > max => {
                diagnostics.error(
                    pointer,
                    format!(
                        "`{text}` is outside Logic Apps' bounds {}–{}",
                        describe(min),
                        describe(max)
                    ),
                );
                None
            }
            _ => Some(duration),
        },
    }
}

fn describe(duration: Duration) -> String {
    let secs = duration.as_secs();
    // checked_rem: no `%` lint about is_multiple_of, which the workspace's MSRV lacks.
    if secs.checked_rem(86_400) == Some(0) {
        format!("P{}D", secs / 86_400)
    } else {
        format!("PT{secs}S")
    }
}

/// Read a `retryPolicy` object at `pointer`. `scale` divides every interval (tests only).
pub(crate) fn read_retry_policy(
    value: &Value,
    pointer: &str,
    scale: u32,
    diagnostics: &mut Diagnostics,
) -> Option<RetryPolicy> {
    let mut object = Object::new(value, pointer, diagnostics)?;
    let kind = object.string("type", diagnostics)?;
    let bounds = Some((MIN_RETRY_INTERVAL, MAX_RETRY_INTERVAL));
    let scaled = |d: Duration| d / scale.max(1);
    let policy = match kind.to_ascii_lowercase().as_str() {
        "none" => Some(RetryPolicy::none()),
        "fixed" | "exponential" => {
            let count = object.take("count").and_then(|(v, p)| {
                match v.as_u64().filter(|c| (1..=MAX_RETRY_COUNT).contains(c)) {
                    Some(count) => u32::try_from(count).ok(),
                    None => {
                        diagnostics.error(
                            &p,
                            format!("must be an integer from 1 to {MAX_RETRY_COUNT}"),
                        );
                        None
                    }
                }
            });
            let interval = object
                .take("interval")
                .and_then(|(v, p)| duration_field(&v, &p, bounds, diagnostics));
            if count.is_none() && !object.had("count") {
                diagnostics.error(&object.pointer_of("count"), "required for this type");
            }
            if interval.is_none() && !object.had("interval") {
                diagnostics.error(&object.pointer_of("interval"), "required for this type");
            }
            let exponential = kind.eq_ignore_ascii_case("exponential");
            let (minimum, maximum) = if exponential {
                let minimum = object
                    .take("minimumInterval")
                    .map(|(v, p)| (duration_field(&v, &p, bounds, diagnostics), p));
                let maximum = object
                    .take("maximumInterval")
                    .map(|(v, p)| (duration_field(&v, &p, bounds, diagnostics), p));
                let min = minimum.as_ref().map_or(Some(MIN_RETRY_INTERVAL), |m| m.0);
                let max = maximum.as_ref().map_or(Some(MAX_RETRY_INTERVAL), |m| m.0);
                if let (Some(low), Some(high), Some((_, p))) = (min, max, &minimum) {
                    if low > high {
                        diagnostics.error(p, "greater than maximumInterval");
                    }
                }
                (min, max)
            } else {
                (None, None)
            };
            match (count, interval) {
                (Some(count), Some(interval)) if exponential => {
                    let (Some(min), Some(max)) = (minimum, maximum) else {
                        return None;
                    };
                    Some(
                        RetryPolicy::logic_apps_default()
                            .with_retries(count)
                            .with_base_interval(scaled(interval) * 3 / 4)
                            .with_min_interval(scaled(min))
                            .with_max_interval(scaled(max))
                            .with_jitter(true),
                    )
                }
                (Some(count), Some(interval)) => Some(
                    RetryPolicy::logic_apps_default()
                        .with_retries(count)
                        .with_base_interval(scaled(interval))
                        .with_min_interval(scaled(interval))
                        .with_max_interval(scaled(interval))
                        .with_jitter(false),
                ),
                _ => None,
            }
        }
        other => {
            diagnostics.error(
                &object.pointer_of("type"),
                format!("unknown retry policy type `{other}` (none, fixed, exponential)"),
            );
            None
        }
    };
    object.finish(diagnostics);
    policy
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT30S").unwrap(), Duration::from_secs(30));
        assert_eq!(
            parse_duration("PT1.5S").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(
            parse_duration("P1DT2H3M").unwrap(),
            Duration::from_secs(86_400 + 7200 + 180)
        );
        assert_eq!(
            parse_duration("P2W").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        assert_eq!(
            parse_duration("P1M").unwrap(),
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(parse_duration("PT1M").unwrap(), Duration::from_secs(60));
        for bad in [
            "", "30S", "P", "PT", "P1H", "PT1D", "PT1S2M", "PTS", "P1", "-PT1S", "PT1X",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    fn policy(value: Value) -> (Option<RetryPolicy>, Diagnostics) {
        let mut diagnostics = Diagnostics::new(false);
        let policy = read_retry_policy(&value, "/retryPolicy", 1, &mut diagnostics);
        (policy, diagnostics)
    }

    #[test]
    fn policies_and_bounds() {
        let (fixed, d) = policy(json!({"type": "Fixed", "count": 3, "interval": "PT10S"}));
        assert!(d.errors().is_empty());
        let fixed = fixed.unwrap();
        assert_eq!(fixed.retries(), 3);
        assert_eq!(fixed.interval(1, None), Duration::from_secs(10));
        assert_eq!(fixed.interval(3, None), Duration::from_secs(10));
        let (none, _) = policy(json!({"type": "none"}));
        assert_eq!(none.unwrap().retries(), 0);
        let (exp, d) = policy(
            json!({"type": "exponential", "count": 4, "interval": "PT10S",
            "minimumInterval": "PT5S", "maximumInterval": "PT1H"}),
        );
        assert!(d.errors().is_empty());
        let exp = exp.unwrap();
        for retry in 1..=4u32 {
            let upper = Duration::from_secs(10) * 2u32.pow(retry - 1);
            let lower = if retry == 1 {
                Duration::from_secs(5)
            } else {
                upper / 2
            };
            let wait = exp.interval(retry, None);
            assert!(wait >= lower && wait <= upper, "retry {retry}: {wait:?}");
        }
        for (bad, pointer) in [
            (
                json!({"type": "fixed", "count": 0, "interval": "PT10S"}),
                "/retryPolicy/count",
            ),
            (
                json!({"type": "fixed", "count": 91, "interval": "PT10S"}),
                "/retryPolicy/count",
            ),
            (
                json!({"type": "fixed", "count": 2, "interval": "PT1S"}),
                "/retryPolicy/interval",
            ),
            (
                json!({"type": "fixed", "count": 2, "interval": "P2D"}),
                "/retryPolicy/interval",
            ),
            (
                json!({"type": "fixed", "count": 2, "interval": "10s"}),
                "/retryPolicy/interval",
            ),
            (
                json!({"type": "fixed", "count": 2}),
                "/retryPolicy/interval",
            ),
            (json!({"type": "sometimes"}), "/retryPolicy/type"),
            (
                json!({"type": "exponential", "count": 2, "interval": "PT10S",
                    "minimumInterval": "PT1H", "maximumInterval": "PT10M"}),
                "/retryPolicy/minimumInterval",
            ),
            (json!({"type": "none", "count": 2}), "/retryPolicy/count"),
        ] {
            let mut diagnostics = Diagnostics::new(true);
            let _ = read_retry_policy(&bad, "/retryPolicy", 1, &mut diagnostics);
            let pointers: Vec<_> = diagnostics
                .errors()
                .iter()
                .map(|d| d.pointer.clone())
                .collect();
            assert!(
                pointers.contains(&pointer.to_owned()),
                "{bad}: {pointers:?}"
            );
        }
    }
}
