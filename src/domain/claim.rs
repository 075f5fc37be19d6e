//! "Is this your organisation?": a request from someone at an organisation to keep its
//! listings, which a moderator approves (creating or extending an editor account) or
//! declines. It holds the work contact the person gives, nothing about residents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::login_email;
use super::ids::{OrganizationId, RecordId};
use super::moderation::Decision;
use super::values::{Email, InvalidValue};

/// The longest name or role, in characters.
const MAX_LINE: usize = 100;
/// The longest note, in characters.
const MAX_NOTE: usize = 1_000;

/// A request to manage an organisation's listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRequest {
    /// Its id.
    pub id: RecordId,
    /// The organisation.
    pub organisation: OrganizationId,
    /// Who asks.
    pub name: String,
    /// Their work e-mail address (becomes their sign-in).
    pub email: Email,
    /// Their role at the organisation, in their words.
    pub role: String,
    /// Anything else they want the moderator to know.
    pub note: String,
    /// When it arrived.
    pub received: DateTime<Utc>,
    /// The moderator's decision, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Whether it was approved (with the decision).
    #[serde(default)]
    pub approved: bool,
}

impl ClaimRequest {
    /// A new request; errors name the form field at fault.
    pub fn new(
        organisation: OrganizationId,
        name: &str,
        email: &str,
        role: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<(&'static str, InvalidValue)>> {
        let mut errors = Vec::new();
        let mut line = |field: &'static str, text: &str, max: usize, required: bool| {
            let text = text.trim();
            let length = text.chars().count();
            if required && text.is_empty() {
                errors.push((field, InvalidValue::new("is empty")));
            } else if length > max {
                errors.push((
                    field,
                    InvalidValue::new(format!("is {length} characters long; the most is {max}")),
                ));
            }
            text.to_owned()
        };
        let name = line("name", name, MAX_LINE, true);
        let role = line("role", role, MAX_LINE, true);
        let note = line("note", note, MAX_NOTE, false);
        let email = match login_email(email) {
            Ok(email) => Some(email),
            Err(problem) => {
                errors.push(("email", problem));
                None
            }
        };
        match email {
            Some(email) if errors.is_empty() => Ok(Self {
                id: RecordId::random(),
                organisation,
                name,
                email,
                role,
                note,
                received: now,
                decision: None,
                approved: false,
            }),
            _ => Err(errors),
        }
    }

    /// Whether it waits for a moderator.
    pub fn is_pending(&self) -> bool {
        self.decision.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_need_a_name_a_role_and_an_address() {
        let organisation = OrganizationId::random();
        let now = Utc::now();
        let errors =
            ClaimRequest::new(organisation, " ", "not an address", "", "", now).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "role", "email"]);
        let claim = ClaimRequest::new(
            organisation,
            " Shirin ",
            "Shirin@Charity.example.org",
            "Volunteer coordinator",
            "",
            now,
        )
        .unwrap();
        assert_eq!(claim.email.as_str(), "shirin@charity.example.org");
        assert!(claim.is_pending());
    }
}
