//! The HTTP interface: routes, shared state, errors and parameters. Handlers live in
//! [`api`]; they parse, call the [`crate::catalog::Catalog`] and render.

pub mod api;
pub mod compress;
pub mod error;
pub mod metrics;
mod middleware;
pub mod pages;
pub mod params;
pub mod rate_limit;
pub mod starting;

use std::sync::Arc;

use actix_web::{HttpResponse, Resource, web};

use crate::catalog::Catalog;
use error::ApiError;

pub use middleware::observe;

/// The largest request body accepted (a listing form in Bengali, percent-encoded, fits
/// several times over); larger bodies are refused with 413 before a handler runs.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What handlers share.
pub struct AppState {
    /// The directory.
    pub catalog: Arc<Catalog>,
    /// The public base URL, when configured (otherwise taken from each request).
    pub public_url: Option<url::Url>,
    /// Where "now" comes from, for opening times and freshness.
    pub clock: crate::clock::Clock,
    /// Rate limits on write endpoints.
    pub limits: rate_limit::Limits,
    /// Whether cookies are marked `Secure` (off only for local HTTP).
    pub secure_cookies: bool,
    /// Whether reminders are delivered (an SMTP server is configured).
    pub mail_enabled: bool,
    /// Online lookup of postcodes the geo pack does not list (off unless configured).
    pub postcodes: Arc<crate::catalog::postcodes::OnlinePostcodes>,
    /// Slots for searches running at once (see [`api::search_blocking`]).
    pub searches: Arc<tokio::sync::Semaphore>,
    /// Request and search figures for `/metrics`.
    pub metrics: Arc<metrics::HttpMetrics>,
    /// The bound on searches at once (the size of `searches`).
    pub max_searches: usize,
    /// What opens the server's internal endpoints (`signpost backup`); `None`: closed.
    pub control: Option<Arc<crate::catalog::backup::Control>>,
}

impl AppState {
    /// Where the `postcode` parameter of `query_string` is, when the geo pack does not list
    /// it and the online lookup (if configured) does; see
    /// [`crate::catalog::postcodes::OnlinePostcodes::locate`].
    pub async fn online_postcode(
        &self,
        query_string: &str,
    ) -> Option<crate::geography::PostcodeLocation> {
        let (_, postcode) = url::form_urlencoded::parse(query_string.as_bytes())
            .find(|(name, value)| name == "postcode" && !value.trim().is_empty())?;
        self.postcodes
            .locate(&self.catalog, &postcode, self.clock.now())
            .await
    }
}

/// A read-only resource (GET and HEAD): other methods get a 405 problem.
fn get_resource<F, Args>(path: &str, handler: F) -> Resource
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(ApiError::MethodNotAllowed)
        }))
}

/// A write resource (POST only): other methods get a 405 problem.
fn write_resource<F, Args>(path: &str, handler: F) -> Resource
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::post().to(handler))
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(ApiError::PostOnly)
        }))
}

/// Registers every route.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(get_resource("/", root))
        .service(get_resource("/openapi.json", api::openapi::get))
        .service(get_resource("/healthz", api::health::healthz))
        .service(get_resource("/readyz", api::health::readyz))
        .service(get_resource("/metrics", metrics::get))
        .service(get_resource("/services", api::services::list))
        .service(get_resource("/services/{id}", api::services::get))
        .service(get_resource(
            "/service_at_locations",
            api::service_at_locations::list,
        ))
        .service(get_resource(
            "/service_at_locations/{id}",
            api::service_at_locations::get,
        ))
        .service(get_resource(
            "/taxonomies",
            api::taxonomies::list_taxonomies,
        ))
        .service(get_resource(
            "/taxonomies/{id}",
            api::taxonomies::get_taxonomy,
        ))
        .service(get_resource("/taxonomy_terms", api::taxonomies::list_terms))
        .service(get_resource(
            "/taxonomy_terms/{id}",
            api::taxonomies::get_term,
        ))
        .service(get_resource("/geography", api::geography::get))
        .service(get_resource(
            "/postcodes/{postcode}",
            api::geography::postcode,
        ))
        .service(get_resource("/organizations", api::organizations::list))
        .service(get_resource("/organizations/{id}", api::organizations::get))
        .service(write_resource(
            "/api/manage/proposals",
            api::manage::propose,
        ))
        .service(get_resource(
            "/api/manage/proposals/{id}",
            api::manage::proposal,
        ))
        .service(write_resource(
            "/api/manage/services/{id}/notice",
            api::manage::notice,
        ))
        .service(write_resource(
            "/api/manage/services/{id}/assure",
            api::manage::assure,
        ))
        .service(write_resource(
            "/api/manage/services/{id}/capacity",
            api::manage::capacity,
        ))
        .service(
            web::resource(crate::catalog::backup::BACKUP_PATH)
                .route(web::post().to(api::backup::backup)),
        )
        .configure(pages::configure);
}

/// `GET /`: the home page for browsers, the API's details for everything else.
async fn root(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, pages::PageError> {
    let mut response = if pages::wants_html(&request) {
        pages::home(state, request).await?
    } else {
        api::root::get(state, request).await
    };
    response.headers_mut().insert(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept, Accept-Language, Cookie"),
    );
    Ok(response)
}

/// The answer for paths that do not exist: a page for browsers, a problem for the API.
pub async fn not_found(request: actix_web::HttpRequest) -> HttpResponse {
    if pages::wants_html(&request) {
        return pages::not_found(&request);
    }
    actix_web::ResponseError::error_response(&ApiError::NotFound(
        "There is no such endpoint. See /openapi.json for the endpoints of this API.".to_owned(),
    ))
}
