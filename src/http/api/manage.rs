//! The write API for organisations' own systems: the same operations as the editors' pages
//! (propose a change for moderation, read its status, publish an urgent notice, confirm a
//! listing is still correct), with an organisation's API token (`Authorization: Bearer
//! sp_...`) instead of a browser session. Permissions are the catalog's, applied to the
//! editor the token acts for; the token's scopes narrow them further. Every change made with
//! a token is in the audit trail.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::blocking;
use crate::auth::tokens;
use crate::catalog::moderation::{ModerationError, UrgentNotice};
use crate::domain::account::{Account, ApiToken, TokenScope};
use crate::domain::ids::{ProposalId, ServiceId};
use crate::domain::moderation::{Proposal, Record};
use crate::http::AppState;
use crate::http::error::ApiError;

/// The token of `request` and the editor it acts for, if it may do `scope`; the use is
/// counted against the token's write limit.
async fn authorised(
    state: &AppState,
    request: &HttpRequest,
    scope: TokenScope,
) -> Result<(ApiToken, Account), ApiError> {
    let secret = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "Send an organisation's API token as 'Authorization: Bearer sp_...'. Editors make tokens at /manage.".to_owned(),
            )
        })?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let found = blocking(move || {
        tokens::authenticate(catalog.store(), &secret, now)
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    let Some((token, account)) = found else {
        tracing::info!("API token refused");
        return Err(ApiError::Unauthorized(
            "This token is unknown, revoked, or its editor no longer edits the organisation."
                .to_owned(),
        ));
    };
    if !token.scopes.contains(&scope) {
        return Err(ApiError::Forbidden(format!(
            "This token may not do '{}'; make a token with that scope.",
            scope.as_str()
        )));
    }
    if !state.limits.writes.allow(&format!("token:{}", token.id)) {
        return Err(ApiError::TooManyRequests);
    }
    Ok((token, account))
}

/// A moderation refusal as a problem.
fn problem(error: ModerationError) -> ApiError {
    match error {
        ModerationError::NotFound(what) => ApiError::NotFound(format!("There is no such {what}.")),
        ModerationError::Forbidden(why) => ApiError::Forbidden(format!("Not allowed: {why}.")),
        ModerationError::Invalid(why) => ApiError::BadBody(why),
        ModerationError::WrongStatus(status) => ApiError::Conflict(format!(
            "This change is {status}; it cannot be changed now."
        )),
        ModerationError::Stale(_) => {
            ApiError::Conflict("The listing changed after this change was started.".to_owned())
        }
        ModerationError::Catalog(error) => ApiError::Internal(error.to_string()),
    }
}

/// A proposal as the API shows it (never who moderated it).
fn summary(proposal: &Proposal) -> Value {
    let mut value = json!({
        "id": proposal.id.to_string(),
        "organization_id": proposal.organization.to_string(),
        "status": proposal.status.as_str(),
        "urgent": proposal.urgent,
        "note": proposal.note,
        "created": proposal.created.to_rfc3339(),
        "updated": proposal.updated.to_rfc3339(),
        "records": proposal.records.iter().map(|r| json!({
            "kind": r.key().kind.as_str(),
            "id": r.key().id.to_string(),
            "name": r.name(),
        })).collect::<Vec<_>>(),
    });
    if let Some(submitted) = proposal.submitted {
        value["submitted"] = json!(submitted.to_rfc3339());
    }
    if let Some(decision) = &proposal.decision {
        let mut decided = json!({"at": decision.at.to_rfc3339()});
        if let Some(reason) = &decision.reason {
            decided["reason"] = json!(reason);
        }
        value["decision"] = decided;
    }
    value
}

fn json_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadBody(format!("The body is not the expected JSON: {e}.")))
}

/// The body of `POST /api/manage/proposals`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalBody {
    /// The whole listing as it should be: an ORUK full service object.
    service: Value,
    /// What changed and why, for the moderator.
    #[serde(default)]
    note: String,
    /// Send it to the moderators now (otherwise it is kept as a draft).
    #[serde(default)]
    submit: bool,
}

/// `POST /api/manage/proposals`: proposes a listing (new, or a new version of one), for
/// moderation. The live listing is unchanged until a moderator approves.
pub async fn propose(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (token, account) = authorised(&state, &request, TokenScope::Proposals).await?;
    let body: ProposalBody = json_body(&body)?;
    let bundle = crate::oruk::parse::parse_service(&body.service)
        .result
        .map_err(|errors| {
            ApiError::BadBody(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let saved = blocking(move || {
        let store = catalog.store();
        let mut service = bundle.service;
        if service.organization_id.is_some_and(|o| o != token.organisation) {
            return Err(ApiError::Forbidden(
                "The service belongs to another organisation than this token's.".to_owned(),
            ));
        }
        service.organization_id = Some(token.organisation);
        for term in &bundle.terms {
            if store.taxonomy_term(term.id)?.is_none() {
                return Err(ApiError::BadBody(format!(
                    "Taxonomy term {} is not in this directory's vocabularies; use the ids of GET /taxonomy_terms.",
                    term.id
                )));
            }
        }
        let mut records = vec![Record::Service(Box::new(service))];
        if let Some(organization) = bundle.organization
            && store.organization(organization.id)?.as_ref() != Some(&organization)
        {
            records.push(Record::Organization(organization));
        }
        for location in bundle.locations {
            if store.location(location.id)?.as_ref() != Some(&location) {
                records.push(Record::Location(location));
            }
        }
        let live = catalog.live_versions(&records)?;
        let mut proposal = Proposal::draft(token.organisation, account.id, records, &live, now);
        proposal.note = body.note;
        let saved = catalog
            .save_proposal(&account, proposal, body.submit, now)
            .map_err(problem)?;
        tokens::record_use(store, &token, &format!("proposal {}", saved.id), now)?;
        Ok(saved)
    })
    .await?;
    tracing::info!(proposal_id = %saved.id, "change proposed through the API");
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((
            header::LOCATION,
            format!("/api/manage/proposals/{}", saved.id),
        ))
        .json(summary(&saved)))
}

/// `GET /api/manage/proposals/{id}`: a change's status (and the reason, when rejected).
pub async fn proposal(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (token, _) = authorised(&state, &request, TokenScope::Proposals).await?;
    let raw = path.into_inner();
    let not_found =
        || ApiError::NotFound(format!("There is no change {raw:?} of this organisation."));
    let id = ProposalId::parse(&raw).map_err(|_| not_found())?;
    let catalog = state.catalog.clone();
    let found = blocking(move || Ok(catalog.store().proposal(id)?)).await?;
    match found.filter(|p| p.organization == token.organisation) {
        Some(proposal) => Ok(HttpResponse::Ok().json(summary(&proposal))),
        None => Err(not_found()),
    }
}

/// The body of `POST /api/manage/services/{id}/notice`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeBody {
    /// `temporarily_closed`, `not_taking_referrals` or `reopened`.
    kind: String,
    /// Why, and until when (not needed to reopen).
    #[serde(default)]
    message: String,
}

/// The body of `POST /api/manage/services/{id}/capacity`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacityBody {
    /// `taking`, `waiting_list` or `paused`.
    state: String,
    /// Weeks of wait (waiting_list).
    #[serde(default)]
    wait_weeks: Option<u16>,
    /// Paused until (paused), YYYY-MM-DD.
    #[serde(default)]
    until: Option<String>,
}

/// `POST /api/manage/services/{id}/capacity`: whether the service takes referrals, at once.
pub async fn capacity(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (token, account) = authorised(&state, &request, TokenScope::Notices).await?;
    let id = service_id(&path.into_inner())?;
    let body: CapacityBody = json_body(&body)?;
    let now = state.clock.now();
    let today = crate::search::query::london_time(now).date();
    let capacity = crate::domain::capacity::CapacityState::parse(
        &body.state,
        &body.wait_weeks.map(|w| w.to_string()).unwrap_or_default(),
        body.until.as_deref().unwrap_or_default(),
        today,
    )
    .map_err(|reason| ApiError::BadBody(format!("{reason}.")))?;
    let catalog = state.catalog.clone();
    let published = blocking(move || {
        own_service(&catalog, &token, id)?;
        let published = catalog
            .set_capacity(&account, id, capacity, now)
            .map_err(problem)?;
        tokens::record_use(
            catalog.store(),
            &token,
            &format!("capacity of service {id}"),
            now,
        )?;
        Ok(published)
    })
    .await?;
    // As the service's `capacity` is published.
    Ok(HttpResponse::Ok().json(crate::oruk::render::CapacityView::new(published)))
}

/// Refuses (404, as if absent) a service that is not the token's organisation's.
fn own_service(
    catalog: &crate::catalog::Catalog,
    token: &ApiToken,
    id: ServiceId,
) -> Result<(), ApiError> {
    if catalog.store().service(id)?.and_then(|s| s.organization_id) == Some(token.organisation) {
        Ok(())
    } else {
        Err(ApiError::not_found(
            "service of this organisation",
            "/services",
            &id.to_string(),
        ))
    }
}

fn service_id(raw: &str) -> Result<ServiceId, ApiError> {
    ServiceId::parse(raw).map_err(|_| ApiError::not_found("service", "/services", raw))
}

/// `POST /api/manage/services/{id}/notice`: publishes an urgent notice at once.
pub async fn notice(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (token, account) = authorised(&state, &request, TokenScope::Notices).await?;
    let id = service_id(&path.into_inner())?;
    let body: NoticeBody = json_body(&body)?;
    let notice = match body.kind.as_str() {
        "temporarily_closed" => UrgentNotice::TemporarilyClosed(body.message),
        "not_taking_referrals" => UrgentNotice::NotTakingReferrals(body.message),
        "reopened" => UrgentNotice::Reopened,
        other => {
            return Err(ApiError::BadBody(format!(
                "kind {other:?} is not temporarily_closed, not_taking_referrals or reopened."
            )));
        }
    };
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let published = blocking(move || {
        own_service(&catalog, &token, id)?;
        let published = catalog
            .publish_notice(&account, id, &notice, now)
            .map_err(problem)?;
        tokens::record_use(
            catalog.store(),
            &token,
            &format!("notice on service {id}"),
            now,
        )?;
        Ok(published)
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary(&published)))
}

/// `POST /api/manage/services/{id}/assure`: confirms the listing is still correct.
pub async fn assure(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (token, account) = authorised(&state, &request, TokenScope::Assure).await?;
    let id = service_id(&path.into_inner())?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let service = blocking(move || {
        own_service(&catalog, &token, id)?;
        let service = catalog.assure(&account, id, now).map_err(problem)?;
        tokens::record_use(
            catalog.store(),
            &token,
            &format!("assured service {id}"),
            now,
        )?;
        Ok(service)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "id": service.id.to_string(),
        "assured_date": service.assured_date.map(|d| d.to_string()),
        "assurer_email": service.assurer_email.map(|e| e.to_string()),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Imported JSON nested past any real record is refused with a reason (serde_json's
    /// depth limit), not followed down until the stack runs out.
    #[test]
    fn json_nested_too_deep_is_a_bad_body() {
        let deep = format!("{{\"service\":{}", "[".repeat(100_000));
        match json_body::<ProposalBody>(deep.as_bytes()) {
            Err(ApiError::BadBody(reason)) => assert!(reason.contains("recursion"), "{reason}"),
            _ => panic!("refused"),
        }
    }
}
