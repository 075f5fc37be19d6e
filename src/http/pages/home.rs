//! The home page: one search box, an optional postcode, the needs to browse by, and what
//! this directory is.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Chrome, PageContext, PageError, view::Text};
use crate::http::AppState;
use crate::http::api::blocking;
use crate::i18n::Messages;

/// A need to browse by.
pub struct NeedLink {
    /// Its results page.
    pub href: String,
    /// Its name.
    pub name: Text,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    c: Chrome,
    t: &'static Messages,
    needs: Vec<NeedLink>,
    sample_data: bool,
    services: u64,
    approximate_geography: bool,
}

/// `GET /` for browsers.
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let catalog = state.catalog.clone();
    let locale = context.locale;
    let (needs, sample_data, services) = blocking(move || {
        let store = catalog.store();
        let sample = store
            .is_sample_data()
            .map_err(crate::catalog::CatalogError::from)?;
        let services = store
            .counts()
            .map_err(crate::catalog::CatalogError::from)?
            .services;
        Ok((catalog.needs()?, sample, services))
    })
    .await
    .map_err(PageError::internal(locale))?;
    let needs = needs
        .into_iter()
        .filter(|term| term.parent_id.is_none())
        .map(|term| NeedLink {
            href: context.link(&format!("/search?taxonomy_term_id={}", term.id)),
            name: super::view::need_name(context.t(), &term),
        })
        .collect();
    let t = context.t();
    let page = Home {
        c: context.chrome(t.get("home-title")),
        t,
        needs,
        sample_data,
        services,
        approximate_geography: state.catalog.geography().precision()
            != crate::geography::Precision::Exact,
    };
    Ok(context.respond(&request, &page))
}
