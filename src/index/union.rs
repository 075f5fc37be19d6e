//! A union of queries that moves its clauses only as far as it is asked to.
//!
//! tantivy's own union ([`tantivy::query::BufferedUnionScorer`], behind a `BooleanQuery` of
//! `Should` clauses and a `DisjunctionMaxQuery`) reads every clause 4,096 documents ahead
//! into a buffer, scoring each document it passes. That is the fastest way to walk a union
//! on its own, but a search's words are a union (a word in any of seven fields, or any of its
//! synonyms), and a search of two words is the intersection of two of them: there the
//! rarer word leads and the other is only asked whether it matches the leader's documents.
//! Buffered, a common word ("support", "advice") is then read and scored in every field
//! for every document of the window, most of which the intersection never looks at.
//!
//! [`LazyUnion`] keeps each clause where it is until asked: `seek` moves only the clauses
//! behind the target (postings skip whole blocks), and a document's score is computed only
//! when the search wants it. A union's scores are the same as tantivy's, to the bit: the
//! clauses' scores are combined in the clauses' order, by the same arithmetic
//! ([`Combine`]). In an intersection the parts are added in the order of tantivy's
//! estimates of their cost, and a buffered union's estimate counts only what is left after
//! its first window, so an intersection's sum may differ in its last bits.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// How the scores of the clauses matching a document are combined.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Combine {
    /// Summed, as a `BooleanQuery` of `Should` clauses does.
    Sum,
    /// The highest, plus `tie_breaker` times the others, as a `DisjunctionMaxQuery` does.
    Max {
        /// Weight of the clauses other than the best.
        tie_breaker: Score,
    },
}

/// Documents matching any of the clauses (see the module documentation).
#[derive(Debug)]
pub struct LazyUnion {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl LazyUnion {
    /// The union of `clauses`, their scores combined by `combine`.
    pub fn new(clauses: Vec<Box<dyn Query>>, combine: Combine) -> LazyUnion {
        LazyUnion { clauses, combine }
    }
}

impl Clone for LazyUnion {
    fn clone(&self) -> Self {
        LazyUnion {
            clauses: self
                .clauses
                .iter()
                .map(|clause| clause.box_clone())
                .collect(),
            combine: self.combine,
        }
    }
}

impl Query for LazyUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| clause.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(LazyUnionWeight {
            weights,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct LazyUnionWeight {
    weights: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for LazyUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut clauses = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                clauses.push(scorer);
            }
        }
        Ok(match clauses.len() {
            0 => Box::new(EmptyScorer),
            // One clause scores alone under either combination (tantivy's unions also
            // hand a single term's scorer over as it is).
            1 => clauses.pop().expect("one clause"),
            _ => Box::new(LazyUnionScorer::new(clauses, self.combine)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let description = match self.combine {
            Combine::Sum => "sum of the matching clauses",
            Combine::Max { .. } => "best matching clause, plus the others times a tie-breaker",
        };
        let mut explanation = Explanation::new(description, scorer.score());
        for weight in &self.weights {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

struct LazyUnionScorer {
    clauses: Vec<Box<dyn Scorer>>,
    combine: Combine,
    doc: DocId,
}

impl LazyUnionScorer {
    /// `clauses` (at least two) are each on their first document.
    fn new(clauses: Vec<Box<dyn Scorer>>, combine: Combine) -> LazyUnionScorer {
        let doc = clauses
            .iter()
            .map(|clause| clause.doc())
            .min()
            .unwrap_or(TERMINATED);
        LazyUnionScorer {
            clauses,
            combine,
            doc,
        }
    }

    /// Moves every clause that is before `target` to it or past it, and lands on the
    /// lowest document any clause is on. `target` is above the current document.
    fn move_to(&mut self, target: DocId) -> DocId {
        let mut lowest = TERMINATED;
        for clause in &mut self.clauses {
            let mut doc = clause.doc();
            if doc < target {
                doc = if doc + 1 == target {
                    clause.advance()
                } else {
                    clause.seek(target)
                };
            }
            lowest = lowest.min(doc);
        }
        if lowest == TERMINATED {
            self.clauses.clear();
        }
        self.doc = lowest;
        lowest
    }
}

impl DocSet for LazyUnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.move_to(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.move_to(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // Not the sum: the clauses overlap (a word in several fields of one listing).
        self.clauses
            .iter()
            .map(|clause| clause.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.clauses.iter().map(|clause| clause.cost()).sum()
    }
}

impl Scorer for LazyUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut sum, mut max): (Score, Score) = (0.0, 0.0);
        for clause in &mut self.clauses {
            if clause.doc() == doc {
                let score = clause.score();
                sum += score;
                max = Score::max(score, max);
            }
        }
        match self.combine {
            Combine::Sum => sum,
            Combine::Max { tie_breaker } => max + (sum - max) * tie_breaker,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::doc;
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, Term};

    use super::{Combine, LazyUnion};

    const WORDS: [&str; 6] = ["food", "bank", "advice", "debt", "club", "lunch"];

    /// An index of `documents` (each a list of word numbers for two fields) and its fields.
    fn index(documents: &[(Vec<usize>, Vec<usize>)]) -> (Index, [tantivy::schema::Field; 3]) {
        let mut builder = Schema::builder();
        let first = builder.add_text_field("first", TEXT);
        let second = builder.add_text_field("second", TEXT);
        let kind = builder.add_text_field("kind", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, (a, b)) in documents.iter().enumerate() {
            let text = |words: &Vec<usize>| {
                words
                    .iter()
                    .map(|w| WORDS[w % WORDS.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            writer
                .add_document(doc!(
                    first => text(a),
                    second => text(b),
                    kind => if n % 3 == 0 { "odd" } else { "even" },
                ))
                .unwrap();
        }
        writer.commit().unwrap();
        (index, [first, second, kind])
    }

    fn term(field: tantivy::schema::Field, word: &str, boost: f32) -> Box<dyn Query> {
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            )),
            boost,
        ))
    }

    /// `word` in either field, as tantivy's union and as ours.
    fn either(
        fields: &[tantivy::schema::Field; 3],
        word: &str,
    ) -> (Box<dyn Query>, Box<dyn Query>) {
        let clauses = || vec![term(fields[0], word, 3.0), term(fields[1], word, 1.0)];
        let tantivy =
            BooleanQuery::new(clauses().into_iter().map(|q| (Occur::Should, q)).collect());
        (
            Box::new(tantivy),
            Box::new(LazyUnion::new(clauses(), Combine::Sum)),
        )
    }

    /// Every hit with its score's bits, by address.
    fn hits(index: &Index, query: &dyn Query) -> Vec<(DocAddress, u32)> {
        let searcher = index.reader().unwrap().searcher();
        let mut hits: Vec<(DocAddress, u32)> = searcher
            .search(query, &TopDocs::with_limit(10_000).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address, score.to_bits()))
            .collect();
        hits.sort();
        hits
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// As a union on its own, inside a disjunction-max of synonyms, and as one side of
        /// an intersection with another word and a keyword, the lazy union finds the same
        /// documents as tantivy's with the same scores, to the bit.
        #[test]
        fn finds_and_scores_as_tantivys_union_does(
            documents in proptest::collection::vec(
                (proptest::collection::vec(0usize..6, 0..5), proptest::collection::vec(0usize..6, 0..5)),
                1..300,
            ),
            words in proptest::sample::subsequence(WORDS.to_vec(), 3),
        ) {
            let (index, fields) = index(&documents);
            let (tantivy_union, ours) = either(&fields, words[0]);
            let found = hits(&index, ours.as_ref());
            prop_assert_eq!(&found, &hits(&index, tantivy_union.as_ref()));
            let containing: Vec<u32> = documents
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| a.iter().chain(b).any(|w| WORDS[*w] == words[0]))
                .map(|(n, _)| n as u32)
                .collect();
            let found_docs: Vec<u32> = found.iter().map(|(address, _)| address.doc_id).collect();
            prop_assert_eq!(found_docs, containing);

            let synonyms = |lazy: bool| -> Box<dyn Query> {
                let alternatives: Vec<Box<dyn Query>> = words[..2]
                    .iter()
                    .map(|word| {
                        let (t, o) = either(&fields, word);
                        if lazy { o } else { t }
                    })
                    .collect();
                if lazy {
                    Box::new(LazyUnion::new(alternatives, Combine::Max { tie_breaker: 0.3 }))
                } else {
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.3))
                }
            };
            prop_assert_eq!(hits(&index, synonyms(true).as_ref()), hits(&index, synonyms(false).as_ref()));

            let intersection = |lazy: bool| -> Box<dyn Query> {
                let (t, o) = either(&fields, words[2]);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, synonyms(lazy)),
                    (Occur::Must, if lazy { o } else { t }),
                    (Occur::Must, Box::new(TermQuery::new(
                        Term::from_field_text(fields[2], "even"),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>),
                ]))
            };
            // In an intersection the parts' scores are added cheapest first, by tantivy's
            // estimate of each part's cost, and its buffered union's estimate counts only
            // what is left after its first window: the sum may differ in its last bits.
            let (ours, theirs) = (hits(&index, intersection(true).as_ref()), hits(&index, intersection(false).as_ref()));
            prop_assert_eq!(
                ours.iter().map(|(address, _)| *address).collect::<Vec<_>>(),
                theirs.iter().map(|(address, _)| *address).collect::<Vec<_>>()
            );
            for ((_, a), (_, b)) in ours.iter().zip(&theirs) {
                prop_assert!(a.abs_diff(*b) <= 2, "scores {} and {}", f32::from_bits(*a), f32::from_bits(*b));
            }
        }
    }
}
