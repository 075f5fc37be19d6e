//! `/lists`: team lists for link workers. Save the shortlist you built (named, with a
//! note), share it with your team (your PCN or locality), and reuse a list: it becomes
//! your shortlist, to print or send as usual. Lists hold services, never residents.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::account::{off_executor, private, require};
use super::manage::{refusal, signed_post};
use super::shortlist::Shortlist;
use super::{Chrome, PageContext, PageError};
use crate::catalog::moderation::ModerationError;
use crate::catalog::team_lists::{ListError, keeps_lists};
use crate::domain::account::Account;
use crate::domain::team_list::TeamList;
use crate::http::AppState;
use crate::i18n::{Arg, Messages};

/// A list in the table.
struct ListRow {
    href: String,
    name: String,
    byline: String,
    count: usize,
    shared: bool,
}

#[derive(Template)]
#[template(path = "team_lists.html")]
struct ListsPage {
    c: Chrome,
    t: &'static Messages,
    team: Option<String>,
    shortlist_len: usize,
    lists: Vec<ListRow>,
    name: String,
    note: String,
    error: Option<String>,
}

/// One list's services as links.
struct Entry {
    href: String,
    name: String,
}

#[derive(Template)]
#[template(path = "team_list.html")]
struct ListPage {
    c: Chrome,
    t: &'static Messages,
    name: String,
    note: String,
    byline: String,
    entries: Vec<Entry>,
    action: String,
    owned: bool,
}

async fn link_worker(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<Account, PageError> {
    let account = require(state, request, context).await?;
    if keeps_lists(&account) {
        Ok(account)
    } else {
        Err(PageError::Forbidden(context.locale))
    }
}

fn byline(t: &Messages, list: &TeamList) -> String {
    let date = super::view::date(t, crate::search::query::london_time(list.saved).date());
    t.format(
        "lists-byline",
        &[
            ("name", Arg::Text(&list.owner_name)),
            ("date", Arg::Text(&date)),
        ],
    )
}

async fn lists_page(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
    account: Account,
    (name, note, error): (String, String, Option<String>),
) -> Result<HttpResponse, PageError> {
    let locale = context.locale;
    let catalog = state.catalog.clone();
    let team = account
        .team
        .as_deref()
        .and_then(|key| catalog.geography().team_name(key));
    let lists = off_executor(locale, move || catalog.team_lists_for(&account))
        .await?
        .map_err(refusal(locale))?;
    let t = context.t();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = ListsPage {
        c: context.chrome(t.get("lists-title")),
        t,
        team,
        shortlist_len: Shortlist::from_request(request).len(),
        lists: lists
            .iter()
            .map(|list| ListRow {
                href: context.link(&format!("/lists/{}", list.id)),
                name: list.name.clone(),
                byline: byline(t, list),
                count: list.services.len(),
                shared: list.shared_with.is_some(),
            })
            .collect(),
        name,
        note,
        error,
    };
    Ok(private(context, status, &page))
}

/// `GET /lists`.
pub async fn lists(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = link_worker(&state, &request, &context).await?;
    lists_page(&state, &request, &context, account, Default::default()).await
}

/// `POST /lists`: saves the visitor's shortlist as a team list.
pub async fn save(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, fields, account) = signed_post(&state, &request, &body).await?;
    if !keeps_lists(&account) {
        return Err(PageError::Forbidden(context.locale));
    }
    let locale = context.locale;
    let services = Shortlist::from_request(&request).ids();
    let (name, note) = (
        fields.value("name").to_owned(),
        fields.value("note").to_owned(),
    );
    let share = fields.value("share") == "yes";
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let saver = account.clone();
    let (given_name, given_note) = (name.clone(), note.clone());
    let saved = off_executor(locale, move || {
        catalog.save_team_list(&saver, &given_name, &given_note, services, share, now)
    })
    .await?;
    match saved {
        Ok(list) => Ok(context.redirect(&context.link(&format!("/lists/{}", list.id)))),
        Err(ListError::Refused(problem)) => {
            let error = context
                .t()
                .with("lists-refused", "reason", &problem.to_string());
            lists_page(
                &state,
                &request,
                &context,
                account,
                (name, note, Some(error)),
            )
            .await
        }
        Err(ListError::Moderation(error)) => Err(refusal(locale)(error)),
    }
}

fn list_id(raw: &str, context: &PageContext) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound(context.locale))
}

/// `GET /lists/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let account = link_worker(&state, &request, &context).await?;
    let id = list_id(&id, &context)?;
    let catalog = state.catalog.clone();
    let owner = account.id;
    let (list, names) = off_executor(locale, move || {
        let list = catalog.team_list_for(&account, id)?;
        let names = list
            .services
            .iter()
            .filter_map(|service| catalog.store().service(*service).ok().flatten())
            .map(|service| (service.id, service.name))
            .collect::<Vec<_>>();
        Ok::<_, ModerationError>((list, names))
    })
    .await?
    .map_err(refusal(locale))?;
    let t = context.t();
    let page = ListPage {
        c: context.chrome(list.name.clone()),
        t,
        byline: byline(t, &list),
        name: list.name.clone(),
        note: list.note.clone(),
        entries: names
            .into_iter()
            .map(|(id, name)| Entry {
                href: context.link(&format!("/service/{id}")),
                name,
            })
            .collect(),
        action: format!("/lists/{}", list.id),
        owned: list.owner == owner,
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /lists/{id}/use`: the list becomes the visitor's shortlist.
pub async fn use_list(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, _, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let id = list_id(&id, &context)?;
    let catalog = state.catalog.clone();
    let list = off_executor(locale, move || catalog.team_list_for(&account, id))
        .await?
        .map_err(refusal(locale))?;
    let mut response = context.redirect(&context.link("/shortlist"));
    Shortlist::of(&list.services).set_in(&mut response, locale)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `POST /lists/{id}/delete`: its owner deletes a list.
pub async fn delete(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (context, _, account) = signed_post(&state, &request, &body).await?;
    let locale = context.locale;
    let id = list_id(&id, &context)?;
    let catalog = state.catalog.clone();
    off_executor(locale, move || catalog.delete_team_list(&account, id))
        .await?
        .map_err(refusal(locale))?;
    Ok(context.redirect(&context.link("/lists")))
}
