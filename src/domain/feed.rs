//! Other publishers' ORUK 3.0 feeds that Signpost reads, and the records it has fetched from
//! them. Fetched records wait in staging, never in the live directory, until moderated.

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
}

impl Feed {
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
}

/// A record fetched from a feed, waiting for moderation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedRecord {
    /// The feed it came from.
    pub feed: String,
    /// The service's id (the publisher's).
    pub service_id: ServiceId,
    /// When it was fetched.
    pub fetched: DateTime<Utc>,
    /// How it compares with the live directory.
    pub status: StagedStatus,
    /// The ORUK service object as the publisher sent it (valid: invalid ones are not staged).
    pub record: serde_json::Value,
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
    fn feed_names_are_short_and_plain() {
        assert_eq!(feed_name(" idea-store ").unwrap(), "idea-store");
        for bad in ["", "Idea Store", "a/b", &"x".repeat(41)] {
            assert!(feed_name(bad).is_err(), "{bad}");
        }
    }
}
