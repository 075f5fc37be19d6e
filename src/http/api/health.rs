//! `GET /healthz` (the process is alive) and `GET /readyz` (it can answer searches).

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::blocking;
use crate::geography::Precision;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store::Counts;

/// Liveness.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    store: StoreReadiness,
    index: IndexReadiness,
    geography: GeographyReadiness,
}

#[derive(Serialize)]
struct StoreReadiness {
    open: bool,
    generation: u64,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct IndexReadiness {
    loaded: bool,
    documents: u64,
}

#[derive(Serialize)]
struct GeographyReadiness {
    precision: Precision,
    source: String,
    detail: &'static str,
    localities: usize,
    wards: usize,
    pcns: usize,
    postcodes: usize,
}

/// Readiness, with document counts.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let catalog = state.catalog.clone();
    let readiness = blocking(move || {
        let store = catalog.store();
        let counts = store.counts().map_err(|e| ApiError::Internal(e.to_string()))?;
        let generation = store.generation().map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Readiness {
            status: "ready",
            store: StoreReadiness { open: true, generation, counts },
            index: IndexReadiness { loaded: true, documents: catalog.index().num_docs() },
            geography: {
                let geography = catalog.geography();
                GeographyReadiness {
                    precision: geography.precision(),
                    source: geography.source().to_owned(),
                    detail: match geography.precision() {
                        Precision::Exact => "locations are placed in wards by their coordinates (or postcode) on the ward boundaries",
                        Precision::Approximate => "no geo pack loaded: locations are placed in the ward with the nearest centroid, and postcodes by their outward code; start with --geo-dir for exact placement",
                    },
                    localities: geography.localities().len(),
                    wards: geography.wards().len(),
                    pcns: geography.pcns().len(),
                    postcodes: geography.postcode_count(),
                }
            },
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(readiness))
}
