//! Organisations' API tokens: made by an editor of the organisation, shown once, stored as
//! a hash, limited to scopes, revocable, and acting as the editor who made them (so a token
//! stops working when that editor stops editing the organisation or their account closes).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use super::{audit, is_secret_shaped, key_of, new_secret};
use crate::domain::account::{Account, ApiToken, AuditAction, TokenScope};
use crate::domain::ids::OrganizationId;
use crate::store::{Store, StoreError};

/// What every token starts with, so that a leaked one is recognisable (secret scanners).
pub const PREFIX: &str = "sp_";
/// The longest token name, in characters.
const MAX_NAME: usize = 100;
/// `last_used` is written at most this often.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Why a token could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The account does not edit the organisation.
    #[error("you do not edit this organisation's listings")]
    Forbidden,
    /// No scope, or no (or too long a) name.
    #[error("{0}")]
    Invalid(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes a token for `organisation`; returns the secret (shown once) and the token.
pub fn create(
    store: &dyn Store,
    by: &Account,
    organisation: OrganizationId,
    name: &str,
    scopes: BTreeSet<TokenScope>,
    now: DateTime<Utc>,
) -> Result<(String, ApiToken), TokenError> {
    if !by.can_edit(organisation) {
        return Err(TokenError::Forbidden);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(TokenError::Invalid(
            "give the token a name of up to 100 characters",
        ));
    }
    if scopes.is_empty() {
        return Err(TokenError::Invalid(
            "choose at least one thing the token may do",
        ));
    }
    let (secret, _) = new_secret();
    let secret = format!("{PREFIX}{secret}");
    let token = ApiToken {
        id: uuid::Uuid::new_v4(),
        key: key_of(&secret),
        organisation,
        scopes,
        name: name.to_owned(),
        created_by: by.id,
        created: now,
        last_used: None,
        revoked: None,
    };
    store.put_api_token(&token)?;
    audit(
        store,
        now,
        Some(by.id),
        AuditAction::TokenCreated,
        None,
        &format!("token {} for organisation {organisation}", token.id),
    )?;
    Ok((secret, token))
}

/// The live token with `secret` and the account it acts for: not revoked, and the account
/// still enabled and editing the token's organisation.
pub fn authenticate(
    store: &dyn Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ApiToken, Account)>, StoreError> {
    if !secret.strip_prefix(PREFIX).is_some_and(is_secret_shaped) {
        return Ok(None);
    }
    let Some(mut token) = store.api_token(&key_of(secret))? else {
        return Ok(None);
    };
    if token.revoked.is_some() {
        return Ok(None);
    }
    let Some(account) = store
        .account(token.created_by)?
        .filter(|a| !a.disabled && a.can_edit(token.organisation))
    else {
        return Ok(None);
    };
    if token.last_used.is_none_or(|at| now - at >= TOUCH_EVERY) {
        token.last_used = Some(now);
        store.put_api_token(&token)?;
    }
    Ok(Some((token, account)))
}

/// The tokens of `organisation`, newest first, for someone who edits it.
pub fn of_organisation(
    store: &dyn Store,
    by: &Account,
    organisation: OrganizationId,
) -> Result<Vec<ApiToken>, TokenError> {
    if !by.can_edit(organisation) {
        return Err(TokenError::Forbidden);
    }
    let mut tokens: Vec<ApiToken> = store
        .api_tokens()?
        .into_iter()
        .filter(|t| t.organisation == organisation)
        .collect();
    tokens.sort_by_key(|t| std::cmp::Reverse(t.created));
    Ok(tokens)
}

/// Revokes the token `id` of `organisation`.
pub fn revoke(
    store: &dyn Store,
    by: &Account,
    organisation: OrganizationId,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<bool, TokenError> {
    let Some(mut token) = of_organisation(store, by, organisation)?
        .into_iter()
        .find(|t| t.id == id)
    else {
        return Ok(false);
    };
    if token.revoked.is_none() {
        token.revoked = Some(now);
        store.put_api_token(&token)?;
        audit(
            store,
            now,
            Some(by.id),
            AuditAction::TokenRevoked,
            None,
            &format!("token {id}"),
        )?;
    }
    Ok(true)
}

/// Records a use of `token` to change something (`what`), in the audit trail.
pub fn record_use(
    store: &dyn Store,
    token: &ApiToken,
    what: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit(
        store,
        now,
        Some(token.created_by),
        AuditAction::TokenUsed,
        None,
        &format!("token {}: {what}", token.id),
    )
}
