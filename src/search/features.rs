//! Reading filterable features from a listing's own words, with the vocabulary of
//! `index/features.txt`: a location's accessibility (step-free, accessible toilet, hearing
//! loop), who a service is suitable for, and how it is delivered (in person, phone, online).

use std::collections::BTreeSet;

use crate::domain::aggregate::FullService;
use crate::domain::location::{Location, LocationType};
use crate::geography::{name_key, slug};
use crate::search::assets::{FeatureValue, Features};

/// Values of `delivery`.
pub const IN_PERSON: &str = "in_person";

/// The values whose phrases appear in `text` and whose "not" phrases do not.
pub fn values_in(text: &str, vocabulary: &[FeatureValue]) -> BTreeSet<String> {
    let padded = format!(" {} ", name_key(text));
    let mentions = |key: &String| padded.contains(key.as_str());
    vocabulary
        .iter()
        .filter(|value| value.keys.iter().any(mentions) && !value.not_keys.iter().any(mentions))
        .map(|value| value.value.clone())
        .collect()
}

/// Whether a service is about a sensitive need (`[sensitive]` in `index/features.txt`: domestic
/// abuse and the like), read from its name, description and needs, so that its page offers
/// a quick way to leave.
pub fn is_sensitive(full: &FullService, features: &Features) -> bool {
    let service = &full.service;
    let text = [Some(&service.name), service.description.as_ref()]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(full.direct_terms().map(|term| term.name.as_str()))
        .collect::<Vec<_>>()
        .join(". ");
    !values_in(&text, &features.sensitive).is_empty()
}

/// Whether a taxonomy holds "suitable for" terms (who a service is for) rather than needs.
pub fn is_suitable_for_taxonomy(name: &str) -> bool {
    name_key(name).contains("suitable")
}

/// Accessibility values of a location, from its accessibility records.
pub fn accessibility(location: &Location, features: &Features) -> BTreeSet<String> {
    let text: Vec<&str> = location
        .accessibility
        .iter()
        .flat_map(|record| [&record.description, &record.details, &record.accessibility])
        .flatten()
        .map(String::as_str)
        .collect();
    values_in(&text.join(". "), &features.accessibility)
}

/// Who a service is suitable for: its "suitable for" terms (by a code in the vocabulary, or
/// the vocabulary's phrases in their names), and what its name and eligibility say.
pub fn suitable_for(full: &FullService, features: &Features) -> BTreeSet<String> {
    let service = &full.service;
    let text = [
        Some(&service.name),
        service.eligibility_description.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect::<Vec<_>>()
    .join(". ");
    let mut values = values_in(&text, &features.suitable_for);
    for attribute in &service.attributes {
        let tagged = attribute
            .link_type
            .as_deref()
            .is_some_and(|t| slug(t) == "suitable-for");
        let Some(term) = full.terms.get(&attribute.taxonomy_term_id) else {
            continue;
        };
        let in_suitable_taxonomy = term
            .taxonomy_id
            .and_then(|id| full.taxonomies.get(&id))
            .is_some_and(|taxonomy| is_suitable_for_taxonomy(&taxonomy.name));
        if tagged || in_suitable_taxonomy {
            let code = term
                .code
                .clone()
                .unwrap_or_else(|| slug(&term.name))
                .replace('-', "_");
            if features
                .suitable_for
                .iter()
                .any(|value| value.value == code)
            {
                values.insert(code);
            }
            values.extend(values_in(&term.name, &features.suitable_for));
        }
    }
    values
}

/// How a service is delivered: in person where it has a place; online where it has a virtual
/// location or says so; by phone where it is a helpline (phones and no location) or says so.
pub fn delivery(full: &FullService, features: &Features) -> BTreeSet<String> {
    let service = &full.service;
    let mut values = BTreeSet::new();
    let types: Vec<LocationType> = full.locations.values().map(|l| l.location_type).collect();
    if types.contains(&LocationType::Physical) {
        values.insert(IN_PERSON.to_owned());
    }
    if types.contains(&LocationType::Virtual) {
        values.insert("online".to_owned());
    }
    let has_phone =
        !service.phones.is_empty() || service.contacts.iter().any(|c| !c.phones.is_empty());
    if full.locations.is_empty() && has_phone {
        values.insert("phone".to_owned());
    }
    let mut said: Vec<&str> = vec![&service.name];
    said.extend(
        service
            .schedules
            .iter()
            .filter_map(|s| s.attending_type.as_deref()),
    );
    said.extend(
        service
            .phones
            .iter()
            .filter_map(|p| p.description.as_deref()),
    );
    for location in full
        .locations
        .values()
        .filter(|l| l.location_type == LocationType::Virtual)
    {
        said.extend(location.name.as_deref());
        said.extend(location.description.as_deref());
    }
    values.extend(values_in(&said.join(". "), &features.delivery));
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::assets::parse_features;

    fn vocabulary() -> Features {
        parse_features(
            "t",
            "[accessibility]\nstep_free = step-free, level access, ramp ; not = stairs only, no step-free\naccessible_toilet = accessible toilet ; not = no accessible toilet\n",
        )
        .unwrap()
    }

    #[test]
    fn phrases_and_negations() {
        let features = vocabulary();
        let read = |text: &str| {
            values_in(text, &features.accessibility)
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            read("Step-free access from the street; accessible toilet"),
            ["accessible_toilet", "step_free"]
        );
        assert!(read("Stairs only, no lift").is_empty());
        assert_eq!(
            read("Portable ramp at the side entrance; no accessible toilet"),
            ["step_free"]
        );
        assert!(
            read("Steps down to the basement").is_empty(),
            "whole words only"
        );
    }
}
