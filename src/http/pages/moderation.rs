//! Moderators' pages: the queue (changes and reported problems, oldest first, with their
//! age), a change's field-by-field review with approve and reject, and a record's history
//! with restore. Who may see and decide what is checked in [`crate::catalog::moderation`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use super::account::{off_executor, private, require};
use super::manage::{signed_post, when};
use super::{Chrome, PageContext, PageError};
use crate::catalog::Catalog;
use crate::catalog::moderation::ModerationError;
use crate::domain::account::{Account, AccountId};
use crate::domain::ids::{ProposalId, RecordId};
use crate::domain::moderation::{Actor, Proposal, RecordKey, RecordKind, diff};
use crate::http::AppState;
use crate::i18n::{Arg, Messages};

/// Refusals as pages; a moderator never learns whether a record they do not look after exists.
fn refusal(locale: crate::i18n::Locale) -> impl Fn(ModerationError) -> PageError {
    move |error| match error {
        ModerationError::NotFound(_) | ModerationError::Forbidden(_) => PageError::NotFound(locale),
        other => PageError::Internal(locale, other.to_string()),
    }
}

/// A moderator (or administrator), or a refusal.
pub(super) async fn require_moderator(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<Account, PageError> {
    let account = require(state, request, context).await?;
    ensure_moderator(&account, context)?;
    Ok(account)
}

/// Refuses an account that moderates nowhere.
fn ensure_moderator(account: &Account, context: &PageContext) -> Result<(), PageError> {
    if account.is_moderator() {
        super::account::ensure_second_factor(account, context)
    } else {
        tracing::info!(account_id = %account.id, "refused: moderators only");
        Err(PageError::Forbidden(context.locale))
    }
}

/// How long something has waited, in words.
fn age(t: &Messages, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let hours = (now - since).num_hours().max(0);
    if hours < 48 {
        t.format("moderation-age-hours", &[("hours", Arg::Number(hours))])
    } else {
        t.format("moderation-age-days", &[("days", Arg::Number(hours / 24))])
    }
}

/// An account's name, for lists.
fn name_of(catalog: &Catalog, id: AccountId) -> String {
    catalog
        .store()
        .account(id)
        .ok()
        .flatten()
        .map_or_else(|| id.to_string(), |a| a.name)
}

/// A change in the queue.
pub struct QueuedChange {
    id: String,
    title: String,
    organisation: String,
    author: String,
    age: String,
}

/// A request to manage an organisation's listings, in the queue.
pub struct QueuedClaim {
    id: String,
    organisation: String,
    name: String,
    email: String,
    role: String,
    note: String,
    age: String,
}

/// A reported problem in the queue.
pub struct QueuedReport {
    id: String,
    service_id: String,
    service: String,
    kind: String,
    details: String,
    age: String,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    c: Chrome,
    t: &'static Messages,
    done: Option<String>,
    changes: Vec<QueuedChange>,
    reports: Vec<QueuedReport>,
    claims: Vec<QueuedClaim>,
}

/// `GET /moderation`: what waits, oldest first.
pub async fn queue(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let moderator = require_moderator(&state, &request, &context).await?;
    let t = context.t();
    let done = super::forms::Pairs::parse(request.query_string())
        .first("done")
        .and_then(|d| match d {
            "approved" => Some("review-approved"),
            "rejected" => Some("review-rejected"),
            "resolved" => Some("moderation-resolved"),
            "restored" => Some("history-restored"),
            _ => None,
        })
        .map(|id| t.get(id));
    let page = queue_page(&state, &context, moderator, done).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// The queue as `moderator` sees it, with `done` said at the top.
async fn queue_page(
    state: &AppState,
    context: &PageContext,
    moderator: Account,
    done: Option<String>,
) -> Result<QueuePage, PageError> {
    let locale = context.locale;
    let t = context.t();
    let now = state.clock.now();
    let catalog = state.catalog.clone();
    let (changes, reports, claims) = off_executor(locale, move || {
        let claims: Vec<QueuedClaim> = catalog
            .claims_for(&moderator)?
            .into_iter()
            .map(|c| QueuedClaim {
                id: c.id.to_string(),
                organisation: catalog
                    .store()
                    .organization(c.organisation)
                    .ok()
                    .flatten()
                    .map(|o| o.name)
                    .unwrap_or_default(),
                name: c.name,
                email: c.email.to_string(),
                role: c.role,
                note: c.note,
                age: age(t, c.received, now),
            })
            .collect();
        let queue = catalog.queue(&moderator)?;
        let changes: Vec<QueuedChange> = queue
            .proposals
            .iter()
            .map(|p| {
                let organisation = catalog
                    .store()
                    .organization(p.organization)
                    .ok()
                    .flatten()
                    .map(|o| o.name)
                    .unwrap_or_default();
                QueuedChange {
                    id: p.id.to_string(),
                    title: p.title().to_owned(),
                    organisation,
                    author: name_of(&catalog, p.author),
                    age: age(t, p.submitted.unwrap_or(p.updated), now),
                }
            })
            .collect();
        let mut reports = Vec::new();
        for report in queue.reports {
            let service = catalog
                .store()
                .service(report.service_id)?
                .map(|s| s.name)
                .unwrap_or_default();
            reports.push(QueuedReport {
                id: report.id.to_string(),
                service_id: report.service_id.to_string(),
                service,
                kind: t.get(&format!("report-kind-{}", report.kind.as_str())),
                details: report.details,
                age: age(t, report.received, now),
            });
        }
        Ok::<_, ModerationError>((changes, reports, claims))
    })
    .await?
    .map_err(refusal(locale))?;
    Ok(QueuePage {
        c: context.chrome(t.get("moderation-title")),
        t,
        done,
        changes,
        reports,
        claims,
    })
}

/// A moderator's decision form: its page context, the moderator, whether it approves,
/// and the reason given.
async fn decision_post(
    state: &AppState,
    request: &HttpRequest,
    body: &[u8],
) -> Result<(PageContext, Account, bool, String), PageError> {
    let (context, fields, moderator) = signed_post(state, request, body).await?;
    ensure_moderator(&moderator, &context)?;
    let approve = fields.first("decision") == Some("approve");
    let reason = fields.value("reason").to_owned();
    Ok((context, moderator, approve, reason))
}

/// `POST /moderation/claims/{id}`: approves a request to manage listings (showing the new
/// editor's one-time link to send) or declines it with a reason.
pub async fn decide_claim(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, moderator, approve, reason) = decision_post(&state, &request, &body).await?;
    let locale = context.locale;
    let id = RecordId::parse(&path.into_inner()).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let deciding = moderator.clone();
    let decided = off_executor(locale, move || {
        if approve {
            catalog.approve_claim(&deciding, id, now).map(Some)
        } else {
            catalog
                .reject_claim(&deciding, id, &reason, now)
                .map(|()| None)
        }
    })
    .await?;
    let t = context.t();
    let done = match decided {
        Ok(Some(crate::catalog::moderation::ClaimOutcome::Invited(invited))) => {
            let base = crate::http::api::base_url(&state, &request);
            let until = when(invited.expires);
            let text = t.format(
                "admin-invite-link",
                &[
                    ("email", Arg::Text(invited.account.email.as_str())),
                    ("date", Arg::Text(&until)),
                ],
            );
            format!("{text} {base}/account/password?token={}", invited.secret)
        }
        Ok(Some(crate::catalog::moderation::ClaimOutcome::Extended(account))) => {
            t.with("claim-extended", "email", account.email.as_str())
        }
        Ok(None) => t.get("review-rejected"),
        Err(ModerationError::Invalid(_)) => t.get("review-reason"),
        Err(other) => return Err(refusal(locale)(other)),
    };
    let page = queue_page(&state, &context, moderator, Some(done)).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// One changed field.
pub struct DiffRow {
    field: String,
    before: String,
    after: String,
}

/// One record of a change.
pub struct DiffBlock {
    title: String,
    history: Option<String>,
    rows: Vec<DiffRow>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    id: String,
    status: String,
    pending: bool,
    author: String,
    note: String,
    blocks: Vec<DiffBlock>,
    error: Option<String>,
}

fn review_page(
    context: &PageContext,
    catalog: &Catalog,
    proposal: &Proposal,
    error: Option<String>,
) -> Result<ReviewPage, ModerationError> {
    let t = context.t();
    let mut blocks = Vec::new();
    for record in &proposal.records {
        let live = catalog.live_record(record.key())?;
        let kind = record.key().kind;
        blocks.push(DiffBlock {
            title: format!("{} ({})", record.name(), kind.as_str()),
            history: live
                .as_ref()
                .map(|_| format!("/moderation/history/{}/{}", kind.as_str(), record.key().id)),
            rows: diff(live.as_ref(), record)
                .into_iter()
                .map(|change| DiffRow {
                    field: change.path,
                    before: change.before.unwrap_or_else(|| t.get("review-empty")),
                    after: change.after.unwrap_or_else(|| t.get("review-empty")),
                })
                .collect(),
        });
    }
    let heading = t.with("review-title", "name", proposal.title());
    Ok(ReviewPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        id: proposal.id.to_string(),
        status: super::manage::status_text(t, proposal),
        pending: proposal.is_pending(),
        author: name_of(catalog, proposal.author),
        note: if proposal.note.is_empty() {
            t.get("review-no-note")
        } else {
            proposal.note.clone()
        },
        blocks,
        error,
    })
}

/// `GET /moderation/proposals/{id}`: a change, field by field.
pub async fn review(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let moderator = require_moderator(&state, &request, &context).await?;
    let id = ProposalId::parse(&path.into_inner()).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let page = {
        let context = PageContext::new(&request);
        off_executor(locale, move || {
            let proposal = catalog.proposal_for(&moderator, id)?;
            if proposal.author == moderator.id || !moderator.is_moderator() {
                return Err(ModerationError::NotFound("proposal"));
            }
            review_page(&context, &catalog, &proposal, None)
        })
        .await?
        .map_err(refusal(locale))?
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /moderation/proposals/{id}`: approve (`decision=approve`) or reject with a reason.
pub async fn decide(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, moderator, approve, reason) = decision_post(&state, &request, &body).await?;
    let locale = context.locale;
    let id = ProposalId::parse(&path.into_inner()).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let t = context.t();
    let outcome = {
        let context = PageContext::new(&request);
        off_executor(locale, move || {
            let decided = if approve {
                catalog.approve(&moderator, id, now)
            } else {
                catalog.reject(&moderator, id, &reason, now)
            };
            let message = match decided {
                Ok(_) => return Ok(Ok(())),
                Err(ModerationError::Stale(_)) => t.get("review-stale"),
                Err(ModerationError::Forbidden(_)) => t.get("review-own"),
                Err(ModerationError::WrongStatus(_)) => t.get("review-decided"),
                Err(ModerationError::Invalid(_)) => t.get("review-reason"),
                Err(other) => return Err(other),
            };
            let proposal = catalog.proposal_for(&moderator, id)?;
            Ok(Err(review_page(
                &context,
                &catalog,
                &proposal,
                Some(message),
            )?))
        })
        .await?
        .map_err(refusal(locale))?
    };
    match outcome {
        Ok(()) => {
            let done = if approve { "approved" } else { "rejected" };
            Ok(context.redirect(&context.link(&format!("/moderation?done={done}"))))
        }
        Err(page) => Ok(private(&context, StatusCode::CONFLICT, &page)),
    }
}

/// `POST /moderation/reports/{id}`: closes a reported problem with a note.
pub async fn resolve(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, moderator) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    ensure_moderator(&moderator, &context)?;
    let id = RecordId::parse(&path.into_inner()).map_err(|_| PageError::NotFound(locale))?;
    let note = fields.value("note").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let resolved = off_executor(locale, move || {
        catalog.resolve_report(&moderator, id, &note, now)
    })
    .await?;
    match resolved {
        Ok(_) => Ok(context.redirect(&context.link("/moderation?done=resolved"))),
        Err(ModerationError::Invalid(_)) => Ok(context.redirect(&context.link("/moderation"))),
        Err(other) => Err(refusal(locale)(other)),
    }
}

/// One version in a record's history.
pub struct Version {
    index: usize,
    when: String,
    who: String,
    why: String,
    changes: Vec<DiffRow>,
    current: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    versions: Vec<Version>,
}

fn key_of(kind: &str, id: &str) -> Option<RecordKey> {
    Some(RecordKey {
        kind: RecordKind::parse(kind)?,
        id: uuid::Uuid::parse_str(id).ok()?,
    })
}

/// `GET /moderation/history/{kind}/{id}`: every version of a record, newest first.
pub async fn history(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let moderator = require_moderator(&state, &request, &context).await?;
    let (kind, id) = path.into_inner();
    let key = key_of(&kind, &id).ok_or(PageError::NotFound(locale))?;
    let t = context.t();
    let catalog = state.catalog.clone();
    // The history and the names of the people in it, in one trip off the executor.
    let (entries, names) = off_executor(locale, move || {
        let entries = catalog.history_for(&moderator, key)?;
        let names: Vec<Option<String>> = entries
            .iter()
            .map(|entry| match &entry.provenance.actor {
                Actor::Account(id) => Some(name_of(&catalog, *id)),
                Actor::System(_) => None,
            })
            .collect();
        Ok::<_, ModerationError>((entries, names))
    })
    .await?
    .map_err(refusal(locale))?;
    let last = entries.len().saturating_sub(1);
    let heading = t.with(
        "history-title",
        "name",
        entries.last().map_or("", |e| e.after.name()),
    );
    let mut versions = Vec::new();
    for (index, (entry, name)) in entries.iter().zip(names).enumerate() {
        let who = match (&entry.provenance.actor, name) {
            (_, Some(name)) => name,
            (Actor::System(system), None) => t.with("history-system", "name", system),
            (Actor::Account(id), None) => id.to_string(),
        };
        versions.push(Version {
            index,
            when: when(entry.at),
            who,
            why: entry.provenance.why.clone(),
            changes: diff(entry.before.as_ref(), &entry.after)
                .into_iter()
                .map(|change| DiffRow {
                    field: change.path,
                    before: change.before.unwrap_or_else(|| t.get("review-empty")),
                    after: change.after.unwrap_or_else(|| t.get("review-empty")),
                })
                .collect(),
            current: index == last,
        });
    }
    versions.reverse();
    let page = HistoryPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/moderation/history/{kind}/{id}"),
        versions,
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /moderation/history/{kind}/{id}`: makes version `version` live again.
pub async fn restore(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, moderator) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    ensure_moderator(&moderator, &context)?;
    let (kind, id) = path.into_inner();
    let key = key_of(&kind, &id).ok_or(PageError::NotFound(locale))?;
    let index: usize = fields
        .value("version")
        .parse()
        .map_err(|_| PageError::NotFound(locale))?;
    let why = fields.value("reason").to_owned();
    let catalog = state.catalog.clone();
    let restored = off_executor(locale, move || {
        catalog.restore(&moderator, key, index, &why)
    })
    .await?;
    match restored {
        Ok(()) => Ok(context.redirect(&context.link("/moderation?done=restored"))),
        Err(ModerationError::Invalid(_)) => {
            Ok(context.redirect(&context.link(&format!("/moderation/history/{kind}/{id}"))))
        }
        Err(other) => Err(refusal(locale)(other)),
    }
}

/// One locality's line of the freshness table.
pub struct FreshnessLine {
    name: String,
    services: usize,
    due: usize,
    stale: usize,
    listings: Vec<StaleListing>,
}

/// A listing not checked for 12 months.
pub struct StaleListing {
    id: String,
    name: String,
    checked: String,
}

#[derive(Template)]
#[template(path = "freshness.html")]
struct FreshnessPage {
    c: Chrome,
    t: &'static Messages,
    lines: Vec<FreshnessLine>,
}

/// `GET /moderation/freshness`: listings not checked for 6 and 12 months, by locality.
pub async fn freshness(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let moderator = require_moderator(&state, &request, &context).await?;
    let t = context.t();
    let today = crate::search::query::london_time(state.clock.now()).date();
    let catalog = state.catalog.clone();
    let freshness = off_executor(locale, move || catalog.freshness(&moderator, today))
        .await?
        .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    let page = FreshnessPage {
        c: context.chrome(t.get("freshness-title")),
        t,
        lines: freshness
            .rows
            .into_iter()
            .map(|row| FreshnessLine {
                name: row
                    .locality
                    .map_or_else(|| t.get("freshness-no-locality"), |(_, name)| name),
                services: row.services,
                due: row.due,
                stale: row.stale.len(),
                listings: row
                    .stale
                    .into_iter()
                    .map(|s| StaleListing {
                        id: s.id.to_string(),
                        checked: s.assured_date.map_or_else(
                            || t.get("manage-never-checked"),
                            |d| super::view::date(t, d),
                        ),
                        name: s.name,
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// A message as the outbox page lists it (never its body: it holds a link's secret).
pub struct OutboxRow {
    to: String,
    listing: String,
    stage: String,
    attempts: u32,
    state: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    c: Chrome,
    t: &'static Messages,
    enabled: bool,
    rows: Vec<OutboxRow>,
}

/// How many delivered messages the outbox page shows.
const SENT_SHOWN: usize = 50;

/// `GET /moderation/outbox`: reminders waiting (first) and recently sent.
pub async fn outbox(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    require_moderator(&state, &request, &context).await?;
    let t = context.t();
    let catalog = state.catalog.clone();
    let messages = off_executor(locale, move || {
        let store = catalog.store();
        let mut rows = Vec::new();
        for message in store.outbox()? {
            let listing = store
                .service(message.service)?
                .map(|s| s.name)
                .unwrap_or_default();
            rows.push((message, listing));
        }
        Ok::<_, crate::store::StoreError>(rows)
    })
    .await?
    .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    let (mut waiting, mut sent): (Vec<_>, Vec<_>) =
        messages.into_iter().partition(|(m, _)| m.sent.is_none());
    waiting.sort_by_key(|(m, _)| m.next_attempt);
    sent.sort_by_key(|(m, _)| std::cmp::Reverse(m.sent));
    sent.truncate(SENT_SHOWN);
    let rows = waiting
        .into_iter()
        .chain(sent)
        .map(|(m, listing)| OutboxRow {
            to: m.to.to_string(),
            listing,
            stage: t.get(&format!("stage-{}", m.stage.as_str())),
            attempts: m.attempts,
            state: match m.sent {
                Some(at) => t.with("outbox-sent", "time", &when(at)),
                None => t.with("outbox-waiting", "time", &when(m.next_attempt)),
            },
            error: m.last_error.map(|e| t.with("outbox-error", "error", &e)),
        })
        .collect();
    let page = OutboxPage {
        c: context.chrome(t.get("outbox-title")),
        t,
        enabled: state.mail_enabled,
        rows,
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// A staged record as the feeds page shows it.
pub struct StagedRow {
    id: String,
    name: String,
    status: String,
    matched: Option<String>,
    rows: Vec<DiffRow>,
}

/// A feed and what it has staged.
pub struct FeedBlock {
    name: String,
    url: String,
    last_pull: String,
    staged: Vec<StagedRow>,
    unchanged: usize,
}

#[derive(Template)]
#[template(path = "feeds.html")]
struct FeedsPage {
    c: Chrome,
    t: &'static Messages,
    done: Option<String>,
    feeds: Vec<FeedBlock>,
}

async fn feeds_page(
    state: &AppState,
    context: &PageContext,
    done: Option<String>,
) -> Result<FeedsPage, PageError> {
    use crate::domain::feed::StagedStatus;
    let locale = context.locale;
    let t = context.t();
    let catalog = state.catalog.clone();
    let feeds = off_executor(locale, move || {
        let store = catalog.store();
        let mut blocks = Vec::new();
        for feed in store.feeds()? {
            let staged = store.staged(&feed.name)?;
            let unchanged = staged
                .iter()
                .filter(|r| r.status == StagedStatus::Unchanged)
                .count();
            let mut rows = Vec::new();
            for record in staged
                .iter()
                .filter(|r| r.status != StagedStatus::Unchanged)
            {
                use crate::domain::moderation::Record;
                let live = store.service(record.service_id)?;
                let after = if record.status == StagedStatus::Withdrawn {
                    let Some(mut inactive) = live.clone() else {
                        continue;
                    };
                    inactive.status = crate::domain::service::ServiceStatus::Inactive;
                    inactive
                } else {
                    let Ok(bundle) = crate::oruk::parse::parse_service(&record.record).result
                    else {
                        continue;
                    };
                    bundle.service
                };
                let matched = match (record.matched, &live) {
                    (crate::domain::feed::Match::NameAndPostcode, Some(live)) => {
                        Some(t.with("feeds-matched", "name", &live.name))
                    }
                    _ => None,
                };
                let live = live.map(|s| Record::Service(Box::new(s)));
                let after = Record::Service(Box::new(after));
                rows.push(StagedRow {
                    id: record.service_id.to_string(),
                    name: after.name().to_owned(),
                    matched,
                    status: t.get(match record.status {
                        StagedStatus::New => "feeds-new",
                        StagedStatus::Withdrawn => "feeds-withdrawn",
                        _ => "feeds-changed",
                    }),
                    rows: crate::domain::moderation::diff(live.as_ref(), &after)
                        .into_iter()
                        .map(|change| DiffRow {
                            field: change.path,
                            before: change.before.unwrap_or_else(|| t.get("review-empty")),
                            after: change.after.unwrap_or_else(|| t.get("review-empty")),
                        })
                        .collect(),
                });
            }
            blocks.push(FeedBlock {
                last_pull: match &feed.last_pull {
                    None => t.get("feeds-never"),
                    Some(pull) => match &pull.error {
                        Some(error) => t.with("feeds-failed", "error", error),
                        None => t.with("feeds-pulled", "time", &when(pull.at)),
                    },
                },
                name: feed.name,
                url: feed.url,
                staged: rows,
                unchanged,
            });
        }
        Ok::<_, crate::store::StoreError>(blocks)
    })
    .await?
    .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    Ok(FeedsPage {
        c: context.chrome(t.get("feeds-title")),
        t,
        done,
        feeds,
    })
}

/// `GET /moderation/feeds`: other publishers' records waiting in staging.
pub async fn feeds(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    require_moderator(&state, &request, &context).await?;
    let page = feeds_page(&state, &context, None).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /moderation/feeds/{name}`: publishes the ticked staged records of a feed.
pub async fn publish_feed(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, moderator) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    ensure_moderator(&moderator, &context)?;
    let ids: Vec<crate::domain::ids::ServiceId> = fields
        .all("id")
        .filter_map(|id| crate::domain::ids::ServiceId::parse(id).ok())
        .collect();
    let catalog = state.catalog.clone();
    let feed = path.into_inner();
    let published = off_executor(locale, move || {
        catalog.publish_staged(&moderator, &feed, &ids)
    })
    .await?
    .map_err(|e| match e {
        ModerationError::Forbidden(_) => PageError::Forbidden(locale),
        other => refusal(locale)(other),
    })?;
    let t = context.t();
    let done = t.format(
        "feeds-published",
        &[
            (
                "count",
                Arg::Number((published.created + published.updated) as i64),
            ),
            ("refused", Arg::Number(published.rejected.len() as i64)),
        ],
    );
    let page = feeds_page(&state, &context, Some(done)).await?;
    Ok(private(&context, StatusCode::OK, &page))
}
