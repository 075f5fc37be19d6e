//! The search index: the only module that uses tantivy.
//!
//! The index is derived from the store and can always be rebuilt from it. [`SearchIndex`]
//! holds the index and one reader for the program's lifetime; each search takes its own
//! searcher (a consistent snapshot). The [`indexer`] thread is the one owner of the
//! `IndexWriter`. Every commit records the schema version and the store generation it
//! reflects, so that at start-up an index that is missing, unreadable, built with another
//! schema or behind the store is detected ([`IndexStatus`]) and rebuilt.
//!
//! Searching is CPU work: callers run [`SearchIndex::search`] off the async executor.

pub mod document;
pub mod geo;
pub mod indexer;
mod query;
pub mod schema;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument};

use crate::search::query::{Area, FacetCounts, FacetRequest, Hits, ServiceQuery};
use schema::Fields;

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
    /// Fingerprint of the geography the placements were derived from.
    geography: u64,
}

/// The index, its reader and its fields.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
    geography: u64,
}

impl SearchIndex {
    /// Opens the index in `dir`, recreating it empty when it is missing, unreadable, of
    /// another schema version, or derived from another geography (fingerprint `geography`).
    pub fn open(dir: &Path, geography: u64) -> Result<(Self, IndexStatus), IndexError> {
        let (schema, fields) = schema::build();
        let (index, status) = match open_existing(dir, &schema, geography) {
            Ok((index, generation)) => (index, IndexStatus::AtGeneration(generation)),
            Err(reason) => {
                recreate_directory(dir)?;
                (
                    Index::create_in_dir(dir, schema)?,
                    IndexStatus::NeedsRebuild(reason),
                )
            }
        };
        schema::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok((
            Self {
                index,
                reader,
                fields,
                path: dir.to_path_buf(),
                geography,
            },
            status,
        ))
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of documents searchable now (services plus services at locations).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a query against a fresh searcher. Blocking, CPU-bound.
    ///
    /// Order: near a postcode, [`geo::NearbyRank`]; otherwise by score (text relevance, plus
    /// a large constant for a place inside a requested area), or by name when there is
    /// neither text nor area; ties by name, then id, so results are deterministic.
    pub fn search(&self, query: &ServiceQuery) -> Result<Hits<String>, IndexError> {
        let searcher = self.reader.searcher();
        let engine_query = query::build(&self.index, &self.fields, query, None)?;
        let page = TopDocs::with_limit(query.page.size).and_offset(query.page.offset());
        let by_name = (SortByString::for_field("sort_name"), Order::Asc);
        let by_id = (SortByString::for_field("id"), Order::Asc);
        let by_score = query.text.is_some() || !query.geo.area_groups.is_empty();
        let (total, ids) = match &query.geo.near {
            Some(near) => {
                let rank = (
                    geo::NearbyRank::new(near.point, query.text.is_some()),
                    Order::Desc,
                );
                let ranked = page.order_by((rank, by_name, by_id));
                let (hits, total) = searcher.search(&engine_query, &(ranked, Count))?;
                (
                    total,
                    hits.into_iter().filter_map(|((_, _, id), _)| id).collect(),
                )
            }
            None if by_score => {
                let ranked = page.order_by(((SortBySimilarityScore, Order::Desc), by_name, by_id));
                let (hits, total) = searcher.search(&engine_query, &(ranked, Count))?;
                (
                    total,
                    hits.into_iter().filter_map(|((_, _, id), _)| id).collect(),
                )
            }
            None => {
                let ranked = page.order_by((by_name, by_id));
                let (hits, total) = searcher.search(&engine_query, &(ranked, Count))?;
                (
                    total,
                    hits.into_iter().filter_map(|((_, id), _)| id).collect(),
                )
            }
        };
        let facets = match &query.facets {
            Some(request) => Some(self.facet_counts(&searcher, query, request)?),
            None => None,
        };
        Ok(Hits { total, ids, facets })
    }

    /// How many results each requested locality and ward would give.
    fn facet_counts(
        &self,
        searcher: &tantivy::Searcher,
        query: &ServiceQuery,
        request: &FacetRequest,
    ) -> Result<FacetCounts, IndexError> {
        let count = |area: Area| -> Result<usize, IndexError> {
            let faceted = query::build(&self.index, &self.fields, query, Some(&area))?;
            Ok(searcher.search(&faceted, &Count)?)
        };
        let mut counts = FacetCounts::default();
        for id in &request.localities {
            counts
                .localities
                .push((id.clone(), count(Area::Locality(id.clone()))?));
        }
        for code in &request.wards {
            counts
                .wards
                .push((code.clone(), count(Area::Ward(code.clone()))?));
        }
        Ok(counts)
    }

    pub(crate) fn writer(&self) -> Result<IndexWriter<TantivyDocument>, IndexError> {
        Ok(self.index.writer_with_num_threads(1, 64_000_000)?)
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    pub(crate) fn geography_fingerprint(&self) -> u64 {
        self.geography
    }

    pub(crate) fn reload(&self) -> Result<(), IndexError> {
        Ok(self.reader.reload()?)
    }
}

fn open_existing(
    dir: &Path,
    schema: &tantivy::schema::Schema,
    geography: u64,
) -> Result<(Index, u64), String> {
    if !dir.exists() {
        return Err("no index yet".to_owned());
    }
    let directory =
        MmapDirectory::open(dir).map_err(|error| format!("no index directory ({error})"))?;
    if !Index::exists(&directory).map_err(|error| format!("index unreadable ({error})"))? {
        return Err("no index yet".to_owned());
    }
    let index = Index::open(directory).map_err(|error| format!("index unreadable ({error})"))?;
    if &index.schema() != schema {
        return Err("index built with a different schema".to_owned());
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
    if payload.geography != geography {
        return Err("index built with other geography data".to_owned());
    }
    if payload.geography != geography {
        return Err("index built from other geography data".to_owned());
    }
    Ok((index, payload.generation))
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

fn commit_payload(generation: u64, geography: u64) -> String {
    serde_json::to_string(&CommitPayload {
        schema_version: schema::SCHEMA_VERSION,
        generation,
        geography,
    })
    .expect("payload serialises")
}
