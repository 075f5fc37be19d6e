//! Locality pages: the services with a place in each locality, by need, printable as a dated
//! pack for GP waiting rooms and community centres. Localities and their wards come from the
//! geography (data, not code).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::view::{self, Card, Text};
use super::{Chrome, PageContext, PageError};
use crate::domain::ids::TaxonomyTermId;
use crate::http::AppState;
use crate::http::api::blocking;
use crate::i18n::Messages;
use crate::search::explain::{MatchReason, explain};
use crate::search::query::{
    Area, AreaGroup, AreaKind, Filters, GeoFilter, MAX_PAGE_SIZE, PageRequest, ServiceQuery, Target,
};

/// A locality in the list.
pub struct AreaLink {
    /// Its page.
    pub href: String,
    /// Its name.
    pub name: String,
    /// Its wards' names.
    pub wards: String,
}

#[derive(Template)]
#[template(path = "areas.html")]
struct AreasPage {
    c: Chrome,
    t: &'static Messages,
    areas: Vec<AreaLink>,
}

/// A need and the locality's services for it.
pub struct NeedGroup {
    /// The need's name.
    pub name: Text,
    /// Its services.
    pub cards: Vec<Card>,
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    c: Chrome,
    t: &'static Messages,
    name: String,
    wards: String,
    dated: String,
    groups: Vec<NeedGroup>,
    remote: Vec<Card>,
    total: usize,
}

/// `GET /areas`.
pub async fn list(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let context = PageContext::new(&request);
    let geography = state.catalog.geography();
    let t = context.t();
    let page = AreasPage {
        c: context.chrome(t.get("areas-title")),
        t,
        areas: geography
            .localities()
            .iter()
            .map(|locality| AreaLink {
                href: context.link(&format!("/areas/{}", locality.id)),
                name: locality.name.clone(),
                wards: ward_names(&state, &locality.wards),
            })
            .collect(),
    };
    context.respond(&request, &page)
}

fn ward_names(state: &AppState, wards: &[usize]) -> String {
    let all = state.catalog.geography().wards();
    let mut names: Vec<&str> = wards.iter().map(|at| all[*at].name.as_str()).collect();
    names.sort_unstable();
    names.join(", ")
}

/// `GET /areas/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let geography = state.catalog.geography();
    let Some(at) = geography.locality_by_key(&id) else {
        return Err(PageError::NotFound(locale));
    };
    let locality = geography.localities()[at].clone();
    let now = state.clock.london_now();
    let catalog = state.catalog.clone();
    let geo = GeoFilter {
        area_groups: vec![AreaGroup {
            kind: AreaKind::Locality,
            areas: vec![Area::Locality(locality.id.clone())],
        }],
        near: None,
    };
    let searched = geo.clone();
    let (found, needs) = blocking(move || {
        let mut query = ServiceQuery {
            target: Target::Services,
            text: None,
            filters: Filters::new(now),
            geo: searched,
            facets: None,
            page: PageRequest {
                number: 1,
                size: MAX_PAGE_SIZE,
            },
        };
        let mut found = Vec::new();
        loop {
            let page = catalog.search(&query)?;
            let done = page.found.len() < MAX_PAGE_SIZE;
            found.extend(page.found.into_iter().map(|f| f.placed));
            if done {
                break;
            }
            query.page.number += 1;
        }
        Ok((found, catalog.needs()?))
    })
    .await
    .map_err(PageError::internal(locale))?;

    let top: BTreeMap<TaxonomyTermId, usize> = needs
        .iter()
        .filter(|term| term.parent_id.is_none())
        .enumerate()
        .map(|(order, term)| (term.id, order))
        .collect();
    let mut by_need: BTreeMap<usize, Vec<Card>> = BTreeMap::new();
    let mut remote = Vec::new();
    let total = found.len();
    for placed in &found {
        let reason = explain(placed, None, &geo, geography).map(|e| e.reason);
        let card = || Card::new(&context, placed, None, now);
        if reason != Some(MatchReason::InArea) {
            remote.push(card());
            continue;
        }
        let mut groups: Vec<usize> = placed
            .full
            .term_ids_with_ancestors()
            .iter()
            .filter_map(|id| top.get(id).copied())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        if groups.is_empty() {
            groups.push(usize::MAX);
        }
        for group in groups {
            by_need.entry(group).or_default().push(card());
        }
    }
    let t = context.t();
    let top_terms: Vec<_> = needs
        .iter()
        .filter(|term| term.parent_id.is_none())
        .collect();
    let groups = by_need
        .into_iter()
        .map(|(order, cards)| NeedGroup {
            name: top_terms.get(order).map_or_else(
                || Text::listing(&t.get("area-other-needs"), locale),
                |term| view::need_name(t, term),
            ),
            cards,
        })
        .collect();
    let page = AreaPage {
        c: context.chrome(t.with("area-title", "area", &locality.name)),
        t,
        wards: ward_names(&state, &locality.wards),
        name: locality.name,
        dated: view::date(t, now.date()),
        groups,
        remote,
        total,
    };
    Ok(context.respond(&request, &page))
}
