//! The index schema: every field in one place, resolved once into [`Fields`].
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, its options or the analysis change: an index
//! built under another version is rebuilt from the store at start-up. (Changes to the
//! editable search assets are caught by their fingerprint instead.)

use tantivy::schema::{
    DateOptions, FAST, Field, IndexRecordOption, NumericOptions, Schema, Term, TextFieldIndexing,
    TextOptions,
};
use tantivy::{Index, IndexSettings, IndexSortByField, Order, TantivyDocument};

/// Version of the schema and analysis; stored with every commit.
pub const SCHEMA_VERSION: u32 = 15;

/// Name of the one field every keyword's terms are in ([`Keyword`]).
pub const KEYWORDS: &str = "keywords";

/// Ends a keyword's key in its terms: `ward\u{1f}E05009317`.
const KEY_END: char = '\u{1f}';

/// A keyword of the documents (kind, status, ward, need, ...): what filters match on, and
/// for the facets' dimensions also a column of values to count.
///
/// Every keyword's terms are in one indexed field, each term its key and value
/// ([`KEYWORDS`]). A commit writes a dictionary (an FST) for every field with terms in its
/// segment, and starting one sets about a megabyte of memory: with a field per keyword, a
/// commit of one changed service started some thirty dictionaries, the largest part of
/// its work (BENCHMARKS.md, "Changes measured").
#[derive(Clone, Copy, Debug)]
pub struct Keyword {
    field: Field,
    key: &'static str,
    column: Option<Field>,
}

impl Keyword {
    /// The term of `value`.
    pub fn term(&self, value: &str) -> Term {
        Term::from_field_text(self.field, &self.text(value))
    }

    /// Gives `doc` the keyword `value` (its term, and its column's value when it has one).
    pub fn add(&self, doc: &mut TantivyDocument, value: &str) {
        doc.add_text(self.field, self.text(value));
        if let Some(column) = self.column {
            doc.add_text(column, value);
        }
    }

    fn text(&self, value: &str) -> String {
        let mut text = String::with_capacity(self.key.len() + 1 + value.len());
        text.push_str(self.key);
        text.push(KEY_END);
        text.push_str(value);
        text
    }
}

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
    pub kind: Keyword,
    /// The kind as a number, [`KIND_ORDER_SERVICE`], [`KIND_ORDER_BOTH`] or
    /// [`KIND_ORDER_SERVICE_AT_LOCATION`]: the index is sorted by it (see [`settings`]).
    pub kind_order: Field,
    /// The service the document belongs to (deletes go by this).
    pub service_id: Keyword,
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
    pub status: Keyword,
    /// Term ids, with broader terms (fast, for facets).
    pub term_id: Keyword,
    /// Taxonomy ids of the terms.
    pub taxonomy_id: Keyword,
    /// Organization id.
    pub organization_id: Keyword,
    /// ISO 639-3 language codes (fast, for facets).
    pub language: Keyword,
    /// `free`, `paid` or `not_stated` (fast, for facets).
    pub cost: Keyword,
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
    pub ward: Keyword,
    /// Locality ids of the places.
    pub locality: Keyword,
    /// Ward codes the service covers.
    pub cover_ward: Keyword,
    /// Locality ids the service covers entirely.
    pub cover_locality: Keyword,
    /// `national` when the service covers the whole country.
    pub national: Keyword,
    /// `declared` when the service covers an area (said, or assumed for helplines), `none`
    /// when it only has places.
    pub coverage: Keyword,
    /// Places as encoded points (multi-valued; see `index::geo`).
    pub site_point: Field,
    /// The grid cells the places are in, at every level of `index::geo::CELL_LEVELS`: the
    /// radius pre-filter.
    pub geo_cell: Keyword,
    /// Accessibility features of the places (fast, for facets).
    pub accessibility: Keyword,
    /// Groups the service is suitable for (fast, for facets).
    pub suitable_for: Keyword,
    /// How it is delivered (fast, for facets).
    pub delivery: Keyword,
    /// Referral route (fast, for facets).
    pub referral_route: Keyword,
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
    let indexed = |record| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYSED)
                .set_index_option(record),
        )
    };
    // A word pair's frequency is all but always 1: its postings keep the documents only
    // (scored as a frequency of 1), which takes 2.8 MB (8 %) off the 100k index. Its
    // length norms stay: without them recall@20 on the judged queries fell 0.902 -> 0.889.
    let mut text_field = |name: &str| {
        (
            builder.add_text_field(name, indexed(IndexRecordOption::WithFreqs)),
            builder.add_text_field(&format!("{name}_pairs"), indexed(IndexRecordOption::Basic)),
        )
    };
    let name = text_field("name");
    let description = text_field("description");
    let organization = text_field("organization");
    let taxonomy = text_field("taxonomy");
    let taxonomy_description = text_field("taxonomy_description");
    let place = text_field("place");
    let languages_text = text_field("languages_text");
    // Keywords filter and count, numbers filter and sort; nothing scores them, so they keep
    // no field-length norms (a byte per document and field, a tenth of the index's files).
    let keywords = builder.add_text_field(
        KEYWORDS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    let keyword = |key: &'static str| Keyword {
        field: keywords,
        key,
        column: None,
    };
    // A facet's values are a column too, under the keyword's own name.
    let mut facet = |key: &'static str| Keyword {
        field: keywords,
        key,
        column: Some(builder.add_text_field(key, FAST)),
    };
    let ward = facet(names::WARD);
    let locality = facet(names::LOCALITY);
    let cover_ward = facet(names::COVER_WARD);
    let cover_locality = facet(names::COVER_LOCALITY);
    let national = facet(names::NATIONAL);
    let term_id = facet(names::TERM_ID);
    let language = facet(names::LANGUAGE);
    let cost = facet(names::COST);
    let accessibility = facet(names::ACCESSIBILITY);
    let suitable_for = facet(names::SUITABLE_FOR);
    let delivery = facet(names::DELIVERY);
    let referral_route = facet(names::REFERRAL_ROUTE);
    // Ranges are answered from the columns: numbers need no terms.
    let number = || NumericOptions::default().set_fast();
    let fields = Fields {
        id_low: builder.add_u64_field(names::ID_LOW, FAST),
        kind: keyword("kind"),
        kind_order: builder.add_u64_field(names::KIND_ORDER, FAST),
        service_id: keyword("service_id"),
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
        status: keyword("status"),
        term_id,
        taxonomy_id: keyword("taxonomy_id"),
        organization_id: keyword("organization_id"),
        language,
        cost,
        min_age: builder.add_f64_field("min_age", number()),
        max_age: builder.add_f64_field("max_age", number()),
        accepting_until: builder.add_f64_field("accepting_until", number()),
        modified: builder.add_date_field("modified", DateOptions::default().set_fast()),
        opening: builder.add_u64_field(names::OPENING, FAST),
        ward,
        locality,
        cover_ward,
        cover_locality,
        national,
        coverage: keyword("coverage"),
        site_point: builder.add_u64_field(names::SITE_POINT, FAST),
        geo_cell: keyword("geo_cell"),
        accessibility,
        suitable_for,
        delivery,
        referral_route,
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
