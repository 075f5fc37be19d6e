//! The indexer: one thread, the only owner of the `IndexWriter`.
//!
//! Jobs carry service ids, never documents: the indexer re-reads each service from the store
//! and replaces all its documents (delete by service id, then add), so applying a job twice is
//! harmless and a job for a deleted service removes it. Jobs that arrive together are applied
//! in one commit; after each commit the reader is reloaded, so a change is searchable within
//! milliseconds of its job being queued. `Flush` waits for everything queued before it.
//!
//! Commits leave segments behind (a bulk load leaves a dozen), and every search pays for
//! each segment: its dictionaries are walked for typos and prefixes, its postings opened.
//! When the queue has been idle for [`IDLE`] and the segments are many or the small ones
//! hold a fair share of the documents, they are merged in the background into the index's
//! parts: one segment, or for a large index one per core, of about the same size, which a
//! search that has the machine to itself walks side by side (`lanes`). The reader is
//! reloaded when the merges are done (searches go on meanwhile).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument};

use super::{IndexError, SearchIndex, commit_payload, document};
use crate::domain::ids::ServiceId;
use crate::geography::Geography;
use crate::metrics::Histogram;
use crate::store::{Store, join};

/// Most service ids applied in one commit.
const BATCH_LIMIT: usize = 2_000;
/// How long the queue must be empty before segments are merged.
const IDLE: Duration = Duration::from_secs(2);
/// How long after a failed merge the next is tried, when no write comes first.
const RETRY_FAILED_MERGE: Duration = Duration::from_secs(30);
/// More segments than this beside the index's parts are merged when idle...
const MOST_SEGMENTS: usize = 4;
/// ...and so are fewer, when those beside the largest (as many as the index has parts)
/// hold more than this share of the documents...
const SMALL_SHARE: f64 = 0.1;
/// ...or when they hold fewer documents than this in all: a borough's index merges in
/// milliseconds, and its searches then read one segment instead of a few.
const SMALL_INDEX: u32 = 20_000;

enum Job {
    Update {
        services: Vec<ServiceId>,
        generation: u64,
        /// When the write it follows was acknowledged.
        queued: Instant,
    },
    Rebuild,
    Flush(Sender<Result<(), String>>),
    Stop,
}

/// A cheap handle for queueing index jobs.
#[derive(Clone)]
pub struct IndexerHandle {
    sender: Sender<Job>,
    merging: Arc<AtomicBool>,
    lag: Arc<Histogram>,
}

impl IndexerHandle {
    /// Queues re-indexing of `services`, which reflect store generation `generation`.
    pub fn update(&self, services: Vec<ServiceId>, generation: u64) {
        if self
            .sender
            .send(Job::Update {
                services,
                generation,
                queued: Instant::now(),
            })
            .is_err()
        {
            tracing::error!("the indexer has stopped; a change will be indexed at the next start");
        }
    }

    /// Queues a full rebuild from the store.
    pub fn rebuild(&self) {
        let _ = self.sender.send(Job::Rebuild);
    }

    /// Time from an acknowledged write to its change being searchable, per commit (the
    /// oldest write the commit carries).
    pub fn lag(&self) -> &Histogram {
        &self.lag
    }

    /// Whether segments are being merged in the background now.
    pub fn merging(&self) -> bool {
        self.merging.load(Ordering::Acquire)
    }

    /// Waits until every job queued before this call is committed and searchable.
    pub fn flush_blocking(&self) -> Result<(), String> {
        let (reply, answer) = mpsc::channel();
        self.sender
            .send(Job::Flush(reply))
            .map_err(|_| "the indexer has stopped".to_owned())?;
        answer
            .recv()
            .map_err(|_| "the indexer has stopped".to_owned())?
    }
}

/// The running indexer thread.
pub struct Indexer {
    handle: IndexerHandle,
    thread: Option<JoinHandle<()>>,
}

impl Indexer {
    /// Starts the indexer for `index`, reading services from `store`; `generation` is the
    /// store generation the index already reflects.
    pub fn start(
        index: Arc<SearchIndex>,
        store: Arc<dyn Store>,
        geography: Arc<Geography>,
        generation: u64,
    ) -> Result<Self, IndexError> {
        let writer = index.writer()?;
        let (sender, receiver) = mpsc::channel();
        let merging = Arc::new(AtomicBool::new(false));
        let shared = Arc::clone(&merging);
        let lag = Arc::new(Histogram::default());
        let shared_lag = Arc::clone(&lag);
        let thread = std::thread::Builder::new()
            .name("signpost-indexer".to_owned())
            .spawn(move || {
                Worker {
                    index,
                    store,
                    geography,
                    writer,
                    generation,
                    merging: shared,
                    merge_failed: Arc::new(Mutex::new(None)),
                    lag: Arc::clone(&lag),
                }
                .run(receiver)
            })
            .map_err(|source| IndexError::Directory {
                path: "indexer thread".to_owned(),
                source,
            })?;
        Ok(Self {
            handle: IndexerHandle {
                sender,
                merging,
                lag: shared_lag,
            },
            thread: Some(thread),
        })
    }

    /// A handle for queueing jobs.
    pub fn handle(&self) -> IndexerHandle {
        self.handle.clone()
    }

    /// Applies what is queued, commits and stops the thread.
    pub fn stop(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        let _ = self.handle.sender.send(Job::Stop);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the indexer thread panicked");
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

struct Worker {
    index: Arc<SearchIndex>,
    store: Arc<dyn Store>,
    geography: Arc<Geography>,
    writer: IndexWriter<TantivyDocument>,
    generation: u64,
    /// Set while a merge runs in the background.
    merging: Arc<AtomicBool>,
    /// When a merge last failed (a full disk, say): merges are tried again after the next
    /// write, or after [`RETRY_FAILED_MERGE`] when none comes; not at every idle period
    /// (which would warn every 2 s), and not never.
    merge_failed: Arc<Mutex<Option<Instant>>>,
    /// Acknowledged write to searchable, per commit.
    lag: Arc<Histogram>,
}

impl Worker {
    fn run(mut self, receiver: Receiver<Job>) {
        loop {
            // Every idle period, not only the first: segments committed while a merge ran
            // are merged once it is done, even if no write comes after it.
            let first = match receiver.recv_timeout(IDLE) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    self.merge_when_worth_it();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let mut pending = vec![first];
            while pending.len() < BATCH_LIMIT {
                match receiver.try_recv() {
                    Ok(job) => pending.push(job),
                    Err(_) => break,
                }
            }
            let stop = pending.iter().any(|job| matches!(job, Job::Stop));
            self.apply(pending);
            if stop {
                return;
            }
        }
    }

    fn apply(&mut self, jobs: Vec<Job>) {
        *lock(&self.merge_failed) = None;
        let started = std::time::Instant::now();
        let mut flushes = Vec::new();
        let mut services = Vec::new();
        let mut result = Ok(());
        let mut rebuilt = false;
        let mut oldest = None;
        for job in jobs {
            match job {
                Job::Update {
                    services: ids,
                    generation,
                    queued,
                } => {
                    oldest = Some(oldest.map_or(queued, |at: Instant| at.min(queued)));
                    services.extend(ids);
                    self.generation = self.generation.max(generation);
                }
                Job::Rebuild => {
                    services.clear();
                    rebuilt = true;
                    result = result.and(self.rebuild());
                }
                Job::Flush(reply) => flushes.push(reply),
                Job::Stop => {}
            }
        }
        services.sort();
        services.dedup();
        let count = services.len();
        if result.is_ok() && count > 0 {
            result = self.replace(&services);
        }
        if result.is_ok() && (count > 0 || rebuilt) {
            result = self.commit();
        }
        if let (Ok(()), Some(queued)) = (&result, oldest) {
            self.lag.observe(queued.elapsed());
        }
        match &result {
            Ok(()) if count > 0 => tracing::debug!(
                index.services = count,
                duration_ms = started.elapsed().as_millis() as u64,
                "search index updated"
            ),
            Ok(()) => {}
            Err(error) => {
                tracing::error!(error = %error, "search index update failed; it will be rebuilt at the next start")
            }
        }
        for reply in flushes {
            let _ = reply.send(result.clone());
        }
    }

    fn replace(&mut self, services: &[ServiceId]) -> Result<(), String> {
        let fields = *self.index.fields();
        let mut analysis = self.index.index_analysis();
        for id in services {
            let key = id.to_string();
            self.writer
                .delete_term(document::service_term(&fields, &key));
            let full =
                join::full_service(self.store.as_ref(), *id).map_err(|error| error.to_string())?;
            if let Some(full) = full {
                let placed = self.geography.place_service(full);
                let sources = document::Sources {
                    fields: &fields,
                    geography: &self.geography,
                    features: &self.index.assets().features,
                };
                for doc in document::documents(&sources, &placed) {
                    self.writer
                        .add_document(document::analysed(&fields, &mut analysis, &doc))
                        .map_err(|error| error.to_string())?;
                }
            }
        }
        Ok(())
    }

    fn rebuild(&mut self) -> Result<(), String> {
        let started = std::time::Instant::now();
        self.generation = self.store.generation().map_err(|error| error.to_string())?;
        self.writer
            .delete_all_documents()
            .map_err(|error| error.to_string())?;
        let ids = self
            .store
            .service_ids()
            .map_err(|error| error.to_string())?;
        self.replace(&ids)?;
        tracing::info!(
            index.services = ids.len(),
            duration_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt from the store"
        );
        Ok(())
    }

    /// Starts merging the segments into the index's [parts](SearchIndex::parts) (one
    /// segment, or one per core for a large index) when they are [many](MOST_SEGMENTS), the
    /// small ones hold [enough](SMALL_SHARE) of the documents or the index is
    /// [small](SMALL_INDEX), unless a merge is running.
    fn merge_when_worth_it(&mut self) {
        let failed_lately =
            lock(&self.merge_failed).is_some_and(|at| at.elapsed() < RETRY_FAILED_MERGE);
        let Ok(segments) = self.index.index.searchable_segment_metas() else {
            return;
        };
        // tantivy's own merge policy merges small segments in the background as commits
        // come (eight of a size at a time), and commits its merges without a word to the
        // reader, which went on searching the segments they replaced until the next write.
        if self.index.searches_other_segments(&segments) {
            let _ = self.index.reload();
        }
        if self.merging.load(Ordering::Acquire) || failed_lately {
            return;
        }
        let docs: Vec<u32> = segments.iter().map(|s| s.num_docs()).collect();
        let total: u32 = docs.iter().sum();
        let parts = self.index.parts_of(total);
        let mut largest_first = docs.clone();
        largest_first.sort_unstable_by(|a, b| b.cmp(a));
        let kept: u32 = largest_first.iter().take(parts).sum();
        let small_share = f64::from(total - kept) / f64::from(total.max(1));
        let worth_it = segments.len() > MOST_SEGMENTS + parts - 1
            || small_share > SMALL_SHARE
            || total < SMALL_INDEX;
        if segments.len() <= parts || !worth_it {
            return;
        }
        let merges: Vec<_> = merge_groups(&docs, parts)
            .into_iter()
            .map(|group| {
                let ids: Vec<_> = group.iter().map(|&at| segments[at].id()).collect();
                self.writer.merge(&ids)
            })
            .collect();
        if merges.is_empty() {
            return;
        }
        self.merging.store(true, Ordering::Release);
        let (merging, failed, index) = (
            Arc::clone(&self.merging),
            Arc::clone(&self.merge_failed),
            Arc::clone(&self.index),
        );
        let count = segments.len();
        let spawned = std::thread::Builder::new()
            .name("signpost-merge".to_owned())
            .spawn(move || {
                let started = std::time::Instant::now();
                let mut outcome = Ok(());
                for merge in merges {
                    // Every merge is waited for, even after one failed.
                    let waited = merge.wait();
                    if outcome.is_ok() {
                        outcome = waited.map(drop);
                    }
                }
                match outcome {
                    Ok(()) => {
                        let reloaded = index.reload();
                        tracing::info!(
                            index.segments = count,
                            index.parts = parts,
                            index.documents = total,
                            duration_ms = started.elapsed().as_millis() as u64,
                            reloaded = reloaded.is_ok(),
                            "search index segments merged"
                        );
                    }
                    // Some of the segments were merged meanwhile by tantivy's own merge
                    // policy (after the commits of a bulk load): the segments have changed,
                    // so the next idle period looks again.
                    Err(tantivy::TantivyError::InvalidArgument(reason)) => {
                        let _ = index.reload();
                        tracing::info!(
                            reason = %reason,
                            "search index segments changed during a merge; merged again when idle"
                        );
                    }
                    Err(error) => {
                        let _ = index.reload();
                        *lock(&failed) = Some(Instant::now());
                        tracing::warn!(error = %error, "merging search index segments failed")
                    }
                }
                merging.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.merging.store(false, Ordering::Release);
        }
    }

    fn commit(&mut self) -> Result<(), String> {
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|error| error.to_string())?;
        prepared.set_payload(&commit_payload(self.generation, self.index.derived_from()));
        prepared.commit().map_err(|error| error.to_string())?;
        self.index.reload().map_err(|error| error.to_string())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Which segments to merge (their positions in `docs`, each segment's documents) so that
/// `parts` segments of about the same size remain: the largest first, each to the part
/// with the fewest documents so far. Only parts of two or more segments need a merge.
fn merge_groups(docs: &[u32], parts: usize) -> Vec<Vec<usize>> {
    let parts = parts.clamp(1, docs.len().max(1));
    let mut largest_first: Vec<usize> = (0..docs.len()).collect();
    largest_first.sort_by(|&a, &b| docs[b].cmp(&docs[a]).then(a.cmp(&b)));
    let mut groups: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); parts];
    for at in largest_first {
        let lightest = groups
            .iter_mut()
            .min_by_key(|(sum, _)| *sum)
            .expect("at least one part");
        lightest.0 += u64::from(docs[at]);
        lightest.1.push(at);
    }
    groups
        .into_iter()
        .map(|(_, group)| group)
        .filter(|group| group.len() > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::merge_groups;
    use proptest::prelude::*;

    #[test]
    fn segments_merge_into_one_or_into_parts_of_about_the_same_size() {
        assert_eq!(merge_groups(&[10, 3, 5], 1), vec![vec![0, 2, 1]]);
        // Two large segments and small ones: each small one joins the lighter part.
        assert_eq!(
            merge_groups(&[50, 1, 48, 2, 1], 2),
            vec![vec![0, 1], vec![2, 3, 4]]
        );
        // One segment too large to share: it stays alone, the rest merge beside it.
        assert_eq!(merge_groups(&[100, 5, 1, 1], 2), vec![vec![1, 2, 3]]);
        assert!(merge_groups(&[7, 9], 2).is_empty(), "already in parts");
        assert!(merge_groups(&[], 2).is_empty());
    }

    proptest! {
        #[test]
        fn every_segment_is_in_at_most_one_merge_and_the_parts_are_balanced(
            docs in proptest::collection::vec(0u32..100_000, 0..40),
            parts in 1usize..5,
        ) {
            let groups = merge_groups(&docs, parts);
            let mut seen = vec![0; docs.len()];
            for group in &groups {
                prop_assert!(group.len() > 1);
                for &at in group {
                    seen[at] += 1;
                }
            }
            prop_assert!(seen.iter().all(|&n| n <= 1));
            // What remains: each merged group as one segment, the rest as they are.
            let mut remaining: Vec<u64> = groups
                .iter()
                .map(|group| group.iter().map(|&at| u64::from(docs[at])).sum())
                .collect();
            remaining.extend(
                (0..docs.len())
                    .filter(|&at| seen[at] == 0)
                    .map(|at| u64::from(docs[at])),
            );
            prop_assert_eq!(remaining.len(), parts.min(docs.len()));
            // Greedy balance: no part exceeds the mean by more than the largest segment.
            if let (Some(&largest), false) = (docs.iter().max(), remaining.is_empty()) {
                let total: u64 = remaining.iter().sum();
                let mean = total / remaining.len() as u64;
                prop_assert!(remaining.iter().all(|&part| part <= mean + u64::from(largest)));
            }
        }
    }
}
