//! The pages people read: server-rendered HTML for residents and link workers, in English and
//! Bengali, working without JavaScript. Templates and static files live in `web/`; every
//! string comes from `web/locales/` through [`crate::i18n`].
//!
//! Handlers are thin, like the API's: they read the request, call the catalog off the async
//! executor, build a view and render a template. What every page shares (language, the
//! shortlist cookie, the CSRF token, security headers, ETags) is here.

pub mod account;
mod areas;
mod assets;
mod data;
mod forms;
mod home;
mod listing_form;
mod manage;
mod moderation;
mod notes;
mod organisation;
mod referral;
mod results;
mod service;
mod shortlist;
mod team_lists;
mod view;

use std::hash::{Hash, Hasher};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;

use super::AppState;
use crate::i18n::{Locale, Messages};
use shortlist::Shortlist;

/// The Content-Security-Policy of pages: nothing from elsewhere, no inline script or style.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The cookie holding the CSRF token (double-submit: the forms carry the same value).
const CSRF_COOKIE: &str = "signpost_csrf";

/// Registers the pages.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/static/{name}").route(web::get().to(assets::get)))
        .service(page("/search", results::get))
        .service(web::resource("/search/count").route(web::get().to(results::count)))
        .service(page("/service/{id}", service::get))
        .service(
            web::resource("/service/{id}/report")
                .route(web::post().to(service::report))
                .route(web::get().to(service::report_form)),
        )
        .service(page("/organisation/{id}", organisation::get))
        .service(
            web::resource("/organisation/{id}/claim")
                .route(web::get().to(organisation::claim_form))
                .route(web::post().to(organisation::claim)),
        )
        .service(
            web::resource("/shortlist")
                .route(web::get().to(shortlist::get))
                .route(web::head().to(shortlist::get))
                .route(web::post().to(shortlist::post)),
        )
        .service(page("/shortlist/print", shortlist::print))
        .service(page("/areas", areas::list))
        .service(page("/data/template", data::page))
        .service(page("/data/template.csv", data::csv))
        .service(
            web::resource("/account/login")
                .route(web::get().to(account::login_form))
                .route(web::post().to(account::login)),
        )
        .service(web::resource("/account/login/code").route(web::post().to(account::login_code)))
        .service(
            web::resource("/account/two-factor")
                .route(web::get().to(account::two_factor_form))
                .route(web::post().to(account::two_factor)),
        )
        .service(web::resource("/account/logout").route(web::post().to(account::logout)))
        .service(
            web::resource("/account/password")
                .route(web::get().to(account::password_form))
                .route(web::post().to(account::set_password)),
        )
        .service(web::resource("/account").route(web::get().to(account::show)))
        .service(
            web::resource("/admin/accounts/{id}/team").route(web::post().to(account::set_team)),
        )
        .service(
            web::resource("/admin/accounts")
                .route(web::get().to(account::admin_accounts))
                .route(web::post().to(account::invite)),
        )
        .service(web::resource("/manage").route(web::get().to(manage::dashboard)))
        .service(
            web::resource("/manage/services/{id}")
                .route(web::get().to(manage::edit_form))
                .route(web::post().to(manage::save)),
        )
        .service(
            web::resource("/manage/services/{id}/notice")
                .route(web::get().to(manage::notice_form))
                .route(web::post().to(manage::notice)),
        )
        .service(
            web::resource("/lists")
                .route(web::get().to(team_lists::lists))
                .route(web::post().to(team_lists::save)),
        )
        .service(web::resource("/lists/{id}").route(web::get().to(team_lists::show)))
        .service(web::resource("/lists/{id}/use").route(web::post().to(team_lists::use_list)))
        .service(web::resource("/lists/{id}/delete").route(web::post().to(team_lists::delete)))
        .service(
            web::resource("/notes/{id}")
                .route(web::get().to(notes::list))
                .route(web::post().to(notes::add)),
        )
        .service(web::resource("/notes/{id}/{note}/hide").route(web::post().to(notes::hide)))
        .service(
            web::resource("/refer/{id}")
                .route(web::get().to(referral::form))
                .route(web::post().to(referral::refer)),
        )
        .service(
            web::resource("/manage/services/{id}/questions")
                .route(web::get().to(manage::questions_form))
                .route(web::post().to(manage::questions)),
        )
        .service(
            web::resource("/manage/services/{id}/capacity")
                .route(web::get().to(manage::capacity_form))
                .route(web::post().to(manage::capacity)),
        )
        .service(
            web::resource("/manage/services/{id}/assure").route(web::post().to(manage::assure)),
        )
        .service(
            web::resource("/manage/organisations/{id}")
                .route(web::get().to(manage::edit_organisation_form))
                .route(web::post().to(manage::save_organisation)),
        )
        .service(
            web::resource("/manage/organisations/{id}/tokens")
                .route(web::get().to(manage::tokens))
                .route(web::post().to(manage::create_token)),
        )
        .service(
            web::resource("/manage/organisations/{id}/tokens/{token}/revoke")
                .route(web::post().to(manage::revoke_token)),
        )
        .service(web::resource("/moderation").route(web::get().to(moderation::queue)))
        .service(web::resource("/moderation/freshness").route(web::get().to(moderation::freshness)))
        .service(web::resource("/moderation/outbox").route(web::get().to(moderation::outbox)))
        .service(web::resource("/moderation/feeds").route(web::get().to(moderation::feeds)))
        .service(
            web::resource("/moderation/import")
                .route(web::get().to(data::import_form))
                .route(web::post().to(data::import)),
        )
        .service(
            web::resource("/moderation/feeds/{name}")
                .route(web::post().to(moderation::publish_feed)),
        )
        .service(
            web::resource("/moderation/claims/{id}")
                .route(web::post().to(moderation::decide_claim)),
        )
        .service(
            web::resource("/account/assure")
                .route(web::get().to(manage::assure_link_form))
                .route(web::post().to(manage::assure_link)),
        )
        .service(
            web::resource("/moderation/proposals/{id}")
                .route(web::get().to(moderation::review))
                .route(web::post().to(moderation::decide)),
        )
        .service(
            web::resource("/moderation/reports/{id}").route(web::post().to(moderation::resolve)),
        )
        .service(
            web::resource("/moderation/history/{kind}/{id}")
                .route(web::get().to(moderation::history))
                .route(web::post().to(moderation::restore)),
        )
        .service(page("/areas/{id}", areas::get));
}

fn page<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
}

/// Whether a request asks for a page rather than JSON (`Accept` names `text/html`).
pub fn wants_html(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// `GET /` for a browser: the home page.
pub async fn home(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    home::get(state, request).await
}

/// The page for a path that does not exist.
pub fn not_found(request: &HttpRequest) -> HttpResponse {
    let context = PageContext::new(request);
    PageError::NotFound(context.locale).error_response()
}

/// The answer when a request's body was over the limit: a page for browsers, a problem
/// for the API (the framework's own answer is a bare line of text).
pub fn too_large(request: &HttpRequest) -> HttpResponse {
    if wants_html(request) {
        PageError::TooLarge(PageContext::new(request).locale).error_response()
    } else {
        crate::http::error::ApiError::TooLarge.error_response()
    }
}

/// What a page knows about the request: language, shortlist, CSRF token, where it is.
pub struct PageContext {
    /// The interface language.
    pub locale: Locale,
    /// Whether the language was chosen in the URL (then links carry it on).
    explicit: bool,
    /// The shortlist kept in the visitor's cookie.
    pub shortlist: Shortlist,
    csrf: String,
    new_csrf: bool,
    /// The path and query of this page.
    pub here: String,
    attribution: String,
}

impl PageContext {
    /// Reads the context of `request`.
    pub fn new(request: &HttpRequest) -> Self {
        let query = forms::Pairs::parse(request.query_string());
        let chosen = query.first("lang").and_then(Locale::parse);
        let locale = chosen
            .or_else(|| {
                request
                    .headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Locale::from_accept_language)
            })
            .unwrap_or(Locale::En);
        let existing = request
            .cookie(CSRF_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()));
        let (csrf, new_csrf) = match existing {
            Some(token) => (token, false),
            None => (uuid::Uuid::new_v4().simple().to_string(), true),
        };
        let here = match request.query_string() {
            "" => request.path().to_owned(),
            query => format!("{}?{query}", request.path()),
        };
        Self {
            locale,
            explicit: chosen.is_some(),
            shortlist: Shortlist::from_request(request),
            csrf,
            new_csrf,
            here,
            attribution: request
                .app_data::<web::Data<AppState>>()
                .map(|state| state.catalog.geography().attribution().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The messages of the page's language.
    pub fn t(&self) -> &'static Messages {
        Messages::of(self.locale)
    }

    /// `path` (with or without a query), carrying the language when it was chosen.
    pub fn link(&self, path: &str) -> String {
        if !self.explicit {
            return path.to_owned();
        }
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}lang={}", self.locale.code())
    }

    /// Whether a form's CSRF token matches the cookie.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        !self.new_csrf && constant_time_eq(self.csrf.as_bytes(), submitted.as_bytes())
    }

    /// The frame of a page titled `title`.
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        let t = self.t();
        let switch = Locale::ALL
            .into_iter()
            .filter(|locale| *locale != self.locale)
            .map(|locale| LanguageLink {
                href: forms::Pairs::parse(self.here.split_once('?').map_or("", |(_, q)| q))
                    .with("lang", locale.code())
                    .href(self.here.split('?').next().unwrap_or("/")),
                name: locale.own_name(),
                code: locale.code(),
            })
            .collect();
        Chrome {
            t,
            lang: self.locale.code(),
            dir: self.locale.dir(),
            title: title.into(),
            css: assets::CSS.url(),
            js: assets::JS.url(),
            switch,
            home_url: self.link("/"),
            shortlist_url: self.link("/shortlist"),
            areas_url: self.link("/areas"),
            shortlist_count: self.shortlist.len(),
            csrf: self.csrf.clone(),
            here: self.here.clone(),
            exit_page: false,
            explicit_lang: self.explicit.then(|| self.locale.code()),
            attribution: self.attribution.clone(),
            attribution_lang: (self.locale != Locale::En).then_some("en"),
        }
    }

    /// A 200 HTML response for a rendered page, with an ETag (a 304 when the browser's copy
    /// is current) and the CSRF cookie when it is new.
    pub fn respond(&self, request: &HttpRequest, page: &impl Template) -> HttpResponse {
        match page.render() {
            Ok(body) => self.html(request, StatusCode::OK, body),
            Err(error) => PageError::Internal(self.locale, error.to_string()).error_response(),
        }
    }

    /// A page's response without an ETag (for pages that are never cached).
    pub fn page_response(&self, status: StatusCode, body: String) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        response
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
            .insert_header((header::VARY, "Accept, Accept-Language, Cookie"))
            .insert_header((header::CONTENT_LANGUAGE, self.locale.code()));
        if self.new_csrf {
            response.cookie(session_cookie(CSRF_COOKIE, self.csrf.clone()));
        }
        response.body(body)
    }

    fn html(&self, request: &HttpRequest, status: StatusCode, body: String) -> HttpResponse {
        let etag = {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut hasher);
            self.csrf.hash(&mut hasher);
            format!("W/\"{:016x}\"", hasher.finish())
        };
        let fresh = status == StatusCode::OK && etag_matches(request, &etag);
        let mut response = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::build(status)
        };
        response
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::VARY, "Accept, Accept-Language, Cookie"))
            .insert_header((header::ETAG, etag))
            .insert_header((header::CONTENT_LANGUAGE, self.locale.code()));
        if self.new_csrf {
            response.cookie(session_cookie(CSRF_COOKIE, self.csrf.clone()));
        }
        if fresh || request.method() == Method::HEAD {
            response.finish()
        } else {
            response.body(body)
        }
    }

    /// A 303 redirect to a path of this site (anything else goes home).
    pub fn redirect(&self, to: &str) -> HttpResponse {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, safe_return_path(to)))
            .finish()
    }
}

/// Whether the browser's copy (`If-None-Match`) is the one tagged `etag`.
pub fn etag_matches(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|tag| tag.trim() == etag))
}

/// A cookie for this site only, not readable by scripts, sent on same-site navigation.
pub fn session_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// A local path to return to (`/search?...`); anything that could lead off the site
/// (`//evil`, `https://...`, `/\evil`) becomes `/`.
pub fn safe_return_path(path: &str) -> &str {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains(['\r', '\n']);
    if local { path } else { "/" }
}

/// The key a client is rate-limited by: its address as the connection shows it (a proxy in
/// front should pass its own limits; forwarded headers are not trusted).
pub fn client_key(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

use crate::auth::constant_time_eq;

/// The other language, as a link in the header.
pub struct LanguageLink {
    /// This page in that language.
    pub href: String,
    /// The language's own name.
    pub name: &'static str,
    /// Its tag.
    pub code: &'static str,
}

/// What the frame of every page shows: header, language switch, footer.
pub struct Chrome {
    /// The messages.
    pub t: &'static Messages,
    /// The page's language tag.
    pub lang: &'static str,
    /// Its direction.
    pub dir: &'static str,
    /// The page title (before the site name).
    pub title: String,
    /// The stylesheet's URL.
    pub css: &'static str,
    /// The script's URL.
    pub js: &'static str,
    /// This page in the other languages.
    pub switch: Vec<LanguageLink>,
    /// Home.
    pub home_url: String,
    /// The shortlist.
    pub shortlist_url: String,
    /// The area pages.
    pub areas_url: String,
    /// How many services are on the shortlist.
    pub shortlist_count: usize,
    /// The CSRF token for forms.
    pub csrf: String,
    /// This page's path and query, for forms that come back here.
    pub here: String,
    /// Whether the page offers "Exit this page".
    pub exit_page: bool,
    /// The language chosen in the URL, which forms carry on.
    pub explicit_lang: Option<&'static str>,
    /// What the geography data's licence asks us to say (OS, ONS, Royal Mail, NHS England).
    pub attribution: String,
    /// The attribution's language when it is not the page's (it is in English).
    pub attribution_lang: Option<&'static str>,
}

/// Why a page could not be shown, as a page for people.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No such page or record.
    #[error("not found")]
    NotFound(Locale),
    /// A form was sent without the token of a page of this site.
    #[error("form expired")]
    FormExpired(Locale),
    /// Too many submissions from one place.
    #[error("too many requests")]
    TooMany(Locale),
    /// Too many sign-in or write attempts.
    #[error("too many attempts")]
    TooManyAttempts(Locale),
    /// The page needs a signed-in account: to the sign-in page, then back to the path.
    #[error("sign in needed")]
    SignIn(Locale, String),
    /// The signed-in account may not do this.
    #[error("forbidden")]
    Forbidden(Locale),
    /// The account must set up its authenticator app first: to its page, then back.
    #[error("second factor needed")]
    SecondFactor(Locale, String),
    /// Too many searches at once.
    #[error("busy")]
    Busy(Locale),
    /// What was sent is larger than the server takes.
    #[error("too large")]
    TooLarge(Locale),
    /// Something failed inside the server.
    #[error("internal error: {1}")]
    Internal(Locale, String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    t: &'static Messages,
    heading: String,
    body: String,
}

impl PageError {
    /// An internal error while showing a page in `locale`.
    pub fn internal(locale: Locale) -> impl Fn(crate::http::error::ApiError) -> PageError {
        move |error| match error {
            crate::http::error::ApiError::Busy => PageError::Busy(locale),
            other => PageError::Internal(locale, other.to_string()),
        }
    }

    fn locale(&self) -> Locale {
        match self {
            PageError::NotFound(l)
            | PageError::FormExpired(l)
            | PageError::TooMany(l)
            | PageError::TooManyAttempts(l)
            | PageError::SignIn(l, _)
            | PageError::SecondFactor(l, _)
            | PageError::Forbidden(l)
            | PageError::Busy(l)
            | PageError::TooLarge(l)
            | PageError::Internal(l, _) => *l,
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::FormExpired(_) => StatusCode::BAD_REQUEST,
            PageError::TooMany(_) | PageError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::SignIn(..) | PageError::SecondFactor(..) => StatusCode::SEE_OTHER,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::Internal(..) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let locale = self.locale();
        let t = Messages::of(locale);
        let (heading, body) = match self {
            PageError::NotFound(_) => ("error-not-found", "error-not-found-body"),
            PageError::FormExpired(_) => ("error-form-expired", "error-form-expired-body"),
            PageError::TooMany(_) => ("error-too-many", "error-too-many-body"),
            PageError::TooManyAttempts(_) => {
                ("error-too-many-attempts", "error-too-many-attempts-body")
            }
            PageError::Forbidden(_) => ("error-forbidden", "error-forbidden-body"),
            PageError::Busy(_) => ("error-busy", "error-busy-body"),
            PageError::TooLarge(_) => ("error-too-large", "error-too-large-body"),
            PageError::SignIn(_, next) | PageError::SecondFactor(_, next) => {
                let mut query = forms::Pairs::default();
                query.push("next", next);
                if locale != Locale::En {
                    query.push("lang", locale.code());
                }
                let to = match self {
                    PageError::SignIn(..) => "/account/login",
                    _ => "/account/two-factor",
                };
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, query.href(to)))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish();
            }
            PageError::Internal(_, detail) => {
                tracing::error!(error = %detail, "page failed");
                ("error-internal", "error-internal-body")
            }
        };
        let home = match locale {
            Locale::En => "/".to_owned(),
            other => format!("/?lang={}", other.code()),
        };
        let page = ErrorPage {
            c: Chrome {
                t,
                lang: locale.code(),
                dir: locale.dir(),
                title: t.get(heading),
                css: assets::CSS.url(),
                js: assets::JS.url(),
                switch: Vec::new(),
                home_url: home.clone(),
                shortlist_url: "/shortlist".to_owned(),
                areas_url: "/areas".to_owned(),
                shortlist_count: 0,
                csrf: String::new(),
                here: "/".to_owned(),
                exit_page: false,
                explicit_lang: None,
                // An error page shows no geography, so it owes no attribution.
                attribution: String::new(),
                attribution_lang: None,
            },
            t,
            heading: t.get(heading),
            body: t.get(body),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| "<!DOCTYPE html><title>Error</title>".to_owned());
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if matches!(self, PageError::TooMany(_) | PageError::TooManyAttempts(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("600")));
        }
        if matches!(self, PageError::Busy(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
        }
        response.body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_the_site() {
        assert_eq!(
            safe_return_path("/search?search=food"),
            "/search?search=food"
        );
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "",
            "search",
            "/x\r\nSet-Cookie: a=b",
        ] {
            assert_eq!(safe_return_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
