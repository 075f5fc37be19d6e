//! The catalog: the directory's use-cases over the store and the search index.
//!
//! [`Catalog`] is what the HTTP handlers and the command line use. It opens the store and
//! the index together, keeps the index in step with the store (rebuilding it at start-up
//! when it is missing, damaged, of another schema or behind), and is the one write path:
//! [`Catalog::apply`] writes to the store and queues the affected services for indexing
//! under one lock, so the index never records a store generation whose changes it has not
//! been given.

pub mod export;
pub mod import;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Utc;

use crate::domain::aggregate::FullService;
use crate::domain::ids::{ServiceAtLocationId, ServiceId};
use crate::geography::{Geography, PlacedService};
use crate::index::indexer::{Indexer, IndexerHandle};
use crate::index::{IndexError, IndexStatus, SearchIndex};
use crate::search::query::{FacetCounts, Hits, ServiceQuery, Target};
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
}

/// A page of placed services, the total number of matches and any facet counts.
pub struct ServicePage {
    /// Total matches over all pages.
    pub total: usize,
    /// The services on this page, in rank order.
    pub services: Vec<PlacedService>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
}

/// A page of service_at_location links (with their placed service) and the total.
pub struct LinkPage {
    /// Total matches over all pages.
    pub total: usize,
    /// Each link with its service, in rank order.
    pub links: Vec<(ServiceAtLocationId, PlacedService)>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
}

impl Catalog {
    /// Opens the catalog in `data_dir` (`store/` and `index/` inside it), rebuilding the
    /// index first if it does not reflect the store and the geography.
    pub fn open(
        data_dir: &Path,
        geography: Arc<Geography>,
    ) -> Result<(Self, OpenReport), CatalogError> {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&data_dir.join("store"))?);
        let (index, status) = SearchIndex::open(&data_dir.join("index"), geography.fingerprint())?;
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
        };
        Ok((
            catalog,
            OpenReport {
                rebuilt_index: rebuild_reason,
            },
        ))
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
        let _one_writer = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let applied = self.store.apply(changes, Utc::now())?;
        if !applied.affected_services.is_empty() {
            self.indexer_handle.update(
                applied.affected_services.iter().copied().collect(),
                applied.generation,
            );
        }
        Ok(applied)
    }

    /// Waits until every queued change is searchable.
    pub fn wait_for_index(&self) -> Result<(), CatalogError> {
        self.indexer_handle
            .flush_blocking()
            .map_err(CatalogError::Indexing)
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

    /// A joined service placed on the map.
    pub fn placed_service(&self, id: ServiceId) -> Result<Option<PlacedService>, CatalogError> {
        Ok(self
            .full_service(id)?
            .map(|full| self.geography.place_service(full)))
    }

    /// Searches services. Blocking.
    pub fn search_services(&self, query: &ServiceQuery) -> Result<ServicePage, CatalogError> {
        debug_assert_eq!(query.target, Target::Services);
        let Hits { total, ids, facets } = self.index.search(query)?;
        let mut services = Vec::with_capacity(ids.len());
        for id in ids {
            let Ok(id) = ServiceId::parse(&id) else {
                continue;
            };
            if let Some(placed) = self.placed_service(id)? {
                services.push(placed);
            }
        }
        Ok(ServicePage {
            total,
            services,
            facets,
        })
    }

    /// Searches services at locations. Blocking.
    pub fn search_links(&self, query: &ServiceQuery) -> Result<LinkPage, CatalogError> {
        debug_assert_eq!(query.target, Target::ServiceAtLocations);
        let Hits { total, ids, facets } = self.index.search(query)?;
        let mut links = Vec::with_capacity(ids.len());
        for id in ids {
            let Ok(link_id) = ServiceAtLocationId::parse(&id) else {
                continue;
            };
            if let Some(found) = self.link(link_id)? {
                links.push(found);
            }
        }
        Ok(LinkPage {
            total,
            links,
            facets,
        })
    }

    /// A service_at_location and its placed service.
    pub fn link(
        &self,
        id: ServiceAtLocationId,
    ) -> Result<Option<(ServiceAtLocationId, PlacedService)>, CatalogError> {
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
