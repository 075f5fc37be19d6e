//! `GET /`: what this API is, as the ORUK validator expects.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::base_url;
use crate::http::AppState;
use crate::oruk::{HSDS_VERSION, PROFILE_URL};

#[derive(Serialize)]
struct ApiDetails {
    version: &'static str,
    profile: &'static str,
    openapi_url: String,
}

/// API details.
pub async fn get(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    HttpResponse::Ok().json(ApiDetails {
        version: HSDS_VERSION,
        profile: PROFILE_URL,
        openapi_url: format!("{}/openapi.json", base_url(&state, &request)),
    })
}
