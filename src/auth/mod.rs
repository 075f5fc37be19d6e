//! Signing in and who may do what: accounts, passwords, sessions, one-time links and the
//! audit trail, over the [`Store`]. Nothing here knows about HTTP: the handlers call these
//! functions (off the async executor: argon2 is deliberately slow) and turn the answers into
//! cookies and pages.
//!
//! Secrets (session cookies, links) are 256 random bits; the store keeps only their SHA-256,
//! so a copy of the data directory opens no session and follows no link.

pub mod password;
pub mod tokens;
pub mod totp;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::domain::account::{
    Account, AccountId, AuditAction, AuditEntry, OneTimeToken, Role, Session, TokenPurpose,
    login_email,
};
use crate::store::{Store, StoreError};

/// A session unused for this long has ended.
pub const SESSION_IDLE: Duration = Duration::minutes(60);
/// A session ends this long after sign-in, however busy.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// How long an invitation (set-your-password) link works.
pub const INVITATION_VALID: Duration = Duration::days(7);
/// How long the first administrator's link works.
pub const SETUP_VALID: Duration = Duration::hours(24);
/// Failed sign-ins in a row before an account is locked.
pub const FAILURES_BEFORE_LOCK: u32 = 5;
/// The first lock; each further failure doubles it, up to [`MAX_LOCK`].
pub const FIRST_LOCK: Duration = Duration::minutes(1);
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::hours(1);
/// How long after a right password the authenticator code may be given.
pub const SECOND_FACTOR_VALID: Duration = Duration::minutes(5);
/// `last_seen` is written at most this often (a write per request would be wasteful).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new random secret (hex) and the key it is stored under.
pub fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let secret = hex(&bytes);
    let key = key_of(&secret);
    (secret, key)
}

/// The store key of a secret: its SHA-256, hex.
pub fn key_of(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two byte strings in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `text` has the shape of a secret made by [`new_secret`].
pub fn is_secret_shaped(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong address or password (which one is not said), or a disabled account.
    #[error("wrong e-mail address or password")]
    Invalid,
    /// Too many failures: no sign-in before `until`.
    #[error("locked until {until}")]
    Locked {
        /// When it may be tried again.
        until: DateTime<Utc>,
    },
    /// The password was right; the authenticator code is needed to finish, with `ticket`
    /// (single-use, for [`SECOND_FACTOR_VALID`]).
    #[error("an authenticator code is needed")]
    CodeNeeded {
        /// The secret that stands for the right password until the code is given.
        ticket: String,
    },
    /// The authenticator code was wrong (the ticket still works until it expires).
    #[error("wrong authenticator code")]
    WrongCode,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A successful sign-in: the secret for the browser's cookie and the account.
#[derive(Debug)]
pub struct SignedIn {
    /// The session secret (goes into the cookie, nowhere else).
    pub secret: String,
    /// Who.
    pub account: Account,
}

fn audit(
    store: &dyn Store,
    now: DateTime<Utc>,
    actor: Option<AccountId>,
    action: AuditAction,
    subject: Option<AccountId>,
    detail: &str,
) -> Result<(), StoreError> {
    store.append_audit(&AuditEntry {
        at: now,
        actor,
        action,
        subject: subject.map(|id| id.to_string()),
        detail: detail.to_owned(),
    })
}

/// Signs in with an address and password. Failures are counted on the account; after
/// [`FAILURES_BEFORE_LOCK`] in a row it is locked, for longer after each further failure.
/// A new session is created on every sign-in (never reused: no session fixation).
pub fn login(
    store: &dyn Store,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<SignedIn, LoginError> {
    let account = match login_email(email)
        .ok()
        .map(|email| store.account_by_email(&email))
        .transpose()?
        .flatten()
    {
        Some(account) => account,
        None => {
            password::burn_time(password);
            audit(
                store,
                now,
                None,
                AuditAction::LoginFailed,
                None,
                "unknown address",
            )?;
            return Err(LoginError::Invalid);
        }
    };
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        audit(
            store,
            now,
            None,
            AuditAction::LoginFailed,
            Some(account.id),
            "account locked",
        )?;
        return Err(LoginError::Locked { until });
    }
    let matches = account
        .password_hash
        .as_deref()
        .is_some_and(|phc| password::verify(password, phc));
    if !matches || account.disabled {
        if account.password_hash.is_none() {
            password::burn_time(password);
        }
        let detail = if account.disabled {
            "account disabled"
        } else {
            "wrong password"
        };
        count_failure(store, account, detail, now)?;
        return Err(LoginError::Invalid);
    }
    if account.has_second_factor() {
        let (ticket, key) = new_secret();
        store.put_token(&OneTimeToken {
            key,
            purpose: TokenPurpose::SecondFactor,
            account: account.id,
            expires: now + SECOND_FACTOR_VALID,
            subject: None,
        })?;
        return Err(LoginError::CodeNeeded { ticket });
    }
    start_session(store, account, now)
}

/// Counts a failed sign-in on `account`, locking it after [`FAILURES_BEFORE_LOCK`] in a row.
fn count_failure(
    store: &dyn Store,
    account: Account,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut failed = account;
    failed.failed_logins += 1;
    audit(
        store,
        now,
        None,
        AuditAction::LoginFailed,
        Some(failed.id),
        detail,
    )?;
    if failed.failed_logins >= FAILURES_BEFORE_LOCK {
        let doublings = (failed.failed_logins - FAILURES_BEFORE_LOCK).min(10);
        let lock = (FIRST_LOCK * 2i32.pow(doublings)).min(MAX_LOCK);
        failed.locked_until = Some(now + lock);
        audit(
            store,
            now,
            None,
            AuditAction::AccountLocked,
            Some(failed.id),
            &format!(
                "{} failures in a row; locked for {} minutes",
                failed.failed_logins,
                lock.num_minutes()
            ),
        )?;
    }
    store.put_account(&failed)
}

/// Finishes a sign-in whose password was right with the authenticator code. A wrong code
/// counts as a failed sign-in (and can lock the account); the ticket works until it expires.
pub fn login_with_code(
    store: &dyn Store,
    ticket: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<SignedIn, LoginError> {
    if !is_secret_shaped(ticket) {
        return Err(LoginError::Invalid);
    }
    let Some(token) = store
        .take_token(&key_of(ticket))?
        .filter(|t| t.purpose == TokenPurpose::SecondFactor && t.expires > now)
    else {
        return Err(LoginError::Invalid);
    };
    let Some(mut account) = store.account(token.account)?.filter(|a| !a.disabled) else {
        return Err(LoginError::Invalid);
    };
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        return Err(LoginError::Locked { until });
    }
    let Some(totp) = account.totp.as_mut().filter(|t| t.confirmed.is_some()) else {
        return Err(LoginError::Invalid);
    };
    match totp::verify(&totp.secret, code, now, totp.last_step) {
        Some(step) => {
            totp.last_step = step;
            start_session(store, account, now)
        }
        None => {
            store.put_token(&token)?;
            count_failure(store, account, "wrong authenticator code", now)?;
            Err(LoginError::WrongCode)
        }
    }
}

/// Starts a new session for an account whose sign-in succeeded.
fn start_session(
    store: &dyn Store,
    mut account: Account,
    now: DateTime<Utc>,
) -> Result<SignedIn, LoginError> {
    account.failed_logins = 0;
    account.locked_until = None;
    store.put_account(&account)?;
    let (secret, key) = new_secret();
    store.put_session(&Session {
        key,
        account: account.id,
        created: now,
        last_seen: now,
    })?;
    audit(
        store,
        now,
        Some(account.id),
        AuditAction::LoginSucceeded,
        Some(account.id),
        "",
    )?;
    Ok(SignedIn { secret, account })
}

/// The authenticator secret `account` is setting up: the one waiting for confirmation, or
/// a new one (kept on the account, not asked for at sign-in until confirmed).
pub fn begin_second_factor(store: &dyn Store, account: &Account) -> Result<String, StoreError> {
    let mut account = store
        .account(account.id)?
        .unwrap_or_else(|| account.clone());
    if let Some(pending) = account.totp.as_ref().filter(|t| t.confirmed.is_none()) {
        return Ok(pending.secret.clone());
    }
    let secret = totp::new_secret();
    account.totp = Some(crate::domain::account::Totp {
        secret: secret.clone(),
        confirmed: None,
        last_step: 0,
    });
    store.put_account(&account)?;
    Ok(secret)
}

/// Confirms the authenticator being set up with a code from it; from then on sign-in asks
/// for a code. Returns whether the code was right.
pub fn confirm_second_factor(
    store: &dyn Store,
    account: &Account,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(mut account) = store.account(account.id)? else {
        return Ok(false);
    };
    let Some(pending) = account.totp.as_mut().filter(|t| t.confirmed.is_none()) else {
        return Ok(false);
    };
    let Some(step) = totp::verify(&pending.secret, code, now, pending.last_step) else {
        return Ok(false);
    };
    pending.confirmed = Some(now);
    pending.last_step = step;
    store.put_account(&account)?;
    audit(
        store,
        now,
        Some(account.id),
        AuditAction::SecondFactorSet,
        Some(account.id),
        "",
    )?;
    Ok(true)
}

/// The account signed in with the session `secret`, if the session is live: not ended,
/// not idle for [`SESSION_IDLE`], younger than [`SESSION_ABSOLUTE`], and the account still
/// enabled. An expired session is removed.
pub fn authenticate(
    store: &dyn Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, Account)>, StoreError> {
    if !is_secret_shaped(secret) {
        return Ok(None);
    }
    let key = key_of(secret);
    let Some(mut session) = store.session(&key)? else {
        return Ok(None);
    };
    if now - session.last_seen > SESSION_IDLE || now - session.created > SESSION_ABSOLUTE {
        store.remove_session(&key)?;
        return Ok(None);
    }
    let Some(account) = store.account(session.account)?.filter(|a| !a.disabled) else {
        store.remove_session(&key)?;
        return Ok(None);
    };
    if now - session.last_seen >= TOUCH_EVERY {
        session.last_seen = now;
        store.put_session(&session)?;
    }
    Ok(Some((session, account)))
}

/// Ends the session `secret`.
pub fn logout(store: &dyn Store, secret: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    if !is_secret_shaped(secret) {
        return Ok(());
    }
    let key = key_of(secret);
    if let Some(session) = store.session(&key)? {
        store.remove_session(&key)?;
        audit(
            store,
            now,
            Some(session.account),
            AuditAction::LoggedOut,
            Some(session.account),
            "",
        )?;
    }
    Ok(())
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The address is not an e-mail address.
    #[error("not an e-mail address")]
    BadEmail,
    /// No role given.
    #[error("an account needs at least one role")]
    NoRole,
    /// Another account has the address.
    #[error("another account has this e-mail address")]
    Taken,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CreateError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => CreateError::Taken,
            other => CreateError::Store(other),
        }
    }
}

/// A new account and the secret of its one-time set-your-password link.
#[derive(Debug)]
pub struct Invited {
    /// The account (no password yet).
    pub account: Account,
    /// The secret to put in the link (shown once, stored only as a hash).
    pub secret: String,
    /// Until when the link works.
    pub expires: DateTime<Utc>,
}

/// Creates an account with `roles` and a single-use link to set its password, valid for
/// `valid`. `by`: the administrator inviting (none on the command line).
pub fn create_account(
    store: &dyn Store,
    by: Option<AccountId>,
    email: &str,
    name: &str,
    roles: Vec<Role>,
    valid: Duration,
    now: DateTime<Utc>,
) -> Result<Invited, CreateError> {
    let email = login_email(email).map_err(|_| CreateError::BadEmail)?;
    if roles.is_empty() {
        return Err(CreateError::NoRole);
    }
    if store.account_by_email(&email)?.is_some() {
        return Err(CreateError::Taken);
    }
    let account = Account::new(email, name, roles, by, now);
    store.put_account(&account)?;
    let (secret, key) = new_secret();
    let expires = now + valid;
    store.put_token(&OneTimeToken {
        key,
        purpose: TokenPurpose::SetPassword,
        account: account.id,
        expires,
        subject: None,
    })?;
    let roles: Vec<&str> = account.roles.iter().map(Role::name).collect();
    audit(
        store,
        now,
        by,
        AuditAction::AccountCreated,
        Some(account.id),
        &format!("roles: {}", roles.join(", ")),
    )?;
    Ok(Invited {
        account,
        secret,
        expires,
    })
}

/// Why a password could not be set.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The link was used already, has expired or never existed.
    #[error("this link has expired or been used")]
    BadLink,
    /// The password is too weak.
    #[error("weak password")]
    Weak(password::Weakness),
    /// The two copies differ.
    #[error("the passwords do not match")]
    Mismatch,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sets a password through a one-time link: the link is used up, every session of the
/// account ends, and failed sign-ins are forgotten. The password is checked before the link
/// is used, so a refused password leaves the link working.
pub fn set_password_with_link(
    store: &dyn Store,
    secret: &str,
    new_password: &str,
    confirm: &str,
    now: DateTime<Utc>,
) -> Result<Account, SetPasswordError> {
    if !is_secret_shaped(secret) {
        return Err(SetPasswordError::BadLink);
    }
    if new_password != confirm {
        return Err(SetPasswordError::Mismatch);
    }
    // The address is needed for the strength check: peek at the account through the token
    // only after the password passes the checks that need no account.
    if let Err(weakness) = password::check(new_password, "") {
        return Err(SetPasswordError::Weak(weakness));
    }
    let token = store
        .take_token(&key_of(secret))?
        .filter(|t| t.purpose == TokenPurpose::SetPassword && t.expires > now)
        .ok_or(SetPasswordError::BadLink)?;
    let mut account = store
        .account(token.account)?
        .ok_or(SetPasswordError::BadLink)?;
    if let Err(weakness) = password::check(new_password, account.email.as_str()) {
        // Put the link back: the person has not used it yet.
        store.put_token(&token)?;
        return Err(SetPasswordError::Weak(weakness));
    }
    account.failed_logins = 0;
    account.locked_until = None;
    Ok(store_password(
        store,
        account,
        new_password,
        now,
        "set through a one-time link",
    )?)
}

/// Saves a new password's hash, ends every session of the account and records why.
fn store_password(
    store: &dyn Store,
    mut account: Account,
    new_password: &str,
    now: DateTime<Utc>,
    how: &str,
) -> Result<Account, StoreError> {
    account.password_hash = Some(password::hash(new_password));
    account.password_set = Some(now);
    store.put_account(&account)?;
    let ended = store.remove_sessions_of(account.id)?;
    audit(
        store,
        now,
        Some(account.id),
        AuditAction::PasswordSet,
        Some(account.id),
        &format!("{how}; {ended} sessions ended"),
    )?;
    Ok(account)
}

/// Changes the password of a signed-in account, which must give its current one. Every
/// session ends (the caller signs the person in again with a new one).
pub fn change_password(
    store: &dyn Store,
    account: &Account,
    current: &str,
    new_password: &str,
    confirm: &str,
    now: DateTime<Utc>,
) -> Result<Account, ChangePasswordError> {
    let matches = account
        .password_hash
        .as_deref()
        .is_some_and(|phc| password::verify(current, phc));
    if !matches {
        return Err(ChangePasswordError::WrongCurrent);
    }
    if new_password != confirm {
        return Err(ChangePasswordError::Mismatch);
    }
    password::check(new_password, account.email.as_str()).map_err(ChangePasswordError::Weak)?;
    let stored = store
        .account(account.id)?
        .ok_or(ChangePasswordError::WrongCurrent)?;
    Ok(store_password(
        store,
        stored,
        new_password,
        now,
        "changed by the account holder",
    )?)
}

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// The current password given is wrong.
    #[error("the current password is wrong")]
    WrongCurrent,
    /// The new password is too weak.
    #[error("weak password")]
    Weak(password::Weakness),
    /// The two copies differ.
    #[error("the passwords do not match")]
    Mismatch,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests;
