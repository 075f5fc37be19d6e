//! The judged query set and the measures computed over it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The file of judged queries.
#[derive(Deserialize)]
pub struct JudgedSet {
    pub queries: Vec<JudgedQuery>,
}

/// One query, as a person would send it, with graded judgments.
#[derive(Deserialize, Clone)]
pub struct JudgedQuery {
    pub id: String,
    pub kind: String,
    pub params: BTreeMap<String, String>,
    pub judgments: BTreeMap<String, u8>,
}

impl JudgedQuery {
    /// Whether the directory has anything for it.
    pub fn answerable(&self) -> bool {
        !self.judgments.is_empty()
    }

    fn grade(&self, id: &str) -> u8 {
        self.judgments.get(id).copied().unwrap_or(0)
    }
}

pub fn load(path: &Path) -> JudgedSet {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What an engine returned for one query: ids in rank order (at least the top 20) and the
/// total number of results.
pub struct Ranked {
    pub ids: Vec<String>,
    pub total: usize,
}

fn gain(grade: u8) -> f64 {
    f64::from((1u32 << grade) - 1)
}

/// Normalised discounted cumulative gain of the first `k` results (exponential gains).
pub fn ndcg(query: &JudgedQuery, ids: &[String], k: usize) -> f64 {
    let dcg: f64 = ids
        .iter()
        .take(k)
        .enumerate()
        .map(|(at, id)| gain(query.grade(id)) / (at as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u8> = query.judgments.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(at, grade)| gain(*grade) / (at as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Share of the judged-relevant services among the first `k` results.
pub fn recall(query: &JudgedQuery, ids: &[String], k: usize) -> f64 {
    let relevant = query.judgments.values().filter(|grade| **grade > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ids.iter().take(k).filter(|id| query.grade(id) > 0).count();
    found as f64 / relevant as f64
}

/// The figures for one engine over the set.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub ndcg_at_10: f64,
    pub recall_at_20: f64,
    pub zero_result_rate: f64,
    pub unanswerable_irrelevant_first: f64,
    pub answerable: usize,
    pub unanswerable: usize,
}

pub fn figures(queries: &[JudgedQuery], results: &[Ranked]) -> Figures {
    let mut ndcg_sum = 0.0;
    let mut recall_sum = 0.0;
    let mut zero = 0;
    let mut answerable = 0;
    let mut unanswerable = 0;
    let mut irrelevant_first = 0;
    for (query, ranked) in queries.iter().zip(results) {
        if query.answerable() {
            answerable += 1;
            ndcg_sum += ndcg(query, &ranked.ids, 10);
            recall_sum += recall(query, &ranked.ids, 20);
            zero += usize::from(ranked.total == 0);
        } else {
            unanswerable += 1;
            irrelevant_first += usize::from(!ranked.ids.is_empty());
        }
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    Figures {
        ndcg_at_10: ndcg_sum / answerable.max(1) as f64,
        recall_at_20: recall_sum / answerable.max(1) as f64,
        zero_result_rate: share(zero, answerable),
        unanswerable_irrelevant_first: share(irrelevant_first, unanswerable),
        answerable,
        unanswerable,
    }
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "NDCG@10 {:.3} | recall@20 {:.3} | zero-result rate {:.1}% ({} answerable) | unanswerable with an irrelevant first result {:.0}% ({} unanswerable)",
            self.ndcg_at_10,
            self.recall_at_20,
            100.0 * self.zero_result_rate,
            self.answerable,
            100.0 * self.unanswerable_irrelevant_first,
            self.unanswerable
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(judgments: &[(&str, u8)]) -> JudgedQuery {
        JudgedQuery {
            id: "q".into(),
            kind: "plain".into(),
            params: BTreeMap::new(),
            judgments: judgments
                .iter()
                .map(|(id, g)| (id.to_string(), *g))
                .collect(),
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let q = query(&[("a", 2), ("b", 1)]);
        assert!((ndcg(&q, &ids(&["a", "b"]), 10) - 1.0).abs() < 1e-9);
        let swapped = ndcg(&q, &ids(&["b", "a"]), 10);
        assert!(swapped < 1.0 && swapped > 0.5, "{swapped}");
        assert_eq!(ndcg(&q, &ids(&["x", "y"]), 10), 0.0);
        assert!(ndcg(&q, &ids(&["x", "a", "b"]), 10) < 1.0);
    }

    #[test]
    fn recall_counts_relevant_results_within_k() {
        let q = query(&[("a", 2), ("b", 1), ("c", 1), ("d", 1)]);
        assert_eq!(recall(&q, &ids(&["a", "x", "c"]), 20), 0.5);
        assert_eq!(recall(&q, &ids(&["x", "a"]), 1), 0.0);
    }
}
