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
    id: String,
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
        id: organisation.id.to_string(),
        cards: services
            .iter()
            .map(|placed| Card::new(&context, placed, None, now))
            .collect(),
    };
    Ok(context.respond(&request, &page))
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    f: super::forms::Pairs,
    errors: Vec<(String, String)>,
    sent: bool,
}

/// The organisation `raw` names, or a not-found page.
async fn organisation_named(
    state: &AppState,
    raw: &str,
    locale: crate::i18n::Locale,
) -> Result<crate::domain::organization::Organization, PageError> {
    let id = OrganizationId::parse(raw).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    blocking(move || {
        catalog
            .store()
            .organization(id)
            .map_err(|e| crate::http::error::ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(PageError::internal(locale))?
    .ok_or(PageError::NotFound(locale))
}

fn claim_page(
    context: &PageContext,
    organisation: &crate::domain::organization::Organization,
    f: super::forms::Pairs,
    errors: Vec<(String, String)>,
    sent: bool,
) -> ClaimPage {
    let t = context.t();
    let heading = t.with("claim-title", "organisation", &organisation.name);
    ClaimPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/organisation/{}/claim", organisation.id),
        f,
        errors,
        sent,
    }
}

/// `GET /organisation/{id}/claim`: ask to keep the organisation's listings.
pub async fn claim_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let organisation = organisation_named(&state, &id, context.locale).await?;
    let sent = request.query_string().contains("sent=1");
    let page = claim_page(
        &context,
        &organisation,
        Default::default(),
        Vec::new(),
        sent,
    );
    Ok(context.respond(&request, &page))
}

/// `POST /organisation/{id}/claim`: keeps the request for a moderator (rate-limited per
/// client address).
pub async fn claim(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let fields = super::forms::Pairs::parse_form(&String::from_utf8_lossy(&body));
    if !context.csrf_ok(fields.value("csrf")) {
        return Err(PageError::FormExpired(locale));
    }
    let organisation = organisation_named(&state, &id, locale).await?;
    let t = context.t();
    let made = crate::domain::claim::ClaimRequest::new(
        organisation.id,
        fields.value("name"),
        fields.value("email"),
        fields.value("role"),
        fields.value("note"),
        state.clock.now(),
    );
    match made {
        Ok(claim) => {
            if !state.limits.reports.allow(&super::client_key(&request)) {
                return Err(PageError::TooMany(locale));
            }
            let catalog = state.catalog.clone();
            blocking(move || {
                catalog
                    .store()
                    .put_claim(&claim)
                    .map_err(|e| crate::http::error::ApiError::Internal(e.to_string()))
            })
            .await
            .map_err(PageError::internal(locale))?;
            tracing::info!(organization_id = %organisation.id, "request to manage a listing received");
            Ok(context.redirect(
                &context.link(&format!("/organisation/{}/claim?sent=1", organisation.id)),
            ))
        }
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, problem)| {
                    let text = t.format(
                        "edit-error",
                        &[
                            (
                                "field",
                                crate::i18n::Arg::Text(&t.get(&format!("claim-{field}"))),
                            ),
                            ("problem", crate::i18n::Arg::Text(problem.message())),
                        ],
                    );
                    (field.to_owned(), text)
                })
                .collect();
            let page = claim_page(&context, &organisation, fields, errors, false);
            let mut response = context.respond(&request, &page);
            *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }
}
