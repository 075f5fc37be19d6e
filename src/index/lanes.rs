//! Searching a large index's segments side by side, when nothing else is searching.
//!
//! A search walks each segment of the index in turn, on the thread that asked. A large
//! index is kept in as many segments as the machine has cores (the indexer's idle merges
//! aim for [`parts_for`]), so that a search that has the machine to itself can walk them
//! at once, one segment per core: on two cores, a search of a 1M-service directory takes
//! about half as long. When other searches are running, the cores are already busy and
//! handing segments to other threads only adds the hand-over: a search then walks its
//! segments itself, as before. Which segments hold which documents changes nothing a
//! search finds: scores use the whole index's statistics, and the ranking's last key is
//! each document's own tiebreak, not where it is stored.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tantivy::Searcher;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};

/// A segment smaller than this is not worth a thread of its own: an index is kept in one
/// part per this many documents, up to one per core. A borough's index (a few thousand
/// services) stays in one segment; a region's (100k) is searched on two cores.
pub const PART_DOCS: u32 = 40_000;

/// How many segments an index of `documents` is kept in, for `lanes` search threads.
pub fn parts_for(documents: u32, lanes: usize) -> usize {
    let by_size = usize::try_from(documents / PART_DOCS).unwrap_or(usize::MAX);
    by_size.clamp(1, lanes.max(1))
}

/// The threads a lone search spreads its segments over, and how many searches are running.
pub struct Lanes {
    /// One thread fewer than the lanes (the searching thread is one); `None` on a one-core
    /// machine.
    pool: Option<Arc<rayon::ThreadPool>>,
    running: AtomicUsize,
    /// Engine passes run side by side (for tests).
    #[cfg(test)]
    spread: AtomicUsize,
}

impl Lanes {
    /// Lanes for `lanes` threads (the machine's cores); one lane searches on the caller's
    /// thread only.
    pub fn new(lanes: usize) -> Self {
        // The caller walks a segment itself: the pool needs one thread fewer. A pool that
        // cannot be made (no threads left) leaves searches serial, and the index whole.
        let pool = (lanes > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(lanes - 1)
                    .thread_name(|n| format!("signpost-search-{n}"))
                    .build()
                    .ok()
            })
            .flatten()
            .map(Arc::new);
        Self {
            pool,
            running: AtomicUsize::new(0),
            #[cfg(test)]
            spread: AtomicUsize::new(0),
        }
    }

    /// As many lanes as the machine has cores, on the program's one pool of search threads
    /// (every index opened shares it).
    pub fn for_this_machine() -> Self {
        static POOL: OnceLock<Option<Arc<rayon::ThreadPool>>> = OnceLock::new();
        let pool = POOL.get_or_init(|| {
            let lanes = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            Self::new(lanes).pool
        });
        Self {
            pool: pool.clone(),
            ..Self::new(1)
        }
    }

    /// How many threads a lone search may use: its own and the pool's.
    pub fn count(&self) -> usize {
        self.pool
            .as_ref()
            .map_or(1, |pool| pool.current_num_threads() + 1)
    }

    /// Marks a search of `searcher` as running until the returned guard is dropped; the
    /// guard runs its engine passes.
    pub fn enter<'a>(&'a self, searcher: &'a Searcher) -> Entered<'a> {
        let before = self.running.fetch_add(1, Ordering::AcqRel);
        Entered {
            lanes: self,
            searcher,
            alone: before == 0,
        }
    }
}

/// A running search (see [`Lanes::enter`]): its searcher, and whether it started alone.
pub struct Entered<'a> {
    lanes: &'a Lanes,
    searcher: &'a Searcher,
    alone: bool,
}

impl Entered<'_> {
    /// The searcher (the index's snapshot) this search reads.
    pub fn searcher(&self) -> &Searcher {
        self.searcher
    }

    /// Runs `collector` over `query`: the segments side by side when this search was alone
    /// when it started and there are several, else one after the other on this thread.
    /// Side by side, this thread and the pool's take the next segment not yet taken until
    /// none is left, so many segments (as during a bulk load) or a late pool thread still
    /// share the work.
    pub fn search<C: Collector>(
        &self,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        let searcher = self.searcher;
        let segments = searcher.segment_readers();
        let pool = match &self.lanes.pool {
            Some(pool) if self.alone && segments.len() > 1 => pool,
            _ => return searcher.search(query, collector),
        };
        #[cfg(test)]
        self.lanes.spread.fetch_add(1, Ordering::Relaxed);
        let scoring = if collector.requires_scoring() {
            EnableScoring::enabled_from_searcher(searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        };
        // As tantivy's `Searcher::search_with_executor`, but this thread walks segments
        // too instead of handing every one to another thread and waiting.
        let weight = query.weight(scoring)?;
        collector.check_schema(searcher.schema())?;
        type Fruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;
        let fruits: Vec<Mutex<Option<tantivy::Result<Fruit<C>>>>> =
            segments.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let walk = || {
            loop {
                let ord = next.fetch_add(1, Ordering::Relaxed);
                let Some(fruit) = fruits.get(ord) else {
                    break;
                };
                let segment_ord = u32::try_from(ord).expect("fewer than 2^32 segments");
                let collected =
                    collector.collect_segment(weight.as_ref(), segment_ord, &segments[ord]);
                *fruit.lock().unwrap_or_else(PoisonError::into_inner) = Some(collected);
            }
        };
        pool.in_place_scope(|scope| {
            for _ in 1..self.lanes.count().min(segments.len()) {
                scope.spawn(|_| walk());
            }
            walk();
        });
        let fruits = fruits
            .into_iter()
            .map(|fruit| {
                fruit
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .expect("every segment collected")
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        collector.merge_fruits(fruits)
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.lanes.running.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::SearchIndex;
    use crate::search::assets::SearchAssets;
    use crate::search::query::{
        FacetDimension, FacetRequest, Filters, GeoFilter, PageRequest, ServiceQuery, Target,
    };

    /// A search alone spreads its segments over the pool's threads; the same search beside
    /// another walks them on its own thread. Both find the same page, total and facets, on
    /// several segments with a deleted document among them.
    #[test]
    fn a_lone_search_over_several_segments_finds_what_a_search_beside_another_finds() {
        let dir = tempfile::tempdir().unwrap();
        let (mut index, _) =
            SearchIndex::open(dir.path(), Arc::new(SearchAssets::built_in()), 0).unwrap();
        index.lanes = Lanes::new(2);
        let fields = *index.fields();
        let mut writer = index.writer().unwrap();
        let mut analysis = index.index_analysis();
        let words = [
            "knitting", "chess", "garden", "club", "choir", "swimming", "food", "bank", "advice",
        ];
        for n in 0..150_u64 {
            let name: Vec<&str> = (0..3)
                .map(|k| words[usize::try_from((n * 7 + k * 4 + n / 9) % 9).unwrap()])
                .collect();
            let language = if n % 4 == 0 { "ben" } else { "eng" };
            index.add_test_service(
                &mut writer,
                &mut analysis,
                (&name.join(" "), language),
                |doc| {
                    doc.add_text(fields.description, if n % 5 == 0 { "gone" } else { "here" });
                    doc.add_u64(fields.tiebreak, n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    doc.add_u64(fields.id_low, n);
                },
            );
            if n % 50 == 49 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(tantivy::Term::from_field_text(fields.description, "gone"));
        writer.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(index.num_segments(), 3);
        assert!(index.lanes.pool.is_some());

        // With typos ("kniting") and a prefix ("swimm") among the words.
        for text in [
            "knitting",
            "chess club",
            "food bank advice",
            "garden choir swimming",
            "kniting",
            "chess swimm",
        ] {
            for number in [1, 2] {
                let query = ServiceQuery {
                    target: Target::Services,
                    text: Some(text.to_owned()),
                    filters: Filters::new(chrono::NaiveDateTime::default()),
                    geo: GeoFilter::default(),
                    facets: Some(FacetRequest {
                        dimensions: vec![FacetDimension::Language],
                        ..FacetRequest::default()
                    }),
                    page: PageRequest { number, size: 7 },
                };
                let spread = || index.lanes.spread.load(Ordering::Relaxed);
                let before = spread();
                let alone = index.search(&query).unwrap();
                assert!(spread() > before, "{text}: the lone search was spread");
                let searcher = index.reader.searcher();
                let busy = index.lanes.enter(&searcher);
                let before = spread();
                let beside = index.search(&query).unwrap();
                assert_eq!(spread(), before, "{text}: a search beside another is not");
                drop(busy);
                assert_eq!(alone, beside, "{text} page {number}");
                assert!(alone.total > 7, "{text}: {}", alone.total);
                assert_eq!(alone.ids.len(), (alone.total - 7 * (number - 1)).min(7));
                let languages = &alone.facets.as_ref().unwrap().dimensions;
                assert!(!languages.is_empty(), "{text}: {languages:?}");
            }
        }
    }

    #[test]
    fn an_index_is_kept_in_a_part_per_core_once_parts_are_large_enough() {
        assert_eq!(parts_for(0, 2), 1);
        assert_eq!(parts_for(5_000, 2), 1, "a borough stays whole");
        assert_eq!(parts_for(PART_DOCS * 2 - 1, 2), 1);
        assert_eq!(parts_for(100_000, 2), 2);
        assert_eq!(parts_for(1_000_000, 2), 2, "no more parts than cores");
        assert_eq!(parts_for(1_000_000, 8), 8);
        assert_eq!(parts_for(100_000, 8), 2);
        assert_eq!(parts_for(1_000_000, 0), 1, "no lanes is one");
        assert_eq!(
            Lanes::new(2).count(),
            2,
            "the searching thread and one of the pool"
        );
        assert_eq!(Lanes::new(1).count(), 1, "no pool on one core");
        assert_eq!(Lanes::new(0).count(), 1);
    }

    #[test]
    fn only_a_search_that_starts_alone_spreads_its_segments() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _) =
            SearchIndex::open(dir.path(), Arc::new(SearchAssets::built_in()), 0).unwrap();
        let searcher = index.reader.searcher();
        let lanes = Lanes::new(2);
        let first = lanes.enter(&searcher);
        assert!(first.alone);
        let second = lanes.enter(&searcher);
        assert!(
            !second.alone,
            "a search beside another walks its own segments"
        );
        drop(first);
        drop(second);
        assert!(
            lanes.enter(&searcher).alone,
            "each guard let go of its search"
        );
    }
}
