//! The shortlist: services a resident or link worker picks, with a note each, to print, share
//! or send by text message. It lives in the visitor's own cookie (a session cookie: gone when
//! the browser closes, so a shared library computer does not keep it); nothing about it is
//! stored on the server. A share link carries only service ids and the language.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::forms::Pairs;
use super::view::{self, Card};
use super::{Chrome, PageContext, PageError, session_cookie};
use crate::domain::ids::ServiceId;
use crate::domain::service::ServiceStatus;
use crate::geography::PlacedService;
use crate::http::AppState;
use crate::http::api::{base_url, blocking};
use crate::i18n::Messages;

/// The cookie.
const COOKIE: &str = "signpost_shortlist";
/// The most services on a shortlist.
pub const MAX_ITEMS: usize = 30;
/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 200;
/// The largest cookie value (browsers keep at least 4096 bytes per cookie).
const MAX_COOKIE_BYTES: usize = 3_800;

/// The services picked, in the order they were added, each with a note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shortlist {
    items: Vec<(ServiceId, String)>,
}

impl Shortlist {
    /// The shortlist in the request's cookie (empty when there is none or it is unreadable).
    pub fn from_request(request: &HttpRequest) -> Self {
        request
            .cookie(COOKIE)
            .map(|cookie| Self::decode(cookie.value()))
            .unwrap_or_default()
    }

    /// Reads the cookie value: `id[~note].id[~note]...` (ids without hyphens, notes
    /// percent-encoded). Unreadable items are skipped.
    pub fn decode(value: &str) -> Self {
        let mut list = Self::default();
        for item in value.split('.').take(MAX_ITEMS) {
            let (id, note) = item.split_once('~').unwrap_or((item, ""));
            let Ok(uuid) = uuid::Uuid::try_parse(id) else {
                continue;
            };
            let note = percent_decode_str(note).decode_utf8_lossy();
            let id = ServiceId::from_uuid(uuid);
            if !list.contains(id) {
                list.items.push((id, clip(&note)));
            }
        }
        list
    }

    /// The cookie value.
    pub fn encode(&self) -> String {
        self.items
            .iter()
            .map(|(id, note)| {
                let id = id.as_uuid().simple().to_string();
                if note.is_empty() {
                    id
                } else {
                    format!("{id}~{}", utf8_percent_encode(note, NON_ALPHANUMERIC))
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// How many services.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether `id` is on it.
    pub fn contains(&self, id: ServiceId) -> bool {
        self.items.iter().any(|(i, _)| *i == id)
    }

    /// A shortlist of `ids` (no notes).
    pub fn of(ids: &[ServiceId]) -> Self {
        let mut list = Self::default();
        for id in ids.iter().take(MAX_ITEMS) {
            if !list.contains(*id) {
                list.items.push((*id, String::new()));
            }
        }
        list
    }

    /// Puts this shortlist in `response`'s cookie (the visitor's own, as the public
    /// shortlist is kept).
    pub fn set_in(
        &self,
        response: &mut HttpResponse,
        locale: crate::i18n::Locale,
    ) -> Result<(), PageError> {
        let mut cookie = session_cookie(COOKIE, self.encode());
        if self.is_empty() {
            cookie.make_removal();
        }
        response
            .add_cookie(&cookie)
            .map_err(|e| PageError::Internal(locale, e.to_string()))
    }

    /// The ids, in order.
    pub fn ids(&self) -> Vec<ServiceId> {
        self.items.iter().map(|(id, _)| *id).collect()
    }

    fn note(&self, id: ServiceId) -> &str {
        self.items
            .iter()
            .find(|(i, _)| *i == id)
            .map_or("", |(_, note)| note.as_str())
    }

    fn add(&mut self, id: ServiceId) -> bool {
        if self.contains(id) {
            return true;
        }
        if self.items.len() >= MAX_ITEMS {
            return false;
        }
        self.items.push((id, String::new()));
        true
    }

    fn remove(&mut self, id: ServiceId) {
        self.items.retain(|(i, _)| *i != id);
    }

    fn set_note(&mut self, id: ServiceId, note: &str) {
        if let Some(item) = self.items.iter_mut().find(|(i, _)| *i == id) {
            item.1 = clip(note);
        }
    }

    fn fits(&self) -> bool {
        self.encode().len() <= MAX_COOKIE_BYTES
    }
}

fn clip(note: &str) -> String {
    note.trim().chars().take(MAX_NOTE_CHARS).collect()
}

/// A service on the shortlist page.
pub struct Item {
    /// Its card.
    pub card: Card,
    /// The visitor's note.
    pub note: String,
    /// How to get it, in words.
    pub route: Option<String>,
}

#[derive(Template)]
#[template(path = "shortlist.html")]
struct ShortlistPage {
    c: Chrome,
    t: &'static Messages,
    items: Vec<Item>,
    shared: bool,
    shared_ids: String,
    share_url: Option<String>,
    message: String,
    print_url: String,
    error: Option<String>,
    max_note: usize,
}

#[derive(Template)]
#[template(path = "shortlist_print.html")]
struct PrintPage {
    c: Chrome,
    t: &'static Messages,
    items: Vec<Item>,
    share_url: Option<String>,
    qr: Option<String>,
    printed_on: String,
}

/// Ids in a share link (`ids=a,b,c`), at most [`MAX_ITEMS`].
fn shared_ids(pairs: &Pairs) -> Option<Vec<ServiceId>> {
    let ids = pairs.first("ids")?;
    Some(
        ids.split(',')
            .filter_map(|id| ServiceId::parse(id.trim()).ok())
            .take(MAX_ITEMS)
            .collect(),
    )
}

/// The list a page shows: the one shared by link (`ids`), else the visitor's own.
fn shown_list(context: &PageContext, shared: Option<&[ServiceId]>) -> Shortlist {
    match shared {
        Some(ids) => {
            let mut list = Shortlist::default();
            for id in ids {
                list.add(*id);
            }
            list
        }
        None => context.shortlist.clone(),
    }
}

async fn load(
    state: &web::Data<AppState>,
    ids: Vec<ServiceId>,
    context: &PageContext,
) -> Result<Vec<Arc<PlacedService>>, PageError> {
    let catalog = state.catalog.clone();
    blocking(move || {
        let mut found = Vec::new();
        for id in ids {
            if let Some(placed) = catalog.placed_service(id)?
                && ServiceStatus::SHOWN_BY_DEFAULT.contains(&placed.full.service.status)
            {
                found.push(placed);
            }
        }
        Ok(found)
    })
    .await
    .map_err(PageError::internal(context.locale))
}

fn items(
    context: &PageContext,
    list: &Shortlist,
    placed: &[Arc<PlacedService>],
    now: chrono::NaiveDateTime,
) -> Vec<Item> {
    let t = context.t();
    placed
        .iter()
        .map(|placed| {
            let service = &placed.full.service;
            Item {
                card: Card::new(context, placed, None, now),
                note: list.note(service.id).to_owned(),
                route: service
                    .referral_route
                    .map(|r| t.get(&format!("route-{}", r.as_str().replace('_', "-")))),
            }
        })
        .collect()
}

/// The link that shares the list: ids and language only.
fn share_url(state: &AppState, request: &HttpRequest, ids: &[ServiceId], lang: &str) -> String {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let mut pairs = Pairs::default();
    pairs.push("ids", &ids.join(","));
    pairs.push("lang", lang);
    format!("{}{}", base_url(state, request), pairs.href("/shortlist"))
}

/// The text to paste into an SMS or WhatsApp message.
fn message(t: &Messages, items: &[Item], share: Option<&str>) -> String {
    let mut text = t.get("shortlist-message-intro");
    for (at, item) in items.iter().enumerate() {
        text.push_str(&format!("\n{}. {}", at + 1, item.card.name.text));
        if let Some(phone) = &item.card.phone {
            text.push_str(&format!(" – {phone}"));
        }
    }
    if let Some(url) = share {
        text.push_str(&format!("\n{}: {url}", t.get("shortlist-message-link")));
    }
    text
}

/// `GET /shortlist`: the visitor's shortlist, or one shared by link (`?ids=`).
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let page = shortlist_page(&state, &request, &context, None).await?;
    Ok(context.respond(&request, &page))
}

async fn shortlist_page(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    context: &PageContext,
    error: Option<String>,
) -> Result<ShortlistPage, PageError> {
    let t = context.t();
    let pairs = Pairs::parse(request.query_string());
    let shared = shared_ids(&pairs);
    let is_shared = shared.is_some();
    let list = shown_list(context, shared.as_deref());
    let placed = load(state, list.ids(), context).await?;
    let now = state.clock.london_now();
    let items = items(context, &list, &placed, now);
    let ids: Vec<ServiceId> = placed.iter().map(|p| p.full.service.id).collect();
    let share = (!ids.is_empty()).then(|| share_url(state, request, &ids, context.locale.code()));
    let print = match &shared {
        Some(_) => format!("/shortlist/print?{}", pairs.without_all("lang").encode()),
        None => "/shortlist/print".to_owned(),
    };
    Ok(ShortlistPage {
        c: context.chrome(t.get("shortlist-title")),
        t,
        message: message(t, &items, share.as_deref()),
        items,
        shared: is_shared,
        shared_ids: ids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        share_url: share,
        print_url: context.link(&print),
        error,
        max_note: MAX_NOTE_CHARS,
    })
}

/// `GET /shortlist/print`: the A4 print view with a QR code back to the live list.
pub async fn print(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let t = context.t();
    let pairs = Pairs::parse(request.query_string());
    let list = shown_list(&context, shared_ids(&pairs).as_deref());
    let placed = load(&state, list.ids(), &context).await?;
    let now = state.clock.london_now();
    let items = items(&context, &list, &placed, now);
    let ids: Vec<ServiceId> = placed.iter().map(|p| p.full.service.id).collect();
    let share = (!ids.is_empty()).then(|| share_url(&state, &request, &ids, context.locale.code()));
    let qr = share.as_deref().and_then(view::qr_svg);
    let page = PrintPage {
        c: context.chrome(t.get("shortlist-print-title")),
        t,
        items,
        share_url: share,
        qr,
        printed_on: view::date(t, now.date()),
    };
    Ok(context.respond(&request, &page))
}

/// `POST /shortlist`: add, remove, save notes, clear, or keep a shared list.
pub async fn post(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let form = Pairs::parse_form(&String::from_utf8_lossy(&body));
    if !context.csrf_ok(form.first("csrf").unwrap_or_default()) {
        return Err(PageError::FormExpired(locale));
    }
    let t = context.t();
    let mut list = context.shortlist.clone();
    let id = |name: &str| form.first(name).and_then(|v| ServiceId::parse(v).ok());
    for (name, value) in form.iter() {
        if let Some(raw) = name.strip_prefix("note-")
            && let Ok(id) = ServiceId::parse(raw)
        {
            list.set_note(id, value);
        }
    }
    let mut error = None;
    if let Some(removed) = id("remove") {
        list.remove(removed);
    }
    match form.first("action") {
        Some("add") => {
            if let Some(added) = id("id")
                && !list.add(added)
            {
                error = Some(t.count("shortlist-full", MAX_ITEMS));
            }
        }
        Some("remove") => {
            if let Some(removed) = id("id") {
                list.remove(removed);
            }
        }
        Some("clear") => list = Shortlist::default(),
        Some("keep") => {
            for shared in form
                .first("ids")
                .unwrap_or_default()
                .split(',')
                .filter_map(|v| ServiceId::parse(v.trim()).ok())
            {
                if !list.add(shared) {
                    error = Some(t.count("shortlist-full", MAX_ITEMS));
                    break;
                }
            }
        }
        _ => {}
    }
    if error.is_none() && !list.fits() {
        error = Some(t.get("shortlist-too-long"));
    }
    if let Some(error) = error {
        let page = shortlist_page(&state, &request, &context, Some(error)).await?;
        let mut response = context.respond(&request, &page);
        *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
        return Ok(response);
    }
    let back = form.first("back").unwrap_or("/shortlist");
    let mut response = context.redirect(back);
    let mut cookie = session_cookie(COOKIE, list.encode());
    if list.is_empty() {
        cookie.make_removal();
    }
    response
        .add_cookie(&cookie)
        .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_cookie_round_trips_ids_and_notes() {
        let mut list = Shortlist::default();
        let (a, b) = (ServiceId::random(), ServiceId::random());
        assert!(list.add(a));
        assert!(list.add(b));
        list.set_note(b, "Ask for Rahima; বৃহস্পতিবার. 10% off; ~ok");
        let value = list.encode();
        assert!(
            value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"%.~".contains(&c)),
            "cookie-safe: {value}"
        );
        assert_eq!(Shortlist::decode(&value), list);
        list.remove(a);
        assert_eq!(list.ids(), vec![b]);
    }

    #[test]
    fn limits_hold() {
        let mut list = Shortlist::default();
        for _ in 0..MAX_ITEMS {
            assert!(list.add(ServiceId::random()));
        }
        assert!(!list.add(ServiceId::random()));
        let first = list.ids()[0];
        list.set_note(first, &"x".repeat(500));
        assert_eq!(list.note(first).chars().count(), MAX_NOTE_CHARS);
    }

    proptest! {
        #[test]
        fn any_cookie_value_decodes_without_panicking(value in "\\PC{0,300}") {
            let list = Shortlist::decode(&value);
            prop_assert!(list.len() <= MAX_ITEMS);
            prop_assert_eq!(Shortlist::decode(&list.encode()), list);
        }
    }
}
