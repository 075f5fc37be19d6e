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
    search(state, request, Target::Services).await
}

/// Parses the query string, searches and renders a page (for `/services` and
/// `/service_at_locations`).
pub async fn search(
    state: web::Data<AppState>,
    request: HttpRequest,
    target: Target,
) -> Result<HttpResponse, ApiError> {
    let catalog = state.catalog.clone();
    let context = SearchContext {
        now: state.clock.london_now(),
        geography: catalog.geography(),
        features: &catalog.index().assets().features,
    };
    let query = Params::new(request.query_string()).service_query(target, &context)?;
    let body = blocking(move || search_page::render(&catalog, &query)).await?;
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
