//! `GET /service_at_locations` and `GET /service_at_locations/{id}`.
//!
//! The ORUK OpenAPI file references the full *service* schema for the `{id}` endpoint; the
//! official validator checks it against the `service_at_location` schema, which is what we
//! publish: the link, its location and its service, fully nested.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Page, blocking, json_ok, to_json};
use crate::domain::ids::ServiceAtLocationId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::oruk::render::{ServiceAtLocationSummary, ServiceAtLocationView};
use crate::search::query::{Target, london_today};

/// A page of services at locations matching the query parameters.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = Params::new(request.query_string())
        .service_query(Target::ServiceAtLocations, london_today())?;
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let page = catalog.search_links(&query)?;
        let items: Vec<ServiceAtLocationSummary> = page
            .links
            .iter()
            .filter_map(|(link_id, full)| {
                let link = full
                    .service
                    .service_at_locations
                    .iter()
                    .find(|link| link.id == *link_id)?;
                Some(ServiceAtLocationSummary::new(full, link))
            })
            .collect();
        to_json(&Page::new(query.page, page.total, &items))
    })
    .await?;
    Ok(json_ok(body))
}

/// One fully nested service_at_location.
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw_id = id.into_inner();
    let Ok(link_id) = ServiceAtLocationId::parse(&raw_id) else {
        return Err(ApiError::not_found(
            "service_at_location",
            "/service_at_locations",
            &raw_id,
        ));
    };
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let found = catalog.link(link_id)?;
        let link = found.as_ref().and_then(|(_, full)| {
            full.service
                .service_at_locations
                .iter()
                .find(|link| link.id == link_id)
                .map(|link| (full, link))
        });
        match link {
            Some((full, link)) => to_json(&ServiceAtLocationView::new(full, link)),
            None => Err(ApiError::not_found(
                "service_at_location",
                "/service_at_locations",
                &raw_id,
            )),
        }
    })
    .await?;
    Ok(json_ok(body))
}
