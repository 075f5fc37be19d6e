//! Staff pages: sign in and out, set a password through a one-time link, the account page,
//! and the administrators' accounts page (invitations). Pages for signed-in people are never
//! cached (`Cache-Control: no-store`); every form carries the CSRF token; the session cookie
//! is `HttpOnly`, `SameSite=Lax` and `Secure` unless configured off for local HTTP.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::forms::Pairs;
use super::{Chrome, PageContext, PageError};
use crate::auth::{self, LoginError, SetPasswordError, password};
use crate::domain::account::{Account, Role};
use crate::domain::ids::OrganizationId;
use crate::http::AppState;
use crate::http::api::blocking;
use crate::i18n::{Arg, Messages};

/// The cookie holding the session secret.
pub const SESSION_COOKIE: &str = "signpost_session";
/// The cookie holding the ticket of a sign-in waiting for its authenticator code.
const TICKET_COOKIE: &str = "signpost_ticket";

fn auth_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut cookie = super::session_cookie(name, value);
    cookie.set_secure(state.secure_cookies);
    cookie
}

/// Runs `work` off the async executor (argon2 and sled block).
pub(super) async fn off_executor<T: Send + 'static>(
    locale: crate::i18n::Locale,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    web::block(work)
        .await
        .map_err(|e| PageError::Internal(locale, e.to_string()))
}

/// A 303 to a path of this site, setting `cookies`.
pub(super) fn redirect_setting(to: &str, cookies: Vec<Cookie<'static>>) -> HttpResponse {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, super::safe_return_path(to)));
    for cookie in cookies {
        response.cookie(cookie);
    }
    response.finish()
}

/// The signed-in account of `request`, if its session is live.
pub async fn signed_in(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<Option<Account>, PageError> {
    let Some(secret) = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let found = blocking(move || {
        auth::authenticate(catalog.store(), &secret, now)
            .map_err(crate::catalog::CatalogError::from)
            .map_err(Into::into)
    })
    .await
    .map_err(PageError::internal(context.locale))?;
    Ok(found.map(|(_, account)| account))
}

/// Refuses (with a way to do it) an administrator or moderator whose authenticator app is
/// not set up yet.
pub fn ensure_second_factor(account: &Account, context: &PageContext) -> Result<(), PageError> {
    if account.needs_second_factor() {
        Err(PageError::SecondFactor(
            context.locale,
            context.here.clone(),
        ))
    } else {
        Ok(())
    }
}

/// The signed-in account, or a redirect to the sign-in page that comes back here.
pub async fn require(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<Account, PageError> {
    signed_in(state, request, context)
        .await?
        .ok_or_else(|| PageError::SignIn(context.locale, context.here.clone()))
}

/// A page for one signed-in person: not cached anywhere.
pub(super) fn private(
    context: &PageContext,
    status: StatusCode,
    page: &impl Template,
) -> HttpResponse {
    match page.render() {
        Ok(body) => {
            let mut response = context.page_response(status, body);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(error) => actix_web::ResponseError::error_response(&PageError::Internal(
            context.locale,
            error.to_string(),
        )),
    }
}

/// The fields of a posted form, if it carries this site's CSRF token.
pub(super) fn form(context: &PageContext, body: &[u8]) -> Result<Pairs, PageError> {
    let fields = Pairs::parse_form(&String::from_utf8_lossy(body));
    if context.csrf_ok(fields.first("csrf").unwrap_or_default()) {
        Ok(fields)
    } else {
        Err(PageError::FormExpired(context.locale))
    }
}

/// Counts an attempt from the client's address against the sign-in limit.
fn count_attempt(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<(), PageError> {
    if state.limits.logins.allow(&super::client_key(request)) {
        Ok(())
    } else {
        Err(PageError::TooManyAttempts(context.locale))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    t: &'static Messages,
    email: String,
    next: String,
    error: Option<String>,
}

/// `GET /account/login`.
pub async fn login_form(request: HttpRequest) -> HttpResponse {
    let context = PageContext::new(&request);
    let t = context.t();
    let next = Pairs::parse(request.query_string())
        .first("next")
        .map(|n| super::safe_return_path(n).to_owned())
        .unwrap_or_else(|| "/account".to_owned());
    let page = LoginPage {
        c: context.chrome(t.get("login-title")),
        t,
        email: String::new(),
        next,
        error: None,
    };
    private(&context, StatusCode::OK, &page)
}

/// `POST /account/login`: rate-limited per client address; a new session on success.
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let t = context.t();
    let fields = form(&context, &body)?;
    count_attempt(&state, &request, &context)?;
    let email = fields.first("email").unwrap_or_default().to_owned();
    let password = fields.first("password").unwrap_or_default().to_owned();
    let next = super::safe_return_path(fields.first("next").unwrap_or("/account")).to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let attempt = {
        let email = email.clone();
        off_executor(locale, move || {
            auth::login(catalog.store(), &email, &password, now)
        })
        .await?
    };
    let error = match attempt {
        Ok(signed_in) => {
            tracing::info!(account_id = %signed_in.account.id, "signed in");
            // A new CSRF token with the new session.
            let csrf = super::session_cookie(
                super::CSRF_COOKIE,
                uuid::Uuid::new_v4().simple().to_string(),
            );
            return Ok(redirect_setting(
                &next,
                vec![auth_cookie(&state, SESSION_COOKIE, signed_in.secret), csrf],
            ));
        }
        Err(LoginError::CodeNeeded { ticket }) => {
            let page = code_page(&context, next, None);
            let mut response = private(&context, StatusCode::OK, &page);
            response
                .add_cookie(&auth_cookie(&state, TICKET_COOKIE, ticket))
                .map_err(|e| PageError::Internal(locale, e.to_string()))?;
            return Ok(response);
        }
        Err(error) => match refused_text(t, error) {
            Ok(text) => text,
            Err(error) => return Err(PageError::Internal(locale, error.to_string())),
        },
    };
    tracing::info!("sign-in refused");
    let page = LoginPage {
        c: context.chrome(t.get("login-title")),
        t,
        email,
        next,
        error: Some(error),
    };
    Ok(private(&context, StatusCode::UNAUTHORIZED, &page))
}

/// `POST /account/logout`: ends the session here and in the store.
pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    form(&context, &body)?;
    if let Some(secret) = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        let catalog = state.catalog.clone();
        let now = state.clock.now();
        off_executor(locale, move || auth::logout(catalog.store(), &secret, now))
            .await?
            .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    }
    let mut gone = auth_cookie(&state, SESSION_COOKIE, String::new());
    gone.make_removal();
    Ok(redirect_setting(&context.link("/"), vec![gone]))
}

#[derive(Template)]
#[template(path = "set_password.html")]
struct PasswordPage {
    c: Chrome,
    t: &'static Messages,
    token: String,
    min: String,
    error: Option<String>,
    done: bool,
}

/// `GET /account/password?token=...`: the form behind a one-time link.
pub async fn password_form(request: HttpRequest) -> HttpResponse {
    let context = PageContext::new(&request);
    let t = context.t();
    let token = Pairs::parse(request.query_string())
        .first("token")
        .filter(|token| auth::is_secret_shaped(token))
        .unwrap_or_default()
        .to_owned();
    let error = token.is_empty().then(|| t.get("password-bad-link"));
    let page = PasswordPage {
        c: context.chrome(t.get("password-title")),
        t,
        token,
        min: password::MIN_CHARS.to_string(),
        error,
        done: false,
    };
    private(&context, StatusCode::OK, &page)
}

/// What to tell someone whose new password was refused.
fn weakness_text(t: &Messages, weakness: password::Weakness) -> String {
    match weakness {
        password::Weakness::TooShort => t.with(
            "password-too-short",
            "min",
            &password::MIN_CHARS.to_string(),
        ),
        password::Weakness::TooLong => {
            t.with("password-too-long", "max", &password::MAX_CHARS.to_string())
        }
        password::Weakness::Common => t.get("password-common"),
        password::Weakness::ContainsEmail => t.get("password-contains-email"),
    }
}

/// `POST /account/password`: sets the password, uses up the link, ends every session.
pub async fn set_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let t = context.t();
    let fields = form(&context, &body)?;
    count_attempt(&state, &request, &context)?;
    let token = fields.first("token").unwrap_or_default().to_owned();
    let new = fields.first("password").unwrap_or_default().to_owned();
    let confirm = fields.first("confirm").unwrap_or_default().to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let outcome = {
        let token = token.clone();
        off_executor(locale, move || {
            auth::set_password_with_link(catalog.store(), &token, &new, &confirm, now)
        })
        .await?
    };
    let (status, error, done) = match outcome {
        Ok(account) => {
            tracing::info!(account_id = %account.id, "password set through a one-time link");
            (StatusCode::OK, None, true)
        }
        Err(SetPasswordError::BadLink) => (
            StatusCode::BAD_REQUEST,
            Some(t.get("password-bad-link")),
            false,
        ),
        Err(SetPasswordError::Mismatch) => (
            StatusCode::BAD_REQUEST,
            Some(t.get("password-mismatch")),
            false,
        ),
        Err(SetPasswordError::Weak(weakness)) => (
            StatusCode::BAD_REQUEST,
            Some(weakness_text(t, weakness)),
            false,
        ),
        Err(SetPasswordError::Store(error)) => {
            return Err(PageError::Internal(locale, error.to_string()));
        }
    };
    let page = PasswordPage {
        c: context.chrome(t.get("password-title")),
        t,
        token,
        min: password::MIN_CHARS.to_string(),
        error,
        done,
    };
    Ok(private(&context, status, &page))
}

/// A role in words.
fn role_text(t: &Messages, state: &AppState, role: &Role) -> String {
    match role {
        Role::Moderator { localities } if !localities.is_empty() => {
            let names: Vec<&str> = state
                .catalog
                .geography()
                .localities()
                .iter()
                .filter(|l| localities.contains(&l.id))
                .map(|l| l.name.as_str())
                .collect();
            t.with("role-moderator-of", "localities", &names.join(", "))
        }
        other => t.get(&format!("role-{}", other.name().replace('_', "-"))),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    t: &'static Messages,
    name: String,
    email: String,
    roles: Vec<String>,
    administrator: bool,
    editor: bool,
    moderator: bool,
}

/// `GET /account`: who is signed in, with what roles.
pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = require(&state, &request, &context).await?;
    let t = context.t();
    let page = AccountPage {
        c: context.chrome(t.get("account-title")),
        t,
        name: account.name.clone(),
        email: account.email.to_string(),
        roles: account
            .roles
            .iter()
            .map(|role| role_text(t, &state, role))
            .collect(),
        administrator: account.is_administrator(),
        editor: account
            .roles
            .iter()
            .any(|r| matches!(r, Role::Administrator | Role::OrganisationEditor { .. })),
        moderator: account.is_moderator(),
    };
    Ok(private(&context, StatusCode::OK, &page))
}

/// An account as the administrators' list shows it.
pub struct AccountRow {
    id: String,
    name: String,
    email: String,
    roles: String,
    status: String,
    /// For link workers: their team key (empty: none), to change it in place.
    team: Option<String>,
}

/// An option of the invitation form.
pub struct FormOption {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AdminAccountsPage {
    c: Chrome,
    t: &'static Messages,
    accounts: Vec<AccountRow>,
    organisations: Vec<FormOption>,
    localities: Vec<FormOption>,
    teams: Vec<FormOption>,
    roles: Vec<FormOption>,
    error: Option<String>,
    link: Option<String>,
    email: String,
    name: String,
}

async fn admin_page(
    state: &AppState,
    context: &PageContext,
    error: Option<String>,
    link: Option<String>,
    form: &Pairs,
) -> Result<AdminAccountsPage, PageError> {
    let t = context.t();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let (accounts, organisations) = blocking(move || {
        let store = catalog.store();
        let accounts = store
            .accounts()
            .map_err(crate::catalog::CatalogError::from)?;
        let organisations = store
            .organizations_by_name(0, 1_000)
            .map_err(crate::catalog::CatalogError::from)?;
        Ok((accounts, organisations))
    })
    .await
    .map_err(PageError::internal(context.locale))?;
    let mut accounts: Vec<AccountRow> = accounts
        .into_iter()
        .map(|account| AccountRow {
            status: t.get(if account.disabled {
                "status-disabled"
            } else if account.locked_until.is_some_and(|until| until > now) {
                "status-locked"
            } else if account.password_hash.is_none() {
                "status-invited"
            } else {
                "status-active"
            }),
            roles: account
                .roles
                .iter()
                .map(|role| role_text(t, state, role))
                .collect::<Vec<_>>()
                .join("; "),
            id: account.id.to_string(),
            team: account
                .roles
                .contains(&Role::LinkWorker)
                .then(|| account.team.clone().unwrap_or_default()),
            name: account.name,
            email: account.email.to_string(),
        })
        .collect();
    accounts.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(AdminAccountsPage {
        c: context.chrome(t.get("admin-accounts-title")),
        t,
        accounts,
        organisations: organisations
            .into_iter()
            .map(|o| FormOption {
                value: o.id.to_string(),
                label: o.name,
            })
            .collect(),
        localities: state
            .catalog
            .geography()
            .localities()
            .iter()
            .map(|l| FormOption {
                value: l.id.clone(),
                label: l.name.clone(),
            })
            .collect(),
        teams: state
            .catalog
            .geography()
            .teams()
            .into_iter()
            .map(|(value, label)| FormOption { value, label })
            .collect(),
        roles: [
            "administrator",
            "moderator",
            "organisation_editor",
            "link_worker",
        ]
        .into_iter()
        .map(|role| FormOption {
            value: role.to_owned(),
            label: t.get(&format!("role-{}", role.replace('_', "-"))),
        })
        .collect(),
        error,
        link,
        email: form.first("email").unwrap_or_default().to_owned(),
        name: form.first("name").unwrap_or_default().to_owned(),
    })
}

async fn require_administrator(
    state: &AppState,
    request: &HttpRequest,
    context: &PageContext,
) -> Result<Account, PageError> {
    let account = require(state, request, context).await?;
    if account.is_administrator() {
        ensure_second_factor(&account, context)?;
        Ok(account)
    } else {
        tracing::info!(account_id = %account.id, "refused: administrators only");
        Err(PageError::Forbidden(context.locale))
    }
}

/// `GET /admin/accounts`: every account, and a form to invite someone.
pub async fn admin_accounts(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    require_administrator(&state, &request, &context).await?;
    let page = admin_page(&state, &context, None, None, &Pairs::default()).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /admin/accounts/{id}/team`: puts a link worker in a team (a PCN or locality), or
/// in none; their shared lists follow the team.
pub async fn set_team(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let fields = form(&context, &body)?;
    let admin = require_administrator(&state, &request, &context).await?;
    if !state.limits.writes.allow(&admin.id.to_string()) {
        return Err(PageError::TooManyAttempts(locale));
    }
    let id = crate::domain::account::AccountId::parse(&id).ok_or(PageError::NotFound(locale))?;
    let team = match fields.first("team").unwrap_or_default() {
        "" => None,
        key if state.catalog.geography().team_name(key).is_some() => Some(key.to_owned()),
        _ => return Err(PageError::NotFound(locale)),
    };
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    off_executor(locale, move || {
        let store = catalog.store();
        let Some(mut account) = store.account(id)? else {
            return Ok(false);
        };
        if !account.roles.contains(&Role::LinkWorker) {
            return Ok(false);
        }
        account.team = team.clone();
        store.put_account(&account)?;
        store.append_audit(&crate::domain::account::AuditEntry {
            at: now,
            actor: Some(admin.id),
            action: crate::domain::account::AuditAction::RolesChanged,
            subject: Some(format!("account/{id}")),
            detail: format!("team {}", team.as_deref().unwrap_or("none")),
        })?;
        Ok::<_, crate::store::StoreError>(true)
    })
    .await?
    .map_err(|error| PageError::Internal(locale, error.to_string()))?
    .then_some(())
    .ok_or(PageError::NotFound(locale))?;
    Ok(context.redirect(&context.link("/admin/accounts")))
}

/// `POST /admin/accounts`: creates an account with one role and shows its one-time link.
pub async fn invite(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let t = context.t();
    let fields = form(&context, &body)?;
    let admin = require_administrator(&state, &request, &context).await?;
    if !state.limits.writes.allow(&admin.id.to_string()) {
        return Err(PageError::TooManyAttempts(locale));
    }
    let role = match fields.first("role").unwrap_or_default() {
        "administrator" => Some(Role::Administrator),
        "link_worker" => Some(Role::LinkWorker),
        "moderator" => Some(Role::Moderator {
            localities: fields
                .all("locality")
                .filter(|id| {
                    state
                        .catalog
                        .geography()
                        .localities()
                        .iter()
                        .any(|l| l.id == *id)
                })
                .map(str::to_owned)
                .collect(),
        }),
        "organisation_editor" => {
            let organisations: std::collections::BTreeSet<OrganizationId> = fields
                .all("organisation")
                .filter_map(|id| OrganizationId::parse(id).ok())
                .collect();
            (!organisations.is_empty()).then_some(Role::OrganisationEditor { organisations })
        }
        _ => None,
    };
    let Some(role) = role else {
        let page = admin_page(
            &state,
            &context,
            Some(t.get("admin-invite-no-role")),
            None,
            &fields,
        )
        .await?;
        return Ok(private(&context, StatusCode::BAD_REQUEST, &page));
    };
    let email = fields.first("email").unwrap_or_default().to_owned();
    let name = fields.first("name").unwrap_or_default().to_owned();
    // A link worker's team (PCN or locality), for sharing team lists.
    let team = fields
        .first("team")
        .filter(|key| state.catalog.geography().team_name(key).is_some())
        .filter(|_| role == Role::LinkWorker)
        .map(str::to_owned);
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let created = off_executor(locale, move || {
        let mut invited = auth::create_account(
            catalog.store(),
            Some(admin.id),
            &email,
            &name,
            vec![role],
            auth::INVITATION_VALID,
            now,
        )?;
        if team.is_some() {
            invited.account.team = team;
            catalog.store().put_account(&invited.account)?;
        }
        Ok(invited)
    })
    .await?;
    match created {
        Ok(invited) => {
            let base = crate::http::api::base_url(&state, &request);
            let link = format!("{base}/account/password?token={}", invited.secret);
            let until = crate::search::query::london_time(invited.expires)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            let text = t.format(
                "admin-invite-link",
                &[
                    ("email", Arg::Text(invited.account.email.as_str())),
                    ("date", Arg::Text(&until)),
                ],
            );
            let page = admin_page(
                &state,
                &context,
                None,
                Some(format!("{text}\n{link}")),
                &Pairs::default(),
            )
            .await?;
            Ok(private(&context, StatusCode::OK, &page))
        }
        Err(error) => {
            let message = match error {
                auth::CreateError::BadEmail => t.get("admin-invite-bad-email"),
                auth::CreateError::Taken => t.get("admin-invite-taken"),
                auth::CreateError::NoRole => t.get("admin-invite-no-role"),
                auth::CreateError::Store(error) => {
                    return Err(PageError::Internal(locale, error.to_string()));
                }
            };
            let page = admin_page(&state, &context, Some(message), None, &fields).await?;
            Ok(private(&context, StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// What to tell someone whose sign-in was refused (other than "enter your code").
fn refused_text(t: &Messages, error: LoginError) -> Result<String, crate::store::StoreError> {
    Ok(match error {
        LoginError::Invalid | LoginError::CodeNeeded { .. } => t.get("login-failed"),
        LoginError::WrongCode => t.get("login-code-wrong"),
        LoginError::Locked { until } => {
            let london = crate::search::query::london_time(until);
            t.with("login-locked", "time", &london.format("%H:%M").to_string())
        }
        LoginError::Store(error) => return Err(error),
    })
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    c: Chrome,
    t: &'static Messages,
    next: String,
    error: Option<String>,
}

fn code_page(context: &PageContext, next: String, error: Option<String>) -> CodePage {
    let t = context.t();
    CodePage {
        c: context.chrome(t.get("login-code-title")),
        t,
        next,
        error,
    }
}

/// `POST /account/login/code`: finishes a sign-in with the authenticator code.
pub async fn login_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let t = context.t();
    let fields = form(&context, &body)?;
    count_attempt(&state, &request, &context)?;
    let next = super::safe_return_path(fields.first("next").unwrap_or("/account")).to_owned();
    let ticket = request
        .cookie(TICKET_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let code = fields.value("code").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let attempt = off_executor(locale, move || {
        auth::login_with_code(catalog.store(), &ticket, &code, now)
    })
    .await?;
    let mut gone = auth_cookie(&state, TICKET_COOKIE, String::new());
    gone.make_removal();
    match attempt {
        Ok(signed_in) => {
            tracing::info!(account_id = %signed_in.account.id, "signed in with a second factor");
            let csrf = super::session_cookie(
                super::CSRF_COOKIE,
                uuid::Uuid::new_v4().simple().to_string(),
            );
            Ok(redirect_setting(
                &next,
                vec![
                    auth_cookie(&state, SESSION_COOKIE, signed_in.secret),
                    csrf,
                    gone,
                ],
            ))
        }
        Err(LoginError::WrongCode) => {
            tracing::info!("authenticator code refused");
            let page = code_page(&context, next, Some(t.get("login-code-wrong")));
            Ok(private(&context, StatusCode::UNAUTHORIZED, &page))
        }
        Err(error) => {
            tracing::info!("sign-in refused at the code step");
            let message = match error {
                LoginError::Invalid => t.get("login-code-expired"),
                other => refused_text(t, other)
                    .map_err(|e| PageError::Internal(locale, e.to_string()))?,
            };
            let page = LoginPage {
                c: context.chrome(t.get("login-title")),
                t,
                email: String::new(),
                next,
                error: Some(message),
            };
            let mut response = private(&context, StatusCode::UNAUTHORIZED, &page);
            response
                .add_removal_cookie(&gone)
                .map_err(|e| PageError::Internal(locale, e.to_string()))?;
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    c: Chrome,
    t: &'static Messages,
    on: bool,
    needed: bool,
    qr: Option<String>,
    key: String,
    next: String,
    error: Option<String>,
}

/// The set-up page for `account` (a new or pending secret when it is not on yet).
async fn two_factor_page(
    state: &AppState,
    context: &PageContext,
    account: Account,
    next: String,
    error: Option<String>,
) -> Result<TwoFactorPage, PageError> {
    let t = context.t();
    let on = account.has_second_factor();
    let needed = account.needs_second_factor();
    let (qr, key) = if on {
        (None, String::new())
    } else {
        let catalog = state.catalog.clone();
        let email = account.email.to_string();
        let secret = off_executor(context.locale, move || {
            auth::begin_second_factor(catalog.store(), &account)
        })
        .await?
        .map_err(|e| PageError::Internal(context.locale, e.to_string()))?;
        let uri = auth::totp::uri(&secret, &email, "Signpost");
        let grouped = secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        (super::view::qr_svg(&uri), grouped)
    };
    Ok(TwoFactorPage {
        c: context.chrome(t.get("two-factor-title")),
        t,
        on,
        needed,
        qr,
        key,
        next,
        error,
    })
}

/// `GET /account/two-factor`: set up an authenticator app (or see that it is on).
pub async fn two_factor_form(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let account = require(&state, &request, &context).await?;
    let next = Pairs::parse(request.query_string())
        .first("next")
        .map(|n| super::safe_return_path(n).to_owned())
        .unwrap_or_else(|| "/account".to_owned());
    let page = two_factor_page(&state, &context, account, next, None).await?;
    Ok(private(&context, StatusCode::OK, &page))
}

/// `POST /account/two-factor`: turns the authenticator on with a code from it.
pub async fn two_factor(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let fields = form(&context, &body)?;
    let account = require(&state, &request, &context).await?;
    count_attempt(&state, &request, &context)?;
    let next = super::safe_return_path(fields.first("next").unwrap_or("/account")).to_owned();
    let code = fields.value("code").to_owned();
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let confirmed = {
        let account = account.clone();
        off_executor(locale, move || {
            auth::confirm_second_factor(catalog.store(), &account, &code, now)
        })
        .await?
        .map_err(|e| PageError::Internal(locale, e.to_string()))?
    };
    if confirmed {
        tracing::info!(account_id = %account.id, "second factor set up");
        return Ok(context.redirect(&next));
    }
    let t = context.t();
    let page = two_factor_page(
        &state,
        &context,
        account,
        next,
        Some(t.get("two-factor-wrong")),
    )
    .await?;
    Ok(private(&context, StatusCode::BAD_REQUEST, &page))
}
