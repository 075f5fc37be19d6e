//! The catalog: the directory's use-cases over the store and the search index.
//!
//! [`Catalog`] is what the HTTP handlers and the command line use. It opens the store and
//! the index together, keeps the index in step with the store (rebuilding it at start-up
//! when it is missing, damaged, of another schema or behind), and is the one write path:
//! [`Catalog::apply`] writes to the store and queues the affected services for indexing
//! under one lock, so the index never records a store generation whose changes it has not
//! been given.

pub mod backup;
pub mod cache;
pub mod export;
pub mod feeds;
pub mod import;
pub mod moderation;
pub mod notes;
pub mod postcodes;
pub mod reminders;
pub mod suggest;
pub mod team_lists;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Utc;

use crate::domain::aggregate::FullService;
use crate::domain::ids::{ServiceAtLocationId, ServiceId};
use crate::domain::taxonomy::TaxonomyTerm;
use crate::geography::{Geography, PlacedService};
use crate::index::indexer::{Indexer, IndexerHandle};
use crate::index::{IndexError, IndexStatus, SearchIndex};
use crate::search::assets::SearchAssets;
use crate::search::query::{FacetCounts, Hit, Hits, ServiceQuery, Target};
use crate::store::{Applied, ChangeSet, SledStore, Store, StoreError, join};

/// Why the catalog failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The indexer could not confirm a commit.
    #[error("search index update failed: {0}")]
    Indexing(String),
    /// A background task failed.
    #[error("a background task failed: {0}")]
    Internal(String),
}

/// How the catalog came up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Why the index was rebuilt at start-up, if it was.
    pub rebuilt_index: Option<String>,
}

/// Store, index and indexer, opened together on one data directory.
pub struct Catalog {
    store: Arc<dyn Store>,
    geography: Arc<Geography>,
    index: Arc<SearchIndex>,
    indexer: Mutex<Option<Indexer>>,
    indexer_handle: IndexerHandle,
    write_lock: Mutex<()>,
    data_dir: PathBuf,
    services: cache::ServiceCache,
    terms: cache::TermCache,
    need_words: suggest::NeedWords,
}

/// One result: a placed service (and, for `/service_at_locations`, which of its links),
/// with the matching part of its description highlighted.
pub struct Found {
    /// The link, for a service_at_location result.
    pub link: Option<ServiceAtLocationId>,
    /// The service.
    pub placed: Arc<PlacedService>,
    /// The matching part of the description, as safe HTML.
    pub highlight: Option<String>,
}

/// A page of results.
pub struct SearchPage {
    /// Total matches over all pages.
    pub total: usize,
    /// The results on this page, in rank order.
    pub found: Vec<Found>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
    /// Whether the text matched only partly (see [`crate::search::query::Hits::relaxed`]).
    pub relaxed: bool,
    /// Words of a relaxed search that nothing matches, as typed.
    pub unmatched: Vec<String>,
}

impl Catalog {
    /// Opens the catalog in `data_dir` (`store/` and `index/` inside it), rebuilding the
    /// index first if it does not reflect the store, the geography and the search assets.
    pub fn open(
        data_dir: &Path,
        geography: Arc<Geography>,
        assets: Arc<SearchAssets>,
    ) -> Result<(Self, OpenReport), CatalogError> {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&data_dir.join("store"))?);
        let derived_from = crate::geography::fingerprint(&[
            &geography.fingerprint().to_be_bytes(),
            &assets.fingerprint().to_be_bytes(),
        ]);
        let (index, status) = SearchIndex::open(&data_dir.join("index"), assets, derived_from)?;
        let index = Arc::new(index);
        let store_generation = store.generation()?;
        let (index_generation, rebuild_reason) = match status {
            IndexStatus::AtGeneration(generation) if generation == store_generation => {
                (generation, None)
            }
            IndexStatus::AtGeneration(generation) => (
                generation,
                Some(format!(
                    "index reflects store generation {generation}, the store is at {store_generation}"
                )),
            ),
            IndexStatus::NeedsRebuild(reason) => (0, Some(reason)),
        };
        let indexer = Indexer::start(
            Arc::clone(&index),
            Arc::clone(&store),
            Arc::clone(&geography),
            index_generation,
        )?;
        let indexer_handle = indexer.handle();
        if let Some(reason) = &rebuild_reason {
            tracing::warn!(reason = %reason, "rebuilding the search index from the store");
            indexer_handle.rebuild();
            indexer_handle
                .flush_blocking()
                .map_err(CatalogError::Indexing)?;
        }
        let catalog = Self {
            store,
            geography,
            index,
            indexer: Mutex::new(Some(indexer)),
            indexer_handle,
            write_lock: Mutex::new(()),
            data_dir: data_dir.to_path_buf(),
            services: cache::ServiceCache::new(cache::DEFAULT_SERVICES),
            terms: cache::TermCache::default(),
            need_words: suggest::NeedWords::default(),
        };
        Ok((
            catalog,
            OpenReport {
                rebuilt_index: rebuild_reason,
            },
        ))
    }

    /// Keeps up to `capacity` services ready for answers instead of
    /// [`cache::DEFAULT_SERVICES`] (0: every answer reads the store).
    pub fn keep_services(mut self, capacity: usize) -> Self {
        self.services = cache::ServiceCache::new(capacity);
        self
    }

    /// The services kept ready for answers.
    pub fn kept_services(&self) -> &cache::ServiceCache {
        &self.services
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The store, for reads.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The search index.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// The geography.
    pub fn geography(&self) -> &Geography {
        &self.geography
    }

    /// Writes `changes` durably and queues the affected services for indexing.
    pub fn apply(&self, changes: &ChangeSet) -> Result<Applied, CatalogError> {
        let held = self.lock_writes();
        self.apply_locked(&held, changes)
    }

    /// Holds off every other write (for a read, check and write that must not interleave).
    fn lock_writes(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// [`Catalog::apply`], for a caller that holds the write lock.
    fn apply_locked(
        &self,
        _held: &std::sync::MutexGuard<'_, ()>,
        changes: &ChangeSet,
    ) -> Result<Applied, CatalogError> {
        let applied = self.store.apply(changes, Utc::now());
        if !changes.taxonomy_terms.is_empty() || !changes.taxonomies.is_empty() {
            // After the write (even a failed one): a read that started before it keeps
            // nothing (see `cache::TermCache`).
            self.terms.forget();
        }
        let applied = applied?;
        // Answers show taxonomies' names beside their terms: a changed taxonomy is shown by
        // services the index need not re-read.
        if changes.taxonomies.is_empty() {
            self.services
                .forget(applied.affected_services.iter().copied());
        } else {
            self.services.forget_all();
        }
        if !applied.affected_services.is_empty() {
            self.indexer_handle.update(
                applied.affected_services.iter().copied().collect(),
                applied.generation,
            );
        }
        Ok(applied)
    }

    /// Queues a service for re-indexing after a write outside [`Catalog::apply`] (its
    /// capacity), which brought the store to `generation`.
    fn queue_index(
        &self,
        _held: &std::sync::MutexGuard<'_, ()>,
        service: ServiceId,
        generation: u64,
    ) {
        self.services.forget([service]);
        self.indexer_handle.update(vec![service], generation);
    }

    /// Waits until every queued change is searchable.
    pub fn wait_for_index(&self) -> Result<(), CatalogError> {
        self.indexer_handle
            .flush_blocking()
            .map_err(CatalogError::Indexing)
    }

    /// Whether the index is merging its segments in the background (searches go on).
    pub fn index_merging(&self) -> bool {
        self.indexer_handle.merging()
    }

    /// Time from acknowledged writes to their being searchable, per index commit.
    pub fn index_lag(&self) -> &crate::metrics::Histogram {
        self.indexer_handle.lag()
    }

    /// Rebuilds the index from the store and waits for it.
    pub fn rebuild_index(&self) -> Result<(), CatalogError> {
        self.indexer_handle.rebuild();
        self.wait_for_index()
    }

    /// A joined service.
    pub fn full_service(&self, id: ServiceId) -> Result<Option<FullService>, CatalogError> {
        Ok(join::full_service(self.store.as_ref(), id)?)
    }

    /// A joined service placed on the map, as answers show it (kept ready for the next
    /// answer: see [`cache`]).
    pub fn placed_service(
        &self,
        id: ServiceId,
    ) -> Result<Option<Arc<PlacedService>>, CatalogError> {
        let miss = match self.services.get(id) {
            Ok(placed) => return Ok(Some(placed)),
            Err(miss) => miss,
        };
        let Some(full) = self.full_service(id)? else {
            return Ok(None);
        };
        let placed = Arc::new(self.geography.place_service(full));
        self.services.keep(miss, id, &placed);
        Ok(Some(placed))
    }

    /// Searches services, or services at locations (by the query's target). Blocking.
    pub fn search(&self, query: &ServiceQuery) -> Result<SearchPage, CatalogError> {
        let (
            Hits {
                total,
                ids,
                facets,
                relaxed,
                unmatched,
            },
            highlighter,
        ) = self.index.search_highlighted(query, true)?;
        let mut found = Vec::with_capacity(ids.len());
        for hit in ids {
            let located = match (query.target, hit) {
                (Target::Services, _) => self
                    .placed_service(ServiceId::from_uuid(hit.id()))?
                    .map(|placed| (None, placed)),
                (Target::ServiceAtLocations, Hit::Own(id)) => self
                    .link(ServiceAtLocationId::from_uuid(id))?
                    .map(|(link, placed)| (Some(link), placed)),
                (Target::ServiceAtLocations, Hit::SoleLinkOf(id)) => self
                    .placed_service(ServiceId::from_uuid(id))?
                    .and_then(|placed| {
                        // A service given a second place since it was indexed: its places'
                        // own documents are on their way.
                        let [link] = placed.full.service.service_at_locations.as_slice() else {
                            return None;
                        };
                        Some((Some(link.id), placed))
                    }),
            };
            let Some((link, placed)) = located else {
                continue;
            };
            let highlight = highlighter.as_ref().and_then(|h| {
                placed
                    .full
                    .service
                    .description
                    .as_deref()
                    .and_then(|text| h.highlight(text))
            });
            found.push(Found {
                link,
                placed,
                highlight,
            });
        }
        Ok(SearchPage {
            total,
            found,
            facets,
            relaxed,
            unmatched,
        })
    }

    /// Every taxonomy term (kept between calls until a write changes terms or taxonomies).
    pub fn taxonomy_terms(&self) -> Result<Arc<cache::Terms>, CatalogError> {
        Ok(self.terms.get_or_load(|| self.store.taxonomy_terms())?)
    }

    /// The needs people can browse by: terms of every taxonomy except "suitable for" ones,
    /// broader terms first, each followed by its narrower terms, by name.
    pub fn needs(&self) -> Result<Vec<TaxonomyTerm>, CatalogError> {
        let store = self.store();
        let suitable: Vec<_> = store
            .taxonomies()?
            .into_iter()
            .filter(|taxonomy| crate::search::features::is_suitable_for_taxonomy(&taxonomy.name))
            .map(|taxonomy| taxonomy.id)
            .collect();
        let mut terms: Vec<TaxonomyTerm> = self
            .taxonomy_terms()?
            .all()
            .iter()
            .filter(|term| term.taxonomy_id.is_none_or(|id| !suitable.contains(&id)))
            .cloned()
            .collect();
        terms.sort_by(|a, b| a.name.cmp(&b.name));
        let (top, narrower): (Vec<_>, Vec<_>) =
            terms.into_iter().partition(|term| term.parent_id.is_none());
        let mut ordered = Vec::with_capacity(top.len() + narrower.len());
        for term in top {
            let id = term.id;
            ordered.push(term);
            ordered.extend(narrower.iter().filter(|n| n.parent_id == Some(id)).cloned());
        }
        Ok(ordered)
    }

    /// A service_at_location and its placed service.
    pub fn link(
        &self,
        id: ServiceAtLocationId,
    ) -> Result<Option<(ServiceAtLocationId, Arc<PlacedService>)>, CatalogError> {
        let Some(service_id) = self.store.service_for_link(id)? else {
            return Ok(None);
        };
        Ok(self.placed_service(service_id)?.map(|placed| (id, placed)))
    }

    /// Commits what is queued and stops the indexer (the store flushes on every write).
    pub fn close(&self) {
        let indexer = self
            .indexer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(indexer) = indexer {
            indexer.stop();
        }
    }
}

impl Drop for Catalog {
    fn drop(&mut self) {
        self.close();
    }
}
