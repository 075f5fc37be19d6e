//! Highlighted snippets of description text: the part that matches the search's words (and
//! their synonyms), HTML-escaped with the matches in `<b>`.

use tantivy::Searcher;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::snippet::SnippetGenerator;

use super::IndexError;
use super::query::TextPlan;
use super::schema::Fields;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 200;

/// Highlights description text for one search.
pub struct Highlighter {
    generator: SnippetGenerator,
}

impl Highlighter {
    /// A highlighter for the words (and synonyms) of `plan`.
    pub fn new(
        searcher: &Searcher,
        fields: &Fields,
        plan: &TextPlan,
    ) -> Result<Highlighter, IndexError> {
        let words = plan.units.iter().flat_map(|unit| {
            unit.original.words().chain(
                unit.synonyms
                    .iter()
                    .chain(&unit.reached)
                    .flat_map(|p| p.words()),
            )
        });
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .map(|word| {
                let term = Term::from_field_text(fields.description, word);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut generator =
            SnippetGenerator::create(searcher, &BooleanQuery::new(clauses), fields.description)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(Highlighter { generator })
    }

    /// The matching part of `text` as safe HTML, or `None` when nothing in it matches.
    pub fn highlight(&self, text: &str) -> Option<String> {
        let snippet = self.generator.snippet(text);
        (!snippet.highlighted().is_empty()).then(|| snippet.to_html())
    }
}
