//! JSON handlers of the ORUK 3.0 read API (plus `/organizations`, `/openapi.json` and the
//! health endpoints). Handlers are thin: parse parameters, run the use-case off the async
//! executor, render.

pub mod backup;
pub mod geography;
pub mod health;
pub mod manage;
pub mod openapi;
pub mod organizations;
pub mod root;
pub mod search_page;
pub mod service_at_locations;
pub mod services;
pub mod taxonomies;

use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::error::ApiError;
use crate::search::query::PageRequest;

/// ORUK's `Page` envelope.
#[derive(Serialize)]
pub struct Page<'a, T> {
    total_items: usize,
    total_pages: usize,
    page_number: usize,
    size: usize,
    first_page: bool,
    last_page: bool,
    empty: bool,
    contents: &'a [T],
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    meta: Option<search_page::SearchMeta<'a>>,
}

impl<'a, T> Page<'a, T> {
    /// The envelope for `contents`, page `page` of `total` matches; `size` is the number of
    /// items on this page.
    pub fn new(page: PageRequest, total: usize, contents: &'a [T]) -> Self {
        let total_pages = total.div_ceil(page.size);
        Self {
            total_items: total,
            total_pages,
            page_number: page.number,
            size: contents.len(),
            first_page: page.number == 1,
            last_page: page.number >= total_pages,
            empty: contents.is_empty(),
            contents,
            meta: None,
        }
    }

    /// Adds a geographic search's extension fields.
    pub fn with_meta(mut self, meta: Option<search_page::SearchMeta<'a>>) -> Self {
        self.meta = meta;
        self
    }
}

/// Runs blocking work (store reads, searches, rendering) on the blocking pool, inside the
/// current tracing span.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let span = tracing::Span::current();
    web::block(move || span.in_scope(work))
        .await
        .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))?
}

/// Runs a search (CPU work) on the blocking pool when one of the
/// [`AppState::searches`] slots is free; otherwise answers [`ApiError::Busy`] at once, so that
/// an overload gets quick refusals rather than a queue whose every request times out.
pub async fn search_blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let Ok(slot) = Arc::clone(&state.searches).try_acquire_owned() else {
        tracing::warn!("search refused: too many at once");
        return Err(ApiError::Busy);
    };
    let metrics = Arc::clone(&state.metrics);
    blocking(move || {
        let _slot = slot;
        let started = std::time::Instant::now();
        let result = work();
        metrics.searches.observe(started.elapsed());
        result
    })
    .await
}

/// Serialises a value for a JSON body.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value)
        .map_err(|error| ApiError::Internal(format!("cannot render JSON: {error}")))
}

/// A 200 JSON response with a pre-rendered body.
pub fn json_ok(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(body)
}

/// The public base URL of this API: the configured one, or the one the request came to.
pub fn base_url(state: &AppState, request: &HttpRequest) -> String {
    match &state.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => {
            let info = request.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}
