//! Organisation editors' pages: their listings (with what needs checking), the listing
//! editor (draft, submit), urgent notices published at once, and "still correct".
//!
//! Handlers read the form, call [`crate::catalog::moderation`] (where every permission is
//! checked) off the async executor and render; nothing here decides who may do what beyond
//! choosing which page to show.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use super::account::{form, off_executor, private, require};
use super::forms::Pairs;
use super::listing_form::{self, COMMON_LANGUAGES, FieldError, FormLocation};
use super::{Chrome, PageContext, PageError};
use crate::catalog::Catalog;
use crate::catalog::moderation::{ModerationError, UrgentNotice};
use crate::domain::account::Account;
use crate::domain::ids::{OrganizationId, ServiceId};
use crate::domain::moderation::{Proposal, ProposalStatus, Record, RecordKey};
use crate::domain::organization::Organization;
use crate::domain::schedule::Weekday;
use crate::domain::service::{ReferralRoute, Service, ServiceStatus};
use crate::domain::weekly::SESSIONS_PER_DAY;
use crate::http::AppState;
use crate::i18n::{Arg, Messages};

/// Maps a refusal to the page for it; other errors are shown on the form by the caller.
pub(super) fn refusal(locale: crate::i18n::Locale) -> impl Fn(ModerationError) -> PageError {
    move |error| match error {
        ModerationError::NotFound(_) => PageError::NotFound(locale),
        ModerationError::Forbidden(_) => PageError::Forbidden(locale),
        other => PageError::Internal(locale, other.to_string()),
    }
}

/// A staff form post: its page context, its fields (the CSRF token checked) and the
/// signed-in account, the post counted against the account's write limit.
pub(super) async fn signed_post(
    state: &AppState,
    request: &HttpRequest,
    body: &[u8],
) -> Result<(PageContext, Pairs, Account), PageError> {
    let context = PageContext::new(request);
    let fields = form(&context, body)?;
    let account = require(state, request, &context).await?;
    if !state.limits.writes.allow(&account.id.to_string()) {
        return Err(PageError::TooManyAttempts(context.locale));
    }
    Ok((context, fields, account))
}

/// A proposal's status in words.
pub(super) fn status_text(t: &Messages, proposal: &Proposal) -> String {
    if proposal.urgent {
        return t.get("proposal-urgent");
    }
    match proposal.status {
        ProposalStatus::Rejected => t.with(
            "proposal-status-rejected",
            "reason",
            proposal
                .decision
                .as_ref()
                .and_then(|d| d.reason.as_deref())
                .unwrap_or_default(),
        ),
        other => t.get(&format!("proposal-status-{}", other.as_str())),
    }
}

/// A date and time in London, as `22/11/2026 14:05`.
pub(super) fn when(at: DateTime<Utc>) -> String {
    crate::search::query::london_time(at)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A service as the dashboard lists it.
pub struct ServiceRow {
    id: String,
    name: String,
    status: String,
    checked: String,
    needs_check: bool,
}

/// An organisation's block on the dashboard.
pub struct OrganisationBlock {
    id: String,
    heading: String,
    services: Vec<ServiceRow>,
}

/// A proposal as its author sees it listed.
pub struct ChangeRow {
    href: String,
    title: String,
    status: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "manage.html")]
struct DashboardPage {
    c: Chrome,
    t: &'static Messages,
    done: Option<String>,
    organisations: Vec<OrganisationBlock>,
    changes: Vec<ChangeRow>,
    queue: Option<String>,
}

/// Organisations `account` edits, by name (every one for an administrator).
fn organisations_of(
    catalog: &Catalog,
    account: &Account,
) -> Result<Vec<Organization>, ModerationError> {
    let all = catalog.store().organizations_by_name(0, 10_000)?;
    Ok(all.into_iter().filter(|o| account.can_edit(o.id)).collect())
}

/// `GET /manage`: the listings the account edits and its changes.
pub async fn dashboard(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let account = require(&state, &request, &context).await?;
    let t = context.t();
    let done = Pairs::parse(request.query_string())
        .first("done")
        .filter(|d| {
            [
                "saved",
                "submitted",
                "assured",
                "notice",
                "capacity",
                "questions",
            ]
            .contains(d)
        })
        .map(|d| {
            t.get(match d {
                "saved" => "edit-saved",
                "submitted" => "edit-submitted",
                "assured" => "manage-assured",
                "capacity" => "capacity-published",
                "questions" => "questions-saved",
                _ => "notice-published",
            })
        });
    let catalog = state.catalog.clone();
    let today = crate::search::query::london_time(state.clock.now()).date();
    let (organisations, proposals, waiting) = off_executor(locale, move || {
        let organisations = organisations_of(&catalog, &account)?;
        let mut blocks = Vec::new();
        for organisation in organisations {
            let mut services = Vec::new();
            for id in catalog.store().services_of_organization(organisation.id)? {
                if let Some(service) = catalog.store().service(id)? {
                    services.push(service);
                }
            }
            services.sort_by(|a, b| a.name.cmp(&b.name));
            blocks.push((organisation, services));
        }
        let proposals = catalog.proposals_by(&account)?;
        let waiting = if account.is_moderator() {
            let queue = catalog.queue(&account)?;
            let claims = catalog.claims_for(&account)?;
            Some(queue.proposals.len() + queue.reports.len() + claims.len())
        } else {
            None
        };
        Ok::<_, ModerationError>((blocks, proposals, waiting))
    })
    .await?
    .map_err(refusal(locale))?;
    let page = DashboardPage {
        c: context.chrome(t.get("manage-title")),
        t,
        done,
        organisations: organisations
            .into_iter()
            .map(|(organisation, services)| OrganisationBlock {
                id: organisation.id.to_string(),
                heading: t.with("manage-services-of", "organisation", &organisation.name),
                services: services
                    .into_iter()
                    .map(|s| ServiceRow {
                        id: s.id.to_string(),
                        status: t.get(&format!(
                            "service-status-{}",
                            s.status.as_str().replace(' ', "-")
                        )),
                        checked: s.assured_date.map_or_else(
                            || t.get("manage-never-checked"),
                            |d| super::view::date(t, d),
                        ),
                        needs_check: s.needs_check(today),
                        name: s.name,
                    })
                    .collect(),
            })
            .collect(),
        changes: proposals
            .iter()
            .map(|p| ChangeRow {
                href: p
                    .records
                    .iter()
                    .find_map(|r| match r {
                        Record::Service(s) => Some(format!("/manage/services/{}", s.id)),
                        Record::Organization(o) => Some(format!("/manage/organisations/{}", o.id)),
                        Record::Location(_) => None,
                    })
                    .unwrap_or_else(|| "/manage".to_owned()),
                title: p.title().to_owned(),
                status: status_text(t, p),
                updated: when(p.updated),
            })
            .collect(),
        queue: waiting.map(|n| t.format("manage-queue-link", &[("count", Arg::Number(n as i64))])),
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// What the editor works on: the version of the service shown in the form, its
/// organisation, its locations, and the editor's unfinished change, if any.
struct Editing {
    service: Service,
    organisation: Organization,
    locations: Vec<FormLocation>,
    open: Option<Proposal>,
    is_new: bool,
}

/// A blank service for `organisation`.
fn blank_service(organisation: OrganizationId) -> Service {
    serde_json::from_value(serde_json::json!({
        "id": ServiceId::random().to_string(),
        "organization_id": organisation.to_string(),
        "name": "",
        "status": "active",
    }))
    .expect("a minimal service deserialises")
}

/// Loads what `account` edits at `/manage/services/{id}` (`id` "new" with an organisation).
fn load_editing(
    catalog: &Catalog,
    account: &Account,
    id: &str,
    organisation: Option<&str>,
) -> Result<Editing, ModerationError> {
    let store = catalog.store();
    let (service, open, is_new) = if id == "new" {
        let organisation = organisation
            .and_then(|o| OrganizationId::parse(o).ok())
            .ok_or(ModerationError::NotFound("organisation"))?;
        (blank_service(organisation), None, true)
    } else {
        let id = ServiceId::parse(id).map_err(|_| ModerationError::NotFound("service"))?;
        let open = catalog.open_proposal_about(account, RecordKey::service(id))?;
        let proposed = open.as_ref().and_then(|p| {
            p.records.iter().find_map(|r| match r {
                Record::Service(s) if s.id == id => Some((**s).clone()),
                _ => None,
            })
        });
        let live = store.service(id)?;
        let is_new = live.is_none();
        let service = proposed
            .or(live)
            .ok_or(ModerationError::NotFound("service"))?;
        (service, open, is_new)
    };
    let organisation_id = service.organization_id.ok_or(ModerationError::Forbidden(
        "a service without an organisation",
    ))?;
    if !account.can_edit(organisation_id) {
        return Err(ModerationError::Forbidden("not your organisation"));
    }
    let organisation = store
        .organization(organisation_id)?
        .ok_or(ModerationError::NotFound("organisation"))?;
    let mut locations = Vec::new();
    for location_id in service.location_ids() {
        let proposed = open.as_ref().and_then(|p| {
            p.records.iter().find_map(|r| match r {
                Record::Location(l) if l.id == location_id => Some(l.clone()),
                _ => None,
            })
        });
        let Some(location) = proposed.or(store.location(location_id)?) else {
            continue;
        };
        let mut editable = true;
        for user in store.services_at_location(location_id)? {
            let owner = store.service(user)?.and_then(|s| s.organization_id);
            editable &= owner.is_some_and(|o| account.can_edit(o));
        }
        locations.push(FormLocation { location, editable });
    }
    Ok(Editing {
        service,
        organisation,
        locations,
        open,
        is_new,
    })
}

/// A radio button or tick box.
pub struct Choice {
    value: String,
    label: String,
}

/// One time box of the weekly grid.
pub struct TimeCell {
    name: String,
    label: String,
}

/// One day of the weekly grid.
pub struct DayRow {
    name: String,
    cells: Vec<TimeCell>,
}

/// One location block of the form.
pub struct LocationBlock {
    prefix: String,
    f_name: String,
    f_address_1: String,
    f_address_2: String,
    f_city: String,
    f_postcode: String,
    f_confidential: String,
    f_accessibility: String,
    title: String,
    editable: bool,
    shared: String,
}

/// An error, with the field it links to.
pub struct ErrorLine {
    field: String,
    text: String,
}

#[derive(Template)]
#[template(path = "edit_service.html")]
struct EditPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    f: Pairs,
    errors: Vec<ErrorLine>,
    refused: Option<String>,
    open: Option<String>,
    statuses: Vec<Choice>,
    routes: Vec<Choice>,
    languages: Vec<Choice>,
    days: Vec<DayRow>,
    locations: Vec<LocationBlock>,
    other_schedules: Vec<String>,
}

impl EditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.text.as_str())
    }
}

/// The label of a form field, for error messages.
fn field_label(t: &Messages, field: &str) -> String {
    if let Some(rest) = field
        .strip_prefix("opens-")
        .or_else(|| field.strip_prefix("closes-"))
    {
        let day = Weekday::parse(rest.get(..2).unwrap_or_default())
            .map(|d| t.get(&format!("day-{}", d.index() + 1)))
            .unwrap_or_default();
        let which = if field.starts_with("opens") {
            "edit-opens"
        } else {
            "edit-closes"
        };
        return format!("{day} {}", t.get(which).to_lowercase());
    }
    let base = if let Some(rest) = field.strip_prefix("new-") {
        rest
    } else if field.starts_with("loc-") {
        field.rsplit('-').next().unwrap_or(field)
    } else {
        field
    };
    let location_field = field.starts_with("new-") || field.starts_with("loc-");
    let id = if location_field {
        format!("edit-loc-{base}")
    } else {
        format!("edit-{base}")
    };
    t.try_get(&id).unwrap_or_else(|| field.to_owned())
}

/// A form's field errors as its error summary lists them.
fn error_lines(t: &Messages, errors: &[FieldError]) -> Vec<ErrorLine> {
    errors
        .iter()
        .map(|e| ErrorLine {
            field: e.field.clone(),
            text: t.format(
                "edit-error",
                &[
                    ("field", Arg::Text(&field_label(t, &e.field))),
                    ("problem", Arg::Text(&e.problem)),
                ],
            ),
        })
        .collect()
}

fn edit_page(
    context: &PageContext,
    editing: &Editing,
    f: Pairs,
    errors: &[FieldError],
    refused: Option<String>,
) -> EditPage {
    let t = context.t();
    let heading = if editing.is_new && editing.open.is_none() {
        t.with("edit-new-title", "organisation", &editing.organisation.name)
    } else {
        t.with("edit-title", "name", &editing.service.name)
    };
    let action = if editing.is_new && editing.open.is_none() {
        format!(
            "/manage/services/new?organisation={}",
            editing.organisation.id
        )
    } else {
        format!("/manage/services/{}", editing.service.id)
    };
    let (_, others) =
        crate::domain::weekly::WeeklyHours::from_schedules(&editing.service.schedules);
    EditPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action,
        f,
        errors: error_lines(t, errors),
        refused,
        open: editing
            .open
            .as_ref()
            .map(|p| t.with("edit-open-proposal", "status", &status_text(t, p))),
        statuses: ServiceStatus::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.get(&format!("service-status-{}", s.as_str().replace(' ', "-"))),
            })
            .collect(),
        routes: ReferralRoute::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: t.get(&format!("route-{}", r.as_str().replace('_', "-"))),
            })
            .collect(),
        languages: COMMON_LANGUAGES
            .iter()
            .map(|code| Choice {
                value: (*code).to_owned(),
                label: t
                    .try_get(&format!("language-{code}"))
                    .unwrap_or_else(|| (*code).to_owned()),
            })
            .collect(),
        days: Weekday::ALL
            .iter()
            .map(|day| {
                let name = t.get(&format!("day-{}", day.index() + 1));
                DayRow {
                    cells: (1..=SESSIONS_PER_DAY)
                        .flat_map(|n| {
                            let session = t.format("edit-session", &[("n", Arg::Number(n as i64))]);
                            [("opens", "edit-opens"), ("closes", "edit-closes")].map(
                                |(field, label)| TimeCell {
                                    name: format!("{field}-{}-{n}", day.code()),
                                    label: format!("{name}, {session}: {}", t.get(label)),
                                },
                            )
                        })
                        .collect(),
                    name,
                }
            })
            .collect(),
        locations: editing
            .locations
            .iter()
            .map(|l| {
                let title = l
                    .location
                    .name
                    .clone()
                    .or_else(|| l.location.addresses.first().map(|a| a.address_1.clone()))
                    .unwrap_or_default();
                let prefix = listing_form::location_prefix(l.location.id);
                LocationBlock {
                    f_name: format!("{prefix}name"),
                    f_address_1: format!("{prefix}address_1"),
                    f_address_2: format!("{prefix}address_2"),
                    f_city: format!("{prefix}city"),
                    f_postcode: format!("{prefix}postcode"),
                    f_confidential: format!("{prefix}confidential"),
                    f_accessibility: format!("{prefix}accessibility"),
                    prefix,
                    shared: t.with("edit-location-shared", "name", &title),
                    title,
                    editable: l.editable,
                }
            })
            .collect(),
        other_schedules: others
            .iter()
            .filter_map(|s| super::view::schedule_text(t, s))
            .collect(),
    }
}

/// `GET /manage/services/{id}` (and `new?organisation=...`): the listing editor.
pub async fn edit_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let account = require(&state, &request, &context).await?;
    let organisation = Pairs::parse(request.query_string())
        .first("organisation")
        .map(str::to_owned);
    let catalog = state.catalog.clone();
    let id = path.into_inner();
    let editing = off_executor(locale, move || {
        load_editing(&catalog, &account, &id, organisation.as_deref())
    })
    .await?
    .map_err(refusal(locale))?;
    let mut fields = listing_form::service_fields(&editing.service, &editing.locations);
    if let Some(open) = &editing.open {
        fields.push("note", &open.note);
    }
    let page = edit_page(&context, &editing, fields, &[], None);
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/services/{id}`: saves the change as a draft (`action=draft`) or submits
/// it for review (`action=submit`).
pub async fn save(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let organisation = Pairs::parse(request.query_string())
        .first("organisation")
        .map(str::to_owned);
    let submit = fields.first("action") == Some("submit");
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let id = path.into_inner();
    let posted = fields.clone();
    let outcome = off_executor(locale, move || {
        let editing = load_editing(&catalog, &account, &id, organisation.as_deref())?;
        let (service, locations) =
            match listing_form::read_service(&editing.service, &editing.locations, &posted) {
                Ok(read) => read,
                Err(errors) => return Ok(Err((editing, errors, None))),
            };
        let mut records = vec![Record::Service(Box::new(service))];
        for location in locations {
            let live = catalog.store().location(location.id)?;
            if live.as_ref() != Some(&location) {
                records.push(Record::Location(location));
            }
        }
        let live = catalog.live_versions(&records)?;
        let mut proposal = match editing.open.clone() {
            Some(mut open) => {
                open.revise(records, &live);
                open
            }
            None => Proposal::draft(editing.organisation.id, account.id, records, &live, now),
        };
        proposal.note = posted.value("note").to_owned();
        match catalog.save_proposal(&account, proposal, submit, now) {
            Ok(saved) => Ok(Ok(saved)),
            Err(ModerationError::Invalid(reason)) => Ok(Err((editing, Vec::new(), Some(reason)))),
            Err(other) => Err(other),
        }
    })
    .await?
    .map_err(refusal(locale))?;
    match outcome {
        Ok(saved) => {
            tracing::info!(proposal_id = %saved.id, submitted = submit, "listing change saved");
            let done = if submit { "submitted" } else { "saved" };
            Ok(context.redirect(&context.link(&format!("/manage?done={done}"))))
        }
        Err((editing, errors, refused)) => {
            let t = context.t();
            let refused = refused.map(|r| t.with("edit-refused", "reason", &r));
            let page = edit_page(&context, &editing, fields, &errors, refused);
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    message: String,
    error: Option<String>,
}

fn notice_page(
    context: &PageContext,
    service: &Service,
    error: Option<String>,
    message: &str,
) -> NoticePage {
    let t = context.t();
    let heading = t.with("notice-title", "name", &service.name);
    NoticePage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/manage/services/{}/notice", service.id),
        message: message.to_owned(),
        error,
    }
}

/// The live service `id`, if `account` edits its organisation.
fn editable_service(
    catalog: &Catalog,
    account: &Account,
    id: &str,
) -> Result<Service, ModerationError> {
    let id = ServiceId::parse(id).map_err(|_| ModerationError::NotFound("service"))?;
    let service = catalog
        .store()
        .service(id)?
        .ok_or(ModerationError::NotFound("service"))?;
    if service.organization_id.is_some_and(|o| account.can_edit(o)) {
        Ok(service)
    } else {
        Err(ModerationError::Forbidden("not your organisation"))
    }
}

/// The signed-in editor's live service `id`, and what `read` finds about it, off the
/// executor (refused when the service is not theirs).
async fn service_to_edit<T: Send + 'static>(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
    id: String,
    read: impl FnOnce(&Catalog, ServiceId) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<(Service, T), PageError> {
    let locale = context.locale;
    let account = require(state, request, context).await?;
    let catalog = state.catalog.clone();
    off_executor(locale, move || {
        let service = editable_service(&catalog, &account, &id)?;
        let found = read(&catalog, service.id)?;
        Ok::<_, ModerationError>((service, found))
    })
    .await?
    .map_err(refusal(locale))
}

/// `GET /manage/services/{id}/notice`: the urgent notice form.
pub async fn notice_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let account = require(&state, &request, &context).await?;
    let catalog = state.catalog.clone();
    let id = path.into_inner();
    let service = off_executor(locale, move || editable_service(&catalog, &account, &id))
        .await?
        .map_err(refusal(locale))?;
    let message = service.alert.clone().unwrap_or_default();
    let page = notice_page(&context, &service, None, &message);
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/services/{id}/notice`: publishes the notice at once.
pub async fn notice(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let message = fields.value("message").to_owned();
    let notice = match fields.value("kind") {
        "closed" => Some(UrgentNotice::TemporarilyClosed(message.clone())),
        "paused" => Some(UrgentNotice::NotTakingReferrals(message.clone())),
        "reopened" => Some(UrgentNotice::Reopened),
        _ => None,
    };
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let id = path.into_inner();
    let outcome = off_executor(locale, move || {
        let service = editable_service(&catalog, &account, &id)?;
        let Some(notice) = notice else {
            return Ok(Err(service));
        };
        match catalog.publish_notice(&account, service.id, &notice, now) {
            Ok(_) => Ok(Ok(())),
            Err(ModerationError::Invalid(_)) => Ok(Err(service)),
            Err(other) => Err(other),
        }
    })
    .await?
    .map_err(refusal(locale))?;
    match outcome {
        Ok(()) => Ok(context.redirect(&context.link("/manage?done=notice"))),
        Err(service) => {
            let t = context.t();
            let page = notice_page(
                &context,
                &service,
                Some(t.get("notice-missing-message")),
                &message,
            );
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "capacity.html")]
struct CapacityPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    state: &'static str,
    weeks: String,
    until: String,
    today: String,
    error: Option<String>,
}

fn capacity_page(
    context: &PageContext,
    service: &Service,
    capacity: Option<crate::domain::capacity::Capacity>,
    today: chrono::NaiveDate,
    error: Option<String>,
) -> CapacityPage {
    use crate::domain::capacity::CapacityState;
    let t = context.t();
    let heading = t.with("capacity-title", "name", &service.name);
    let (weeks, until) = match capacity.map(|c| c.state) {
        Some(CapacityState::WaitingList {
            wait_weeks: Some(weeks),
        }) => (weeks.to_string(), String::new()),
        Some(CapacityState::Paused { until: Some(day) }) => (String::new(), day.to_string()),
        _ => (String::new(), String::new()),
    };
    CapacityPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/manage/services/{}/capacity", service.id),
        state: capacity.map_or("", |c| c.state.name()),
        weeks,
        until,
        today: today.to_string(),
        error,
    }
}

/// `GET /manage/services/{id}/capacity`: whether the service takes referrals, as a form.
pub async fn capacity_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let (service, capacity) = service_to_edit(
        &state,
        &request,
        &context,
        path.into_inner(),
        |catalog, id| catalog.store().capacity(id),
    )
    .await?;
    let today = crate::search::query::london_time(state.clock.now()).date();
    let page = capacity_page(&context, &service, capacity, today, None);
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/services/{id}/capacity`: publishes the capacity at once.
pub async fn capacity(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    use crate::domain::capacity::CapacityState;
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let now = state.clock.now();
    let today = crate::search::query::london_time(now).date();
    let parsed = CapacityState::parse(
        fields.value("state"),
        fields.value("wait_weeks"),
        fields.value("until"),
        today,
    );
    let catalog = state.catalog.clone();
    let id = path.into_inner();
    let outcome = off_executor(locale, move || {
        let service = editable_service(&catalog, &account, &id)?;
        match parsed {
            Ok(capacity) => catalog
                .set_capacity(&account, service.id, capacity, now)
                .map(|_| Ok(())),
            Err(reason) => {
                let stored = catalog.store().capacity(service.id)?;
                Ok(Err(Box::new((service, stored, reason))))
            }
        }
    })
    .await?
    .map_err(refusal(locale))?;
    match outcome {
        Ok(()) => Ok(context.redirect(&context.link("/manage?done=capacity"))),
        Err(refused) => {
            let (service, stored, reason) = *refused;
            let t = context.t();
            let error = t.with("capacity-refused", "reason", &reason.to_string());
            let page = capacity_page(&context, &service, stored, today, Some(error));
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    questions: String,
    error: Option<String>,
}

fn questions_page(
    context: &PageContext,
    service: &Service,
    questions: String,
    error: Option<String>,
) -> QuestionsPage {
    let t = context.t();
    let heading = t.with("questions-title", "name", &service.name);
    QuestionsPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/manage/services/{}/questions", service.id),
        questions,
        error,
    }
}

/// `GET /manage/services/{id}/questions`: the questions asked with every referral.
pub async fn questions_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let (service, questions) = service_to_edit(
        &state,
        &request,
        &context,
        path.into_inner(),
        |catalog, id| catalog.store().referral_questions(id),
    )
    .await?;
    let page = questions_page(&context, &service, questions.join("\n"), None);
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/services/{id}/questions`: saves them, at once.
pub async fn questions(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let text = fields.value("questions").to_owned();
    let parsed = crate::domain::referral::parse_questions(&text);
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let id = path.into_inner();
    let outcome = off_executor(locale, move || {
        let service = editable_service(&catalog, &account, &id)?;
        match parsed {
            Ok(questions) => catalog
                .set_referral_questions(&account, service.id, &questions, now)
                .map(|()| Ok(())),
            Err(reason) => Ok(Err(Box::new((service, reason)))),
        }
    })
    .await?
    .map_err(refusal(locale))?;
    match outcome {
        Ok(()) => Ok(context.redirect(&context.link("/manage?done=questions"))),
        Err(refused) => {
            let (service, reason) = *refused;
            let error = context.t().with("questions-refused", "reason", reason);
            let page = questions_page(&context, &service, text, Some(error));
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// `POST /manage/services/{id}/assure`: "still correct", in one action.
pub async fn assure(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, _, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let id = ServiceId::parse(&path.into_inner()).map_err(|_| PageError::NotFound(locale))?;
    off_executor(locale, move || catalog.assure(&account, id, now))
        .await?
        .map_err(refusal(locale))?;
    Ok(context.redirect(&context.link("/manage?done=assured")))
}

/// A token as its organisation's editors see it listed.
pub struct TokenRow {
    id: String,
    name: String,
    scopes: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    tokens: Vec<TokenRow>,
    scopes: Vec<Choice>,
    secret: Option<String>,
    error: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    context: &PageContext,
    account: Account,
    organisation: OrganizationId,
    secret: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, PageError> {
    let locale = context.locale;
    let t = context.t();
    let catalog = state.catalog.clone();
    let (organisation, tokens) = off_executor(locale, move || {
        let tokens = crate::auth::tokens::of_organisation(catalog.store(), &account, organisation)
            .map_err(|e| match e {
                crate::auth::tokens::TokenError::Forbidden => {
                    ModerationError::Forbidden("not your organisation")
                }
                other => ModerationError::Invalid(other.to_string()),
            })?;
        let organisation = catalog
            .store()
            .organization(organisation)?
            .ok_or(ModerationError::NotFound("organisation"))?;
        Ok::<_, ModerationError>((organisation, tokens))
    })
    .await?
    .map_err(refusal(locale))?;
    let heading = t.with("tokens-title", "organisation", &organisation.name);
    Ok(TokensPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/manage/organisations/{}/tokens", organisation.id),
        tokens: tokens
            .into_iter()
            .map(|token| TokenRow {
                id: token.id.to_string(),
                name: token.name,
                scopes: token
                    .scopes
                    .iter()
                    .map(|s| t.get(&format!("token-scope-{}", s.as_str())))
                    .collect::<Vec<_>>()
                    .join(", "),
                created: when(token.created),
                last_used: token
                    .last_used
                    .map_or_else(|| t.get("tokens-never-used"), when),
                revoked: token.revoked.map(when),
            })
            .collect(),
        scopes: crate::domain::account::TokenScope::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.get(&format!("token-scope-{}", s.as_str())),
            })
            .collect(),
        secret,
        error,
    })
}

fn organisation_id(raw: &str, locale: crate::i18n::Locale) -> Result<OrganizationId, PageError> {
    OrganizationId::parse(raw).map_err(|_| PageError::NotFound(locale))
}

/// `GET /manage/organisations/{id}/tokens`: the organisation's API tokens.
pub async fn tokens(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = require(&state, &request, &context).await?;
    let organisation = organisation_id(&path.into_inner(), context.locale)?;
    let page = tokens_page(&state, &context, account, organisation, None, None).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/organisations/{id}/tokens`: makes a token and shows its secret once.
pub async fn create_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let organisation = organisation_id(&path.into_inner(), locale)?;
    let scopes = fields
        .all("scope")
        .filter_map(crate::domain::account::TokenScope::parse)
        .collect();
    let name = fields.value("name").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let creator = account.clone();
    let made = off_executor(locale, move || {
        crate::auth::tokens::create(catalog.store(), &creator, organisation, &name, scopes, now)
    })
    .await?;
    let (status, secret, error) = match made {
        Ok((secret, token)) => {
            tracing::info!(token_id = %token.id, "API token made");
            (StatusCode::OK, Some(secret), None)
        }
        Err(crate::auth::tokens::TokenError::Forbidden) => {
            return Err(PageError::Forbidden(locale));
        }
        Err(crate::auth::tokens::TokenError::Invalid(_)) => (
            StatusCode::BAD_REQUEST,
            None,
            Some(context.t().get("tokens-invalid")),
        ),
        Err(crate::auth::tokens::TokenError::Store(e)) => {
            return Err(PageError::Internal(locale, e.to_string()));
        }
    };
    let page = tokens_page(&state, &context, account, organisation, secret, error).await?;
    Ok(private(&context, status, &page))
}

/// `POST /manage/organisations/{id}/tokens/{token}/revoke`.
pub async fn revoke_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, _, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let (organisation, token) = path.into_inner();
    let organisation = organisation_id(&organisation, locale)?;
    let token = uuid::Uuid::parse_str(&token).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let revoked = off_executor(locale, move || {
        crate::auth::tokens::revoke(catalog.store(), &account, organisation, token, now)
    })
    .await?;
    match revoked {
        Ok(true) => Ok(context
            .redirect(&context.link(&format!("/manage/organisations/{organisation}/tokens")))),
        Ok(false) => Err(PageError::NotFound(locale)),
        Err(crate::auth::tokens::TokenError::Forbidden) => Err(PageError::Forbidden(locale)),
        Err(e) => Err(PageError::Internal(locale, e.to_string())),
    }
}

#[derive(Template)]
#[template(path = "assure_link.html")]
struct AssureLinkPage {
    c: Chrome,
    t: &'static Messages,
    token: String,
    service: Option<String>,
    done: Option<String>,
}

fn assure_link_page(
    context: &PageContext,
    token: String,
    service: Option<String>,
    done: Option<String>,
) -> AssureLinkPage {
    let t = context.t();
    AssureLinkPage {
        c: context.chrome(t.get("assure-link-title")),
        t,
        token,
        service,
        done,
    }
}

/// `GET /account/assure?token=...`: what a reminder's "still correct" link is for. Looking
/// changes nothing (mail scanners follow links); the button does.
pub async fn assure_link_form(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let token = Pairs::parse(request.query_string())
        .value("token")
        .to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let secret = token.clone();
    let service = off_executor(locale, move || catalog.link_service(&secret, now))
        .await?
        .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    let status = if service.is_some() {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let page = assure_link_page(&context, token, service.map(|s| s.name), None);
    Ok(private(&context, status, &page))
}

/// `POST /account/assure`: uses the link once to confirm the listing.
pub async fn assure_link(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let fields = form(&context, &body)?;
    if !state.limits.logins.allow(&super::client_key(&request)) {
        return Err(PageError::TooManyAttempts(locale));
    }
    let token = fields.value("token").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let used = off_executor(locale, move || catalog.assure_with_link(&token, now)).await?;
    let t = context.t();
    match used {
        Ok(service) => {
            tracing::info!(service_id = %service.id, "listing confirmed through a reminder link");
            let done = t.with("assure-link-done", "name", &service.name);
            let page = assure_link_page(&context, String::new(), None, Some(done));
            Ok(private(&context, StatusCode::OK, &page))
        }
        Err(crate::catalog::reminders::LinkError::Dead) => {
            let page = assure_link_page(&context, String::new(), None, None);
            Ok(private(&context, StatusCode::GONE, &page))
        }
        Err(crate::catalog::reminders::LinkError::Catalog(e)) => {
            Err(PageError::Internal(locale, e.to_string()))
        }
    }
}

#[derive(Template)]
#[template(path = "edit_organisation.html")]
struct OrganisationEditPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    f: Pairs,
    errors: Vec<ErrorLine>,
    open: Option<String>,
}

impl OrganisationEditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.text.as_str())
    }
}

/// The organisation as `account` edits it: its open proposal's version, else the live one.
fn load_organisation(
    catalog: &Catalog,
    account: &Account,
    raw: &str,
) -> Result<(Organization, Option<Proposal>), ModerationError> {
    let id = OrganizationId::parse(raw).map_err(|_| ModerationError::NotFound("organisation"))?;
    if !account.can_edit(id) {
        return Err(ModerationError::Forbidden("not your organisation"));
    }
    let open = catalog.open_proposal_about(account, RecordKey::organization(id))?;
    let proposed = open.as_ref().and_then(|p| {
        p.records.iter().find_map(|r| match r {
            Record::Organization(o) if o.id == id => Some(o.clone()),
            _ => None,
        })
    });
    let organisation = match proposed {
        Some(o) => o,
        None => catalog
            .store()
            .organization(id)?
            .ok_or(ModerationError::NotFound("organisation"))?,
    };
    Ok((organisation, open))
}

fn organisation_fields(organisation: &Organization, open: Option<&Proposal>) -> Pairs {
    let mut f = Pairs::default();
    f.push("name", &organisation.name);
    f.push("description", &organisation.description);
    if let Some(email) = &organisation.email {
        f.push("email", email.as_str());
    }
    if let Some(website) = &organisation.website {
        f.push("url", website.as_str());
    }
    if let Some(open) = open {
        f.push("note", &open.note);
    }
    f
}

/// Reads the organisation form over `live`; errors name the fields.
fn read_organisation(live: &Organization, f: &Pairs) -> Result<Organization, Vec<FieldError>> {
    use crate::domain::values::{Email, InvalidValue, WebUrl};
    let mut errors = Vec::new();
    let mut changed = live.clone();
    let problem = |field: &str, message: &str| FieldError {
        field: field.to_owned(),
        problem: message.to_owned(),
    };
    let name = f.value("name").trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(problem("name", "is empty or longer than 200 characters"));
    }
    changed.name = name.to_owned();
    let description = f.value("description").trim();
    if description.is_empty() || description.chars().count() > 5_000 {
        errors.push(problem(
            "description",
            "is empty or longer than 5000 characters",
        ));
    }
    changed.description = description.to_owned();
    let optional = |field: &str| Some(f.value(field).trim()).filter(|v| !v.is_empty());
    changed.email = match optional("email").map(Email::parse).transpose() {
        Ok(email) => email,
        Err(e) => {
            errors.push(problem("email", InvalidValue::message(&e)));
            None
        }
    };
    changed.website = match optional("url").map(WebUrl::parse).transpose() {
        Ok(url) => url,
        Err(e) => {
            errors.push(problem("url", InvalidValue::message(&e)));
            None
        }
    };
    if errors.is_empty() {
        Ok(changed)
    } else {
        Err(errors)
    }
}

fn organisation_page(
    context: &PageContext,
    organisation: &Organization,
    open: Option<&Proposal>,
    f: Pairs,
    errors: &[FieldError],
) -> OrganisationEditPage {
    let t = context.t();
    let heading = t.with("edit-title", "name", &organisation.name);
    OrganisationEditPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/manage/organisations/{}", organisation.id),
        f,
        errors: error_lines(t, errors),
        open: open.map(|p| t.with("edit-open-proposal", "status", &status_text(t, p))),
    }
}

/// `GET /manage/organisations/{id}`: the organisation's own details.
pub async fn edit_organisation_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let account = require(&state, &request, &context).await?;
    let catalog = state.catalog.clone();
    let raw = path.into_inner();
    let (organisation, open) =
        off_executor(locale, move || load_organisation(&catalog, &account, &raw))
            .await?
            .map_err(refusal(locale))?;
    let fields = organisation_fields(&organisation, open.as_ref());
    let page = organisation_page(&context, &organisation, open.as_ref(), fields, &[]);
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /manage/organisations/{id}`: saves the details as a draft or submits them.
pub async fn save_organisation(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let submit = fields.first("action") == Some("submit");
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let raw = path.into_inner();
    let posted = fields.clone();
    let outcome = off_executor(locale, move || {
        let (organisation, open) = load_organisation(&catalog, &account, &raw)?;
        let changed = match read_organisation(&organisation, &posted) {
            Ok(changed) => changed,
            Err(errors) => return Ok(Err((organisation, open, errors))),
        };
        let records = vec![Record::Organization(changed)];
        let live = catalog.live_versions(&records)?;
        let mut proposal = match open {
            Some(mut open) => {
                open.revise(records, &live);
                open
            }
            None => Proposal::draft(organisation.id, account.id, records, &live, now),
        };
        proposal.note = posted.value("note").to_owned();
        catalog
            .save_proposal(&account, proposal, submit, now)
            .map(Ok)
    })
    .await?
    .map_err(refusal(locale))?;
    match outcome {
        Ok(_) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(context.redirect(&context.link(&format!("/manage?done={done}"))))
        }
        Err((organisation, open, errors)) => {
            let page = organisation_page(&context, &organisation, open.as_ref(), fields, &errors);
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}
