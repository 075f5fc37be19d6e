//! `/notes/{id}`: professional notes on a service, for link workers and moderators only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::account::{off_executor, private, require};
use super::manage::{refusal, signed_post};
use super::service::parse_id;
use super::{Chrome, PageContext, PageError};
use crate::catalog::moderation::ModerationError;
use crate::catalog::notes::{NoteError, reads_notes};
use crate::domain::account::{Account, Role};
use crate::domain::ids::ServiceId;
use crate::http::AppState;
use crate::i18n::Messages;

/// A note as shown.
struct NoteView {
    id: String,
    text: String,
    byline: String,
    hidden: bool,
}

#[derive(Template)]
#[template(path = "notes.html")]
struct NotesPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    action: String,
    service_href: String,
    notes: Vec<NoteView>,
    may_write: bool,
    may_hide: bool,
    draft: String,
    error: Option<String>,
}

/// The page, with `draft` and `error` when a note was refused.
async fn render(
    state: &AppState,
    context: &PageContext,
    account: Account,
    service: ServiceId,
    draft: String,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let locale = context.locale;
    let catalog = state.catalog.clone();
    let reader = account.clone();
    let (name, notes) = off_executor(locale, move || {
        let live = catalog
            .store()
            .service(service)?
            .ok_or(ModerationError::NotFound("service"))?;
        Ok::<_, ModerationError>((live.name, catalog.notes_for(&reader, service)?))
    })
    .await?
    .map_err(refusal(locale))?;
    let t = context.t();
    let heading = t.with("notes-title", "name", &name);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = NotesPage {
        c: context.chrome(heading.clone()),
        t,
        heading,
        action: format!("/notes/{service}"),
        service_href: context.link(&format!("/service/{service}")),
        notes: notes
            .into_iter()
            .map(|note| NoteView {
                id: note.id.to_string(),
                byline: t.format(
                    "notes-byline",
                    &[
                        ("name", crate::i18n::Arg::Text(&note.author_name)),
                        (
                            "date",
                            crate::i18n::Arg::Text(&super::view::date(
                                t,
                                crate::search::query::london_time(note.created).date(),
                            )),
                        ),
                    ],
                ),
                text: note.text,
                hidden: note.hidden.is_some(),
            })
            .collect(),
        may_write: account.roles.contains(&Role::LinkWorker),
        may_hide: account.is_moderator(),
        draft,
        error,
    };
    Ok(private(context, status, &page))
}

/// `GET /notes/{id}`.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = require(&state, &request, &context).await?;
    if !reads_notes(&account) {
        return Err(PageError::Forbidden(context.locale));
    }
    if account.is_moderator() {
        super::account::ensure_second_factor(&account, &context)?;
    }
    let service = parse_id(&id, &context)?;
    render(&state, &context, account, service, String::new(), None).await
}

/// `POST /notes/{id}`: adds a note.
pub async fn add(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let service = parse_id(&id, &context)?;
    let text = fields.value("note").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let writer = account.clone();
    let draft = text.clone();
    let added = off_executor(locale, move || {
        catalog.add_note(&writer, service, &text, now)
    })
    .await?;
    match added {
        Ok(_) => Ok(context.redirect(&context.link(&format!("/notes/{service}")))),
        Err(NoteError::Refused(problem)) => {
            let error = context
                .t()
                .with("notes-refused", "reason", &problem.to_string());
            render(&state, &context, account, service, draft, Some(error)).await
        }
        Err(NoteError::Moderation(error)) => Err(refusal(locale)(error)),
    }
}

/// `POST /notes/{id}/{note}/hide`: a moderator hides a note.
pub async fn hide(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, _, account) = signed_post(&state, &request, &body).await?;
    super::account::ensure_second_factor(&account, &context)?;
    let locale = context.locale;
    let (id, note) = path.into_inner();
    let service = parse_id(&id, &context)?;
    let note = uuid::Uuid::parse_str(&note).map_err(|_| PageError::NotFound(locale))?;
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    off_executor(locale, move || {
        catalog.hide_note(&account, service, note, now)
    })
    .await?
    .map_err(refusal(locale))?;
    Ok(context.redirect(&context.link(&format!("/notes/{service}"))))
}
