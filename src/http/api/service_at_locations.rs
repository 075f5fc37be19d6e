//! `GET /service_at_locations` and `GET /service_at_locations/{id}`.
//!
//! The ORUK OpenAPI file references the full *service* schema for the `{id}` endpoint; the
//! official validator checks it against the `service_at_location` schema, which is what we
//! publish: the link, its location and its service, fully nested. The list has one row per
//! service at each of its places, each filtered and ranked on its own.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{blocking, json_ok, to_json};
use crate::domain::ids::ServiceAtLocationId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::oruk::render::ServiceAtLocationView;
use crate::search::query::Target;

/// A page of services at locations matching the query parameters.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    super::services::search(state, request, Target::ServiceAtLocations).await
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
        let view = found.as_ref().and_then(|(_, placed)| {
            let link = placed
                .full
                .service
                .service_at_locations
                .iter()
                .find(|link| link.id == link_id)?;
            Some(ServiceAtLocationView::new(
                placed,
                link,
                catalog.geography(),
            ))
        });
        match view {
            Some(view) => to_json(&view),
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
