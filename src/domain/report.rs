//! "Report a problem with this listing": what a member of the public tells the moderators
//! about a listing. No account, and nothing about the person who reports: only what is wrong.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{RecordId, ServiceId};
use super::moderation::Decision;
use super::values::InvalidValue;

/// The longest description of a problem, in characters.
pub const MAX_DETAILS_CHARS: usize = 1_000;

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The service has closed or stopped.
    Closed,
    /// Opening times are wrong.
    Times,
    /// Phone, e-mail or address is wrong.
    Contact,
    /// How to get the service (referral) is wrong.
    Referral,
    /// Anything else.
    Other,
}

impl ProblemKind {
    /// Every kind, in the order a form offers them.
    pub const ALL: [ProblemKind; 5] = [
        ProblemKind::Closed,
        ProblemKind::Times,
        ProblemKind::Contact,
        ProblemKind::Referral,
        ProblemKind::Other,
    ];

    /// The kind's form value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Closed => "closed",
            ProblemKind::Times => "times",
            ProblemKind::Contact => "contact",
            ProblemKind::Referral => "referral",
            ProblemKind::Other => "other",
        }
    }

    /// The kind for a form value.
    pub fn parse(text: &str) -> Option<ProblemKind> {
        ProblemKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// A report waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemReport {
    /// The report's id.
    pub id: RecordId,
    /// The listing it is about.
    pub service_id: ServiceId,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What is wrong, in the reporter's words (trimmed, at most [`MAX_DETAILS_CHARS`]).
    pub details: String,
    /// When it was made.
    pub received: DateTime<Utc>,
    /// What a moderator did about it; none while it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Decision>,
}

impl ProblemReport {
    /// A new report; `details` must say something (after trimming) and not be too long.
    pub fn new(
        service_id: ServiceId,
        kind: ProblemKind,
        details: &str,
        received: DateTime<Utc>,
    ) -> Result<Self, InvalidValue> {
        let details = details.trim();
        let length = details.chars().count();
        if length == 0 {
            return Err(InvalidValue::new("is empty"));
        }
        if length > MAX_DETAILS_CHARS {
            return Err(InvalidValue::new(format!(
                "is {length} characters long; the most is {MAX_DETAILS_CHARS}"
            )));
        }
        Ok(Self {
            id: RecordId::random(),
            service_id,
            kind,
            details: details.to_owned(),
            received,
            resolved: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_required_and_bounded() {
        let service = ServiceId::random();
        let now = Utc::now();
        assert!(ProblemReport::new(service, ProblemKind::Other, "  \n ", now).is_err());
        let long = "x".repeat(MAX_DETAILS_CHARS + 1);
        assert!(ProblemReport::new(service, ProblemKind::Other, &long, now).is_err());
        let report =
            ProblemReport::new(service, ProblemKind::Times, "  Closed on Fridays now ", now)
                .unwrap();
        assert_eq!(report.details, "Closed on Fridays now");
    }

    #[test]
    fn kinds_round_trip_through_their_form_values() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ProblemKind::parse("nonsense"), None);
    }
}
