//! Team lists: shortlists a link worker saves (named, with a note), reuses, and may share
//! with colleagues in the same team (a PCN or a locality). A list holds services, never a
//! resident: its name and note are refused when they look like a resident's details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::AccountId;
use super::ids::ServiceId;
use super::note::{NoteProblem, check_note};

/// Longest list name, in characters.
pub const MOST_NAME_CHARS: usize = 100;
/// Most services on a list.
pub const MOST_SERVICES: usize = 50;

/// A saved list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamList {
    /// Its id.
    pub id: uuid::Uuid,
    /// Its name ("Low-cost food, Poplar").
    pub name: String,
    /// A note for whoever uses it.
    #[serde(default)]
    pub note: String,
    /// The services, in order.
    pub services: Vec<ServiceId>,
    /// Who made it.
    pub owner: AccountId,
    /// Their name, as shown.
    pub owner_name: String,
    /// The team it is shared with (`pcn:CODE` or `locality:ID`); `None`: the owner's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_with: Option<String>,
    /// When it was saved.
    pub saved: DateTime<Utc>,
}

/// Why a list was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ListProblem {
    /// No name.
    #[error("give the list a name")]
    NoName,
    /// Name too long.
    #[error("keep the name to 100 characters")]
    LongName,
    /// No services.
    #[error("the shortlist is empty: add services to it first")]
    Empty,
    /// The name or note looks like it holds a resident's details.
    #[error("the name or note {0}")]
    Resident(NoteProblem),
}

/// Checks a list's name and note (lists never hold resident details); returns them trimmed.
pub fn check_list(
    name: &str,
    note: &str,
    services: &[ServiceId],
) -> Result<(String, String), ListProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ListProblem::NoName);
    }
    if name.chars().count() > MOST_NAME_CHARS {
        return Err(ListProblem::LongName);
    }
    if services.is_empty() {
        return Err(ListProblem::Empty);
    }
    check_note(name, &[]).map_err(ListProblem::Resident)?;
    let note = match note.trim() {
        "" => String::new(),
        text => check_note(text, &[]).map_err(ListProblem::Resident)?,
    };
    Ok((name.to_owned(), note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_named_and_never_about_a_resident() {
        let services = [ServiceId::from_uuid(uuid::Uuid::nil())];
        assert_eq!(
            check_list(" Food, Poplar ", "Ring ahead on Mondays.", &services),
            Ok((
                "Food, Poplar".to_owned(),
                "Ring ahead on Mondays.".to_owned()
            ))
        );
        assert_eq!(check_list("", "", &services), Err(ListProblem::NoName));
        assert_eq!(check_list("Food", "", &[]), Err(ListProblem::Empty));
        assert_eq!(
            check_list("For Mrs Begum DOB 01/02/1950", "", &services),
            Err(ListProblem::Resident(NoteProblem::DateOfBirth))
        );
        assert_eq!(
            check_list("Food", "her number 07700 900417", &services),
            Err(ListProblem::Resident(NoteProblem::Phone))
        );
    }
}
