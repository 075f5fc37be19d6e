//! Taxonomies (vocabularies) and their terms, such as the project's own needs taxonomy.

use serde::{Deserialize, Serialize};

use super::ids::{RecordId, TaxonomyId, TaxonomyTermId};
use super::values::AbsoluteUri;

/// A vocabulary of terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Identifier.
    pub id: TaxonomyId,
    /// Name.
    pub name: String,
    /// What the taxonomy is for.
    pub description: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<AbsoluteUri>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    /// Identifier.
    pub id: TaxonomyTermId,
    /// Short code (HSDS `code`), e.g. `food.food-bank`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Name people see.
    pub name: String,
    /// What the term means; searchable.
    pub description: String,
    /// Broader term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<TaxonomyTermId>,
    /// Name of the taxonomy, when the publisher gives only a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// The taxonomy it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_id: Option<TaxonomyId>,
    /// URI of the term in its published vocabulary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_uri: Option<AbsoluteUri>,
    /// The term as the vocabulary writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
}

/// Links a record to a taxonomy term (ORUK `attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// Identifier.
    pub id: RecordId,
    /// The term.
    pub taxonomy_term_id: TaxonomyTermId,
    /// What kind of link this is (e.g. `need`, `suitable_for`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
    /// A value qualifying the link (HSDS 3.0 `value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}
