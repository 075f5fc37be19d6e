//! Organizations: the voluntary and community sector groups, charities and public bodies
//! that run services.

use serde::{Deserialize, Serialize};

use super::ids::{OrganizationId, RecordId};
use super::taxonomy::Attribute;
use super::values::{AbsoluteUri, Email, WebUrl};

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Identifier.
    pub id: OrganizationId,
    /// Name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// General e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<WebUrl>,
    /// Logo location, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// A persistent URI for the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<AbsoluteUri>,
    /// Parent organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_organization_id: Option<OrganizationId>,
    /// Registration numbers (charity, company, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organization_identifiers: Vec<OrganizationIdentifier>,
    /// Classifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A registration number of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    /// Identifier of this entry.
    pub id: RecordId,
    /// The register's scheme code (org-id.guide), e.g. `GB-CHC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_scheme: Option<String>,
    /// What kind of identifier, in words, e.g. "Charity number".
    pub identifier_type: String,
    /// The identifier itself.
    pub identifier: String,
}
