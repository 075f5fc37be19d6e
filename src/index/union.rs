//! Unions of a search's words, walked as the search needs: [`LazyUnion`], which moves its
//! clauses only as far as it is asked to (where a place leads the search), and
//! [`Alternatives`], a word's alternatives read into one window (where the words lead).
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
//!
//! [`Alternatives`] is the buffered walk of a word's unit (the best of its alternatives,
//! each a sum over fields) in one window instead of tantivy's two; see its documentation.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EmptyWeight, EnableScoring, Explanation,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

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

/// Documents in the window a [`AlternativesScorer`] reads ahead (as tantivy's buffered union).
const HORIZON: u32 = 64 * 64;
/// Words of the window's bit sets.
const HORIZON_WORDS: usize = (HORIZON / 64) as usize;

/// The best of several alternatives, each the sum of its clauses: a word's unit of a
/// search (the word or any of its synonyms, each in any of seven fields). Scored as
/// tantivy's `DisjunctionMaxQuery` of `BooleanQuery` unions of its clauses scores it, to
/// the bit, but walked as one union: tantivy reads each alternative's union into its own
/// 4,096-document window and then reads those unions into the disjunction's window, so
/// every match passes through two windows and two sets of score accumulators. Here every
/// clause is read once into one window, an alternative at a time: its sums, then the best
/// and the total of the sums. A clause that is one term (a word, or a pair of words) is
/// read and scored here, as tantivy's own term scorer does (BM25 with the same weight), so
/// that the loop over its postings is not a call through a `dyn Scorer` per document.
#[derive(Clone, Debug)]
pub struct Alternatives {
    alternatives: Vec<Vec<Clause>>,
    tie_breaker: Score,
}

/// A clause of an alternative.
#[derive(Debug)]
pub enum Clause {
    /// A term, scored by BM25 times `boost`.
    Term {
        /// The term.
        term: Term,
        /// Its boost.
        boost: Score,
    },
    /// Any other query (a phrase of three words or more, a typo's words).
    Other(Box<dyn Query>),
}

impl Clause {
    /// The clause as a query of its own: a term as [`ScoredTerm`].
    pub fn into_query(self) -> Box<dyn Query> {
        match self {
            Clause::Term { term, boost } => Box::new(ScoredTerm { term, boost }),
            Clause::Other(query) => query,
        }
    }
}

/// One term, scored by BM25 times `boost` as tantivy's `BoostQuery` of a `TermQuery` with
/// frequencies scores it (to the bit), weighed only when the searcher holds the term
/// ([`TermStatistics`]): a [`LazyUnion`]'s clauses are mostly terms absent from their field.
#[derive(Clone, Debug)]
pub struct ScoredTerm {
    term: Term,
    boost: Score,
}

impl Query for ScoredTerm {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            return TermQuery::new(self.term.clone(), IndexRecordOption::Basic)
                .weight(enable_scoring);
        };
        Ok(
            match TermStatistics::new(statistics_provider)?.of(&self.term)? {
                Some((bm25, explained)) => Box::new(ScoredTermWeight(ClauseWeight::Term {
                    term: self.term.clone(),
                    bm25,
                    explained,
                    boost: self.boost,
                })),
                None => Box::new(EmptyWeight),
            },
        )
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// [`ScoredTerm`]'s weight: a term clause's, scoring as tantivy's term scorer does.
struct ScoredTermWeight(ClauseWeight);

impl Weight for ScoredTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.0.scorer(reader, boost)? {
            Some(ClauseScorer::Term(clause)) => Box::new(clause),
            Some(ClauseScorer::Other(scorer)) => scorer,
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

impl Clone for Clause {
    fn clone(&self) -> Self {
        match self {
            Clause::Term { term, boost } => Clause::Term {
                term: term.clone(),
                boost: *boost,
            },
            Clause::Other(query) => Clause::Other(query.box_clone()),
        }
    }
}

impl Alternatives {
    /// The best of `alternatives` (each the sum of its clauses), plus `tie_breaker` times
    /// the others.
    pub fn new(alternatives: Vec<Vec<Clause>>, tie_breaker: Score) -> Alternatives {
        Alternatives {
            alternatives,
            tie_breaker,
        }
    }
}

impl Query for Alternatives {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut statistics = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(TermStatistics::new(statistics_provider)?),
            EnableScoring::Disabled { .. } => None,
        };
        let mut clause_weight = |clause: &Clause| -> tantivy::Result<Option<ClauseWeight>> {
            Ok(match (clause, statistics.as_mut()) {
                (Clause::Term { term, boost }, Some(statistics)) => {
                    statistics
                        .of(term)?
                        .map(|(bm25, explained)| ClauseWeight::Term {
                            term: term.clone(),
                            bm25,
                            explained,
                            boost: *boost,
                        })
                }
                (Clause::Term { term, .. }, None) => Some(ClauseWeight::Other(
                    TermQuery::new(term.clone(), IndexRecordOption::Basic)
                        .weight(enable_scoring)?,
                )),
                (Clause::Other(query), _) => {
                    Some(ClauseWeight::Other(query.weight(enable_scoring)?))
                }
            })
        };
        let mut alternatives = Vec::with_capacity(self.alternatives.len());
        for clauses in &self.alternatives {
            let mut weights = Vec::with_capacity(clauses.len());
            for clause in clauses {
                weights.extend(clause_weight(clause)?);
            }
            if !weights.is_empty() {
                alternatives.push(weights);
            }
        }
        Ok(Box::new(AlternativesWeight {
            alternatives,
            tie_breaker: self.tie_breaker,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in self.alternatives.iter().flatten() {
            match clause {
                Clause::Term { term, .. } => visitor(term, false),
                Clause::Other(query) => query.query_terms(visitor),
            }
        }
    }
}

enum ClauseWeight {
    Term {
        term: Term,
        bm25: Bm25Weight,
        /// What its weight is made of, for [`Weight::explain`].
        explained: Explained,
        boost: Score,
    },
    Other(Box<dyn Weight>),
}

/// The figures a term's BM25 weight is made of: its weight with tantivy's explanation of
/// them is made again from these only when a score is explained.
#[derive(Clone, Copy)]
struct Explained {
    doc_freq: u64,
    total_docs: u64,
    average_fieldnorm: Score,
}

/// The statistics a search's term clauses are weighted by, each field's read once.
///
/// A term no document of the searcher holds gets no weight at all: most of a word's
/// alternatives are absent from most fields (a synonym in an organisation's name, a place's
/// name in a description), and each would otherwise cost a BM25 weight (a table of 256
/// length factors and an explanation of its figures, allocated) and a second look in the
/// term dictionary of every segment for a scorer that matches nothing. A term that is held
/// is weighted as tantivy's term query weights it ([`Bm25Weight::for_terms`] of one term),
/// to the bit.
struct TermStatistics<'a> {
    provider: &'a dyn Bm25StatisticsProvider,
    total_docs: u64,
    /// Each field's average length, as `for_terms` works it out.
    averages: Vec<(Field, Score)>,
}

impl<'a> TermStatistics<'a> {
    fn new(provider: &'a dyn Bm25StatisticsProvider) -> tantivy::Result<Self> {
        Ok(TermStatistics {
            provider,
            total_docs: provider.total_num_docs()?,
            averages: Vec::new(),
        })
    }

    /// `term`'s weight and its figures, or `None` when no document holds it.
    fn of(&mut self, term: &Term) -> tantivy::Result<Option<(Bm25Weight, Explained)>> {
        let doc_freq = self.provider.doc_freq(term)?;
        if doc_freq == 0 {
            return Ok(None);
        }
        let field = term.field();
        let average_fieldnorm = match self.averages.iter().find(|(at, _)| *at == field) {
            Some((_, average)) => *average,
            None => {
                let tokens = self.provider.total_num_tokens(field)?;
                let average = tokens as Score / self.total_docs as Score;
                self.averages.push((field, average));
                average
            }
        };
        let explained = Explained {
            doc_freq,
            total_docs: self.total_docs,
            average_fieldnorm,
        };
        Ok(Some((explained.weight_without_explanation(), explained)))
    }
}

impl Explained {
    fn weight_without_explanation(self) -> Bm25Weight {
        Bm25Weight::for_one_term_without_explain(
            self.doc_freq,
            self.total_docs,
            self.average_fieldnorm,
        )
    }

    fn weight(self) -> Bm25Weight {
        Bm25Weight::for_one_term(self.doc_freq, self.total_docs, self.average_fieldnorm)
    }
}

impl ClauseWeight {
    /// The clause's scorer in `reader`, or `None` when it matches nothing there.
    fn scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<ClauseScorer>> {
        let scorer = match self {
            ClauseWeight::Term {
                term,
                bm25,
                boost: own,
                ..
            } => {
                let inverted = reader.inverted_index(term.field())?;
                let Some(info) = inverted.get_term_info(term)? else {
                    return Ok(None);
                };
                let postings =
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                let norms = match reader.fieldnorms_readers().get_field(term.field())? {
                    Some(norms) => norms,
                    None => FieldNormReader::constant(reader.max_doc(), 1),
                };
                ClauseScorer::Term(TermClause {
                    postings,
                    norms,
                    bm25: bm25.boost_by(boost * own),
                })
            }
            ClauseWeight::Other(weight) => ClauseScorer::Other(weight.scorer(reader, boost)?),
        };
        Ok((scorer.doc() != TERMINATED).then_some(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        match self {
            ClauseWeight::Term {
                term,
                explained,
                boost,
                ..
            } => {
                let mut scorer = self.scorer(reader, 1.0)?;
                let Some(ClauseScorer::Term(clause)) = scorer.as_mut() else {
                    return Err(does_not_match(doc));
                };
                if clause.postings.seek(doc) != doc {
                    return Err(does_not_match(doc));
                }
                let mut explanation = explained
                    .weight()
                    .boost_by(*boost)
                    .explain(clause.norms.fieldnorm_id(doc), clause.postings.term_freq());
                explanation.add_context(format!("Term={term:?}"));
                Ok(explanation)
            }
            ClauseWeight::Other(weight) => weight.explain(reader, doc),
        }
    }
}

fn does_not_match(doc: DocId) -> tantivy::TantivyError {
    tantivy::TantivyError::InvalidArgument(format!("document #({doc}) does not match"))
}

/// A term's postings, scored as tantivy's term scorer scores them.
struct TermClause {
    postings: SegmentPostings,
    norms: FieldNormReader,
    bm25: Bm25Weight,
}

impl DocSet for TermClause {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for TermClause {
    fn score(&mut self) -> Score {
        TermClause::score(self)
    }
}

impl TermClause {
    #[inline]
    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.bm25
            .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

// A term clause holds its postings' decoded block (about 2 KB); the clauses are in a
// vector on the heap either way, and a box per term would be an allocation more each.
#[allow(clippy::large_enum_variant)]
enum ClauseScorer {
    Term(TermClause),
    Other(Box<dyn Scorer>),
}

impl ClauseScorer {
    fn doc(&self) -> DocId {
        match self {
            ClauseScorer::Term(clause) => clause.postings.doc(),
            ClauseScorer::Other(scorer) => scorer.doc(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            ClauseScorer::Term(clause) => clause.postings.seek(target),
            ClauseScorer::Other(scorer) => scorer.seek(target),
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            ClauseScorer::Term(clause) => clause.postings.size_hint(),
            ClauseScorer::Other(scorer) => scorer.size_hint(),
        }
    }

    fn cost(&self) -> u64 {
        match self {
            ClauseScorer::Term(clause) => clause.postings.cost(),
            ClauseScorer::Other(scorer) => scorer.cost(),
        }
    }

    /// Adds its score at each of its documents before `horizon` to `sums` (at the
    /// document's place from `start`), marks them in `reading`, and moves past them.
    #[inline]
    fn read_window(
        &mut self,
        start: DocId,
        horizon: DocId,
        reading: &mut [u64; HORIZON_WORDS],
        sums: &mut [Score; HORIZON as usize],
    ) {
        match self {
            ClauseScorer::Term(clause) => {
                let mut doc = clause.postings.doc();
                while doc < horizon {
                    let delta = (doc - start) as usize;
                    reading[delta / 64] |= 1 << (delta % 64);
                    sums[delta] += clause.score();
                    doc = clause.postings.advance();
                }
            }
            ClauseScorer::Other(scorer) => {
                let mut doc = scorer.doc();
                while doc < horizon {
                    let delta = (doc - start) as usize;
                    reading[delta / 64] |= 1 << (delta % 64);
                    sums[delta] += scorer.score();
                    doc = scorer.advance();
                }
            }
        }
    }
}

struct AlternativesWeight {
    alternatives: Vec<Vec<ClauseWeight>>,
    tie_breaker: Score,
}

impl Weight for AlternativesWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut alternatives = Vec::with_capacity(self.alternatives.len());
        for weights in &self.alternatives {
            let mut clauses = Vec::with_capacity(weights.len());
            for weight in weights {
                if let Some(scorer) = weight.scorer(reader, boost)? {
                    clauses.push(scorer);
                }
            }
            if !clauses.is_empty() {
                alternatives.push(clauses);
            }
        }
        Ok(
            match AlternativesScorer::new(alternatives, self.tie_breaker) {
                Some(scorer) => Box::new(scorer),
                None => Box::new(EmptyScorer),
            },
        )
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(does_not_match(doc));
        }
        let mut explanation = Explanation::new(
            "best matching alternative, plus the others times a tie-breaker",
            scorer.score(),
        );
        for weight in self.alternatives.iter().flatten() {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// Walks [`Alternatives`]: a window of [`HORIZON`] documents from the lowest any clause is
/// on, filled an alternative at a time.
struct AlternativesScorer {
    /// Each alternative's clauses still before their end, in order; no alternative empty.
    alternatives: Vec<Vec<ClauseScorer>>,
    tie_breaker: Score,
    /// The window's documents not yet passed.
    present: Box<[u64; HORIZON_WORDS]>,
    /// Per document of the window: the best alternative's sum, and the total of the sums
    /// (for a document not in `present`, whatever was left there: a window's first
    /// alternative to match a document writes its sums over them, so nothing is cleared as
    /// the walk passes documents or skips them).
    best: Box<[Score; HORIZON as usize]>,
    total: Box<[Score; HORIZON as usize]>,
    /// The alternative being read: its documents and its sums.
    reading: Box<[u64; HORIZON_WORDS]>,
    sums: Box<[Score; HORIZON as usize]>,
    window_start: DocId,
    /// The word of `present` the walk is in.
    word: usize,
    doc: DocId,
    score: Score,
}

impl AlternativesScorer {
    /// On the first document, or `None` when there is none.
    fn new(alternatives: Vec<Vec<ClauseScorer>>, tie_breaker: Score) -> Option<Self> {
        let mut scorer = AlternativesScorer {
            alternatives,
            tie_breaker,
            present: Box::new([0; HORIZON_WORDS]),
            best: Box::new([0.0; HORIZON as usize]),
            total: Box::new([0.0; HORIZON as usize]),
            reading: Box::new([0; HORIZON_WORDS]),
            sums: Box::new([0.0; HORIZON as usize]),
            window_start: 0,
            word: HORIZON_WORDS,
            doc: 0,
            score: 0.0,
        };
        if !scorer.refill() {
            return None;
        }
        scorer.advance();
        Some(scorer)
    }

    /// Reads every clause's documents in the window from the lowest document any is on;
    /// `false` when every clause has ended.
    fn refill(&mut self) -> bool {
        let Some(start) = self.alternatives.iter().flatten().map(|c| c.doc()).min() else {
            return false;
        };
        self.window_start = start;
        self.word = 0;
        let horizon = start + HORIZON;
        for clauses in &mut self.alternatives {
            for clause in clauses.iter_mut() {
                clause.read_window(start, horizon, &mut self.reading, &mut self.sums);
            }
            // The alternative's sums into the best and the total, as a disjunction-max
            // combines its clauses' scores.
            for (word, bits) in self.reading.iter_mut().enumerate() {
                let mut left = std::mem::take(bits);
                let before = self.present[word];
                self.present[word] |= left;
                while left != 0 {
                    let bit = left.trailing_zeros();
                    let delta = word * 64 + bit as usize;
                    left &= left - 1;
                    let sum = std::mem::take(&mut self.sums[delta]);
                    (self.best[delta], self.total[delta]) = if before & (1 << bit) == 0 {
                        (sum, sum)
                    } else {
                        (Score::max(sum, self.best[delta]), self.total[delta] + sum)
                    };
                }
            }
            clauses.retain(|clause| clause.doc() != TERMINATED);
        }
        self.alternatives.retain(|clauses| !clauses.is_empty());
        true
    }

    /// The next document of the window, if any is left.
    fn next_in_window(&mut self) -> bool {
        while self.word < HORIZON_WORDS {
            let bits = self.present[self.word];
            if bits != 0 {
                self.present[self.word] = bits & (bits - 1);
                let delta = self.word * 64 + bits.trailing_zeros() as usize;
                self.doc = self.window_start + delta as DocId;
                let best = self.best[delta];
                self.score = best + (self.total[delta] - best) * self.tie_breaker;
                return true;
            }
            self.word += 1;
        }
        false
    }

    /// Forgets the window's documents before `target`, which is in the window.
    fn forget_before(&mut self, target: DocId) {
        let gap = (target - self.window_start) as usize;
        let word = gap / 64;
        for passed in self.word..word {
            self.present[passed] = 0;
        }
        self.word = self.word.max(word);
        self.present[word] &= u64::MAX << (gap % 64);
    }
}

impl DocSet for AlternativesScorer {
    fn advance(&mut self) -> DocId {
        loop {
            if self.next_in_window() {
                return self.doc;
            }
            if !self.refill() {
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target - self.window_start < HORIZON {
            self.forget_before(target);
        } else {
            self.present[self.word..].fill(0);
            self.word = HORIZON_WORDS;
            for clause in self.alternatives.iter_mut().flatten() {
                if clause.doc() < target {
                    clause.seek(target);
                }
            }
            for clauses in &mut self.alternatives {
                clauses.retain(|clause| clause.doc() != TERMINATED);
            }
            self.alternatives.retain(|clauses| !clauses.is_empty());
        }
        let mut doc = self.advance();
        while doc < target {
            doc = self.advance();
        }
        doc
    }

    /// As an intersection asks a part that does not lead it: whether `target` matches,
    /// answered within the window from its bit alone (the window's documents before it are
    /// dropped, no others scored); only a target beyond the window moves the clauses.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if self.doc >= target {
            // On a document (or at the end): the first at or after the target.
            return if self.doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(self.doc)
            };
        }
        if target - self.window_start >= HORIZON {
            let doc = self.seek(target);
            return if doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(doc)
            };
        }
        self.forget_before(target);
        let gap = target - self.window_start;
        if self.present[gap as usize / 64] & (1 << (gap % 64)) != 0 {
            self.next_in_window();
            return SeekDangerResult::Found;
        }
        // Not a document: left between documents, which only another `seek_danger` (with a
        // higher target) may follow.
        self.doc = target;
        SeekDangerResult::SeekLowerBound(target + 1)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // Not the sum: the clauses overlap (a word in several fields of one listing).
        self.alternatives
            .iter()
            .flatten()
            .map(|clause| clause.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.alternatives
            .iter()
            .flatten()
            .map(|clause| clause.cost())
            .sum()
    }
}

impl Scorer for AlternativesScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;
    use tantivy::collector::TopDocs;
    use tantivy::doc;
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, Term};

    use super::{Alternatives, Clause, Combine, LazyUnion};

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

    /// `part` with `word` in either field and the keyword "even".
    fn with_word_and_keyword(
        fields: &[tantivy::schema::Field; 3],
        part: Box<dyn Query>,
        word: Box<dyn Query>,
    ) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, part),
            (Occur::Must, word),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(fields[2], "even"),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
        ]))
    }

    /// The same documents, their scores within 2 ulps: in an intersection the parts' scores
    /// are added cheapest first, by tantivy's estimate of each part's cost, and its buffered
    /// union's estimate counts only what is left after its first window, so the sum may
    /// differ in its last bits.
    fn same_but_last_bits(
        ours: &[(DocAddress, u32)],
        theirs: &[(DocAddress, u32)],
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(
            ours.iter().map(|(address, _)| *address).collect::<Vec<_>>(),
            theirs
                .iter()
                .map(|(address, _)| *address)
                .collect::<Vec<_>>()
        );
        for ((_, a), (_, b)) in ours.iter().zip(theirs) {
            prop_assert!(
                a.abs_diff(*b) <= 2,
                "scores {} and {}",
                f32::from_bits(*a),
                f32::from_bits(*b)
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// As a union on its own, inside a disjunction-max of synonyms, and as one side of
        /// an intersection with another word and a keyword, the lazy union finds the same
        /// documents as tantivy's with the same scores, to the bit (in the intersection, but
        /// for the last bits); and so do the alternatives of a unit.
        #[test]
        fn finds_and_scores_as_tantivys_union_does(
            documents in proptest::collection::vec(
                (proptest::collection::vec(0usize..6, 0..5), proptest::collection::vec(0usize..6, 0..5)),
                1..300,
            ),
            words in proptest::sample::subsequence(WORDS.to_vec(), 3),
            many in 1usize..3,
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

            let intersection = |lazy: bool| {
                let (t, o) = either(&fields, words[2]);
                with_word_and_keyword(&fields, synonyms(lazy), if lazy { o } else { t })
            };
            same_but_last_bits(&hits(&index, intersection(true).as_ref()), &hits(&index, intersection(false).as_ref()))?;

            // The alternatives of a unit of `many` words, walked in one window and lazily:
            // alone, what tantivy's disjunction-max of unions finds, scored the same to the
            // bit; in an intersection, the same but for last bits.
            let unit = &words[..many];
            let theirs = hits(&index, alternatives(&fields, unit, Walk::Tantivy).as_ref());
            let intersection = |walk: Walk| {
                with_word_and_keyword(&fields, alternatives(&fields, unit, walk), either(&fields, words[2]).0)
            };
            let theirs_intersected = hits(&index, intersection(Walk::Tantivy).as_ref());
            for walk in [Walk::Alternatives, Walk::Lazy] {
                prop_assert_eq!(&hits(&index, alternatives(&fields, unit, walk).as_ref()), &theirs);
                same_but_last_bits(&hits(&index, intersection(walk).as_ref()), &theirs_intersected)?;
            }
        }
    }

    /// Over many windows (12,000 documents): a unit's alternatives walked alone, asked about
    /// a rarer word's documents in an intersection (skipping within and beyond the window),
    /// and leading a commoner word, find what tantivy's walk finds, with the same scores.
    #[test]
    fn walks_many_windows_as_tantivy_does() {
        let mut seed = 20_261_207u64;
        let mut next = |below: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % below
        };
        let documents: Vec<(Vec<usize>, Vec<usize>)> = (0..12_000)
            .map(|n| {
                // food and bank common, debt rare and in runs (whole windows without it).
                let mut first: Vec<usize> = (0..next(4)).map(|_| next(2) as usize).collect();
                if (n / 1_500) % 3 == 1 && next(40) == 0 {
                    first.push(3);
                }
                let second = (0..next(3))
                    .map(|_| [0, 1, 4, 5][next(4) as usize])
                    .collect();
                (first, second)
            })
            .collect();
        let (index, fields) = index(&documents);
        for unit in [&["food", "bank"][..], &["debt"][..], &["club", "food"][..]] {
            let theirs = hits(&index, alternatives(&fields, unit, Walk::Tantivy).as_ref());
            assert!(theirs.len() > 100 || unit == ["debt"], "{unit:?}");
            assert_eq!(
                hits(
                    &index,
                    alternatives(&fields, unit, Walk::Alternatives).as_ref()
                ),
                theirs,
                "{unit:?} alone"
            );
            for other in ["debt", "food", "lunch"] {
                let intersection = |walk: Walk| {
                    with_word_and_keyword(
                        &fields,
                        alternatives(&fields, unit, walk),
                        either(&fields, other).0,
                    )
                };
                let theirs = hits(&index, intersection(Walk::Tantivy).as_ref());
                assert!(!theirs.is_empty(), "{unit:?} {other}");
                same_but_last_bits(
                    &hits(&index, intersection(Walk::Alternatives).as_ref()),
                    &theirs,
                )
                .unwrap_or_else(|error| panic!("{unit:?} and {other}: {error}"));
            }
        }
    }

    /// A unit's alternatives as tantivy would walk them (a disjunction-max of unions) and
    /// as [`Alternatives`]: each word of `words` in either field (a term clause each), and
    /// the last pair of them together in the first field (a clause of another kind). A word
    /// no document holds is in every alternative, and is one alternative on its own (most of
    /// a real unit's terms are absent from most fields).
    fn alternatives(
        fields: &[tantivy::schema::Field; 3],
        words: &[&str],
        walk: Walk,
    ) -> Box<dyn Query> {
        let weights = [3.0, 1.0];
        let absent = |n: usize| Clause::Term {
            term: Term::from_field_text(fields[n % 2], "nowhere"),
            boost: 2.0,
        };
        let mut clauses: Vec<Vec<Clause>> = words
            .iter()
            .enumerate()
            .map(|(n, word)| {
                (0..2)
                    .map(|f| Clause::Term {
                        term: Term::from_field_text(fields[f], word),
                        boost: weights[f] / (n + 1) as f32,
                    })
                    .chain([absent(n)])
                    .collect()
            })
            .collect();
        clauses.push(vec![absent(0)]);
        let both = |a: &str, b: &str| -> Box<dyn Query> {
            let term = |w: &str| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(fields[0], w),
                    IndexRecordOption::WithFreqs,
                ))
            };
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, term(a)),
                    (Occur::Must, term(b)),
                ])),
                0.7,
            ))
        };
        if let [.., a, b] = words {
            clauses.push(vec![Clause::Other(both(a, b))]);
        }
        match walk {
            Walk::Alternatives => Box::new(Alternatives::new(clauses, 0.1)),
            // As the search's lazy walk builds a unit.
            Walk::Lazy => Box::new(LazyUnion::new(
                clauses
                    .into_iter()
                    .map(|clauses| {
                        let clauses = clauses.into_iter().map(Clause::into_query).collect();
                        Box::new(LazyUnion::new(clauses, Combine::Sum)) as Box<dyn Query>
                    })
                    .collect(),
                Combine::Max { tie_breaker: 0.1 },
            )),
            Walk::Tantivy => {
                let unions = clauses
                    .into_iter()
                    .map(|clauses| {
                        Box::new(BooleanQuery::new(
                            clauses
                                .into_iter()
                                .map(|clause| (Occur::Should, tantivy_query(clause)))
                                .collect(),
                        )) as Box<dyn Query>
                    })
                    .collect();
                Box::new(DisjunctionMaxQuery::with_tie_breaker(unions, 0.1))
            }
        }
    }

    /// How [`alternatives`] are walked.
    #[derive(Clone, Copy)]
    enum Walk {
        Tantivy,
        Alternatives,
        Lazy,
    }

    /// A clause as tantivy's own queries.
    fn tantivy_query(clause: Clause) -> Box<dyn Query> {
        match clause {
            Clause::Term { term, boost } => Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                boost,
            )),
            Clause::Other(query) => query,
        }
    }
}
