//! Moderation: changes proposed by organisation editors, the moderators' decisions, and the
//! history of every live record.
//!
//! An editor's change is a [`Proposal`]: the new versions of one or more records (a service,
//! its organisation, a location) with the versions they were based on. The live records stay
//! as they are until a moderator approves; approval writes the proposal's records, its new
//! status and a [`HistoryEntry`] per changed record in one transaction. A proposal based on
//! a version that has since changed is not approved over it (see [`Proposal::is_stale_against`]).
//!
//! Everything here is pure data and rules; who may do what is in [`super::account`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::account::AccountId;
use super::ids::{LocationId, OrganizationId, ProposalId, ServiceId};
use super::location::Location;
use super::organization::Organization;
use super::service::Service;
use super::values::InvalidValue;

/// The longest note or reason, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Which kind of live record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An organization.
    Organization,
    /// A service.
    Service,
    /// A location.
    Location,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 3] = [
        RecordKind::Organization,
        RecordKind::Service,
        RecordKind::Location,
    ];

    /// The kind's name in paths and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Organization => "organization",
            RecordKind::Service => "service",
            RecordKind::Location => "location",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Names one live record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordKey {
    /// Its kind.
    pub kind: RecordKind,
    /// Its id.
    pub id: uuid::Uuid,
}

impl RecordKey {
    /// A service's key.
    pub fn service(id: ServiceId) -> Self {
        Self {
            kind: RecordKind::Service,
            id: *id.as_uuid(),
        }
    }

    /// An organization's key.
    pub fn organization(id: OrganizationId) -> Self {
        Self {
            kind: RecordKind::Organization,
            id: *id.as_uuid(),
        }
    }

    /// A location's key.
    pub fn location(id: LocationId) -> Self {
        Self {
            kind: RecordKind::Location,
            id: *id.as_uuid(),
        }
    }
}

/// One version of a live record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Record {
    /// An organization.
    Organization(Organization),
    /// A service.
    Service(Box<Service>),
    /// A location.
    Location(Location),
}

impl Record {
    /// The record's key.
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Organization(o) => RecordKey::organization(o.id),
            Record::Service(s) => RecordKey::service(s.id),
            Record::Location(l) => RecordKey::location(l.id),
        }
    }

    /// A name to show.
    pub fn name(&self) -> &str {
        match self {
            Record::Organization(o) => &o.name,
            Record::Service(s) => &s.name,
            Record::Location(l) => l.name.as_deref().unwrap_or_default(),
        }
    }

    /// The record as JSON, without what the store maintains itself (`last_modified`), so
    /// that two versions differ only where a person changed something.
    pub fn content(&self) -> serde_json::Value {
        let mut value = match self {
            Record::Organization(o) => serde_json::to_value(o),
            Record::Service(s) => serde_json::to_value(s.without_last_modified()),
            Record::Location(l) => serde_json::to_value(l),
        }
        .unwrap_or(serde_json::Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.remove("last_modified");
        }
        value
    }

    /// A short fingerprint of [`Record::content`], to notice that a record changed.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.content().to_string().as_bytes());
        digest[..12].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Saved by the editor, not yet sent.
    Draft,
    /// Waiting for a moderator.
    Submitted,
    /// Approved and live.
    Approved,
    /// Turned down (the decision says why).
    Rejected,
}

impl ProposalStatus {
    /// The status's name in messages and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Draft => "draft",
            ProposalStatus::Submitted => "submitted",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }
}

/// A moderator's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Who decided.
    pub by: AccountId,
    /// When.
    pub at: DateTime<Utc>,
    /// Why (required to reject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The version of a record a proposal was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    /// The record.
    pub key: RecordKey,
    /// Its fingerprint then; none when the record is new.
    pub fingerprint: Option<String>,
}

/// A change proposed to the live directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// The organisation whose listing it changes (what the author must be allowed to edit).
    pub organization: OrganizationId,
    /// Who wrote it.
    pub author: AccountId,
    /// When it was started.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub updated: DateTime<Utc>,
    /// When it was (last) submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<DateTime<Utc>>,
    /// Where it is.
    pub status: ProposalStatus,
    /// The new versions.
    pub records: Vec<Record>,
    /// The versions they replace, as they were when the editor began.
    pub base: Vec<Base>,
    /// The editor's note to the moderators ("why").
    #[serde(default)]
    pub note: String,
    /// Published at once as an urgent notice (still logged and kept in history).
    #[serde(default)]
    pub urgent: bool,
    /// The moderator's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

impl Proposal {
    /// A new draft of `records`, based on the live versions in `live` (by key; `None` for a
    /// record that does not exist yet).
    pub fn draft(
        organization: OrganizationId,
        author: AccountId,
        records: Vec<Record>,
        live: &[Option<Record>],
        now: DateTime<Utc>,
    ) -> Self {
        let base = records
            .iter()
            .zip(live)
            .map(|(record, live)| Base {
                key: record.key(),
                fingerprint: live.as_ref().map(Record::fingerprint),
            })
            .collect();
        Self {
            id: ProposalId::random(),
            organization,
            author,
            created: now,
            updated: now,
            submitted: None,
            status: ProposalStatus::Draft,
            records,
            base,
            note: String::new(),
            urgent: false,
            decision: None,
        }
    }

    /// Replaces the proposed records (an editor revising a draft, or a rejected change),
    /// keeping the versions it was based on and adding the live versions of records it did
    /// not touch before (`live`, in the order of `records`).
    pub fn revise(&mut self, records: Vec<Record>, live: &[Option<Record>]) {
        for (record, live) in records.iter().zip(live) {
            if !self.base.iter().any(|b| b.key == record.key()) {
                self.base.push(Base {
                    key: record.key(),
                    fingerprint: live.as_ref().map(Record::fingerprint),
                });
            }
        }
        self.records = records;
    }

    /// The keys of the records it changes.
    pub fn keys(&self) -> Vec<RecordKey> {
        self.records.iter().map(Record::key).collect()
    }

    /// The first record's name, to list the proposal by.
    pub fn title(&self) -> &str {
        self.records.first().map_or("", Record::name)
    }

    /// Whether it waits for a moderator.
    pub fn is_pending(&self) -> bool {
        self.status == ProposalStatus::Submitted
    }

    /// Whether the editor may still change it.
    pub fn is_editable(&self) -> bool {
        matches!(
            self.status,
            ProposalStatus::Draft | ProposalStatus::Submitted | ProposalStatus::Rejected
        )
    }

    /// Records whose live version (fingerprints in `live`, by key) is no longer the one this
    /// proposal was based on: approving would overwrite someone else's change.
    pub fn is_stale_against(&self, live: &[(RecordKey, Option<String>)]) -> Vec<RecordKey> {
        self.base
            .iter()
            .filter(|base| {
                let now = live
                    .iter()
                    .find(|(key, _)| *key == base.key)
                    .and_then(|(_, fingerprint)| fingerprint.clone());
                now != base.fingerprint
            })
            .map(|base| base.key)
            .collect()
    }
}

/// Checks a note or reason: trimmed, at most [`MAX_NOTE_CHARS`]; `required` refuses empty.
pub fn note(text: &str, required: bool) -> Result<String, InvalidValue> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(InvalidValue::new("is empty"));
    }
    let length = text.chars().count();
    if length > MAX_NOTE_CHARS {
        return Err(InvalidValue::new(format!(
            "is {length} characters long; the most is {MAX_NOTE_CHARS}"
        )));
    }
    Ok(text.to_owned())
}

/// Who changed a live record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A person with an account.
    Account(AccountId),
    /// A process: an import, the seed data, a feed (named).
    System(String),
}

/// Who changed records, why, and through which proposal: written with the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Who.
    pub actor: Actor,
    /// Why, in words.
    pub why: String,
    /// The proposal approved, if any.
    pub proposal: Option<ProposalId>,
}

impl Provenance {
    /// A change made by a process (import, seed), with no person behind it.
    pub fn system(name: &str, why: &str) -> Self {
        Self {
            actor: Actor::System(name.to_owned()),
            why: why.to_owned(),
            proposal: None,
        }
    }
}

/// One change to one live record: who, when, what (before and after) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The record.
    pub key: RecordKey,
    /// When.
    pub at: DateTime<Utc>,
    /// Who, why, and through which proposal.
    pub provenance: Provenance,
    /// The version replaced; none when the record was created.
    pub before: Option<Record>,
    /// The version written.
    pub after: Record,
}

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Where, e.g. `name` or `schedules.0.opens_at`.
    pub path: String,
    /// The old value, as text; none when the field was empty.
    pub before: Option<String>,
    /// The new value, as text; none when the field is now empty.
    pub after: Option<String>,
}

/// The fields that differ between `before` (none: a new record) and `after`, in the order
/// of the record's fields.
pub fn diff(before: Option<&Record>, after: &Record) -> Vec<FieldChange> {
    let mut old = Vec::new();
    if let Some(before) = before {
        flatten("", &before.content(), &mut old);
    }
    let mut new = Vec::new();
    flatten("", &after.content(), &mut new);
    let mut changes = Vec::new();
    for (path, value) in &new {
        let was = old.iter().find(|(p, _)| p == path).map(|(_, v)| v.clone());
        if was.as_ref() != Some(value) {
            changes.push(FieldChange {
                path: path.clone(),
                before: was,
                after: Some(value.clone()),
            });
        }
    }
    for (path, value) in old {
        if !new.iter().any(|(p, _)| *p == path) {
            changes.push(FieldChange {
                path,
                before: Some(value),
                after: None,
            });
        }
    }
    changes
}

/// Leaf values of `value` by dotted path; ids of child records are left out (a re-created
/// schedule with the same times is no change to a reader).
fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                if key == "id" && !prefix.is_empty() {
                    continue;
                }
                flatten(&join(key), value, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&join(&(index + 1).to_string()), item, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(text) if text.is_empty() => {}
        serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(json: serde_json::Value) -> Record {
        Record::Service(Box::new(serde_json::from_value(json).unwrap()))
    }

    fn base_service() -> serde_json::Value {
        serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Lunch club",
            "status": "active",
            "description": "Hot meals on Tuesdays",
            "schedules": [{"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a10", "freq": "WEEKLY",
                           "byday": "TU", "opens_at": "12:00", "closes_at": "14:00"}],
        })
    }

    #[test]
    fn diff_lists_changed_added_and_removed_fields() {
        let before = service(base_service());
        let mut changed = base_service();
        changed["description"] = serde_json::json!(null);
        changed["alert"] = serde_json::json!("Closed for the holidays");
        changed["schedules"][0]["closes_at"] = serde_json::json!("15:00");
        changed["schedules"][0]["id"] = serde_json::json!("0f3b8c1a-2c5d-4e6f-8a9b-0c1d2e3f4a5b");
        let after = service(changed);
        let changes = diff(Some(&before), &after);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["alert", "schedules.1.closes_at", "description"]);
        assert_eq!(changes[1].before.as_deref(), Some("14:00"));
        assert_eq!(changes[1].after.as_deref(), Some("15:00"));
        assert_eq!(changes[2].after, None);
        assert!(diff(Some(&before), &before).is_empty());
    }

    #[test]
    fn a_new_record_shows_every_field_and_the_store_stamp_is_no_change() {
        let after = service(base_service());
        let fields: Vec<String> = diff(None, &after).into_iter().map(|c| c.path).collect();
        assert_eq!(
            fields,
            [
                "id",
                "name",
                "description",
                "status",
                "schedules.1.freq",
                "schedules.1.byday",
                "schedules.1.opens_at",
                "schedules.1.closes_at"
            ]
        );
        let mut stamped = base_service();
        stamped["last_modified"] = serde_json::json!("2026-01-01T00:00:00Z");
        let stamped = service(stamped);
        assert!(diff(Some(&after), &stamped).is_empty());
        assert_eq!(after.fingerprint(), stamped.fingerprint());
    }

    #[test]
    fn a_proposal_notices_that_its_base_changed() {
        let live = service(base_service());
        let proposal = Proposal::draft(
            OrganizationId::random(),
            AccountId::new(),
            vec![live.clone()],
            &[Some(live.clone())],
            Utc::now(),
        );
        let key = live.key();
        assert!(
            proposal
                .is_stale_against(&[(key, Some(live.fingerprint()))])
                .is_empty()
        );
        let mut other = base_service();
        other["name"] = serde_json::json!("Lunch club (moved)");
        let other = service(other);
        assert_eq!(
            proposal.is_stale_against(&[(key, Some(other.fingerprint()))]),
            [key]
        );
        assert_eq!(proposal.is_stale_against(&[(key, None)]), [key]);
    }

    #[test]
    fn notes_are_bounded_and_reasons_required() {
        assert!(note("  ", true).is_err());
        assert_eq!(note("  ", false).unwrap(), "");
        assert!(note(&"x".repeat(MAX_NOTE_CHARS + 1), false).is_err());
        assert_eq!(note(" Wrong phone ", true).unwrap(), "Wrong phone");
    }
}
