//! Other publishers' ORUK 3.0 feeds that Signpost reads, and the records it has fetched from
//! them. Fetched records wait in staging, never in the live directory, until moderated.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::ServiceId;
use super::values::InvalidValue;

/// A publisher's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    /// A short name (`a-z`, `0-9`, `-`), used on the command line and shown as the source.
    pub name: String,
    /// The base URL of the publisher's ORUK API (where `/` and `/services` are).
    pub url: String,
    /// When it was added.
    pub added: DateTime<Utc>,
    /// Minutes between automatic pulls by a running server; none: pulled by hand only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_minutes: Option<u32>,
    /// How the last pull went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_pull: Option<PullSummary>,
    /// When every record was last asked for (later pulls ask only for what changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_pull_at: Option<DateTime<Utc>>,
}

/// How long incremental pulls go on before every record is asked for again.
pub const FULL_PULL_EVERY_HOURS: i64 = 24;

/// A record as fetched before, kept to pull incrementally: the publisher's validators for
/// a conditional request, and the record itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedRecord {
    /// The publisher's id, as listed.
    pub remote_id: String,
    /// The answer's `ETag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The answer's `Last-Modified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The record.
    pub record: serde_json::Value,
}

impl Feed {
    /// When a pull at `now` may ask the publisher only for what changed: the time of the last
    /// successful pull (less ten minutes, for clocks that disagree), if every record was
    /// asked for within [`FULL_PULL_EVERY_HOURS`].
    pub fn incremental_since(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last = self.last_pull.as_ref().filter(|p| p.error.is_none())?;
        let full = self.full_pull_at?;
        (now - full < chrono::Duration::hours(FULL_PULL_EVERY_HOURS))
            .then(|| last.at - chrono::Duration::minutes(10))
    }

    /// Whether a running server should pull it at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        match (self.every_minutes, &self.last_pull) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(minutes), Some(last)) => {
                now - last.at >= chrono::Duration::minutes(i64::from(minutes))
            }
        }
    }
}

/// How a pull went, in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullSummary {
    /// When.
    pub at: DateTime<Utc>,
    /// Records staged.
    pub staged: usize,
    /// Records refused as invalid.
    pub rejected: usize,
    /// Why the pull failed (nothing was changed), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How a staged record compares with the live directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StagedStatus {
    /// Not in the directory.
    New,
    /// In the directory, with different content.
    Changed,
    /// In the directory as it is.
    Unchanged,
    /// Published from the feed before, no longer listed by it.
    Withdrawn,
}

impl StagedStatus {
    /// A short name, for messages and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            StagedStatus::New => "new",
            StagedStatus::Changed => "changed",
            StagedStatus::Unchanged => "unchanged",
            StagedStatus::Withdrawn => "withdrawn",
        }
    }
}

/// Where a service in the directory came from: the feed, and the publisher's id for it
/// (different from the directory's when the record was matched to an existing listing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The feed's name.
    pub feed: String,
    /// The publisher's id of the service.
    pub remote_id: ServiceId,
}

/// How a staged record was matched to a listing already in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// Not matched: a new listing, or the same id.
    #[default]
    SameId,
    /// Published from the same record of the feed before.
    Source,
    /// Same organisation, a similar name and a shared postcode.
    NameAndPostcode,
}

/// A record fetched from a feed, waiting for moderation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedRecord {
    /// The feed it came from.
    pub feed: String,
    /// The id of the service in the directory: the publisher's, unless the record was
    /// matched to an existing listing.
    pub service_id: ServiceId,
    /// The publisher's id, where it differs from `service_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<ServiceId>,
    /// How the record was matched to the listing it would change.
    #[serde(default)]
    pub matched: Match,
    /// When it was fetched.
    pub fetched: DateTime<Utc>,
    /// How it compares with the live directory.
    pub status: StagedStatus,
    /// The ORUK service object as the publisher sent it (valid: invalid ones are not
    /// staged), with the directory's ids in place of the publisher's where it was matched;
    /// for a withdrawn record, the listing as it would be published: inactive.
    pub record: serde_json::Value,
}

/// Words of a service name that say little about which service it is.
const FILLER: &[&str] = &[
    "the", "and", "of", "for", "a", "an", "in", "at", "to", "with", "service", "services",
    "project", "group", "club", "session", "sessions",
];

/// A word without a plural ending ("classes" and "class", "banks" and "bank").
fn singular(word: &str) -> &str {
    if ["sses", "ches", "shes", "xes"]
        .iter()
        .any(|ending| word.ends_with(ending))
    {
        &word[..word.len() - 2]
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

fn name_words(name: &str) -> BTreeSet<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 && !FILLER.contains(w))
        .map(|w| singular(w).to_owned())
        .collect()
}

/// How alike two service names are, from 0 (no word in common) to 1 (the same words), once
/// case, punctuation, plurals and filler words ("the", "and", "service", ...) are set aside:
/// the share of words in common, and at least 0.75 when one name's words are all in the
/// other's.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (name_words(a), name_words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(&b).count();
    let jaccard = shared as f64 / a.union(&b).count() as f64;
    if shared == a.len().min(b.len()) {
        jaccard.max(0.75)
    } else {
        jaccard
    }
}

/// Whether two service names are close enough to be one service described by two
/// publishers (a similarity of at least two thirds).
pub fn similar_names(a: &str, b: &str) -> bool {
    name_similarity(a, b) >= 2.0 / 3.0
}

/// Rewrites the ids of a publisher's ORUK service object to the directory's: the service's
/// own (also in its `service_at_locations`), and its organisation's when given.
pub fn adopt_ids(
    record: &mut serde_json::Value,
    service: ServiceId,
    organization: Option<super::ids::OrganizationId>,
) {
    use serde_json::Value;
    let Some(object) = record.as_object_mut() else {
        return;
    };
    object.insert("id".to_owned(), Value::String(service.to_string()));
    if let Some(Value::Array(links)) = object.get_mut("service_at_locations") {
        for link in links.iter_mut().filter_map(Value::as_object_mut) {
            link.insert("service_id".to_owned(), Value::String(service.to_string()));
        }
    }
    if let Some(organization) = organization {
        let id = Value::String(organization.to_string());
        if object.contains_key("organization_id") {
            object.insert("organization_id".to_owned(), id.clone());
        }
        if let Some(Value::Object(nested)) = object.get_mut("organization") {
            nested.insert("id".to_owned(), id);
        }
    }
}

/// Checks a feed name: 1 to 40 of `a-z`, `0-9` and `-`.
pub fn feed_name(text: &str) -> Result<String, InvalidValue> {
    let name = text.trim();
    let valid = !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(InvalidValue::new(
            "is not a feed name (1 to 40 lower-case letters, digits and hyphens, e.g. idea-store)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_is_due_after_its_interval_and_never_without_one() {
        let now = Utc::now();
        let mut feed = Feed {
            name: "x".to_owned(),
            url: "http://example.org/".to_owned(),
            added: now,
            every_minutes: None,
            last_pull: None,
            full_pull_at: None,
        };
        assert!(!feed.is_due(now));
        feed.every_minutes = Some(30);
        assert!(feed.is_due(now), "never pulled");
        feed.last_pull = Some(PullSummary {
            at: now,
            staged: 0,
            rejected: 0,
            error: Some("down".to_owned()),
        });
        assert!(!feed.is_due(now + chrono::Duration::minutes(29)));
        assert!(feed.is_due(now + chrono::Duration::minutes(30)));
    }

    #[test]
    fn similar_names_survive_rewording_but_not_a_different_service() {
        for (a, b) in [
            ("Food Bank", "The Food Bank"),
            (
                "Bromley-by-Bow Food Bank",
                "Bromley by Bow food bank service",
            ),
            ("English class for women", "English classes for women"),
            ("Women's English class", "English class (women)"),
            ("Coffee morning", "Coffee morning for carers"),
        ] {
            assert!(similar_names(a, b), "{a} / {b}");
        }
        for (a, b) in [
            ("Food bank", "Baby bank"),
            ("Coffee morning", "Knitting circle"),
            ("The service", "A project"),
            ("Poplar advice drop-in", "Bow advice line"),
        ] {
            assert!(!similar_names(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn adopting_ids_rewrites_the_service_its_links_and_its_organisation() {
        let ours = ServiceId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").unwrap();
        let org = super::super::ids::OrganizationId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7")
            .unwrap();
        let mut record = serde_json::json!({
            "id": "remote", "organization_id": "remote-org",
            "organization": {"id": "remote-org", "name": "X"},
            "service_at_locations": [{"id": "l", "service_id": "remote"}],
        });
        adopt_ids(&mut record, ours, Some(org));
        assert_eq!(record["id"], ours.to_string());
        assert_eq!(
            record["service_at_locations"][0]["service_id"],
            ours.to_string()
        );
        assert_eq!(record["organization_id"], org.to_string());
        assert_eq!(record["organization"]["id"], org.to_string());
        assert_eq!(record["service_at_locations"][0]["id"], "l");
    }

    #[test]
    fn feed_names_are_short_and_plain() {
        assert_eq!(feed_name(" idea-store ").unwrap(), "idea-store");
        for bad in ["", "Idea Store", "a/b", &"x".repeat(41)] {
            assert!(feed_name(bad).is_err(), "{bad}");
        }
    }
}
