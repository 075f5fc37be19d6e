//! `GET /service/{id}`: everything a person needs to use a service, and "report a problem
//! with this listing" (`POST /service/{id}/report`).

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::forms::Pairs;
use super::view::{self, Checked, Link, OpeningNow, Text};
use super::{Chrome, PageContext, PageError};
use crate::domain::ids::ServiceId;
use crate::domain::location::{Location, LocationType};
use crate::domain::report::{MAX_DETAILS_CHARS, ProblemKind, ProblemReport};
use crate::domain::service::ServiceStatus;
use crate::geography::PlacedService;
use crate::http::AppState;
use crate::http::api::blocking;
use crate::i18n::Messages;

/// A contact point: a label and a link (tel:, mailto:, https:) or plain text.
pub struct Contact {
    /// What it is ("Phone", "Referrals by e-mail").
    pub label: String,
    /// The value shown.
    pub value: String,
    /// The link, when it is one.
    pub href: Option<String>,
}

/// A place to go.
pub struct Place {
    /// The place's name.
    pub name: Option<Text>,
    /// Its address lines (none for a confidential place).
    pub address: Vec<String>,
    /// For a confidential place: how to find out where it is.
    pub confidential: bool,
    /// A link to directions (OpenStreetMap), for a public place with a point.
    pub directions: Option<String>,
    /// Accessibility, in the listing's words.
    pub accessibility: Vec<Text>,
    /// When it is open there.
    pub times: Vec<Text>,
    /// Its phones.
    pub phones: Vec<Contact>,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    c: Chrome,
    t: &'static Messages,
    id: String,
    name: Text,
    organisation: Option<Link>,
    description: Option<Text>,
    alert: Option<Text>,
    closed: bool,
    opening: Option<OpeningNow>,
    capacity: Option<view::CapacityNote>,
    eligibility: Option<Text>,
    ages: Option<String>,
    suitable: Vec<String>,
    route: Option<String>,
    route_instructions: Option<Text>,
    referral: Vec<Contact>,
    places: Vec<Place>,
    times: Vec<Text>,
    online: Vec<Contact>,
    costs: Vec<Text>,
    languages: Option<String>,
    contacts: Vec<Contact>,
    needs: Vec<Link>,
    checked: Checked,
    checked_by: Option<String>,
    source: Option<String>,
    shortlisted: bool,
    report: ReportForm,
}

/// The report form, with what was typed and what was wrong when sent back.
pub struct ReportForm {
    /// Where it posts.
    pub action: String,
    /// Problem kinds: value, words, chosen.
    pub kinds: Vec<(String, String, bool)>,
    /// What was typed.
    pub details: String,
    /// What is wrong with it.
    pub error: Option<String>,
    /// Whether it has just been received.
    pub received: bool,
}

impl ReportForm {
    fn new(t: &Messages, id: ServiceId, chosen: Option<ProblemKind>) -> Self {
        Self {
            action: format!("/service/{id}/report"),
            kinds: ProblemKind::ALL
                .into_iter()
                .map(|kind| {
                    (
                        kind.as_str().to_owned(),
                        t.get(&format!("report-kind-{}", kind.as_str())),
                        Some(kind) == chosen,
                    )
                })
                .collect(),
            details: String::new(),
            error: None,
            received: false,
        }
    }
}

pub(super) fn parse_id(raw: &str, context: &PageContext) -> Result<ServiceId, PageError> {
    ServiceId::parse(raw).map_err(|_| PageError::NotFound(context.locale))
}

/// A listed service and the feed it was published from, if any.
pub(super) async fn load(
    state: &web::Data<AppState>,
    id: ServiceId,
    context: &PageContext,
) -> Result<(Arc<PlacedService>, Option<String>), PageError> {
    let catalog = state.catalog.clone();
    let found = blocking(move || {
        let placed = catalog.placed_service(id)?;
        let source = catalog
            .store()
            .source_of(id)
            .map_err(crate::catalog::CatalogError::from)?
            .map(|source| source.feed);
        Ok((placed, source))
    })
    .await
    .map_err(PageError::internal(context.locale))?;
    match found {
        // Inactive and defunct services are not listed (a shortlist may still link to one).
        (Some(placed), source)
            if ServiceStatus::SHOWN_BY_DEFAULT.contains(&placed.full.service.status) =>
        {
            Ok((placed, source))
        }
        _ => Err(PageError::NotFound(context.locale)),
    }
}

/// `GET /service/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let id = parse_id(&id, &context)?;
    let (placed, source) = load(&state, id, &context).await?;
    let mut report = ReportForm::new(context.t(), id, None);
    report.received = request.query_string().contains("reported=1");
    let page = page(&state, &context, &placed, source.as_deref(), report);
    Ok(context.respond(&request, &page))
}

/// `GET /service/{id}/report`: the form lives on the service page.
pub async fn report_form(request: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let context = PageContext::new(&request);
    context.redirect(&context.link(&format!("/service/{id}#report")))
}

/// `POST /service/{id}/report`: keeps the report for the moderators (rate-limited per
/// client address), then back to the service page with a thank-you.
pub async fn report(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let fields = Pairs::parse_form(&String::from_utf8_lossy(&body));
    let details = fields.first("details").unwrap_or_default();
    if !context.csrf_ok(fields.first("csrf").unwrap_or_default()) {
        return Err(PageError::FormExpired(locale));
    }
    let id = parse_id(&id, &context)?;
    let (placed, source) = load(&state, id, &context).await?;
    let t = context.t();
    let kind = fields
        .first("kind")
        .and_then(ProblemKind::parse)
        .unwrap_or(ProblemKind::Other);
    let now = state.clock.now();
    match ProblemReport::new(id, kind, details, now) {
        Ok(problem) => {
            if !state.limits.reports.allow(&super::client_key(&request)) {
                return Err(PageError::TooMany(locale));
            }
            let catalog = state.catalog.clone();
            blocking(move || {
                catalog
                    .store()
                    .add_report(&problem)
                    .map_err(crate::catalog::CatalogError::from)?;
                Ok(())
            })
            .await
            .map_err(PageError::internal(locale))?;
            tracing::info!(service_id = %id, kind = kind.as_str(), "problem report received");
            Ok(context.redirect(&context.link(&format!("/service/{id}?reported=1#report"))))
        }
        Err(problem) => {
            let mut form = ReportForm::new(t, id, Some(kind));
            form.details = details.chars().take(MAX_DETAILS_CHARS * 2).collect();
            form.error = Some(if details.is_empty() {
                t.get("report-error-empty")
            } else {
                t.with("report-error-long", "detail", problem.message())
            });
            let page = page(&state, &context, &placed, source.as_deref(), form);
            let mut response = context.respond(&request, &page);
            *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }
}

fn phone_contact(t: &Messages, label: Option<&str>, number: &str) -> Contact {
    let dial: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    Contact {
        label: label.map_or_else(|| t.get("contact-phone"), str::to_owned),
        value: number.to_owned(),
        href: Some(format!("tel:{dial}")),
    }
}

fn email_contact(label: String, email: &str) -> Contact {
    Contact {
        label,
        value: email.to_owned(),
        href: Some(format!("mailto:{email}")),
    }
}

fn web_contact(label: String, url: &str) -> Contact {
    Contact {
        label,
        value: url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
        href: Some(url.to_owned()),
    }
}

fn place(
    context: &PageContext,
    location: &Location,
    times: Vec<Text>,
    point: Option<crate::domain::location::LatLon>,
) -> Place {
    let locale = context.locale;
    let t = context.t();
    let public = location.is_published_address();
    let address = if public {
        location
            .addresses
            .iter()
            .take(1)
            .flat_map(|a| {
                [
                    Some(a.address_1.clone()),
                    a.address_2.clone(),
                    Some(a.city.clone()),
                    Some(a.postal_code.clone()),
                ]
            })
            .flatten()
            .filter(|line| !line.trim().is_empty())
            .collect()
    } else {
        Vec::new()
    };
    Place {
        name: location.name.as_deref().map(|n| Text::listing(n, locale)),
        address,
        confidential: !public,
        directions: point.filter(|_| public).map(|p| {
            format!(
                "https://www.openstreetmap.org/directions?to={:.5}%2C{:.5}",
                p.latitude(),
                p.longitude()
            )
        }),
        accessibility: location
            .accessibility
            .iter()
            .filter_map(|a| a.description.as_deref().or(a.details.as_deref()))
            .map(|text| Text::listing(text, locale))
            .collect(),
        times,
        phones: location
            .phones
            .iter()
            .map(|p| phone_contact(t, p.description.as_deref(), p.number.as_str()))
            .collect(),
    }
}

fn page(
    state: &AppState,
    context: &PageContext,
    placed: &PlacedService,
    source: Option<&str>,
    report: ReportForm,
) -> ServicePage {
    let t = context.t();
    let locale = context.locale;
    let full = &placed.full;
    let service = &full.service;
    let now = state.clock.london_now();
    let features = &state.catalog.index().assets().features;
    let listing = |text: &str| Text::listing(text, locale);

    let places: Vec<Place> = placed
        .sites()
        .map(|site| {
            let times = service
                .schedules_at(site.link.id)
                .filter_map(|s| view::schedule_text(t, s))
                .map(|s| listing(&s))
                .collect();
            place(context, site.location, times, site.placement.point)
        })
        .collect();
    let times = service
        .schedules
        .iter()
        .filter(|s| s.service_at_location_id.is_none())
        .filter_map(|s| view::schedule_text(t, s))
        .map(|s| listing(&s))
        .collect();
    let online = full
        .locations
        .values()
        .filter(|l| l.location_type == LocationType::Virtual)
        .filter_map(|l| l.url.as_ref())
        .map(|url| web_contact(t.get("contact-online"), url.as_str()))
        .collect();

    let route = service
        .referral_route
        .map(|r| t.get(&format!("route-{}", r.as_str().replace('_', "-"))));
    let mut referral = Vec::new();
    if let Some(url) = &service.referral_url {
        referral.push(web_contact(t.get("referral-form"), url.as_str()));
    }
    if let Some(email) = &service.referral_email {
        referral.push(email_contact(t.get("referral-email"), email.as_str()));
    }
    if let Some(phone) = &service.referral_phone {
        referral.push(phone_contact(
            t,
            Some(&t.get("referral-phone")),
            phone.as_str(),
        ));
    }

    let mut contacts: Vec<Contact> = service
        .phones
        .iter()
        .map(|p| phone_contact(t, p.description.as_deref(), p.number.as_str()))
        .collect();
    if let Some(email) = &service.email {
        contacts.push(email_contact(t.get("contact-email"), email.as_str()));
    }
    if let Some(url) = &service.url {
        contacts.push(web_contact(t.get("contact-website"), url.as_str()));
    }
    for person in &service.contacts {
        let who = [person.name.as_deref(), person.title.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(email) = &person.email {
            contacts.push(email_contact(who.clone(), email.as_str()));
        }
        for phone in &person.phones {
            contacts.push(phone_contact(t, Some(&who), phone.number.as_str()));
        }
    }

    let ages = match (service.minimum_age, service.maximum_age) {
        (Some(min), Some(max)) => Some(t.format(
            "ages-between",
            &[
                ("min", crate::i18n::Arg::Number(min.years() as i64)),
                ("max", crate::i18n::Arg::Number(max.years() as i64)),
            ],
        )),
        (Some(min), None) => Some(t.count("ages-from", min.years() as i64)),
        (None, Some(max)) => Some(t.count("ages-up-to", max.years() as i64)),
        (None, None) => None,
    };
    let suitable = crate::search::features::suitable_for(full, features)
        .into_iter()
        .map(|value| {
            t.try_get(&format!("suitable-{}", value.replace('_', "-")))
                .unwrap_or_else(|| value.replace('_', " "))
        })
        .collect();
    let costs = service
        .cost_options
        .iter()
        .map(|option| {
            let amount = option.amount.map(|a| {
                if a.value() == 0.0 {
                    t.get("cost-free")
                } else {
                    format!("£{:.2}", a.value())
                }
            });
            let words = [
                option.option.clone(),
                amount,
                option.amount_description.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" – ");
            listing(&words)
        })
        .chain(service.fees.as_deref().map(listing))
        .collect();
    let needs = full
        .direct_terms()
        .filter(|term| {
            term.taxonomy_id
                .and_then(|id| full.taxonomies.get(&id))
                .is_none_or(|tx| !crate::search::features::is_suitable_for_taxonomy(&tx.name))
        })
        .map(|term| Link {
            href: context.link(&format!("/search?taxonomy_term_id={}", term.id)),
            text: listing(&term.name),
        })
        .collect();
    let checked_by = service.assured_date.map(|_| {
        let same_domain = |email: &str| {
            let domain = email.rsplit('@').next().unwrap_or_default();
            full.organization.as_ref().is_some_and(|o| {
                o.email
                    .as_ref()
                    .is_some_and(|e| e.as_str().ends_with(&format!("@{domain}")))
                    || o.website
                        .as_ref()
                        .is_some_and(|w| w.as_str().contains(&format!("//{domain}")))
            })
        };
        match (&full.organization, &service.assurer_email) {
            (Some(organisation), Some(email)) if same_domain(email.as_str()) => {
                t.with("checked-by", "who", &organisation.name)
            }
            _ => t.get("checked-by-team"),
        }
    });
    let mut chrome = context.chrome(service.name.clone());
    chrome.exit_page = crate::search::features::is_sensitive(full, features);
    ServicePage {
        c: chrome,
        t,
        id: service.id.to_string(),
        name: listing(&service.name),
        organisation: view::organisation_link(context, full),
        description: service.description.as_deref().map(listing),
        alert: service.alert.as_deref().map(listing),
        closed: service.status == ServiceStatus::TemporarilyClosed,
        opening: view::opening_now(t, service, None, now),
        capacity: view::capacity_note(t, full, now.date()),
        eligibility: service.eligibility_description.as_deref().map(listing),
        ages,
        suitable,
        route,
        route_instructions: service.referral_instructions.as_deref().map(listing),
        referral,
        places,
        times,
        online,
        costs,
        languages: view::languages(t, service),
        contacts,
        needs,
        checked: view::checked(t, service, now.date()),
        source: source.map(|feed| t.with("source-from", "feed", feed)),
        checked_by,
        shortlisted: context.shortlist.contains(service.id),
        report,
    }
}
