//! Services as answers show them, kept ready: joined with their organisation, locations,
//! terms and capacity, and placed on the map ([`PlacedService`]).
//!
//! A page of 20 results read each service afresh from the store: about ten reads and JSON
//! decodes a result, a quarter of a search's time (BENCHMARKS.md). The services people look
//! at are few compared with the directory (a borough's fit whole), so the most recently
//! shown are kept, up to a number of services.
//!
//! The store stays the source of truth. Every write goes through [`super::Catalog`], which
//! forgets here exactly the services the write affects: the services the search index must
//! re-read too (the services written, and those of changed organisations, locations and
//! terms), and everything when a taxonomy changes. A read that started before a write
//! cannot put back what the write replaced: each forgetting starts a new epoch, and a
//! service read in an earlier epoch is not kept.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lru::LruCache;

use crate::domain::ids::{ServiceId, TaxonomyTermId};
use crate::domain::taxonomy::TaxonomyTerm;
use crate::geography::PlacedService;

/// Services kept by default: a borough's directory whole, and the results of the searches
/// people are making in a region's (about 2 KB a service).
pub const DEFAULT_SERVICES: usize = 4096;

/// The services kept (values of `V`, placed services in the catalog).
pub struct ServiceCache<V = PlacedService> {
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    epoch: u64,
    /// `None` when nothing is kept (a capacity of 0).
    services: Option<LruCache<ServiceId, Arc<V>>>,
}

/// A service that was not kept: read it, then [`ServiceCache::keep`] it with this.
#[derive(Debug, Clone, Copy)]
pub struct Miss {
    epoch: u64,
}

impl<V> ServiceCache<V> {
    /// Keeps up to `capacity` services (0: none).
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                epoch: 0,
                services: NonZeroUsize::new(capacity).map(LruCache::new),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<V>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept service, or what to keep it with once read.
    pub fn get(&self, id: ServiceId) -> Result<Arc<V>, Miss> {
        let mut inner = self.lock();
        let epoch = inner.epoch;
        match inner
            .services
            .as_mut()
            .and_then(|services| services.get(&id))
        {
            Some(placed) => Ok(Arc::clone(placed)),
            None => Err(Miss { epoch }),
        }
    }

    /// Keeps a service read after `miss`, unless a write has been forgotten since.
    pub fn keep(&self, miss: Miss, id: ServiceId, value: &Arc<V>) {
        let mut inner = self.lock();
        if inner.epoch != miss.epoch {
            return;
        }
        if let Some(services) = inner.services.as_mut() {
            services.put(id, Arc::clone(value));
        }
    }

    /// Forgets these services (a write changed them).
    pub fn forget(&self, ids: impl IntoIterator<Item = ServiceId>) {
        let mut inner = self.lock();
        inner.epoch += 1;
        if let Some(services) = inner.services.as_mut() {
            for id in ids {
                services.pop(&id);
            }
        }
    }

    /// Forgets every service (a write changed what many share).
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        if let Some(services) = inner.services.as_mut() {
            services.clear();
        }
    }

    /// How many services are kept now.
    pub fn len(&self) -> usize {
        self.lock().services.as_ref().map_or(0, LruCache::len)
    }

    /// Whether no service is kept now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The taxonomy terms, kept whole: a few dozen records that every faceted answer names
/// (each "need" value is a term's id) and the search suggestions score. Reading them from
/// the store for each answer was a sled read and a decode a term.
///
/// Forgotten by [`super::Catalog`] on every write that changes a term or a taxonomy; like
/// [`ServiceCache`], a read that started before such a write is not kept.
#[derive(Default)]
pub struct TermCache {
    inner: Mutex<(u64, Option<Arc<Terms>>)>,
}

/// Every taxonomy term, and where each is by id.
#[derive(Debug)]
pub struct Terms {
    all: Vec<TaxonomyTerm>,
    by_id: HashMap<TaxonomyTermId, usize>,
}

impl Terms {
    /// Every term, in the store's order.
    pub fn all(&self) -> &[TaxonomyTerm] {
        &self.all
    }

    /// The term with this id.
    pub fn get(&self, id: TaxonomyTermId) -> Option<&TaxonomyTerm> {
        self.by_id.get(&id).map(|at| &self.all[*at])
    }
}

impl TermCache {
    fn lock(&self) -> MutexGuard<'_, (u64, Option<Arc<Terms>>)> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept terms, or those `load` reads (kept unless a write forgot the terms while it
    /// read).
    pub fn get_or_load<E>(
        &self,
        load: impl FnOnce() -> Result<Vec<TaxonomyTerm>, E>,
    ) -> Result<Arc<Terms>, E> {
        let epoch = {
            let inner = self.lock();
            if let Some(terms) = &inner.1 {
                return Ok(Arc::clone(terms));
            }
            inner.0
        };
        let all = load()?;
        let by_id = all
            .iter()
            .enumerate()
            .map(|(at, term)| (term.id, at))
            .collect();
        let terms = Arc::new(Terms { all, by_id });
        let mut inner = self.lock();
        if inner.0 == epoch {
            inner.1 = Some(Arc::clone(&terms));
        }
        Ok(terms)
    }

    /// Forgets the terms (a term or a taxonomy is being written).
    pub fn forget(&self) {
        let mut inner = self.lock();
        inner.0 += 1;
        inner.1 = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> ServiceId {
        ServiceId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_read_is_kept_until_a_write_forgets_it() {
        let cache: ServiceCache<&str> = ServiceCache::new(2);
        let miss = cache.get(id(1)).unwrap_err();
        cache.keep(miss, id(1), &Arc::new("first"));
        assert_eq!(*cache.get(id(1)).unwrap(), "first");
        cache.forget([id(1)]);
        assert!(cache.get(id(1)).is_err());
    }

    #[test]
    fn a_read_from_before_a_write_is_not_kept() {
        let cache: ServiceCache<&str> = ServiceCache::new(2);
        // Read the old version, the write lands and forgets, then the read would keep.
        let miss = cache.get(id(1)).unwrap_err();
        cache.forget([id(1)]);
        cache.keep(miss, id(1), &Arc::new("old"));
        assert!(cache.get(id(1)).is_err(), "the old version was put back");
        // So does a write of anything else, or of everything.
        let miss = cache.get(id(1)).unwrap_err();
        cache.forget_all();
        cache.keep(miss, id(1), &Arc::new("old"));
        assert!(cache.get(id(1)).is_err());
    }

    #[test]
    fn the_least_recently_shown_go_first_and_a_capacity_of_none_keeps_nothing() {
        let cache: ServiceCache<u32> = ServiceCache::new(2);
        for n in 1..=2 {
            let miss = cache.get(id(n)).unwrap_err();
            cache.keep(miss, id(n), &Arc::new(n as u32));
        }
        assert!(cache.get(id(1)).is_ok(), "1 is now the most recent");
        let miss = cache.get(id(3)).unwrap_err();
        cache.keep(miss, id(3), &Arc::new(3));
        assert!(cache.get(id(2)).is_err());
        assert!(cache.get(id(1)).is_ok() && cache.get(id(3)).is_ok());
        assert_eq!(cache.len(), 2);

        let none: ServiceCache<u32> = ServiceCache::new(0);
        let miss = none.get(id(1)).unwrap_err();
        none.keep(miss, id(1), &Arc::new(1));
        assert!(none.get(id(1)).is_err() && none.is_empty());
    }

    fn term(id: u128, name: &str) -> TaxonomyTerm {
        serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::from_u128(id), "code": name, "name": name, "description": name,
        }))
        .unwrap()
    }

    #[test]
    fn terms_are_read_once_and_again_after_a_write() {
        let cache = TermCache::default();
        let reads = std::cell::Cell::new(0);
        let load = |name: &'static str| {
            let reads = &reads;
            move || {
                reads.set(reads.get() + 1);
                Ok::<_, ()>(vec![term(7, name)])
            }
        };
        let id = TaxonomyTermId::from_uuid(uuid::Uuid::from_u128(7));
        assert_eq!(
            cache
                .get_or_load(load("Food"))
                .unwrap()
                .get(id)
                .unwrap()
                .name,
            "Food"
        );
        assert_eq!(cache.get_or_load(load("Food")).unwrap().all().len(), 1);
        assert_eq!(reads.get(), 1, "kept");
        cache.forget();
        assert_eq!(
            cache
                .get_or_load(load("Food banks"))
                .unwrap()
                .get(id)
                .unwrap()
                .name,
            "Food banks"
        );
        assert_eq!(reads.get(), 2);
    }

    #[test]
    fn terms_read_before_a_write_are_not_kept() {
        let cache = TermCache::default();
        let stale = cache
            .get_or_load(|| {
                // The write lands while the old terms are being read.
                cache.forget();
                Ok::<_, ()>(vec![term(7, "Food")])
            })
            .unwrap();
        assert_eq!(stale.all().len(), 1, "the reader gets what it read");
        let fresh = cache
            .get_or_load(|| Ok::<_, ()>(vec![term(7, "Food banks")]))
            .unwrap();
        assert_eq!(fresh.all()[0].name, "Food banks");
    }
}
