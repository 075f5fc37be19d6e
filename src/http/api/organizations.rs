//! `GET /organizations` and `GET /organizations/{id}` (HSDS 3.0 endpoints).
//!
//! The list is in name order. One organization comes with its services fully nested
//! (those shown by default: active and temporarily closed).

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Page, blocking, json_ok, to_json};
use crate::domain::ids::OrganizationId;
use crate::domain::service::ServiceStatus;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::oruk::render::{OrganizationSummary, OrganizationView, Places, ServiceView, TermLookup};
use crate::store::join;

/// A page of organizations.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut params = Params::new(request.query_string());
    let page = params.page();
    params.finish(())?;
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let store = catalog.store();
        let internal = |e: crate::store::StoreError| ApiError::Internal(e.to_string());
        let total = store.counts().map_err(internal)?.organizations as usize;
        let organizations = store
            .organizations_by_name(page.offset(), page.size)
            .map_err(internal)?;
        let items: Vec<OrganizationSummary> =
            organizations.iter().map(OrganizationSummary::new).collect();
        to_json(&Page::new(page, total, &items))
    })
    .await?;
    Ok(json_ok(body))
}

/// One organization with its services.
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw_id = id.into_inner();
    let Ok(organization_id) = OrganizationId::parse(&raw_id) else {
        return Err(ApiError::not_found(
            "organization",
            "/organizations",
            &raw_id,
        ));
    };
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let store = catalog.store();
        let internal = |e: crate::store::StoreError| ApiError::Internal(e.to_string());
        let Some(organization) = store.organization(organization_id).map_err(internal)? else {
            return Err(ApiError::not_found(
                "organization",
                "/organizations",
                &raw_id,
            ));
        };
        let mut services = Vec::new();
        for service_id in store
            .services_of_organization(organization_id)
            .map_err(internal)?
        {
            if let Some(placed) = catalog.placed_service(service_id)?
                && ServiceStatus::SHOWN_BY_DEFAULT.contains(&placed.full.service.status)
            {
                services.push(placed);
            }
        }
        services.sort_by_cached_key(|placed| {
            let service = &placed.full.service;
            (service.name.to_lowercase(), service.id)
        });
        let (terms, taxonomies) =
            join::terms_for(store, organization.attributes.iter()).map_err(internal)?;
        let lookup = TermLookup {
            terms: &terms,
            taxonomies: &taxonomies,
        };
        let view = OrganizationView::new(&organization, lookup).with_services(
            services
                .iter()
                .map(|placed| {
                    ServiceView::without_organization(
                        &placed.full,
                        Places::of(placed, catalog.geography()),
                    )
                })
                .collect(),
        );
        to_json(&view)
    })
    .await?;
    Ok(json_ok(body))
}
