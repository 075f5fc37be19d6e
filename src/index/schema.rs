//! The index schema: every field in one place, resolved once into [`Fields`].
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, its options or the analyzers change: an index
//! built under another version is rebuilt from the store at start-up.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Version of the schema and analyzers; stored with every commit.
pub const SCHEMA_VERSION: u32 = 2;

/// Name of the analyzer for searchable text.
pub const TEXT_ANALYZER: &str = "signpost_text";

/// Resolved fields of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The document's own id (service id, or service_at_location id); stored, fast.
    pub id: Field,
    /// `service` or `service_at_location`.
    pub kind: Field,
    /// The service the document belongs to (deletes go by this).
    pub service_id: Field,
    /// Lower-cased name, for sorting.
    pub sort_name: Field,
    /// Service name.
    pub name: Field,
    /// Service description and eligibility.
    pub description: Field,
    /// Organization name.
    pub organization: Field,
    /// Names and descriptions of the service's taxonomy terms (and their broader terms).
    pub taxonomy: Field,
    /// Names and published addresses of the locations.
    pub place: Field,
    /// Status, ORUK spelling.
    pub status: Field,
    /// Term ids, with broader terms.
    pub term_id: Field,
    /// Taxonomy ids of the terms.
    pub taxonomy_id: Field,
    /// Organization id.
    pub organization_id: Field,
    /// ISO 639-3 language codes.
    pub language: Field,
    /// `free` when the service is free.
    pub cost: Field,
    /// Youngest age served (0 when none given).
    pub min_age: Field,
    /// Oldest age served ([`NO_MAXIMUM_AGE`] when none given).
    pub max_age: Field,
    /// `last_modified`.
    pub modified: Field,
    /// Encoded weekly opening windows (multi-valued).
    pub opening: Field,
    /// Ward codes of the places (physical locations).
    pub ward: Field,
    /// Locality ids of the places.
    pub locality: Field,
    /// Ward codes the service covers.
    pub cover_ward: Field,
    /// Locality ids the service covers entirely.
    pub cover_locality: Field,
    /// `national` when the service covers the whole country.
    pub national: Field,
    /// `declared` when the service covers an area (said, or assumed for helplines), `none`
    /// when it only has places.
    pub coverage: Field,
    /// Places as encoded points (multi-valued; see `index::geo`).
    pub site_point: Field,
    /// Latitudes of the places, for the radius pre-filter.
    pub latitude: Field,
    /// Longitudes of the places, for the radius pre-filter.
    pub longitude: Field,
}

/// Name of the opening-windows fast field (predicates read it by name).
pub const OPENING_FIELD: &str = "opening";
/// Name of the places fast field (ranking and radius predicates read it by name).
pub const SITE_POINT_FIELD: &str = "site_point";

/// Stand-in for "no maximum age".
pub const NO_MAXIMUM_AGE: f64 = 1_000.0;

/// Kind values.
pub const KIND_SERVICE: &str = "service";
/// Kind values.
pub const KIND_SERVICE_AT_LOCATION: &str = "service_at_location";

/// Builds the schema and its resolved fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        kind: builder.add_text_field("kind", STRING),
        service_id: builder.add_text_field("service_id", STRING),
        sort_name: builder.add_text_field("sort_name", STRING | FAST),
        name: builder.add_text_field("name", text.clone()),
        description: builder.add_text_field("description", text.clone()),
        organization: builder.add_text_field("organization", text.clone()),
        taxonomy: builder.add_text_field("taxonomy", text.clone()),
        place: builder.add_text_field("place", text),
        status: builder.add_text_field("status", STRING),
        term_id: builder.add_text_field("term_id", STRING),
        taxonomy_id: builder.add_text_field("taxonomy_id", STRING),
        organization_id: builder.add_text_field("organization_id", STRING),
        language: builder.add_text_field("language", STRING),
        cost: builder.add_text_field("cost", STRING),
        min_age: builder.add_f64_field("min_age", INDEXED | FAST),
        max_age: builder.add_f64_field("max_age", INDEXED | FAST),
        modified: builder.add_date_field("modified", INDEXED | FAST),
        opening: builder.add_u64_field(OPENING_FIELD, FAST),
        ward: builder.add_text_field("ward", STRING),
        locality: builder.add_text_field("locality", STRING),
        cover_ward: builder.add_text_field("cover_ward", STRING),
        cover_locality: builder.add_text_field("cover_locality", STRING),
        national: builder.add_text_field("national", STRING),
        coverage: builder.add_text_field("coverage", STRING),
        site_point: builder.add_u64_field(SITE_POINT_FIELD, FAST),
        latitude: builder.add_f64_field("latitude", INDEXED | FAST),
        longitude: builder.add_f64_field("longitude", INDEXED | FAST),
    };
    (builder.build(), fields)
}

/// Registers the analyzers the schema names; needed every time an index is opened.
pub fn register_analyzers(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(TEXT_ANALYZER, analyzer);
}
