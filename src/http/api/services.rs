//! `GET /services` and `GET /services/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::search_meta::search_meta;
use super::{Page, blocking, json_ok, to_json};
use crate::domain::ids::ServiceId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::oruk::render::{Places, ServiceSummary, ServiceView};
use crate::search::explain::explain;
use crate::search::query::{Target, london_today};

/// A page of services matching the query parameters.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let catalog = state.catalog.clone();
    let query = Params::new(request.query_string()).service_query(
        Target::Services,
        london_today(),
        catalog.geography(),
    )?;
    let body = blocking(move || {
        let page = catalog.search_services(&query)?;
        let geography = catalog.geography();
        let items: Vec<ServiceSummary> = page
            .services
            .iter()
            .map(|placed| {
                ServiceSummary::new(&placed.full)
                    .with_match(explain(placed, None, &query.geo, geography))
            })
            .collect();
        let meta = search_meta(&query, page.facets.as_ref(), geography);
        to_json(&Page::new(query.page, page.total, &items).with_meta(meta))
    })
    .await?;
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
