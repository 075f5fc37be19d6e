//! Reading a service together with the records it refers to ([`FullService`]).

use std::collections::BTreeMap;

use super::{Store, StoreError};
use crate::domain::aggregate::FullService;
use crate::domain::ids::{ServiceId, TaxonomyId, TaxonomyTermId};
use crate::domain::taxonomy::{Attribute, Taxonomy, TaxonomyTerm};

/// A service with its organization, locations, terms (with broader terms) and taxonomies.
pub fn full_service(store: &dyn Store, id: ServiceId) -> Result<Option<FullService>, StoreError> {
    let Some(service) = store.service(id)? else {
        return Ok(None);
    };
    let organization = match service.organization_id {
        Some(org_id) => store.organization(org_id)?,
        None => None,
    };
    let mut locations = BTreeMap::new();
    for location_id in service.location_ids() {
        if let Some(location) = store.location(location_id)? {
            locations.insert(location_id, location);
        }
    }
    let attributes = service
        .attributes
        .iter()
        .chain(organization.iter().flat_map(|org| org.attributes.iter()))
        .chain(
            locations
                .values()
                .flat_map(|location| location.attributes.iter()),
        );
    let (terms, taxonomies) = terms_for(store, attributes)?;
    let capacity = store.capacity(service.id)?;
    Ok(Some(FullService {
        service,
        organization,
        locations,
        terms,
        taxonomies,
        capacity,
    }))
}

/// Terms by id and taxonomies by id.
pub type TermMaps = (
    BTreeMap<TaxonomyTermId, TaxonomyTerm>,
    BTreeMap<TaxonomyId, Taxonomy>,
);

/// Terms of `attributes` with all their broader terms, and the taxonomies of those terms.
pub fn terms_for<'a>(
    store: &dyn Store,
    attributes: impl Iterator<Item = &'a Attribute>,
) -> Result<TermMaps, StoreError> {
    let mut terms = BTreeMap::new();
    let mut taxonomies = BTreeMap::new();
    for attribute in attributes {
        let mut next = Some(attribute.taxonomy_term_id);
        while let Some(term_id) = next.take() {
            if terms.contains_key(&term_id) {
                break;
            }
            let Some(term) = store.taxonomy_term(term_id)? else {
                break;
            };
            if let Some(taxonomy_id) = term.taxonomy_id
                && !taxonomies.contains_key(&taxonomy_id)
                && let Some(taxonomy) = store.taxonomy(taxonomy_id)?
            {
                taxonomies.insert(taxonomy_id, taxonomy);
            }
            next = term.parent_id;
            terms.insert(term_id, term);
        }
    }
    Ok((terms, taxonomies))
}
