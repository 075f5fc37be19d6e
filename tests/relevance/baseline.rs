//! A plain BM25 baseline over the same listings: tantivy's default tokenizer (lower-cased
//! words, no stemming, no stop words, no synonyms, no typo tolerance) and its default query
//! parser (any word may match, no field boosts) over each service's name, description,
//! eligibility, organization name and need names. Filters and geography are ignored: this is
//! what a search box on a generic engine gives without tuning.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value as _};
use tantivy::{Index, TantivyDocument, doc};

use crate::judged::Ranked;

pub struct Baseline {
    index: Index,
    parser: QueryParser,
    id: tantivy::schema::Field,
}

impl Baseline {
    /// Indexes the services of an NDJSON file; need names come from the terms nested in
    /// attributes, or from a taxonomies file (`{"taxonomy_terms": [...]}`) for terms given
    /// by id only.
    pub fn build(services: &Path, taxonomies: Option<&Path>) -> Baseline {
        let mut term_names: HashMap<String, String> = HashMap::new();
        if let Some(path) = taxonomies {
            let taxonomy: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            for term in taxonomy["taxonomy_terms"].as_array().unwrap() {
                term_names.insert(
                    term["id"].as_str().unwrap().to_owned(),
                    term["name"].as_str().unwrap().to_owned(),
                );
            }
        }
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let name = schema.add_text_field("name", TEXT);
        let description = schema.add_text_field("description", TEXT);
        let eligibility = schema.add_text_field("eligibility", TEXT);
        let organization = schema.add_text_field("organization", TEXT);
        let needs = schema.add_text_field("needs", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer::<TantivyDocument>(50_000_000).unwrap();
        let text = std::fs::read_to_string(services).unwrap();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let service: Value = serde_json::from_str(line).unwrap();
            let field = |key: &str| service[key].as_str().unwrap_or_default().to_owned();
            let need_names: Vec<String> = service["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|attribute| {
                    let nested = attribute["taxonomy_term"]["name"]
                        .as_str()
                        .map(str::to_owned);
                    nested.or_else(|| {
                        term_names
                            .get(attribute["taxonomy_term_id"].as_str()?)
                            .cloned()
                    })
                })
                .collect();
            writer
                .add_document(doc!(
                    id => field("id"),
                    name => field("name"),
                    description => field("description"),
                    eligibility => field("eligibility_description"),
                    organization => service["organization"]["name"].as_str().unwrap_or_default().to_owned(),
                    needs => need_names.join(". "),
                ))
                .unwrap();
        }
        writer.commit().unwrap();
        let parser = QueryParser::for_index(
            &index,
            vec![name, description, eligibility, organization, needs],
        );
        Baseline { index, parser, id }
    }

    pub fn search(&self, text: &str) -> Ranked {
        let searcher = self.index.reader().unwrap().searcher();
        let (query, _) = self.parser.parse_query_lenient(text);
        let (top, total) = searcher
            .search(&query, &(TopDocs::with_limit(20).order_by_score(), Count))
            .unwrap();
        let ids = top
            .into_iter()
            .map(|(_, address)| {
                let document: TantivyDocument = searcher.doc(address).unwrap();
                document
                    .get_first(self.id)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_owned()
            })
            .collect();
        Ranked { ids, total }
    }
}
