//! The store: the directory's source of truth, behind the [`Store`] trait.
//!
//! Records are kept normalised as ORUK tables are: services refer to their organization,
//! locations and taxonomy terms by id, so that a community centre shared by ten services is
//! one record. Writes arrive as a [`ChangeSet`] and are applied atomically (all or nothing)
//! and made durable before [`Store::apply`] returns. The store keeps `last_modified` itself:
//! a service whose content changed is stamped with the write time unless the record brings
//! its own, and a record written again unchanged is left alone, so re-imports are no-ops.
//!
//! The search index is derived from the store; [`Store::generation`] counts applied changes
//! so the index can tell whether it is behind.

pub mod backup;
mod codec;
pub mod join;
mod seal;
mod sled_store;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::domain::account::{Account, AccountId, ApiToken, AuditEntry, OneTimeToken, Session};
use crate::domain::claim::ClaimRequest;
use crate::domain::feed::{CachedRecord, Feed, Source, StagedRecord};
use crate::domain::ids::{
    LocationId, OrganizationId, ProposalId, ServiceAtLocationId, ServiceId, TaxonomyId,
    TaxonomyTermId,
};
use crate::domain::location::{CachedPostcode, Location};
use crate::domain::moderation::{
    HistoryEntry, Proposal, Provenance, Record, RecordKey, RecordKind,
};
use crate::domain::organization::Organization;
use crate::domain::reminder::OutboxMessage;
use crate::domain::report::ProblemReport;
use crate::domain::service::Service;
use crate::domain::taxonomy::{Taxonomy, TaxonomyTerm};
use crate::domain::values::Email;

pub use sled_store::SledStore;

/// Version of the on-disk layout this build writes. Format 2 compresses records and keeps
/// when and by whom once per change rather than in every history entry; format 3
/// compresses services, organizations and locations with dictionaries trained on their
/// tables, kept in the store (an older build cannot read those records); format 4 keeps no
/// index of services by taxonomy term (an older build would miss the terms of services
/// written since); format 5 keeps the generation that created a service, organization or
/// location at the start of its value instead of a history entry for its creation (an
/// older build cannot read those values); format 6 keeps the services of an organization,
/// and of a location, as one entry listing them instead of an entry per pair (an older
/// build would find no services there).
pub const FORMAT_VERSION: u32 = 6;
/// The oldest layout this build reads: a store (or backup) of format 1 to 5 is data this
/// build can read as it is, and is upgraded in place (training its tables' dictionaries,
/// emptying its index of services by term, listing each organization's and location's
/// services in one entry), then by recording the new version.
pub const OLDEST_FORMAT_READ: u32 = 1;

/// Records to write together, atomically.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// Organizations to create or replace.
    pub organizations: Vec<Organization>,
    /// Locations to create or replace.
    pub locations: Vec<Location>,
    /// Taxonomies to create or replace.
    pub taxonomies: Vec<Taxonomy>,
    /// Taxonomy terms to create or replace.
    pub taxonomy_terms: Vec<TaxonomyTerm>,
    /// Services to create or replace.
    pub services: Vec<Service>,
    /// Who makes the change and why, for the history of every organization, location and
    /// service it changes; none: an import.
    pub provenance: Option<Provenance>,
    /// Proposals to save with the change (an approval saves the approved proposal).
    pub proposals: Vec<Proposal>,
    /// Where services of this change came from (a feed), recorded as their source.
    pub sources: Vec<(ServiceId, Source)>,
}

impl ChangeSet {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty()
            && self.locations.is_empty()
            && self.taxonomies.is_empty()
            && self.taxonomy_terms.is_empty()
            && self.services.is_empty()
    }
}

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// It was new.
    Created,
    /// It replaced a different version.
    Updated,
    /// It was identical to the stored version; nothing was written.
    Unchanged,
}

/// The result of applying a change set.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// What happened to each service, in change-set order.
    pub services: Vec<(ServiceId, WriteOutcome)>,
    /// Services whose searchable content may have changed: the services written, and the
    /// services of changed organizations, locations and taxonomy terms.
    pub affected_services: BTreeSet<ServiceId>,
    /// Store generation after the write.
    pub generation: u64,
}

/// How many records of each kind are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Services (all statuses).
    pub services: u64,
    /// Organizations.
    pub organizations: u64,
    /// Locations.
    pub locations: u64,
    /// Taxonomies.
    pub taxonomies: u64,
    /// Taxonomy terms.
    pub taxonomy_terms: u64,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process has the data directory open.
    #[error(
        "the data directory {path} is in use by another Signpost process; stop that process first (a running server takes changes through its API)"
    )]
    Locked {
        /// The data directory.
        path: String,
    },
    /// The data directory was written by an incompatible version.
    #[error(
        "the data directory {path} holds store format {found}, but this build of Signpost reads format {expected}; use a matching Signpost version, or export with the old version and import into a new data directory"
    )]
    IncompatibleFormat {
        /// The data directory.
        path: String,
        /// Format found on disk.
        found: String,
        /// Format this build understands.
        expected: u32,
    },
    /// The store holds fewer writes than were acknowledged: its files were damaged (sled
    /// opens a damaged log as an older store).
    #[error(
        "the store in {path} is damaged: it holds {found} writes, but {acknowledged} were acknowledged. It is not served, so that nothing is lost or overwritten. Restore the latest backup into a new data directory (`signpost restore --data-dir NEW_DIR BACKUP_FILE`); keep the damaged directory for investigation"
    )]
    Damaged {
        /// The store's directory.
        path: String,
        /// Writes the store holds.
        found: u64,
        /// Writes acknowledged (the seal).
        acknowledged: u64,
    },
    /// A stored record could not be read back.
    #[error("the stored {kind} {key} is unreadable ({detail}); the store may be damaged")]
    Corrupt {
        /// Kind of record.
        kind: &'static str,
        /// Its key.
        key: String,
        /// What failed.
        detail: String,
    },
    /// The write would break a uniqueness rule (an e-mail address already in use).
    #[error("{0}")]
    Conflict(String),
    /// A backup could not be written or read.
    #[error(transparent)]
    Backup(#[from] backup::BackupError),
    /// The storage engine failed (disk full, I/O error, damaged files).
    #[error("storage failure: {0}")]
    Engine(String),
}

/// The directory's source of truth.
pub trait Store: Send + Sync + 'static {
    /// Writes all records of `changes` atomically and durably; `now` stamps services whose
    /// content changed and which bring no `last_modified` of their own.
    fn apply(&self, changes: &ChangeSet, now: DateTime<Utc>) -> Result<Applied, StoreError>;

    /// A service.
    fn service(&self, id: ServiceId) -> Result<Option<Service>, StoreError>;
    /// An organization.
    fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError>;
    /// A location.
    fn location(&self, id: LocationId) -> Result<Option<Location>, StoreError>;
    /// A taxonomy.
    fn taxonomy(&self, id: TaxonomyId) -> Result<Option<Taxonomy>, StoreError>;
    /// A taxonomy term.
    fn taxonomy_term(&self, id: TaxonomyTermId) -> Result<Option<TaxonomyTerm>, StoreError>;
    /// The service a service_at_location belongs to.
    fn service_for_link(&self, id: ServiceAtLocationId) -> Result<Option<ServiceId>, StoreError>;

    /// Every service id, in id order.
    fn service_ids(&self) -> Result<Vec<ServiceId>, StoreError>;
    /// Services run by an organization.
    fn services_of_organization(&self, id: OrganizationId) -> Result<Vec<ServiceId>, StoreError>;
    /// Services delivered at a location.
    fn services_at_location(&self, id: LocationId) -> Result<Vec<ServiceId>, StoreError>;
    /// Services tagged (directly) with any of these taxonomy terms, in id order.
    fn services_with_terms(&self, ids: &[TaxonomyTermId]) -> Result<Vec<ServiceId>, StoreError>;

    /// Organizations in name order (case-insensitive, then id), skipping `offset`.
    fn organizations_by_name(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Organization>, StoreError>;
    /// Every taxonomy.
    fn taxonomies(&self) -> Result<Vec<Taxonomy>, StoreError>;
    /// Every taxonomy term.
    fn taxonomy_terms(&self) -> Result<Vec<TaxonomyTerm>, StoreError>;

    /// Record counts.
    fn counts(&self) -> Result<Counts, StoreError>;
    /// Number of change sets that changed something since the store was created.
    fn generation(&self) -> Result<u64, StoreError>;

    /// The eligibility questions a service's organisation asks with every referral.
    fn referral_questions(&self, service: ServiceId) -> Result<Vec<String>, StoreError>;

    /// Replaces a service's referral questions.
    fn set_referral_questions(
        &self,
        service: ServiceId,
        questions: &[String],
    ) -> Result<(), StoreError>;

    /// Writes (adds or replaces) a team list.
    fn put_team_list(&self, list: &crate::domain::team_list::TeamList) -> Result<(), StoreError>;

    /// Every team list.
    fn team_lists(&self) -> Result<Vec<crate::domain::team_list::TeamList>, StoreError>;

    /// One team list.
    fn team_list(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<crate::domain::team_list::TeamList>, StoreError>;

    /// Removes a team list.
    fn remove_team_list(&self, id: uuid::Uuid) -> Result<(), StoreError>;

    /// Writes (adds or replaces) a professional note.
    fn put_note(&self, note: &crate::domain::note::ProfessionalNote) -> Result<(), StoreError>;

    /// A service's professional notes, hidden ones included, in no particular order.
    fn notes_of(
        &self,
        service: ServiceId,
    ) -> Result<Vec<crate::domain::note::ProfessionalNote>, StoreError>;

    /// Whether a service takes referrals now, as its organisation last said.
    fn capacity(
        &self,
        service: ServiceId,
    ) -> Result<Option<crate::domain::capacity::Capacity>, StoreError>;

    /// Records a service's capacity (durably, counted as a change: the index shows it);
    /// returns the store generation after it.
    fn set_capacity(
        &self,
        service: ServiceId,
        capacity: &crate::domain::capacity::Capacity,
    ) -> Result<u64, StoreError>;

    /// Writes a consistent snapshot of every table (writes wait until it is done) in the
    /// [`backup`] format.
    fn backup(&self, out: &mut dyn std::io::Write) -> Result<backup::BackupSummary, StoreError>;

    /// Keeps a problem report for the moderators (durably, before returning).
    fn add_report(&self, report: &ProblemReport) -> Result<(), StoreError>;
    /// Every problem report, oldest first.
    fn reports(&self) -> Result<Vec<ProblemReport>, StoreError>;
    /// Replaces a stored problem report (to record what was done about it).
    fn update_report(&self, report: &ProblemReport) -> Result<(), StoreError>;

    /// Creates or replaces a proposal (durably).
    fn put_proposal(&self, proposal: &Proposal) -> Result<(), StoreError>;
    /// One proposal.
    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, StoreError>;
    /// Every proposal.
    fn proposals(&self) -> Result<Vec<Proposal>, StoreError>;
    /// Every change to a live record, oldest first.
    fn history(&self, key: RecordKey) -> Result<Vec<HistoryEntry>, StoreError>;
    /// The live version of an organization, service or location.
    fn record(&self, key: RecordKey) -> Result<Option<Record>, StoreError> {
        Ok(match key.kind {
            RecordKind::Service => self
                .service(ServiceId::from_uuid(key.id))?
                .map(|s| Record::Service(Box::new(s))),
            RecordKind::Organization => self
                .organization(OrganizationId::from_uuid(key.id))?
                .map(Record::Organization),
            RecordKind::Location => self
                .location(LocationId::from_uuid(key.id))?
                .map(Record::Location),
        })
    }

    /// Records whether the directory holds the sample data (durably).
    fn set_sample_data(&self, sample: bool) -> Result<(), StoreError>;
    /// Whether the directory holds the sample data.
    fn is_sample_data(&self) -> Result<bool, StoreError>;

    // Accounts of staff and volunteers (never residents), their sessions, one-time links and
    // the audit trail. Every write is flushed before it returns.

    /// Creates or replaces an account; refuses ([`StoreError::Conflict`]) an e-mail address
    /// another account has.
    fn put_account(&self, account: &Account) -> Result<(), StoreError>;
    /// One account.
    fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError>;
    /// The account signing in with `email`.
    fn account_by_email(&self, email: &Email) -> Result<Option<Account>, StoreError>;
    /// Every account.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// Creates or replaces a session.
    fn put_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with `key` (the hash of the browser's secret).
    fn session(&self, key: &str) -> Result<Option<Session>, StoreError>;
    /// Ends one session.
    fn remove_session(&self, key: &str) -> Result<(), StoreError>;
    /// Ends every session of an account; returns how many there were.
    fn remove_sessions_of(&self, account: AccountId) -> Result<usize, StoreError>;
    /// Keeps a one-time link's token.
    fn put_token(&self, token: &OneTimeToken) -> Result<(), StoreError>;
    /// The token with `key`, left in place (to show what a link is for before it is used).
    fn token(&self, key: &str) -> Result<Option<OneTimeToken>, StoreError>;
    /// Removes and returns the token with `key`: a token can be taken once only.
    fn take_token(&self, key: &str) -> Result<Option<OneTimeToken>, StoreError>;
    /// Creates or replaces an API token (keyed by the hash of its secret).
    fn put_api_token(&self, token: &ApiToken) -> Result<(), StoreError>;
    /// The API token whose secret hashes to `key`.
    fn api_token(&self, key: &str) -> Result<Option<ApiToken>, StoreError>;
    /// Every API token.
    fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError>;
    /// Creates or replaces a request to manage an organisation's listings, durably.
    fn put_claim(&self, claim: &ClaimRequest) -> Result<(), StoreError>;
    /// Every request to manage an organisation's listings.
    fn claims(&self) -> Result<Vec<ClaimRequest>, StoreError>;
    /// Creates or replaces a feed (keyed by its name), durably.
    fn put_feed(&self, feed: &Feed) -> Result<(), StoreError>;
    /// Every feed, by name.
    fn feeds(&self) -> Result<Vec<Feed>, StoreError>;
    /// Replaces everything staged from `feed` with `records`, atomically and durably.
    fn stage(&self, feed: &str, records: &[StagedRecord]) -> Result<(), StoreError>;
    /// What is staged from `feed`.
    fn staged(&self, feed: &str) -> Result<Vec<StagedRecord>, StoreError>;
    /// The records last fetched from `feed`, for incremental pulls.
    fn feed_cache(&self, feed: &str) -> Result<Vec<CachedRecord>, StoreError>;
    /// Replaces the records kept from `feed`.
    fn put_feed_cache(&self, feed: &str, records: &[CachedRecord]) -> Result<(), StoreError>;
    /// Creates or replaces an outbox message (keyed by its key), durably.
    fn put_outbox(&self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// The outbox message with `key`.
    fn outbox_message(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError>;
    /// Every outbox message.
    fn outbox(&self) -> Result<Vec<OutboxMessage>, StoreError>;
    /// The feed a service was published from, if any.
    fn source_of(&self, service: ServiceId) -> Result<Option<Source>, StoreError>;
    /// A postcode looked up online before (found or not), by canonical postcode.
    fn cached_postcode(&self, postcode: &str) -> Result<Option<CachedPostcode>, StoreError>;
    /// Keeps an online postcode lookup's answer.
    fn cache_postcode(&self, entry: &CachedPostcode) -> Result<(), StoreError>;
    /// Services published from `feed`, with their sources.
    fn sources_from(&self, feed: &str) -> Result<Vec<(ServiceId, Source)>, StoreError>;
    /// Adds a line to the audit trail.
    fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The audit trail, oldest first.
    fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError>;
}

#[cfg(test)]
mod tests;
