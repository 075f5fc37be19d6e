//! A service with everything it refers to, as read from the store in one go: its
//! organization, locations and taxonomy terms. Renderers and the indexer work from this, so
//! that every consumer sees the same joined record.

use std::collections::BTreeMap;

use super::ids::{LocationId, TaxonomyId, TaxonomyTermId};
use super::location::Location;
use super::organization::Organization;
use super::service::Service;
use super::taxonomy::{Taxonomy, TaxonomyTerm};

/// A service joined with the records it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct FullService {
    /// The service.
    pub service: Service,
    /// Its organization, when known.
    pub organization: Option<Organization>,
    /// Locations referred to by `service.service_at_locations`, by id.
    pub locations: BTreeMap<LocationId, Location>,
    /// Terms referred to by the service's attributes, and all their ancestors, by id.
    pub terms: BTreeMap<TaxonomyTermId, TaxonomyTerm>,
    /// Taxonomies of those terms, by id.
    pub taxonomies: BTreeMap<TaxonomyId, Taxonomy>,
    /// Whether it takes referrals now, as its organisation last said.
    pub capacity: Option<crate::domain::capacity::Capacity>,
}

impl FullService {
    /// The terms the service is tagged with directly, in attribute order.
    pub fn direct_terms(&self) -> impl Iterator<Item = &TaxonomyTerm> {
        self.service
            .attributes
            .iter()
            .filter_map(|attribute| self.terms.get(&attribute.taxonomy_term_id))
    }

    /// Ids of the terms the service is tagged with and of their broader terms, so that
    /// asking for "Food" also finds a service tagged "Food bank".
    pub fn term_ids_with_ancestors(&self) -> Vec<TaxonomyTermId> {
        let mut ids = Vec::new();
        for attribute in &self.service.attributes {
            let mut next = Some(attribute.taxonomy_term_id);
            while let Some(id) = next {
                if ids.contains(&id) {
                    break;
                }
                ids.push(id);
                next = self.terms.get(&id).and_then(|term| term.parent_id);
            }
        }
        ids
    }
}
