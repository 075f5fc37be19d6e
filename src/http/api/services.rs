//! `GET /services` and `GET /services/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{blocking, json_ok, search_page, to_json};
use crate::domain::ids::ServiceId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::{Params, SearchContext};
use crate::oruk::render::{Places, ServiceView};
use crate::search::query::Target;

/// A page of services matching the query parameters.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    let value = |wanted: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == wanted)
            .map(|(_, value)| value.clone())
    };
    match value("minimal").as_deref() {
        None | Some("false") => {}
        Some("true") => return minimal(state, &pairs).await,
        Some(other) => {
            return Err(invalid(
                "minimal",
                format!("must be true or false; found {other:?}"),
            ));
        }
    }
    match value("format").as_deref() {
        None | Some("json") => search(state, request, Target::Services).await,
        Some("ndjson") => Ok(ndjson(state).await),
        Some(other) => Err(invalid(
            "format",
            format!(
                "must be json (a page) or ndjson (every service, one per line); found {other:?}"
            ),
        )),
    }
}

fn invalid(name: &str, reason: String) -> ApiError {
    ApiError::InvalidParams(vec![crate::http::error::InvalidParam {
        name: name.to_owned(),
        reason,
    }])
}

/// A service as `minimal=true` lists it.
#[derive(serde::Serialize)]
struct MinimalService {
    id: ServiceId,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<chrono::DateTime<chrono::Utc>>,
    /// The name the ORUK parameter's description uses for `last_modified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    modified_date: Option<chrono::DateTime<chrono::Utc>>,
    status: &'static str,
}

/// `GET /services?minimal=true[&modified_after=...]`: every service in the directory (all
/// statuses, so that a consumer sees withdrawals), id, last change and status only, on one
/// page: what a consumer needs to sync incrementally.
async fn minimal(
    state: web::Data<AppState>,
    pairs: &[(String, String)],
) -> Result<HttpResponse, ApiError> {
    let mut after = None;
    for (name, value) in pairs {
        match name.as_str() {
            "minimal" => {}
            "modified_after" => {
                after = Some(
                    crate::http::params::parse_moment(value)
                        .map_err(|reason| invalid("modified_after", reason))?,
                );
            }
            other => {
                return Err(invalid(
                    other,
                    "minimal lists every service; it combines only with modified_after".to_owned(),
                ));
            }
        }
    }
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let store = catalog.store();
        let mut listed = Vec::new();
        for id in store
            .service_ids()
            .map_err(crate::catalog::CatalogError::from)?
        {
            let Some(service) = store
                .service(id)
                .map_err(crate::catalog::CatalogError::from)?
            else {
                continue;
            };
            if after.is_some_and(|after| service.last_modified.is_none_or(|m| m < after)) {
                continue;
            }
            listed.push(MinimalService {
                id,
                last_modified: service.last_modified,
                modified_date: service.last_modified,
                status: service.status.as_str(),
            });
        }
        let page = crate::search::query::PageRequest {
            number: 1,
            size: listed.len().max(1),
        };
        to_json(&super::Page::new(page, listed.len(), &listed))
    })
    .await?;
    Ok(json_ok(body))
}

/// Parses the query string, searches and renders a page (for `/services` and
/// `/service_at_locations`).
pub async fn search(
    state: web::Data<AppState>,
    request: HttpRequest,
    target: Target,
) -> Result<HttpResponse, ApiError> {
    let catalog = state.catalog.clone();
    let online = state.online_postcode(request.query_string()).await;
    let context = SearchContext {
        now: state.clock.london_now(),
        geography: catalog.geography(),
        features: &catalog.index().assets().features,
        online,
    };
    let query = Params::new(request.query_string()).service_query(target, &context)?;
    let body =
        super::search_blocking(&state, move || search_page::render(&catalog, &query)).await?;
    Ok(json_ok(body))
}

/// One fully nested service.
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw_id = id.into_inner();
    let Ok(service_id) = ServiceId::parse(&raw_id) else {
        return Err(ApiError::not_found("service", "/services", &raw_id));
    };
    let catalog = state.catalog.clone();
    let body = blocking(move || match catalog.placed_service(service_id)? {
        Some(placed) => to_json(&ServiceView::new(
            &placed.full,
            Places::of(&placed, catalog.geography()),
        )),
        None => Err(ApiError::not_found("service", "/services", &raw_id)),
    })
    .await?;
    Ok(json_ok(body))
}

/// Bytes handed from a blocking writer to the response, a chunk at a time.
struct ChannelBody(tokio::sync::mpsc::Receiver<Result<web::Bytes, std::io::Error>>);

impl futures_core::Stream for ChannelBody {
    type Item = Result<web::Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// A `Write` that sends what is written to a [`ChannelBody`] in chunks; it fails (and the
/// export stops) when the client has gone away.
struct ChannelWriter {
    sender: tokio::sync::mpsc::Sender<Result<web::Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

impl std::io::Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = web::Bytes::from(std::mem::take(&mut self.buffer));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

/// `GET /services?format=ndjson`: every service, fully nested (as `/services/{id}`), one per
/// line, streamed as it is read from the store. Confidential addresses are never in it.
async fn ndjson(state: web::Data<AppState>) -> HttpResponse {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let catalog = state.catalog.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut writer = ChannelWriter {
            sender: sender.clone(),
            buffer: Vec::with_capacity(CHUNK),
        };
        if let Err(error) = crate::catalog::export::export(&catalog, &mut writer) {
            tracing::warn!(error = %error, "open data stream ended early");
            let _ = sender.blocking_send(Err(std::io::Error::other("the export failed")));
        }
    });
    HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(ChannelBody(receiver))
}
