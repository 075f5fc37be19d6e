//! Importing ORUK 3.0 service records: from a JSON array, a `Page` envelope or NDJSON.
//!
//! Each record is parsed on its own ([`crate::oruk::parse`]) and checked against what the
//! directory already knows (a record may refer to a taxonomy term, location or organization
//! by id only if that record exists, or comes earlier in the same import). Invalid records
//! are reported with their position, id and the fields at fault; valid ones still go in, in
//! batches, each batch one atomic write. Importing the same records again changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::{Catalog, CatalogError};
use crate::domain::ids::{LocationId, OrganizationId, TaxonomyId, TaxonomyTermId};
use crate::domain::taxonomy::Taxonomy;
use crate::oruk::parse::{FieldError, ServiceBundle, parse_service, record_id};
use crate::store::{ChangeSet, WriteOutcome};

/// Services written per atomic batch.
const BATCH_SIZE: usize = 500;

/// Where a record was in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The n-th item (from 1) of a JSON array or a Page's `contents`.
    Item(usize),
    /// Line n (from 1) of an NDJSON file.
    Line(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Item(n) => write!(f, "record {n}"),
            Position::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// One record read from a file: its JSON, or why the JSON could not be read.
#[derive(Debug)]
pub struct SourceRecord {
    /// Where it was.
    pub position: Position,
    /// The JSON value, or a syntax error message.
    pub value: Result<Value, String>,
}

/// A file that cannot be read as records at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// Not JSON in any accepted shape.
    #[error("{0}")]
    Unreadable(String),
}

/// Problems with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblems {
    /// Where the record was.
    pub position: Position,
    /// Its id, when readable.
    pub id: Option<String>,
    /// The problems, each naming a field.
    pub problems: Vec<FieldError>,
}

impl fmt::Display for RecordProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.position)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Records read.
    pub read: usize,
    /// New services.
    pub created: usize,
    /// Services that changed.
    pub updated: usize,
    /// Services identical to the stored ones.
    pub unchanged: usize,
    /// Records not imported, with why.
    pub rejected: Vec<RecordProblems>,
    /// Records imported with something dropped, with what.
    pub warnings: Vec<RecordProblems>,
}

impl ImportReport {
    /// Whether every record went in.
    pub fn all_imported(&self) -> bool {
        self.rejected.is_empty()
    }

    fn add(&mut self, other: ImportReport) {
        self.read += other.read;
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.rejected.extend(other.rejected);
        self.warnings.extend(other.warnings);
    }
}

/// Splits a file's text into records: a JSON array, a `Page` envelope (`contents`), a single
/// record, or NDJSON (one record per line; a bad line is reported and the others still read).
pub fn read_source(text: &str) -> Result<Vec<SourceRecord>, SourceError> {
    let text = text.trim_start_matches('\u{feff}');
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(SourceError::Empty);
    }
    let items = |values: Vec<Value>| {
        values
            .into_iter()
            .enumerate()
            .map(|(at, value)| SourceRecord {
                position: Position::Item(at + 1),
                value: Ok(value),
            })
            .collect()
    };
    match trimmed.as_bytes()[0] {
        b'[' => match serde_json::from_str::<Vec<Value>>(text) {
            Ok(values) => Ok(items(values)),
            Err(error) => Err(SourceError::Unreadable(format!("the file is not a valid JSON array: {error}"))),
        },
        b'{' => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(mut object)) => match object.remove("contents") {
                Some(Value::Array(contents)) => Ok(items(contents)),
                Some(_) => Err(SourceError::Unreadable("the Page envelope's contents is not an array".to_owned())),
                None => Ok(items(vec![Value::Object(object)])),
            },
            Ok(_) => unreachable!("a text starting with an object parses as an object"),
            Err(_) => Ok(read_ndjson(text)),
        },
        _ => Err(SourceError::Unreadable(
            "expected ORUK service records as a JSON array, a Page envelope ({\"contents\": [...]}) or NDJSON (one JSON object per line)".to_owned(),
        )),
    }
}

fn read_ndjson(text: &str) -> Vec<SourceRecord> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| SourceRecord {
            position: Position::Line(at + 1),
            value: serde_json::from_str(line).map_err(|error| format!("not valid JSON: {error}")),
        })
        .collect()
}

/// Imports records into the catalog.
pub fn import(catalog: &Catalog, records: Vec<SourceRecord>) -> Result<ImportReport, CatalogError> {
    let mut report = ImportReport::default();
    let mut batch = Batch::default();
    for record in records {
        report.read += 1;
        let position = record.position;
        let value = match record.value {
            Ok(value) => value,
            Err(message) => {
                report.rejected.push(RecordProblems {
                    position,
                    id: None,
                    problems: vec![FieldError {
                        field: String::new(),
                        message,
                    }],
                });
                continue;
            }
        };
        let id = record_id(&value).map(str::to_owned);
        let parsed = parse_service(&value);
        if !parsed.warnings.is_empty() {
            report.warnings.push(RecordProblems {
                position,
                id: id.clone(),
                problems: parsed.warnings,
            });
        }
        let mut bundle = match parsed.result {
            Ok(bundle) => bundle,
            Err(problems) => {
                report.rejected.push(RecordProblems {
                    position,
                    id,
                    problems,
                });
                continue;
            }
        };
        let missing = batch.missing_references(catalog, &bundle)?;
        if !missing.is_empty() {
            report.rejected.push(RecordProblems {
                position,
                id,
                problems: missing,
            });
            continue;
        }
        let known_only_by_id = batch.taxonomies_known_only_by_id(catalog, &bundle)?;
        bundle.taxonomies.extend(known_only_by_id);
        batch.add(bundle);
        if batch.services.len() >= BATCH_SIZE {
            report.add(batch.write(catalog)?);
        }
    }
    report.add(batch.write(catalog)?);
    Ok(report)
}

/// Valid records waiting to be written together.
#[derive(Default)]
struct Batch {
    organizations: BTreeMap<OrganizationId, crate::domain::organization::Organization>,
    locations: BTreeMap<LocationId, crate::domain::location::Location>,
    terms: BTreeMap<TaxonomyTermId, crate::domain::taxonomy::TaxonomyTerm>,
    taxonomies: BTreeMap<TaxonomyId, Taxonomy>,
    services: Vec<crate::domain::service::Service>,
    written_terms: BTreeSet<TaxonomyTermId>,
    written_locations: BTreeSet<LocationId>,
    written_organizations: BTreeSet<OrganizationId>,
    written_taxonomies: BTreeSet<TaxonomyId>,
}

impl Batch {
    fn add(&mut self, bundle: ServiceBundle) {
        if let Some(organization) = bundle.organization {
            self.organizations.insert(organization.id, organization);
        }
        for location in bundle.locations {
            self.locations.insert(location.id, location);
        }
        for term in bundle.terms {
            self.terms.insert(term.id, term);
        }
        for taxonomy in bundle.taxonomies {
            self.taxonomies.insert(taxonomy.id, taxonomy);
        }
        self.services.push(bundle.service);
    }

    /// Taxonomies that the record's terms name by `taxonomy_id` (and perhaps by
    /// `taxonomy` name) without describing, and that the directory does not know: they are
    /// recorded from what the terms say, so that `/taxonomies/{id}` answers for every id
    /// the API hands out.
    fn taxonomies_known_only_by_id(
        &self,
        catalog: &Catalog,
        bundle: &ServiceBundle,
    ) -> Result<Vec<Taxonomy>, CatalogError> {
        let mut found: Vec<Taxonomy> = Vec::new();
        for term in &bundle.terms {
            let Some(taxonomy_id) = term.taxonomy_id else {
                continue;
            };
            let known = bundle.taxonomies.iter().any(|t| t.id == taxonomy_id)
                || found.iter().any(|t| t.id == taxonomy_id)
                || self.taxonomies.contains_key(&taxonomy_id)
                || self.written_taxonomies.contains(&taxonomy_id)
                || catalog.store().taxonomy(taxonomy_id)?.is_some();
            if known {
                continue;
            }
            let name = term
                .taxonomy
                .clone()
                .unwrap_or_else(|| format!("Taxonomy {taxonomy_id}"));
            found.push(Taxonomy {
                id: taxonomy_id,
                description: format!("{name}: recorded from the taxonomy terms that belong to it; its publisher did not describe it."),
                name,
                uri: None,
                version: None,
            });
        }
        Ok(found)
    }

    /// References to records that are neither in this import nor in the store.
    fn missing_references(
        &self,
        catalog: &Catalog,
        bundle: &ServiceBundle,
    ) -> Result<Vec<FieldError>, CatalogError> {
        let store = catalog.store();
        let mut missing = Vec::new();
        let service = &bundle.service;
        if bundle.organization.is_none()
            && let Some(org_id) = service.organization_id
        {
            let known = self.organizations.contains_key(&org_id)
                || self.written_organizations.contains(&org_id)
                || store.organization(org_id)?.is_some();
            if !known {
                missing.push(FieldError {
                        field: "organization_id".to_owned(),
                        message: format!("refers to organization {org_id}, which is not in the directory; include the organization object"),
                    });
            }
        }
        let nested_locations: Vec<LocationId> = bundle.locations.iter().map(|l| l.id).collect();
        for (at, link) in service.service_at_locations.iter().enumerate() {
            let known = nested_locations.contains(&link.location_id)
                || self.locations.contains_key(&link.location_id)
                || self.written_locations.contains(&link.location_id)
                || store.location(link.location_id)?.is_some();
            if !known {
                missing.push(FieldError {
                    field: format!("service_at_locations[{at}].location_id"),
                    message: format!("refers to location {}, which is not in the directory; include the location object", link.location_id),
                });
            }
        }
        let nested_terms: Vec<TaxonomyTermId> = bundle.terms.iter().map(|t| t.id).collect();
        for (at, attribute) in service.attributes.iter().enumerate() {
            let term_id = attribute.taxonomy_term_id;
            let known = nested_terms.contains(&term_id)
                || self.terms.contains_key(&term_id)
                || self.written_terms.contains(&term_id)
                || store.taxonomy_term(term_id)?.is_some();
            if !known {
                missing.push(FieldError {
                    field: format!("attributes[{at}].taxonomy_term_id"),
                    message: format!("refers to taxonomy term {term_id}, which is not in the directory; include the taxonomy_term object"),
                });
            }
        }
        Ok(missing)
    }

    fn write(&mut self, catalog: &Catalog) -> Result<ImportReport, CatalogError> {
        let mut report = ImportReport::default();
        if self.services.is_empty() {
            return Ok(report);
        }
        let changes = ChangeSet {
            organizations: std::mem::take(&mut self.organizations)
                .into_values()
                .collect(),
            locations: std::mem::take(&mut self.locations).into_values().collect(),
            taxonomies: std::mem::take(&mut self.taxonomies).into_values().collect(),
            taxonomy_terms: std::mem::take(&mut self.terms).into_values().collect(),
            services: std::mem::take(&mut self.services),
        };
        let applied = catalog.apply(&changes)?;
        for (_, outcome) in &applied.services {
            match outcome {
                WriteOutcome::Created => report.created += 1,
                WriteOutcome::Updated => report.updated += 1,
                WriteOutcome::Unchanged => report.unchanged += 1,
            }
        }
        self.written_organizations
            .extend(changes.organizations.iter().map(|o| o.id));
        self.written_locations
            .extend(changes.locations.iter().map(|l| l.id));
        self.written_terms
            .extend(changes.taxonomy_terms.iter().map(|t| t.id));
        self.written_taxonomies
            .extend(changes.taxonomies.iter().map(|t| t.id));
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_arrays_pages_single_records_and_ndjson() {
        assert_eq!(read_source(r#"[{"id":1},{"id":2}]"#).unwrap().len(), 2);
        let page = read_source(r#"{"total_items":1,"contents":[{"id":"x"}]}"#).unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].position, Position::Item(1));
        assert_eq!(read_source(r#"{"id":"x","name":"y"}"#).unwrap().len(), 1);
        let lines = read_source("{\"id\":1}\n\n{broken\n{\"id\":3}\n").unwrap();
        assert_eq!(
            lines.iter().map(|r| r.position).collect::<Vec<_>>(),
            [Position::Line(1), Position::Line(3), Position::Line(4)]
        );
        assert!(lines[1].value.is_err());
    }

    #[test]
    fn unreadable_files_are_explained() {
        assert!(matches!(read_source("  \n"), Err(SourceError::Empty)));
        assert!(
            read_source("<html>")
                .unwrap_err()
                .to_string()
                .contains("NDJSON")
        );
        assert!(
            read_source("[{\"id\": 1}")
                .unwrap_err()
                .to_string()
                .contains("not a valid JSON array")
        );
    }
}
