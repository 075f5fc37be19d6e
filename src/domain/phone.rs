//! Phone numbers on services, contacts and locations (HSDS 3.0 `phone` objects, kept by
//! Signpost although the UK profile dropped them, because residents need them).

use serde::{Deserialize, Serialize};

use super::ids::RecordId;
use super::language::Language;
use super::values::PhoneNumber;

/// Kind of phone line (HSDS 3.0 `phone.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneType {
    /// Text messages.
    Text,
    /// Spoken calls.
    Voice,
    /// Fax.
    Fax,
    /// Mobile.
    Cell,
    /// Video calls.
    Video,
    /// Pager.
    Pager,
    /// Textphone (minicom).
    Textphone,
}

impl PhoneType {
    /// Every value, for messages.
    pub const ALL: [&'static str; 7] = [
        "text",
        "voice",
        "fax",
        "cell",
        "video",
        "pager",
        "textphone",
    ];
}

/// A phone line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phone {
    /// Identifier.
    pub id: RecordId,
    /// The number.
    pub number: PhoneNumber,
    /// Extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<u32>,
    /// Kind of line.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub phone_type: Option<PhoneType>,
    /// What the line is for, when it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Languages spoken on this line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
}
