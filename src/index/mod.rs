//! The search index: the only module that uses tantivy.
//!
//! The index is derived from the store and can always be rebuilt from it. [`SearchIndex`]
//! holds the index and one reader for the program's lifetime; each search takes its own
//! searcher (a consistent snapshot). The [`indexer`] thread is the one owner of the
//! `IndexWriter`. Every commit records the schema version, the store generation it reflects
//! and a fingerprint of what documents are derived with (geography and search assets), so
//! that at start-up an index that is missing, unreadable, of another schema, behind the
//! store, or derived differently is detected ([`IndexStatus`]) and rebuilt.
//!
//! Searching is CPU work: callers run [`SearchIndex::search`] off the async executor.
//! A search that has the machine to itself walks a large index's segments side by side on
//! the search threads ([`lanes`]).

pub mod analysis;
mod census;
mod directory;
pub mod document;
mod facets;
pub mod geo;
mod highlight;
pub mod indexer;
mod lanes;
mod listed;
mod query;
pub mod rank;
pub mod schema;
pub mod spelling;
pub mod synonyms;
mod typos;
mod union;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

pub use highlight::Highlighter;
pub use query::TextPlan;

use crate::search::assets::SearchAssets;
use crate::search::query::{Hit, Hits, ServiceQuery, Target};
use directory::DerivedDirectory;
use schema::Fields;
use synonyms::{SearchWords, Synonyms};

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The engine failed.
    #[error("search index failure: {0}")]
    Engine(#[from] tantivy::TantivyError),
    /// The index directory could not be prepared.
    #[error("cannot prepare the search index directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What the index found when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// The index is complete up to this store generation.
    AtGeneration(u64),
    /// The index was (re)created empty and must be rebuilt; the reason says why.
    NeedsRebuild(String),
}

/// What each commit records.
#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    schema_version: u32,
    generation: u64,
    /// Fingerprint of the geography and search assets documents were derived with.
    derived_from: u64,
}

/// A search with fewer results than this (matching enough of its words) is widened to
/// results matching fewer of them.
pub const RELAXED_WHEN_FEWER: usize = 10;

/// A listing (no text, no place, no facets, no filter but statuses) asked for a page this
/// deep or deeper is answered from its whole order, kept per searcher (`DeepListing`).
pub const DEEP_LISTING_OFFSET: usize = 500;

/// Languages whose services suit a search written in Bengali script or romanised Bengali or
/// Sylheti (Sylheti is mostly written in Bengali script).
pub const SEARCH_IN_BENGALI: [&str; 2] = ["ben", "syl"];

/// A unit of a search that matches more than this share of the directory says little about
/// what is wanted: in a relaxed search, matching it does not move a result up a tier.
pub const COMMON_SHARE: f64 = 0.25;

/// The index, its reader, its fields, and the search assets it analyses with.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
    derived_from: u64,
    assets: Arc<SearchAssets>,
    analyzer: TextAnalyzer,
    full_analyzer: TextAnalyzer,
    synonyms: Synonyms,
    columns: Arc<rank::ColumnCache>,
    /// Descriptions' analysed words, for highlighting.
    texts: Arc<highlight::AnalysedTexts>,
    /// The last deep listing's whole order.
    deep_listing: std::sync::Mutex<Option<Arc<DeepListing>>>,
    /// The threads a lone search walks its segments on.
    lanes: lanes::Lanes,
}

/// The whole order of a listing, for its deep pages: a consumer of the API reading the whole
/// directory page by page (as ORUK feed readers do) asks for every page in turn, and each
/// page ranked every service again to find where it starts: reading 100k services 20 at a
/// time ranked them 5,000 times, a deep page taking 12-22 ms against 4.4 ms for the first.
/// Kept for one searcher (a commit brings another: the order is made again at the next deep
/// page, 35 ms at 100k) and one day (the ranking judges freshness by it); 8 bytes a listing.
struct DeepListing {
    generation: u64,
    target: Target,
    filters: crate::search::query::Filters,
    order: Vec<tantivy::DocAddress>,
}

/// A page of a search: the ids, the total, whether the text had to be relaxed, and facets.
pub type SearchHits = Hits<Hit>;

/// The ids of the documents at `addresses`, in their order, read from the two columns that
/// hold them ([`schema::Fields::tiebreak`], [`schema::Fields::id_low`]); in a search for
/// service_at_locations, a document of both kinds ([`schema::KIND_ORDER_BOTH`]) holds its
/// service's id.
fn hit_ids(
    searcher: &tantivy::Searcher,
    columns: &rank::ColumnCache,
    target: Target,
    addresses: impl ExactSizeIterator<Item = tantivy::DocAddress>,
) -> Vec<Hit> {
    let mut ids = Vec::with_capacity(addresses.len());
    for address in addresses {
        let segment = columns.columns(searcher.segment_reader(address.segment_ord));
        let value = |column: &Option<tantivy::columnar::Column<u64>>| {
            column
                .as_ref()
                .and_then(|column| column.first(address.doc_id))
        };
        let (Some(high), Some(low)) = (value(&segment.tiebreak), value(&segment.id_low)) else {
            continue;
        };
        let id = uuid::Uuid::from_u64_pair(high, low);
        let both = target == Target::ServiceAtLocations
            && value(&segment.kind_order) == Some(schema::KIND_ORDER_BOTH);
        ids.push(if both {
            Hit::SoleLinkOf(id)
        } else {
            Hit::Own(id)
        });
    }
    ids
}

impl SearchIndex {
    /// Opens the index in `dir`, recreating it empty when it is missing, unreadable, of
    /// another schema version, or derived from something else than `derived_from` (a
    /// fingerprint of the geography and search assets).
    pub fn open(
        dir: &Path,
        assets: Arc<SearchAssets>,
        derived_from: u64,
    ) -> Result<(Self, IndexStatus), IndexError> {
        let (schema, fields) = schema::build();
        let (index, status) = match open_existing(dir, &schema, derived_from) {
            Ok((index, generation)) => (index, IndexStatus::AtGeneration(generation)),
            Err(reason) => {
                recreate_directory(dir)?;
                let directory = DerivedDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
                (
                    Index::builder()
                        .schema(schema)
                        .settings(schema::settings())
                        .open_or_create(directory)?,
                    IndexStatus::NeedsRebuild(reason),
                )
            }
        };
        let mut analyzer = analysis::text_analyzer(&assets.stop_words);
        let mut full_analyzer = analysis::full_analyzer();
        let synonyms = Synonyms::compile(&assets.synonyms, &mut analyzer, &mut full_analyzer);
        schema::register_tokenizer(&index);
        let columns = Arc::new(rank::ColumnCache::default());
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&columns) as _;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()?;
        let texts = Arc::new(highlight::AnalysedTexts::new(analyzer.clone()));
        let opened = Self {
            texts,
            index,
            reader,
            fields,
            path: dir.to_path_buf(),
            derived_from,
            assets,
            analyzer,
            full_analyzer,
            synonyms,
            columns,
            deep_listing: std::sync::Mutex::new(None),
            lanes: lanes::Lanes::for_this_machine(),
        };
        Ok((opened, status))
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The search assets in use.
    pub fn assets(&self) -> &SearchAssets {
        &self.assets
    }

    /// The analysis that text gets before it is indexed ([`document::analysed`]), with this
    /// index's stop words.
    pub fn index_analysis(&self) -> analysis::IndexAnalysis {
        analysis::IndexAnalysis::new(self.analyzer.clone(), spelling::spell_analyzer())
    }

    /// Number of documents searchable now (services plus services at locations).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of segments searched now (each search pays for each one; idle merges keep
    /// them few).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// How many segments the index is kept in when settled: one per core a lone search can
    /// use, once the index is large enough for that to pay (see [`lanes`]).
    pub fn parts(&self) -> usize {
        self.parts_of(u32::try_from(self.num_docs()).unwrap_or(u32::MAX))
    }

    /// [`SearchIndex::parts`] for an index of `documents`.
    fn parts_of(&self, documents: u32) -> usize {
        lanes::parts_for(documents, self.lanes.count())
    }

    /// The analysed plan of a search's text.
    pub fn plan(&self, text: &str) -> TextPlan {
        let words = SearchWords::analyse(
            &mut self.analyzer.clone(),
            &mut self.full_analyzer.clone(),
            text,
        );
        let bengali = text.chars().any(|c| ('\u{0980}'..='\u{09ff}').contains(&c))
            || !crate::search::features::values_in(text, &self.assets.features.search_language)
                .is_empty();
        TextPlan {
            units: self.synonyms.units(&words),
            languages: if bengali {
                SEARCH_IN_BENGALI
                    .iter()
                    .map(|code| (*code).to_owned())
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// Runs a query against a fresh searcher. Blocking, CPU-bound.
    ///
    /// When text requires more than one unit and fewer than [`RELAXED_WHEN_FEWER`] results
    /// match that many, the search is run again requiring one unit fewer at a time (down to
    /// one) until that many do; results matching more units rank first, and
    /// [`Hits::relaxed`] says that some match only part of the words.
    pub fn search(&self, query: &ServiceQuery) -> Result<SearchHits, IndexError> {
        Ok(self.search_highlighted(query, false)?.0)
    }

    /// [`SearchIndex::search`], and (with `highlight`, when the query has text) a highlighter
    /// of description text for its words, from the same analysis.
    pub fn search_highlighted(
        &self,
        query: &ServiceQuery,
        highlight: bool,
    ) -> Result<(SearchHits, Option<Highlighter>), IndexError> {
        let searcher = self.reader.searcher();
        let entered = self.lanes.enter(&searcher);
        if let Some(hits) = self.deep_listing_page(&entered, query)? {
            return Ok((hits, None));
        }
        let mut plan = self.resolved_plan(&searcher, query)?;
        // The page at the plan's own level counts its results too: most searches need no
        // other pass. Only a multi-unit search with too few results looks for a wider level.
        let in_pass = query
            .facets
            .as_ref()
            .map(|request| facets::InPass::of(query, request, Arc::clone(&self.columns)));
        let (mut hits, mut counted) =
            self.ranked(&entered, query, plan.as_ref(), None, in_pass.as_ref())?;
        let mut required = None;
        if let Some(plan) = plan.as_mut()
            && hits.total < RELAXED_WHEN_FEWER
            && plan.required() >= 2
        {
            required = self.relaxed_level(&searcher, query, hits.total, plan)?.1;
            if required.is_some() {
                (hits, counted) =
                    self.ranked(&entered, query, Some(plan), required, in_pass.as_ref())?;
            }
        }
        hits.relaxed = required.is_some();
        if hits.relaxed {
            hits.unmatched = plan
                .iter()
                .flat_map(|plan| &plan.units)
                .filter(|unit| unit.unknown)
                .map(|unit| unit.typed.clone())
                .collect();
        }
        if let Some(request) = &query.facets {
            hits.facets = Some(facets::count(
                &entered,
                self.builder(),
                query,
                plan.as_ref(),
                required,
                request,
                counted.unwrap_or_default(),
            )?);
        }
        let highlighter = match plan.as_ref().filter(|_| highlight) {
            Some(plan) => Some(highlight::Highlighter::new(
                &searcher,
                &self.fields,
                plan,
                Arc::clone(&self.texts),
            )?),
            None => None,
        };
        Ok((hits, highlighter))
    }

    /// How many results a query gives, relaxed as [`SearchIndex::search`] would (for
    /// suggestions).
    pub fn total(&self, query: &ServiceQuery) -> Result<usize, IndexError> {
        let searcher = self.reader.searcher();
        let mut plan = self.resolved_plan(&searcher, query)?;
        Ok(self.matching_level(&searcher, query, plan.as_mut())?.0)
    }

    /// What this index's engine queries are built from.
    fn builder(&self) -> query::Builder<'_> {
        query::Builder {
            fields: &self.fields,
            kept: self.columns.listed(),
        }
    }

    /// How many documents a query (at `required` units of its text) matches.
    fn count(
        &self,
        searcher: &tantivy::Searcher,
        query: &ServiceQuery,
        plan: Option<&TextPlan>,
        required: Option<usize>,
    ) -> tantivy::Result<usize> {
        let variant = query::Variant {
            required,
            ..query::Variant::default()
        };
        searcher.search(&self.builder().build(query, plan, variant), &Count)
    }

    /// The plan of a query's text, its typos and prefixes resolved in this searcher's words.
    fn resolved_plan(
        &self,
        searcher: &tantivy::Searcher,
        query: &ServiceQuery,
    ) -> Result<Option<TextPlan>, IndexError> {
        let Some(text) = &query.text else {
            return Ok(None);
        };
        let mut plan = self.plan(text);
        typos::resolve(
            searcher,
            &self.columns,
            &query::searched_fields(&self.fields),
            &mut plan,
        )?;
        Ok(Some(plan))
    }

    /// How many units of the text to require: `None` for the plan's own number, or fewer
    /// when that gives fewer than [`RELAXED_WHEN_FEWER`] results and fewer gives more;
    /// with the number of results.
    fn matching_level(
        &self,
        searcher: &tantivy::Searcher,
        query: &ServiceQuery,
        plan: Option<&mut TextPlan>,
    ) -> Result<(usize, Option<usize>), IndexError> {
        let Some(plan) = plan else {
            return Ok((self.count(searcher, query, None, None)?, None));
        };
        let total = self.count(searcher, query, Some(plan), None)?;
        if total >= RELAXED_WHEN_FEWER || plan.required() < 2 {
            return Ok((total, None));
        }
        self.relaxed_level(searcher, query, total, plan)
    }

    /// For a search whose own level gives `total` (< [`RELAXED_WHEN_FEWER`]) results: the
    /// fewer units to require, when that gives more results (down to one unit, stopping at
    /// the first level with enough), with its number of results; `(total, None)` when no
    /// level gives more. Marks the plan's common and unknown units on the way.
    fn relaxed_level(
        &self,
        searcher: &tantivy::Searcher,
        query: &ServiceQuery,
        total: usize,
        plan: &mut TextPlan,
    ) -> Result<(usize, Option<usize>), IndexError> {
        let census = census::take(searcher, self.builder(), query, plan)?;
        mark_common_units(searcher, &self.fields, query.target, &census, plan)?;
        let mut best = (total, None);
        for fewer in (1..plan.required()).rev() {
            let total = census.at_least(fewer);
            if total > best.0 {
                best = (total, Some(fewer));
            }
            if total >= RELAXED_WHEN_FEWER {
                break;
            }
        }
        Ok(best)
    }

    /// A deep page of a plain listing (see [`DeepListing`]), from the listing's whole order,
    /// made now if this searcher has not made it for these filters today; `None` for any
    /// other search or page.
    fn deep_listing_page(
        &self,
        entered: &lanes::Entered<'_>,
        query: &ServiceQuery,
    ) -> Result<Option<SearchHits>, IndexError> {
        let searcher = entered.searcher();
        // The cheap tests first: this runs before every search.
        let offset = query.page.offset();
        let plain = offset >= DEEP_LISTING_OFFSET
            && query.text.is_none()
            && query.geo.is_empty()
            && query.facets.is_none()
            && query.filters == plain_filters(&query.filters);
        if !plain {
            return Ok(None);
        }
        let generation = searcher.generation().generation_id();
        // Midnight of the day: the order depends on the day (freshness), not the time.
        let filters = crate::search::query::Filters {
            now: query.filters.today().and_time(chrono::NaiveTime::MIN),
            ..query.filters.clone()
        };
        let kept = rank::lock(&self.deep_listing).clone().filter(|kept| {
            kept.generation == generation && kept.target == query.target && kept.filters == filters
        });
        let listing = match kept {
            Some(listing) => listing,
            None => {
                let all = ServiceQuery {
                    filters: filters.clone(),
                    page: crate::search::query::PageRequest {
                        number: 1,
                        size: self.count(searcher, query, None, None)?.max(1),
                    },
                    ..query.clone()
                };
                let order = self.ranked_addresses(entered, &all, None, None, None)?.0;
                let listing = Arc::new(DeepListing {
                    generation,
                    target: query.target,
                    filters,
                    order,
                });
                *rank::lock(&self.deep_listing) = Some(Arc::clone(&listing));
                listing
            }
        };
        let page = listing.order.iter().skip(offset).take(query.page.size);
        Ok(Some(self.page_hits(
            searcher,
            query.target,
            listing.order.len(),
            page.copied().collect(),
        )))
    }

    /// A page of `total` results: the ids of `addresses`, in their order.
    fn page_hits(
        &self,
        searcher: &tantivy::Searcher,
        target: Target,
        total: usize,
        addresses: Vec<tantivy::DocAddress>,
    ) -> SearchHits {
        Hits {
            total,
            ids: hit_ids(searcher, &self.columns, target, addresses.into_iter()),
            facets: None,
            relaxed: false,
            unmatched: Vec::new(),
        }
    }

    fn ranked(
        &self,
        entered: &lanes::Entered<'_>,
        query: &ServiceQuery,
        plan: Option<&TextPlan>,
        required: Option<usize>,
        in_pass: Option<&facets::InPass>,
    ) -> Result<(SearchHits, Option<facets::PassCounts>), IndexError> {
        let (addresses, total, counted) =
            self.ranked_addresses(entered, query, plan, required, in_pass)?;
        Ok((
            self.page_hits(entered.searcher(), query.target, total, addresses),
            counted,
        ))
    }

    /// The documents of a query's page in rank order, how many match, and the facets
    /// counted on the way.
    fn ranked_addresses(
        &self,
        entered: &lanes::Entered<'_>,
        query: &ServiceQuery,
        plan: Option<&TextPlan>,
        required: Option<usize>,
        in_pass: Option<&facets::InPass>,
    ) -> Result<(Vec<tantivy::DocAddress>, usize, Option<facets::PassCounts>), IndexError> {
        let engine_query = self.builder().build(
            query,
            plan,
            query::Variant {
                required,
                ..query::Variant::default()
            },
        );
        let mode = match &query.geo.near {
            Some(near) => rank::Mode::Nearby {
                centre: crate::domain::geo::Near::new(near.point),
                text: query.text.is_some(),
                by_distance: near.by_distance,
            },
            None if query.text.is_some() || !query.geo.area_groups.is_empty() => {
                rank::Mode::Relevance
            }
            None => rank::Mode::Browse,
        };
        let today = (query.filters.today()
            - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid"))
        .num_days();
        let page = TopDocs::with_limit(query.page.size)
            .and_offset(query.page.offset())
            .order_by(rank::Rank::new(mode, today, Arc::clone(&self.columns)));
        let (hits, total, counted) =
            entered.search(&engine_query, &(page, Count, in_pass.cloned()))?;
        let addresses = hits.into_iter().map(|(_, address)| address).collect();
        Ok((addresses, total, counted))
    }

    /// Spelling suggestions for the words of a text: each word the listings do not use,
    /// replaced by the most used word within two edits; `None` when nothing changes.
    pub fn respell(&self, text: &str) -> Result<Option<String>, IndexError> {
        spelling::respell(
            &self.reader.searcher(),
            &self.fields,
            &self.assets.stop_words,
            text,
        )
    }

    pub(crate) fn writer(&self) -> Result<IndexWriter<TantivyDocument>, IndexError> {
        Ok(self.index.writer_with_num_threads(1, 64_000_000)?)
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    pub(crate) fn derived_from(&self) -> u64 {
        self.derived_from
    }

    pub(crate) fn reload(&self) -> Result<(), IndexError> {
        Ok(self.reader.reload()?)
    }

    /// Whether the reader searches other segments than `committed`, the index's.
    pub(crate) fn searches_other_segments(
        &self,
        committed: &[tantivy::index::SegmentMeta],
    ) -> bool {
        let searcher = self.reader.searcher();
        let searched = searcher.segment_readers();
        searched.len() != committed.len()
            || searched.iter().any(|reader| {
                !committed
                    .iter()
                    .any(|meta| meta.id() == reader.segment_id())
            })
    }

    /// Adds (uncommitted) a service document of `name` in `language`, analysed as the
    /// indexer analyses documents, with whatever else `more` adds: for tests that need
    /// documents without a store.
    #[cfg(test)]
    pub(crate) fn add_test_service(
        &self,
        writer: &mut IndexWriter,
        analysis: &mut analysis::IndexAnalysis,
        (name, language): (&str, &str),
        more: impl FnOnce(&mut TantivyDocument),
    ) {
        let fields = &self.fields;
        let mut doc = TantivyDocument::new();
        fields.kind.add(&mut doc, schema::KIND_SERVICE);
        doc.add_u64(fields.kind_order, schema::KIND_ORDER_SERVICE);
        doc.add_text(fields.name, name);
        fields.language.add(&mut doc, language);
        more(&mut doc);
        writer
            .add_document(document::analysed(fields, analysis, &doc))
            .unwrap();
    }
}

/// `filters` with nothing set but their statuses and time: what a plain listing has.
fn plain_filters(filters: &crate::search::query::Filters) -> crate::search::query::Filters {
    crate::search::query::Filters {
        statuses: filters.statuses.clone(),
        ..crate::search::query::Filters::new(filters.now)
    }
}

/// Marks the units that match more than [`COMMON_SHARE`] of the documents of the search's
/// kind, and those that match none.
fn mark_common_units(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    target: crate::search::query::Target,
    census: &census::Census,
    plan: &mut TextPlan,
) -> Result<(), IndexError> {
    let all = searcher.search(&query::kind_query(fields, target), &Count)?;
    for (unit, &matching) in plan.units.iter_mut().zip(&census.per_unit) {
        unit.common = (matching as f64) > COMMON_SHARE * (all as f64);
        unit.unknown = matching == 0;
    }
    Ok(())
}

fn open_existing(
    dir: &Path,
    schema: &tantivy::schema::Schema,
    derived_from: u64,
) -> Result<(Index, u64), String> {
    if !dir.exists() {
        return Err("no index yet".to_owned());
    }
    let directory =
        DerivedDirectory::open(dir).map_err(|error| format!("no index directory ({error})"))?;
    if !Index::exists(&directory).map_err(|error| format!("index unreadable ({error})"))? {
        return Err("no index yet".to_owned());
    }
    let index = Index::open(directory).map_err(|error| format!("index unreadable ({error})"))?;
    if &index.schema() != schema {
        return Err("index built with a different schema".to_owned());
    }
    if index.settings().sort_by_field != schema::settings().sort_by_field {
        return Err("index built with a different document order".to_owned());
    }
    let metas = index
        .load_metas()
        .map_err(|error| format!("index metadata unreadable ({error})"))?;
    let payload: CommitPayload = metas
        .payload
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(|| "index has no commit record".to_owned())?;
    if payload.schema_version != schema::SCHEMA_VERSION {
        return Err(format!(
            "index built with schema version {} (this build uses {})",
            payload.schema_version,
            schema::SCHEMA_VERSION
        ));
    }
    if payload.derived_from != derived_from {
        return Err("index built from other geography data or search assets".to_owned());
    }
    check_files(&index)?;
    Ok((index, payload.generation))
}

/// Every file of every segment the commit names is there, whole (tantivy's checksums) and
/// opens: a truncated, overwritten or missing file means a rebuild, never a search on half
/// an index (or a panic at the first query that reaches the damage).
fn check_files(index: &Index) -> Result<(), String> {
    // tantivy panics on a file shorter than its footer (found by the start-up test that
    // overwrites segment files): that is damage too.
    let damaged =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index.validate_checksum()))
            .map_err(|_| "index files damaged (a file too short to be whole)".to_owned())?
            .map_err(|error| format!("index files unreadable ({error})"))?;
    if let Some(file) = damaged.iter().min() {
        return Err(format!(
            "index damaged: {} file(s) fail their checksum, e.g. {}",
            damaged.len(),
            file.display()
        ));
    }
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map(|_: IndexReader| ())
        .map_err(|error| format!("index segments unreadable ({error})"))
}

fn recreate_directory(dir: &Path) -> Result<(), IndexError> {
    let failed = |source| IndexError::Directory {
        path: dir.display().to_string(),
        source,
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(failed)?;
    }
    std::fs::create_dir_all(dir).map_err(failed)
}

fn commit_payload(generation: u64, derived_from: u64) -> String {
    serde_json::to_string(&CommitPayload {
        schema_version: schema::SCHEMA_VERSION,
        generation,
        derived_from,
    })
    .expect("payload serialises")
}
