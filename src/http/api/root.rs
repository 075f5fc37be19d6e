//! `GET /`: what this API is, as the ORUK validator expects, with the attribution the
//! geography data requires and how precise the geography is.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::base_url;
use crate::geography::Precision;
use crate::http::AppState;
use crate::oruk::{HSDS_VERSION, PROFILE_URL};

#[derive(Serialize)]
struct ApiDetails<'a> {
    version: &'static str,
    profile: &'static str,
    openapi_url: String,
    geography_precision: Precision,
    attribution: &'a str,
}

/// API details.
pub async fn get(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let geography = state.catalog.geography();
    HttpResponse::Ok().json(ApiDetails {
        version: HSDS_VERSION,
        profile: PROFILE_URL,
        openapi_url: format!("{}/openapi.json", base_url(&state, &request)),
        geography_precision: geography.precision(),
        attribution: geography.attribution(),
    })
}
