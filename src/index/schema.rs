//! The index schema: every field in one place, resolved once into [`Fields`].
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, its options or the analysis change: an index
//! built under another version is rebuilt from the store at start-up. (Changes to the
//! editable search assets are caught by their fingerprint instead.)

use tantivy::schema::{
    DateOptions, FAST, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{Index, IndexSettings, IndexSortByField, Order};

/// Version of the schema and analysis; stored with every commit.
pub const SCHEMA_VERSION: u32 = 13;

/// Name of the tokenizer of every text field that is not a keyword: the text is analysed
/// when its document is made ([`super::analysis::IndexAnalysis`]), and the index writer
/// only splits it ([`super::analysis::AnalysedTokenizer`]).
pub const ANALYSED: &str = "signpost_analysed";

/// Resolved fields of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The last 8 bytes of the document's own id (service id, or service_at_location id;
    /// the service's for a document of both kinds), big-endian; the first 8 are [`Fields::tiebreak`]. A hit's id is read from these two
    /// columns: nothing is stored (reading the id from a document store meant decompressing
    /// a block of documents for each hit), and documents are deleted by
    /// [`Fields::service_id`].
    pub id_low: Field,
    /// `service` or `service_at_location`, or both (see [`KIND_ORDER_BOTH`]).
    pub kind: Field,
    /// The kind as a number, [`KIND_ORDER_SERVICE`], [`KIND_ORDER_BOTH`] or
    /// [`KIND_ORDER_SERVICE_AT_LOCATION`]: the index is sorted by it (see [`settings`]).
    pub kind_order: Field,
    /// The service the document belongs to (deletes go by this).
    pub service_id: Field,
    /// The first 16 bytes of the lower-cased name, as two big-endian numbers: name order.
    pub name_order: [Field; 2],
    /// The first 8 bytes of the id, big-endian: the last tie-break.
    pub tiebreak: Field,
    /// Service name.
    pub name: Field,
    /// Service description and eligibility.
    pub description: Field,
    /// Organization name.
    pub organization: Field,
    /// Names of the service's taxonomy terms (and their broader terms).
    pub taxonomy: Field,
    /// Descriptions of those terms.
    pub taxonomy_description: Field,
    /// Names and published addresses of the locations.
    pub place: Field,
    /// Names of the languages the service is delivered in.
    pub languages_text: Field,
    /// Status, ORUK spelling.
    pub status: Field,
    /// Term ids, with broader terms (fast, for facets).
    pub term_id: Field,
    /// Taxonomy ids of the terms.
    pub taxonomy_id: Field,
    /// Organization id.
    pub organization_id: Field,
    /// ISO 639-3 language codes (fast, for facets).
    pub language: Field,
    /// `free`, `paid` or `not_stated` (fast, for facets).
    pub cost: Field,
    /// Youngest age served (0 when none given).
    pub min_age: Field,
    /// Oldest age served ([`NO_MAXIMUM_AGE`] when none given).
    pub max_age: Field,
    /// The last day (days since 1970) the service counts as taking referrals, from its
    /// capacity; absent when paused or never said.
    pub accepting_until: Field,
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
    /// The grid cells the places are in, at every level of `index::geo::CELL_LEVELS`: the
    /// radius pre-filter.
    pub geo_cell: Field,
    /// Accessibility features of the places (fast, for facets).
    pub accessibility: Field,
    /// Groups the service is suitable for (fast, for facets).
    pub suitable_for: Field,
    /// How it is delivered (fast, for facets).
    pub delivery: Field,
    /// Referral route (fast, for facets).
    pub referral_route: Field,
    /// Day (since 1970-01-01) a person last checked the record; 0 when never.
    pub assured_day: Field,
    /// 1 when temporarily closed.
    pub closed: Field,
    /// Listing words as written (folded, not stemmed), for spelling suggestions.
    pub spell: Field,
    /// Each searchable text field with the field of its adjacent word pairs
    /// ([`super::analysis::IndexAnalysis::words_and_pairs`]): a phrase is looked up as pair
    /// terms instead of by reading word positions, which searchable text does not keep.
    pub pairs: [(Field, Field); 7],
}

impl Fields {
    /// The field holding `field`'s word pairs, when it is searchable text.
    pub fn pairs_of(&self, field: Field) -> Option<Field> {
        self.pairs
            .iter()
            .find(|(text, _)| *text == field)
            .map(|(_, pairs)| *pairs)
    }
}

/// Stand-in for "no maximum age".
pub const NO_MAXIMUM_AGE: f64 = 1_000.0;

/// Kind values.
pub const KIND_SERVICE: &str = "service";
/// Kind values.
pub const KIND_SERVICE_AT_LOCATION: &str = "service_at_location";

/// Names of fast fields that predicates, rankings and facets read by name.
pub mod names {
    /// Encoded opening windows.
    pub const OPENING: &str = "opening";
    /// Encoded places.
    pub const SITE_POINT: &str = "site_point";
    /// Day of the last check.
    pub const ASSURED_DAY: &str = "assured_day";
    /// Temporarily closed flag.
    pub const CLOSED: &str = "closed";
    /// Term ids.
    pub const TERM_ID: &str = "term_id";
    /// Cost.
    pub const COST: &str = "cost";
    /// Languages.
    pub const LANGUAGE: &str = "language";
    /// Delivery.
    pub const DELIVERY: &str = "delivery";
    /// Referral route.
    pub const REFERRAL_ROUTE: &str = "referral_route";
    /// Accessibility.
    pub const ACCESSIBILITY: &str = "accessibility";
    /// Suitable for.
    pub const SUITABLE_FOR: &str = "suitable_for";
    /// Name order.
    pub const NAME_ORDER: [&str; 2] = ["name_order_0", "name_order_1"];
    /// Id tie-break: the id's first 8 bytes.
    pub const TIEBREAK: &str = "tiebreak";
    /// The id's last 8 bytes.
    pub const ID_LOW: &str = "id_low";
    /// The kind, as a number.
    pub const KIND_ORDER: &str = "kind_order";
    /// Wards of the places.
    pub const WARD: &str = "ward";
    /// Localities of the places.
    pub const LOCALITY: &str = "locality";
    /// Wards covered.
    pub const COVER_WARD: &str = "cover_ward";
    /// Localities covered.
    pub const COVER_LOCALITY: &str = "cover_locality";
    /// National coverage.
    pub const NATIONAL: &str = "national";
}

/// Builds the schema and its resolved fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let indexed = |tokenizer| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let mut text_field = |name: &str| {
        (
            builder.add_text_field(name, indexed(ANALYSED)),
            builder.add_text_field(&format!("{name}_pairs"), indexed(ANALYSED)),
        )
    };
    let name = text_field("name");
    let description = text_field("description");
    let organization = text_field("organization");
    let taxonomy = text_field("taxonomy");
    let taxonomy_description = text_field("taxonomy_description");
    let place = text_field("place");
    let languages_text = text_field("languages_text");
    // Keyword and number fields filter, count and sort; nothing scores them, so they keep
    // no field-length norms (a byte per document and field, a tenth of the index's files).
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    );
    let facet = keyword.clone() | FAST;
    let number = || NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        id_low: builder.add_u64_field(names::ID_LOW, FAST),
        kind: builder.add_text_field("kind", keyword.clone()),
        kind_order: builder.add_u64_field(names::KIND_ORDER, FAST),
        service_id: builder.add_text_field("service_id", keyword.clone()),
        name_order: [
            builder.add_u64_field(names::NAME_ORDER[0], FAST),
            builder.add_u64_field(names::NAME_ORDER[1], FAST),
        ],
        tiebreak: builder.add_u64_field(names::TIEBREAK, FAST),
        name: name.0,
        description: description.0,
        organization: organization.0,
        taxonomy: taxonomy.0,
        taxonomy_description: taxonomy_description.0,
        place: place.0,
        languages_text: languages_text.0,
        status: builder.add_text_field("status", keyword.clone()),
        term_id: builder.add_text_field(names::TERM_ID, facet.clone()),
        taxonomy_id: builder.add_text_field("taxonomy_id", keyword.clone()),
        organization_id: builder.add_text_field("organization_id", keyword.clone()),
        language: builder.add_text_field(names::LANGUAGE, facet.clone()),
        cost: builder.add_text_field(names::COST, facet.clone()),
        min_age: builder.add_f64_field("min_age", number()),
        max_age: builder.add_f64_field("max_age", number()),
        accepting_until: builder.add_f64_field("accepting_until", number()),
        modified: builder
            .add_date_field("modified", DateOptions::default().set_indexed().set_fast()),
        opening: builder.add_u64_field(names::OPENING, FAST),
        ward: builder.add_text_field(names::WARD, facet.clone()),
        locality: builder.add_text_field(names::LOCALITY, facet.clone()),
        cover_ward: builder.add_text_field(names::COVER_WARD, facet.clone()),
        cover_locality: builder.add_text_field(names::COVER_LOCALITY, facet.clone()),
        national: builder.add_text_field(names::NATIONAL, facet.clone()),
        coverage: builder.add_text_field("coverage", keyword),
        site_point: builder.add_u64_field(names::SITE_POINT, FAST),
        geo_cell: builder.add_u64_field("geo_cell", NumericOptions::default().set_indexed()),
        accessibility: builder.add_text_field(names::ACCESSIBILITY, facet.clone()),
        suitable_for: builder.add_text_field(names::SUITABLE_FOR, facet.clone()),
        delivery: builder.add_text_field(names::DELIVERY, facet.clone()),
        referral_route: builder.add_text_field(names::REFERRAL_ROUTE, facet),
        assured_day: builder.add_i64_field(names::ASSURED_DAY, FAST),
        closed: builder.add_u64_field(names::CLOSED, FAST),
        spell: builder.add_text_field(
            "spell",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYSED)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        pairs: [
            name,
            description,
            organization,
            taxonomy,
            taxonomy_description,
            place,
            languages_text,
        ],
    };
    (builder.build(), fields)
}

/// [`Fields::kind_order`] of a service's document.
pub const KIND_ORDER_SERVICE: u64 = 0;
/// [`Fields::kind_order`] of a document of both kinds: a service's that stands for its only
/// service_at_location too (`document::sole_link`).
pub const KIND_ORDER_BOTH: u64 = 1;
/// [`Fields::kind_order`] of a service_at_location's document.
pub const KIND_ORDER_SERVICE_AT_LOCATION: u64 = 2;

/// The index's settings: every segment holds its services' documents first, then those of
/// both kinds, then the service_at_locations' (sorted by [`Fields::kind_order`]). A search
/// is for one kind, and its words match documents of both: the documents of each kind are
/// together, so once the words' postings pass the last document of the kind searched, the
/// search ends, and a search for service_at_locations skips the services' documents at
/// once, instead of walking every posting of the other kind to find that none is of its
/// kind.
pub fn settings() -> IndexSettings {
    IndexSettings {
        sort_by_field: Some(IndexSortByField {
            field: names::KIND_ORDER.to_owned(),
            order: Order::Asc,
        }),
        ..IndexSettings::default()
    }
}

/// Registers the tokenizer the schema names; needed every time an index is opened.
pub fn register_tokenizer(index: &Index) {
    index
        .tokenizers()
        .register(ANALYSED, super::analysis::AnalysedTokenizer);
}
