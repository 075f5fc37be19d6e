//! What every search asks first: documents of the kind listed (services, or each service at
//! each of its locations) with a status shown (by default active or temporarily closed).
//!
//! As query clauses these were a term (the kind) and everything but two rare terms (the
//! statuses left out), and the intersection with the search's words asked both about every
//! document the words matched: at 100k services, left out altogether they made the text mix
//! a quarter faster. They depend only on the documents, which a segment never changes, so
//! each segment's documents passing them are kept as a bit set ([`Kept`], warmed with the
//! segment's other columns): asking it about a document is a bit (the text mix in process
//! 0.80 -> 0.70 ms, facets 1.38 -> 1.25, typos 0.89 -> 0.78; BENCHMARKS.md), and where every
//! document passes (a segment of one kind with no listing withdrawn), tantivy leaves the
//! condition out of the intersection altogether.
//!
//! The clause scores nothing, as the non-scoring clauses it replaces did, so scores and
//! ranking are unchanged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{AllScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::rank::lock;

/// Which conditions: the kind listed and the statuses shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The kind, as a number.
    pub kind: u8,
    /// The statuses shown, a bit each (none: any status).
    pub statuses: u8,
}

/// Each segment's documents passing each [`Key`]'s conditions, made when a search first asks
/// in that segment or when a new segment is warmed, and forgotten with the segment.
#[derive(Default)]
pub struct Kept {
    /// The conditions searched so far, as queries: warming makes their sets for new segments.
    conditions: Mutex<HashMap<Key, Arc<dyn Query>>>,
    sets: Mutex<HashMap<(SegmentId, Key), Arc<Docs>>>,
}

impl Kept {
    /// The documents of `segment` matching `conditions` (the query of `key`), made now if
    /// they were not yet.
    fn docs(
        &self,
        key: Key,
        conditions: &Arc<dyn Query>,
        segment: &SegmentReader,
    ) -> tantivy::Result<Arc<Docs>> {
        if let Some(kept) = lock(&self.sets).get(&(segment.segment_id(), key)) {
            return Ok(Arc::clone(kept));
        }
        lock(&self.conditions)
            .entry(key)
            .or_insert_with(|| Arc::clone(conditions));
        // Made outside the lock: another search may make the same meanwhile, harmlessly.
        let made = Arc::new(Docs::of(conditions.as_ref(), segment)?);
        lock(&self.sets).insert((segment.segment_id(), key), Arc::clone(&made));
        Ok(made)
    }

    /// Makes the sets of the conditions searched so far for `searcher`'s segments.
    pub fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let conditions: Vec<(Key, Arc<dyn Query>)> = lock(&self.conditions)
            .iter()
            .map(|(key, query)| (*key, Arc::clone(query)))
            .collect();
        for segment in searcher.segment_readers() {
            for (key, query) in &conditions {
                self.docs(*key, query, segment)?;
            }
        }
        Ok(())
    }

    /// Forgets the segments for which `searched` is false.
    pub fn keep_only(&self, searched: impl Fn(&SegmentId) -> bool) {
        lock(&self.sets).retain(|(id, _), _| searched(id));
    }

    /// Whether the documents of `segment` matching `key` are kept.
    #[cfg(test)]
    fn holds(&self, segment: SegmentId, key: Key) -> bool {
        lock(&self.sets).contains_key(&(segment, key))
    }
}

/// A segment's documents passing a set of conditions: a bit per document.
pub struct Docs {
    words: Box<[u64]>,
    len: u32,
    max_doc: DocId,
}

impl Docs {
    fn of(conditions: &dyn Query, segment: &SegmentReader) -> tantivy::Result<Docs> {
        let max_doc = segment.max_doc();
        let mut words = vec![0u64; max_doc.div_ceil(64) as usize].into_boxed_slice();
        let mut len = 0;
        conditions
            .weight(EnableScoring::disabled_from_schema(segment.schema()))?
            .for_each_no_score(segment, &mut |docs| {
                for &doc in docs {
                    words[doc as usize / 64] |= 1 << (doc % 64);
                }
                len += docs.len() as u32;
            })?;
        Ok(Docs {
            words,
            len,
            max_doc,
        })
    }

    fn contains(&self, doc: DocId) -> bool {
        (doc < self.max_doc) && self.words[doc as usize / 64] & (1 << (doc % 64)) != 0
    }

    /// The first document at or after `from`, or [`TERMINATED`].
    fn next_from(&self, from: DocId) -> DocId {
        if from >= self.max_doc {
            return TERMINATED;
        }
        let mut word = from as usize / 64;
        let mut bits = self.words[word] & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            match self.words.get(word) {
                Some(&next) => bits = next,
                None => return TERMINATED,
            }
        }
        word as DocId * 64 + bits.trailing_zeros()
    }
}

/// Documents of a kind with a status shown (see the module documentation): `conditions` as
/// a query, answered from the segments' kept sets. The conditions are shared, so a search's
/// weight is a copy of two pointers (they are read only to make a segment's set).
#[derive(Clone)]
pub struct Listed {
    key: Key,
    conditions: Arc<dyn Query>,
    kept: Arc<Kept>,
}

impl std::fmt::Debug for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listed")
            .field("key", &self.key)
            .field("conditions", &self.conditions)
            .finish()
    }
}

impl Listed {
    /// The documents matching `conditions`, which `key` names (the same key must always
    /// come with the same conditions), kept in `kept`.
    pub fn new(key: Key, conditions: Box<dyn Query>, kept: Arc<Kept>) -> Listed {
        Listed {
            key,
            conditions: Arc::from(conditions),
            kept,
        }
    }
}

impl Query for Listed {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.conditions.query_terms(visitor);
    }
}

impl Weight for Listed {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.kept.docs(self.key, &self.conditions, reader)?;
        Ok(if docs.len == 0 {
            Box::new(EmptyScorer)
        } else if docs.len == reader.max_doc() {
            // Left out of an intersection by tantivy. (It scores 1 where it is all a
            // search asks, which only a search ranking by something else than its score,
            // a plain listing, is.)
            Box::new(AllScorer::new(reader.max_doc()))
        } else {
            Box::new(ListedScorer::new(docs))
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let docs = self.kept.docs(self.key, &self.conditions, reader)?;
        if !docs.contains(doc) {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        Ok(Explanation::new(
            "of the kind listed, with a status shown",
            0.0,
        ))
    }
}

/// Walks a segment's [`Docs`].
struct ListedScorer {
    docs: Arc<Docs>,
    doc: DocId,
}

impl ListedScorer {
    fn new(docs: Arc<Docs>) -> ListedScorer {
        let doc = docs.next_from(0);
        ListedScorer { docs, doc }
    }
}

impl DocSet for ListedScorer {
    fn advance(&mut self) -> DocId {
        self.doc = self.docs.next_from(self.doc.saturating_add(1));
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.docs.next_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.docs.len
    }
}

impl Scorer for ListedScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Count, DocSetCollector, TopDocs};
    use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, Warmer};

    use crate::index::rank::ColumnCache;

    fn docs(members: &[DocId], max_doc: DocId) -> Arc<Docs> {
        let mut words = vec![0u64; max_doc.div_ceil(64) as usize].into_boxed_slice();
        for &doc in members {
            words[doc as usize / 64] |= 1 << (doc % 64);
        }
        Arc::new(Docs {
            words,
            len: members.len() as u32,
            max_doc,
        })
    }

    struct Fields {
        kind: Field,
        status: Field,
        body: Field,
    }

    fn schema() -> (Schema, Fields) {
        let mut schema = Schema::builder();
        let fields = Fields {
            kind: schema.add_text_field("kind", STRING),
            status: schema.add_text_field("status", STRING),
            body: schema.add_text_field("body", TEXT),
        };
        (schema.build(), fields)
    }

    fn add(writer: &mut IndexWriter, fields: &Fields, kind: &str, status: &str, body: &str) {
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.kind, kind);
        doc.add_text(fields.status, status);
        doc.add_text(fields.body, body);
        writer.add_document(doc).unwrap();
    }

    fn term(field: Field, value: &str) -> Box<dyn Query> {
        let term = Term::from_field_text(field, value);
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// Of kind `kind`, and (when given) without status `left_out`, as the search's own
    /// conditions are written.
    fn conditions(fields: &Fields, kind: &str, left_out: Option<&str>) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, term(fields.kind, kind))];
        if let Some(status) = left_out {
            let others: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (Occur::MustNot, term(fields.status, status)),
            ]));
            clauses.push((Occur::Must, others));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Over a segment where every document passes, one where some do and one where none
    /// does, with a deleted document: the same documents as the conditions themselves,
    /// and beside a scoring clause the same scores, to the bit, as the non-scoring clause
    /// it replaces.
    #[test]
    fn answers_as_its_conditions_do() {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for at in 0..40 {
            add(
                &mut writer,
                &fields,
                "s",
                "active",
                &format!("food bank {at}"),
            );
        }
        writer.commit().unwrap();
        for at in 0..60 {
            let status = ["active", "inactive", "closed"][at % 3];
            let kind = if at % 4 == 0 { "l" } else { "s" };
            let body = if at % 2 == 0 {
                "food"
            } else {
                "bank food food"
            };
            add(&mut writer, &fields, kind, status, &format!("{body} {at}"));
        }
        writer.commit().unwrap();
        for at in 0..10 {
            add(&mut writer, &fields, "l", "active", &format!("food {at}"));
        }
        writer.delete_term(Term::from_field_text(fields.body, "7"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let kept = Arc::new(Kept::default());
        let cases = [
            ("s", Some("inactive")),
            ("s", None),
            ("l", Some("active")),
            ("l", None),
        ];
        for (at, (kind, left_out)) in cases.into_iter().enumerate() {
            let key = Key {
                kind: at as u8,
                statuses: 0,
            };
            let listed = Listed::new(key, conditions(&fields, kind, left_out), Arc::clone(&kept));
            let plain = conditions(&fields, kind, left_out);
            assert_eq!(
                searcher.search(&listed, &DocSetCollector).unwrap(),
                searcher.search(&plain, &DocSetCollector).unwrap(),
                "{kind} {left_out:?}"
            );
            assert_eq!(
                searcher.search(&listed, &Count).unwrap(),
                searcher.search(&plain, &Count).unwrap()
            );
            let words = || {
                let words: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term(fields.body, "food")),
                    (Occur::Should, term(fields.body, "bank")),
                ]));
                (Occur::Must, words)
            };
            let with_listed = BooleanQuery::new(vec![
                words(),
                (Occur::Must, Box::new(listed.clone()) as Box<dyn Query>),
            ]);
            let non_scoring: Box<dyn Query> = Box::new(ConstScoreQuery::new(plain, 0.0));
            let with_plain = BooleanQuery::new(vec![words(), (Occur::Must, non_scoring)]);
            let top = TopDocs::with_limit(200).order_by_score();
            let listed_top = searcher.search(&with_listed, &top).unwrap();
            assert!(!listed_top.is_empty());
            assert_eq!(listed_top, searcher.search(&with_plain, &top).unwrap());
        }
    }

    /// A commit's new segment has the sets of the conditions searched so far before it is
    /// searched; a segment no open searcher holds is forgotten.
    #[test]
    fn new_segments_are_warmed_and_old_ones_forgotten() {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let cache = Arc::new(ColumnCache::default());
        let reader = cache.warming(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        add(&mut writer, &fields, "s", "active", "food");
        writer.commit().unwrap();
        reader.reload().unwrap();
        let first = reader.searcher();
        let old = first.segment_readers()[0].segment_id();
        let (searched, never) = (
            Key {
                kind: 0,
                statuses: 1,
            },
            Key {
                kind: 1,
                statuses: 1,
            },
        );
        assert!(!cache.listed().holds(old, searched), "nothing searched yet");
        let listed = Listed::new(
            searched,
            conditions(&fields, "s", None),
            Arc::clone(cache.listed()),
        );
        assert_eq!(first.search(&listed, &Count).unwrap(), 1);
        assert!(cache.listed().holds(old, searched));
        add(&mut writer, &fields, "s", "inactive", "bank");
        writer.commit().unwrap();
        reader.reload().unwrap();
        let second = reader.searcher();
        let new = crate::index::rank::segment_besides(&second, old);
        assert!(cache.listed().holds(new, searched), "warmed");
        assert!(!cache.listed().holds(new, never), "never searched");
        cache.garbage_collect(&[first.generation(), second.generation()]);
        assert!(cache.listed().holds(old, searched), "still searched");
        writer.delete_all_documents().unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        cache.garbage_collect(&[reader.searcher().generation()]);
        assert!(!cache.listed().holds(old, searched), "forgotten");
        assert!(!cache.listed().holds(new, searched), "forgotten");
    }

    proptest! {
        /// Advancing and seeking find the set's documents in order, and nothing else.
        #[test]
        fn walks_its_documents(
            set in proptest::collection::btree_set(0u32..300, 1..80),
            max_extra in 0u32..70,
            targets in proptest::collection::vec(0u32..400, 1..20),
        ) {
            let members: Vec<DocId> = set.iter().copied().collect();
            let max_doc = members.last().unwrap() + 1 + max_extra;
            let docs = docs(&members, max_doc);
            let mut walked = Vec::new();
            let mut scorer = ListedScorer::new(Arc::clone(&docs));
            while scorer.doc() != TERMINATED {
                walked.push(scorer.doc());
                scorer.advance();
            }
            prop_assert_eq!(&walked, &members);

            let mut targets = targets;
            targets.sort_unstable();
            targets.dedup();
            let mut seeking = ListedScorer::new(Arc::clone(&docs));
            for &target in &targets {
                let expected = members.iter().copied().find(|&doc| doc >= target);
                // Targets ascend, so the first document at or after each is found.
                prop_assert_eq!(seeking.seek(target), expected.unwrap_or(TERMINATED));
            }
        }
    }
}
