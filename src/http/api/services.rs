//! `GET /services` and `GET /services/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Page, blocking, json_ok, to_json};
use crate::domain::ids::ServiceId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::oruk::render::{ServiceSummary, ServiceView};
use crate::search::query::{Target, london_today};

/// A page of services matching the query parameters.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query =
        Params::new(request.query_string()).service_query(Target::Services, london_today())?;
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let page = catalog.search_services(&query)?;
        let items: Vec<ServiceSummary> = page.services.iter().map(ServiceSummary::new).collect();
        to_json(&Page::new(query.page, page.total, &items))
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
    let body = blocking(move || match catalog.full_service(service_id)? {
        Some(full) => to_json(&ServiceView::new(&full)),
        None => Err(ApiError::not_found("service", "/services", &raw_id)),
    })
    .await?;
    Ok(json_ok(body))
}
