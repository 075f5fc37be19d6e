//! `/refer/{id}`: a link worker refers a resident to a service. The form follows the
//! service's referral route; submitting it gives a letter to send (with a `mailto:` link)
//! or print, and the "support offered" lines for the case record. The resident's details
//! are used to render that one answer and nowhere else: not stored, not logged, not cached
//! (the answer is `no-store`); only the fact that a letter was made, for which service and
//! by whom, is audited.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;

use super::account::{private, require};
use super::manage::signed_post;
use super::service::{load, parse_id};
use super::view::{self, CapacityNote, Text};
use super::{Chrome, PageContext, PageError};
use crate::domain::account::{Account, AuditAction, AuditEntry, Role};
use crate::domain::referral::{Letter, LetterContext, Referral, ReferralProblem, support_offered};
use crate::geography::PlacedService;
use crate::http::AppState;
use crate::i18n::Messages;

/// The letter as shown.
struct LetterView {
    to: Option<String>,
    subject: String,
    body: String,
    mailto: Option<String>,
}

#[derive(Template)]
#[template(path = "refer.html")]
struct ReferPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    id: String,
    service_href: String,
    organisation: Option<String>,
    capacity: Option<CapacityNote>,
    instructions: Option<Text>,
    web_form: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    form: bool,
    action: String,
    name: String,
    contact: String,
    reason: String,
    consent: bool,
    questions: Vec<(usize, String, String)>,
    errors: Vec<(&'static str, String)>,
    letter: Option<LetterView>,
    summary: String,
}

/// Link workers refer (administrators too); anyone else is told they may not.
fn may_refer(account: &Account) -> bool {
    account.roles.contains(&Role::LinkWorker) || account.is_administrator()
}

/// What the form holds, echoed back when it needs fixing.
#[derive(Default)]
struct Filled {
    name: String,
    contact: String,
    reason: String,
    consent: bool,
    /// The organisation's questions and what was answered.
    answers: Vec<(String, String)>,
}

/// The organisation's referral questions for a service.
async fn questions_of(
    state: &AppState,
    context: &PageContext,
    service: crate::domain::ids::ServiceId,
) -> Result<Vec<String>, PageError> {
    let catalog = state.catalog.clone();
    super::account::off_executor(context.locale, move || {
        catalog.store().referral_questions(service)
    })
    .await?
    .map_err(|error| PageError::Internal(context.locale, error.to_string()))
}

fn page(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
    placed: &PlacedService,
    filled: Filled,
    errors: Vec<(&'static str, String)>,
    letter: Option<LetterView>,
) -> ReferPage {
    let t = context.t();
    let full = &placed.full;
    let service = &full.service;
    let now = crate::search::query::london_time(state.clock.now());
    let url = format!(
        "{}/service/{}",
        crate::http::api::base_url(state, request),
        service.id
    );
    let organisation = full.organization.as_ref().map(|o| o.name.clone());
    let heading = t.with("refer-title", "name", &service.name);
    ReferPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        id: service.id.to_string(),
        service_href: context.link(&format!("/service/{}", service.id)),
        organisation: organisation.clone(),
        capacity: view::capacity_note(t, full, now.date()),
        instructions: service
            .referral_instructions
            .as_deref()
            .map(|text| Text::listing(text, context.locale)),
        web_form: service.referral_url.as_ref().map(|u| u.as_str().to_owned()),
        email: service
            .referral_email
            .as_ref()
            .map(|e| e.as_str().to_owned()),
        phone: service
            .referral_phone
            .as_ref()
            .map(|p| p.as_str().to_owned()),
        form: service.referral_url.is_none()
            && (service.referral_email.is_some() || service.referral_phone.is_some()),
        action: format!("/refer/{}", service.id),
        name: filled.name,
        contact: filled.contact,
        reason: filled.reason,
        consent: filled.consent,
        questions: filled
            .answers
            .into_iter()
            .enumerate()
            .map(|(at, (question, answer))| (at, question, answer))
            .collect(),
        errors,
        letter,
        summary: support_offered(
            &service.name,
            organisation.as_deref(),
            &service.id.to_string(),
            &url,
            now.date(),
        ),
    }
}

/// `GET /refer/{id}`.
pub async fn form(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = require(&state, &request, &context).await?;
    if !may_refer(&account) {
        return Err(PageError::Forbidden(context.locale));
    }
    let id = parse_id(&id, &context)?;
    let (placed, _) = load(&state, id, &context).await?;
    let filled = Filled {
        answers: questions_of(&state, &context, id)
            .await?
            .into_iter()
            .map(|question| (question, String::new()))
            .collect(),
        ..Filled::default()
    };
    let page = page(
        &state,
        &request,
        &context,
        &placed,
        filled,
        Vec::new(),
        None,
    );
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /refer/{id}`: the letter, rendered from the form and forgotten.
pub async fn refer(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    if !may_refer(&account) {
        return Err(PageError::Forbidden(context.locale));
    }
    let id = parse_id(&id, &context)?;
    let (placed, _) = load(&state, id, &context).await?;
    let t = context.t();
    let filled = Filled {
        name: fields.value("name").to_owned(),
        contact: fields.value("contact").to_owned(),
        reason: fields.value("reason").to_owned(),
        consent: fields.value("consent") == "yes",
        answers: questions_of(&state, &context, id)
            .await?
            .into_iter()
            .enumerate()
            .map(|(at, question)| {
                let answer: String = fields
                    .value(&format!("answer-{at}"))
                    .chars()
                    .take(1_000)
                    .collect();
                (question, answer)
            })
            .collect(),
    };
    let referral = Referral::parse(
        &filled.name,
        &filled.contact,
        &filled.reason,
        filled.consent,
    )
    .map(|mut referral| {
        referral.answers = filled.answers.clone();
        referral
    });
    let referral = match referral {
        Ok(referral) => referral,
        Err(problems) => {
            let errors = problems
                .iter()
                .map(|problem| {
                    let message = match problem {
                        ReferralProblem::NoName => "refer-error-name",
                        ReferralProblem::NoContact => "refer-error-contact",
                        ReferralProblem::NoReason => "refer-error-reason",
                        ReferralProblem::NoConsent => "refer-error-consent",
                        ReferralProblem::TooLong => "refer-error-long",
                    };
                    (problem.field(), t.get(message))
                })
                .collect();
            let page = page(&state, &request, &context, &placed, filled, errors, None);
            return Ok(private(&context, StatusCode::BAD_REQUEST, &page));
        }
    };
    let service = &placed.full.service;
    let url = format!(
        "{}/service/{}",
        crate::http::api::base_url(&state, &request),
        service.id
    );
    let letter = Letter::new(
        &referral,
        &LetterContext {
            service: &service.name,
            organisation: placed.full.organization.as_ref().map(|o| o.name.as_str()),
            from_name: &account.name,
            from_email: account.email.as_str(),
            date: crate::search::query::london_time(state.clock.now()).date(),
            url: &url,
        },
    );
    let email = service
        .referral_email
        .as_ref()
        .map(|e| e.as_str().to_owned());
    let view = LetterView {
        mailto: email.as_deref().map(|address| letter.mailto(address)),
        to: email,
        subject: letter.subject,
        body: letter.body,
    };
    drop(referral);
    // Traceable without the resident: who made a letter for which service, when.
    let catalog = state.catalog.clone();
    let (actor, service_id) = (account.id, service.id);
    super::account::off_executor(context.locale, move || {
        catalog.store().append_audit(&AuditEntry {
            at: Utc::now(),
            actor: Some(actor),
            action: AuditAction::ReferralLetter,
            subject: Some(format!("service/{service_id}")),
            detail: "referral letter made (resident details not kept)".to_owned(),
        })
    })
    .await?
    .map_err(|error| PageError::Internal(context.locale, error.to_string()))?;
    tracing::info!(service_id = %service.id, "referral letter made");
    let page = page(
        &state,
        &request,
        &context,
        &placed,
        Filled::default(),
        Vec::new(),
        Some(view),
    );
    Ok(private(&context, StatusCode::OK, &page))
}
