//! `GET /organisation/{id}`: an organisation and the services it runs.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::view::{Card, Text};
use super::{Chrome, PageContext, PageError};
use crate::domain::ids::OrganizationId;
use crate::domain::service::ServiceStatus;
use crate::http::AppState;
use crate::http::api::blocking;
use crate::i18n::Messages;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    c: Chrome,
    t: &'static Messages,
    name: Text,
    description: Option<Text>,
    website: Option<String>,
    email: Option<String>,
    cards: Vec<Card>,
}

/// `GET /organisation/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let id = OrganizationId::parse(&id).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let found = blocking(move || {
        let store = catalog.store();
        let Some(organisation) = store
            .organization(id)
            .map_err(crate::catalog::CatalogError::from)?
        else {
            return Ok(None);
        };
        let mut services = Vec::new();
        for service_id in store
            .services_of_organization(id)
            .map_err(crate::catalog::CatalogError::from)?
        {
            if let Some(placed) = catalog.placed_service(service_id)?
                && ServiceStatus::SHOWN_BY_DEFAULT.contains(&placed.full.service.status)
            {
                services.push(placed);
            }
        }
        services.sort_by(|a, b| a.full.service.name.cmp(&b.full.service.name));
        Ok(Some((organisation, services)))
    })
    .await
    .map_err(PageError::internal(locale))?;
    let Some((organisation, services)) = found else {
        return Err(PageError::NotFound(locale));
    };
    let now = state.clock.london_now();
    let t = context.t();
    let page = OrganisationPage {
        c: context.chrome(organisation.name.clone()),
        t,
        name: Text::listing(&organisation.name, locale),
        description: (!organisation.description.trim().is_empty())
            .then(|| Text::listing(&organisation.description, locale)),
        website: organisation.website.as_ref().map(|w| w.as_str().to_owned()),
        email: organisation.email.as_ref().map(|e| e.as_str().to_owned()),
        cards: services
            .iter()
            .map(|placed| Card::new(&context, placed, None, now))
            .collect(),
    };
    Ok(context.respond(&request, &page))
}
