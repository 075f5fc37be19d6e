//! The people who keep the directory: accounts, their roles, their sessions, the one-time
//! links that let them set a password, and the audit trail of what they did.
//!
//! These are staff and volunteer accounts, never residents. An account holds an e-mail
//! address, a display name and a password hash; nothing else about the person.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::OrganizationId;
use super::values::{Email, InvalidValue};

/// An account's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub uuid::Uuid);

impl AccountId {
    /// A new random id.
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// The id in `text`.
    pub fn parse(text: &str) -> Option<Self> {
        uuid::Uuid::parse_str(text).ok().map(Self)
    }
}

impl Default for AccountId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The address an account signs in with: an [`Email`], lower-cased (addresses are matched
/// case-insensitively).
pub fn login_email(text: &str) -> Result<Email, InvalidValue> {
    Email::parse(&text.trim().to_lowercase())
}

/// What an account may do. An account may hold several roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// Everything, including accounts and roles.
    Administrator,
    /// Reviews changes and reports; limited to some localities (by id) when the list is not
    /// empty.
    Moderator {
        /// Locality ids; empty means the whole borough.
        #[serde(default)]
        localities: BTreeSet<String>,
    },
    /// Edits the listings of some organisations.
    OrganisationEditor {
        /// The organisations.
        organisations: BTreeSet<OrganizationId>,
    },
    /// Reads professional notes; makes referrals.
    LinkWorker,
}

impl Role {
    /// The role's name, as forms and the API spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Moderator { .. } => "moderator",
            Role::OrganisationEditor { .. } => "organisation_editor",
            Role::LinkWorker => "link_worker",
        }
    }
}

/// A staff or volunteer account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Its e-mail address (the login name).
    pub email: Email,
    /// A name to show colleagues.
    pub name: String,
    /// Its roles.
    pub roles: Vec<Role>,
    /// The argon2id hash of its password (PHC string); none until the person sets one.
    pub password_hash: Option<String>,
    /// When the password was last set.
    pub password_set: Option<DateTime<Utc>>,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// Who created it (none for the first administrator, made on the command line).
    pub created_by: Option<AccountId>,
    /// A disabled account cannot sign in.
    pub disabled: bool,
    /// Failed sign-ins since the last success.
    #[serde(default)]
    pub failed_logins: u32,
    /// No sign-in until then (after repeated failures).
    #[serde(default)]
    pub locked_until: Option<DateTime<Utc>>,
    /// The authenticator app (second factor), once set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<Totp>,
    /// The team a link worker belongs to, with whom team lists are shared: `pcn:CODE` (a
    /// Primary Care Network) or `locality:ID`. Set by an administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// An authenticator app's shared secret (RFC 6238).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totp {
    /// The secret, base32.
    pub secret: String,
    /// When the person proved their app has it; until then it is not asked for at sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<DateTime<Utc>>,
    /// The time step of the last code accepted (a code works once).
    #[serde(default)]
    pub last_step: u64,
}

impl Account {
    /// A new account with no password yet.
    pub fn new(
        email: Email,
        name: &str,
        roles: Vec<Role>,
        created_by: Option<AccountId>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: AccountId::new(),
            email,
            name: name.trim().to_owned(),
            roles,
            password_hash: None,
            password_set: None,
            created: now,
            created_by,
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            totp: None,
            team: None,
        }
    }

    /// Whether sign-in asks for an authenticator code.
    pub fn has_second_factor(&self) -> bool {
        self.totp.as_ref().is_some_and(|t| t.confirmed.is_some())
    }

    /// Whether the account must set up a second factor before doing its work: administrators
    /// and moderators (it is available to everyone).
    pub fn needs_second_factor(&self) -> bool {
        self.is_moderator() && !self.has_second_factor()
    }

    /// Whether it holds the administrator role.
    pub fn is_administrator(&self) -> bool {
        self.roles.contains(&Role::Administrator)
    }

    /// Whether it may moderate changes to records in `locality` (an administrator may; a
    /// moderator limited to other localities may not). `None`: a record with no locality
    /// (borough-wide), which only borough-wide moderators handle.
    pub fn can_moderate(&self, locality: Option<&str>) -> bool {
        self.roles.iter().any(|role| match role {
            Role::Administrator => true,
            Role::Moderator { localities } => {
                localities.is_empty() || locality.is_some_and(|l| localities.contains(l))
            }
            _ => false,
        })
    }

    /// Whether it moderates at all (anywhere).
    pub fn is_moderator(&self) -> bool {
        self.roles
            .iter()
            .any(|role| matches!(role, Role::Administrator | Role::Moderator { .. }))
    }

    /// Whether it may edit the listings of `organisation`.
    pub fn can_edit(&self, organisation: OrganizationId) -> bool {
        self.roles.iter().any(|role| match role {
            Role::Administrator => true,
            Role::OrganisationEditor { organisations } => organisations.contains(&organisation),
            _ => false,
        })
    }

    /// Whether it reads professional notes (link workers, moderators, administrators).
    pub fn is_link_worker(&self) -> bool {
        self.is_moderator() || self.roles.contains(&Role::LinkWorker)
    }
}

/// A signed-in session, kept on the server. The browser holds a random secret; the store
/// holds only its SHA-256 ([`Session::key`]), so a copy of the store opens no session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The hash of the secret the browser holds (hex).
    pub key: String,
    /// Whose.
    pub account: AccountId,
    /// When it began.
    pub created: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_seen: DateTime<Utc>,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    /// Set the password of a new account (an invitation, or the first administrator).
    SetPassword,
    /// Finish a sign-in with an authenticator code (the password was right).
    SecondFactor,
    /// Confirm one listing is still correct (the link in a freshness reminder).
    AssureListing,
}

/// A single-use, expiring link's secret, stored as its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneTimeToken {
    /// The hash of the secret in the link (hex).
    pub key: String,
    /// What it is for.
    pub purpose: TokenPurpose,
    /// For whom.
    pub account: AccountId,
    /// Until when it works.
    pub expires: DateTime<Utc>,
    /// What it is about (the service id of an [`TokenPurpose::AssureListing`] link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// What an organisation's API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Propose changes to the organisation's listings and read their status.
    Proposals,
    /// Publish urgent notices (closures, paused referrals) at once.
    Notices,
    /// Confirm listings are still correct.
    Assure,
}

impl TokenScope {
    /// Every scope.
    pub const ALL: [TokenScope; 3] = [
        TokenScope::Proposals,
        TokenScope::Notices,
        TokenScope::Assure,
    ];

    /// The scope's name in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Proposals => "proposals",
            TokenScope::Notices => "notices",
            TokenScope::Assure => "assure",
        }
    }

    /// The scope named `text`.
    pub fn parse(text: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An organisation's key to the write API, for its own systems. The store keeps only the
/// SHA-256 of the secret; the token acts as the editor who made it, and stops working when
/// revoked or when that editor no longer edits the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Its public id (to list and revoke it).
    pub id: uuid::Uuid,
    /// The hash of the secret (hex).
    pub key: String,
    /// The organisation whose listings it reaches.
    pub organisation: OrganizationId,
    /// What it may do.
    pub scopes: BTreeSet<TokenScope>,
    /// A name to recognise it by ("case management system").
    pub name: String,
    /// The editor who made it, and on whose behalf it acts.
    pub created_by: AccountId,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it was last used (to the minute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked token opens nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<DateTime<Utc>>,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// An account was created (by invitation or on the command line).
    AccountCreated,
    /// Someone signed in.
    LoginSucceeded,
    /// A sign-in failed (wrong password, unknown address, locked or disabled account).
    LoginFailed,
    /// An account was locked after repeated failures.
    AccountLocked,
    /// Someone signed out.
    LoggedOut,
    /// A password was set or changed (every session of the account ended).
    PasswordSet,
    /// An account's roles changed.
    RolesChanged,
    /// An account was disabled or enabled.
    AccountDisabled,
    /// An authenticator app was set up (second factor on).
    SecondFactorSet,
    /// A moderator approved a proposed change (now live).
    ChangeApproved,
    /// A moderator turned a proposed change down.
    ChangeRejected,
    /// An editor published an urgent notice at once (closure, referrals paused).
    UrgentNotice,
    /// A moderator restored an earlier version of a record.
    RecordRestored,
    /// A moderator closed a problem report.
    ReportResolved,
    /// An API token was made.
    TokenCreated,
    /// An API token was revoked.
    TokenRevoked,
    /// An API token was used to change something.
    TokenUsed,
    /// An editor said whether a service takes referrals (published at once).
    CapacitySet,
    /// A link worker made a referral letter (the resident's details are not kept).
    ReferralLetter,
    /// A link worker left a professional note on a service.
    NoteAdded,
    /// A moderator hid a professional note.
    NoteHidden,
    /// An editor changed the questions a service asks with referrals.
    ReferralQuestionsSet,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted (none: the command line, or an unknown address at sign-in).
    pub actor: Option<AccountId>,
    /// What.
    pub action: AuditAction,
    /// The account or record acted on.
    pub subject: Option<String>,
    /// Why, or more detail (never a password or a secret).
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_matched_case_insensitively_and_checked() {
        assert_eq!(
            login_email("  Amina.Begum@Example.ORG ").unwrap().as_str(),
            "amina.begum@example.org"
        );
        for bad in [
            "",
            "amina",
            "amina@",
            "@example.org",
            "amina@example",
            "amina@@example.org",
            "amina begum@example.org",
            "amina@example..org",
            "a@b.c,d@e.f",
        ] {
            assert!(login_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_say_what_an_account_may_do() {
        let now = Utc::now();
        let email = login_email("x@example.org").unwrap();
        let org_a = OrganizationId::random();
        let org_b = OrganizationId::random();
        let editor = Account::new(
            email.clone(),
            "Ed",
            vec![Role::OrganisationEditor {
                organisations: [org_a].into(),
            }],
            None,
            now,
        );
        assert!(editor.can_edit(org_a));
        assert!(!editor.can_edit(org_b));
        assert!(!editor.is_moderator());
        assert!(!editor.can_moderate(Some("north-west")));

        let local = Account::new(
            email.clone(),
            "Mo",
            vec![Role::Moderator {
                localities: ["north-west".to_owned()].into(),
            }],
            None,
            now,
        );
        assert!(local.can_moderate(Some("north-west")));
        assert!(!local.can_moderate(Some("south-east")));
        assert!(!local.can_moderate(None));
        assert!(!local.can_edit(org_a));
        assert!(local.is_link_worker());

        let admin = Account::new(email, "Ad", vec![Role::Administrator], None, now);
        assert!(admin.can_edit(org_b) && admin.can_moderate(None) && admin.is_administrator());
    }
}
