//! `GET /openapi.json`: the API as implemented, ORUK 3.0 plus Signpost's extensions.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::base_url;
use crate::http::AppState;

/// The OpenAPI document, as written in `openapi.json` next to this file.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The document, with this server's base URL as its server.
pub async fn get(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let mut document: Value =
        serde_json::from_str(DOCUMENT).expect("openapi.json is valid JSON (tested)");
    document["servers"] = serde_json::json!([{"url": base_url(&state, &request)}]);
    HttpResponse::Ok().json(document)
}
