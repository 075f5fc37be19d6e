//! `GET /taxonomies`, `/taxonomies/{id}`, `/taxonomy_terms`, `/taxonomy_terms/{id}`.
//!
//! Lists are in name order (then id). `/taxonomy_terms` also takes HSDS's `taxonomy_id` and
//! `parent_id` filters. Terms carry their taxonomy nested as HSDS 3.0 `taxonomy_detail`.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Page, blocking, json_ok, to_json};
use crate::domain::ids::{TaxonomyId, TaxonomyTermId};
use crate::domain::taxonomy::{Taxonomy, TaxonomyTerm};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::oruk::render::{TermLookup, TermView};
use crate::search::query::PageRequest;

fn page_of<T: Clone>(items: &[T], page: PageRequest) -> Vec<T> {
    items
        .iter()
        .skip(page.offset())
        .take(page.size)
        .cloned()
        .collect()
}

fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> (String, String)) {
    items.sort_by_cached_key(|item| name(item));
}

/// A page of taxonomies.
pub async fn list_taxonomies(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut params = Params::new(request.query_string());
    let page = params.page();
    params.finish(())?;
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let mut taxonomies = catalog
            .store()
            .taxonomies()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        sort_by_name(&mut taxonomies, |t: &Taxonomy| {
            (t.name.to_lowercase(), t.id.to_string())
        });
        to_json(&Page::new(
            page,
            taxonomies.len(),
            &page_of(&taxonomies, page),
        ))
    })
    .await?;
    Ok(json_ok(body))
}

/// One taxonomy.
pub async fn get_taxonomy(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw_id = id.into_inner();
    let Ok(taxonomy_id) = TaxonomyId::parse(&raw_id) else {
        return Err(ApiError::not_found("taxonomy", "/taxonomies", &raw_id));
    };
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        match catalog
            .store()
            .taxonomy(taxonomy_id)
            .map_err(|e| ApiError::Internal(e.to_string()))?
        {
            Some(taxonomy) => to_json(&taxonomy),
            None => Err(ApiError::not_found("taxonomy", "/taxonomies", &raw_id)),
        }
    })
    .await?;
    Ok(json_ok(body))
}

/// A page of taxonomy terms.
pub async fn list_terms(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut params = Params::new(request.query_string());
    let page = params.page();
    let taxonomy_ids = params.ids::<TaxonomyId>("taxonomy_id");
    let parent_ids = params.ids::<TaxonomyTermId>("parent_id");
    params.finish(())?;
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let store = catalog.store();
        let mut terms: Vec<TaxonomyTerm> = store
            .taxonomy_terms()
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .into_iter()
            .filter(|term| {
                taxonomy_ids.is_empty()
                    || term
                        .taxonomy_id
                        .is_some_and(|id| taxonomy_ids.contains(&id))
            })
            .filter(|term| {
                parent_ids.is_empty() || term.parent_id.is_some_and(|id| parent_ids.contains(&id))
            })
            .collect();
        sort_by_name(&mut terms, |t: &TaxonomyTerm| {
            (t.name.to_lowercase(), t.id.to_string())
        });
        let taxonomies: BTreeMap<TaxonomyId, Taxonomy> = store
            .taxonomies()
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .into_iter()
            .map(|taxonomy| (taxonomy.id, taxonomy))
            .collect();
        let no_terms = BTreeMap::new();
        let lookup = TermLookup {
            terms: &no_terms,
            taxonomies: &taxonomies,
        };
        let on_page = page_of(&terms, page);
        let views: Vec<TermView> = on_page.iter().map(|term| lookup.term(term)).collect();
        to_json(&Page::new(page, terms.len(), &views))
    })
    .await?;
    Ok(json_ok(body))
}

/// One taxonomy term.
pub async fn get_term(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw_id = id.into_inner();
    let Ok(term_id) = TaxonomyTermId::parse(&raw_id) else {
        return Err(ApiError::not_found(
            "taxonomy_term",
            "/taxonomy_terms",
            &raw_id,
        ));
    };
    let catalog = state.catalog.clone();
    let body = blocking(move || {
        let store = catalog.store();
        let Some(term) = store
            .taxonomy_term(term_id)
            .map_err(|e| ApiError::Internal(e.to_string()))?
        else {
            return Err(ApiError::not_found(
                "taxonomy_term",
                "/taxonomy_terms",
                &raw_id,
            ));
        };
        let mut taxonomies = BTreeMap::new();
        if let Some(taxonomy_id) = term.taxonomy_id
            && let Some(taxonomy) = store
                .taxonomy(taxonomy_id)
                .map_err(|e| ApiError::Internal(e.to_string()))?
        {
            taxonomies.insert(taxonomy_id, taxonomy);
        }
        let no_terms = BTreeMap::new();
        to_json(
            &TermLookup {
                terms: &no_terms,
                taxonomies: &taxonomies,
            }
            .term(&term),
        )
    })
    .await?;
    Ok(json_ok(body))
}
