//! Cross-cutting HTTP behaviour: a request id and a log line per request (method, route
//! pattern, status, duration; never query strings, bodies or client addresses, which may
//! carry personal data), CORS for the open read API, and security headers.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use tracing::Instrument;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Headers on every response.
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("access-control-allow-origin", "*"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("cross-origin-resource-policy", "cross-origin"),
];

/// Gives each request an id and a span, answers CORS preflights, and logs the outcome.
pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        http.method = %request.method(),
        http.route = tracing::field::Empty,
        http.status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = if request.method() == Method::OPTIONS {
        let preflight = HttpResponse::NoContent()
            .insert_header(("access-control-allow-methods", "GET, HEAD, OPTIONS"))
            .insert_header(("access-control-allow-headers", "*"))
            .insert_header(("access-control-max-age", "86400"))
            .finish();
        request.into_response(preflight).map_into_right_body()
    } else {
        let response = next.call(request).instrument(span.clone()).await?;
        if response.status() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
            && !answered_by_us(&response)
        {
            let answer = super::pages::too_large(response.request());
            response.into_response(answer).map_into_right_body()
        } else {
            response.map_into_left_body()
        }
    };
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let status = response.status().as_u16();
    if let Some(state) = response
        .request()
        .app_data::<actix_web::web::Data<super::AppState>>()
    {
        state.metrics.record(
            &route,
            response.request().method().as_str(),
            status,
            started.elapsed(),
        );
    }
    span.record("http.route", route.as_str());
    span.record("http.status", status);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!("request failed");
        } else {
            tracing::info!("request handled");
        }
    });
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, value);
    }
    for (name, value) in SECURITY_HEADERS {
        let name = HeaderName::from_static(name);
        // Pages set their own Content-Security-Policy (they load their stylesheet and script).
        if headers.contains_key(&name) {
            continue;
        }
        headers.insert(name, HeaderValue::from_static(value));
    }
    Ok(response)
}

/// Whether a response is one of ours (a problem or a page), not the framework's bare text.
fn answered_by_us<B>(response: &ServiceResponse<B>) -> bool {
    response
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("application/problem+json") || value.starts_with("text/html")
        })
}
