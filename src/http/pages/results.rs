//! `GET /search`: the results page. The form's fields are the API's parameters (so a page
//! URL and an API URL say the same thing), plus `age` (one person's age) and `lang`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::forms::Pairs;
use super::view::{self, Card};
use super::{Chrome, PageContext, PageError};
use crate::catalog::suggest::{EVERY_FILTER, NoResults, Suggestion, no_results};
use crate::catalog::{Catalog, SearchPage};
use crate::domain::ids::TaxonomyTermId;
use crate::domain::language::LanguageCode;
use crate::domain::taxonomy::TaxonomyTerm;
use crate::http::AppState;
use crate::http::api::blocking;
use crate::http::error::{ApiError, InvalidParam};
use crate::http::params::{Params, SearchContext};
use crate::i18n::{Arg, Messages};
use crate::search::explain::explain;
use crate::search::query::{FacetCounts, FacetDimension, ServiceQuery, Target};

/// Results per page.
const PER_PAGE: usize = 20;
/// Distances offered with a postcode, in metres.
const DISTANCES: [u32; 5] = [500, 1_000, 2_000, 5_000, 10_000];
/// Ways of getting a service offered as a filter.
const ROUTES: [&str; 3] = ["self_referral", "drop_in", "professional_referral"];
/// How a service is delivered.
const DELIVERY: [&str; 3] = ["in_person", "phone", "online"];
/// Weekdays, as the API spells them.
const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// An option of a select.
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its words.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
    /// Indented (a narrower need).
    pub narrower: bool,
}

/// A group of checkboxes.
pub struct Checks {
    /// The parameter.
    pub name: &'static str,
    /// Its legend.
    pub legend: String,
    /// The boxes.
    pub options: Vec<Choice>,
}

/// A chosen filter, removable with a link.
pub struct Chosen {
    /// What it is.
    pub label: String,
    /// The page without it.
    pub remove: String,
}

/// A field's error, for the error summary and the field.
pub struct FieldError {
    /// The field's id.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// A way forward from an empty page.
pub struct WayForward {
    /// Where.
    pub href: String,
    /// In words.
    pub text: String,
}

/// One link of the pagination.
pub struct PageLink {
    /// Page number.
    pub number: usize,
    /// Its URL.
    pub href: String,
    /// Whether it is this page.
    pub current: bool,
}

#[derive(Template)]
#[template(path = "results.html")]
struct Results {
    c: Chrome,
    t: &'static Messages,
    search: String,
    postcode: String,
    age: String,
    heading: String,
    errors: Vec<FieldError>,
    count_text: Option<String>,
    relaxed: Option<String>,
    cards: Vec<Card>,
    chosen: Vec<Chosen>,
    kept: Vec<(String, String)>,
    clear_all: Option<String>,
    needs: Vec<Choice>,
    localities: Vec<Choice>,
    distances: Vec<Choice>,
    days: Vec<Choice>,
    languages: Vec<Choice>,
    checks: Vec<Checks>,
    free: bool,
    open_now: bool,
    accepting_referrals: bool,
    empty: Option<Empty>,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
    page_of: Option<String>,
}

/// What an empty page says.
pub struct Empty {
    /// Why.
    pub reason: String,
    /// Ways forward.
    pub ways: Vec<WayForward>,
    /// Helplines for the need.
    pub helplines: Vec<Card>,
}

/// The API query for the page's pairs: `age` becomes an age range, `lang` is dropped, the
/// page size is fixed.
fn api_pairs(pairs: &Pairs) -> Pairs {
    let mut api = Pairs::default();
    for (name, value) in pairs.iter() {
        match name {
            "lang" | "per_page" | "facets" => {}
            "age" => {
                api.push("minimum_age", value);
                api.push("maximum_age", value);
            }
            _ => api.push(name, value),
        }
    }
    api.push("per_page", &PER_PAGE.to_string());
    api.push("facets", "language");
    api
}

/// The page's field for an API parameter named in an error.
fn field_of(parameter: &str) -> &'static str {
    match parameter {
        "search" => "search",
        "postcode" => "postcode",
        "proximity" => "proximity",
        "minimum_age" | "maximum_age" => "age",
        "taxonomy_term_id" => "need",
        "locality" => "locality",
        "language" => "language",
        "day" => "day",
        _ => "filters",
    }
}

/// `GET /search`.
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let t = context.t();
    let pairs = Pairs::parse(request.query_string());
    let catalog = state.catalog.clone();
    let now = state.clock.london_now();
    let online = state.online_postcode(request.query_string()).await;
    let parsed = {
        let search_context = SearchContext {
            now,
            geography: catalog.geography(),
            features: &catalog.index().assets().features,
            online,
        };
        Params::new(&api_pairs(&pairs).encode()).service_query(Target::Services, &search_context)
    };
    let needs_catalog = catalog.clone();
    let needs = blocking(move || Ok(needs_catalog.needs()?))
        .await
        .map_err(PageError::internal(locale))?;
    let (query, outcome, errors) = match parsed {
        Ok(query) => {
            let searched = query.clone();
            let search_catalog = catalog.clone();
            let outcome = crate::http::api::search_blocking(&state, move || {
                let page = search_catalog.search(&searched)?;
                let empty = if page.total == 0 && searched.page.number == 1 {
                    Some(no_results(&search_catalog, &searched)?)
                } else {
                    None
                };
                Ok((page, empty))
            })
            .await
            .map_err(PageError::internal(locale))?;
            (Some(query), Some(outcome), Vec::new())
        }
        Err(ApiError::InvalidParams(problems)) => (None, None, field_errors(t, &problems)),
        Err(other) => return Err(PageError::Internal(locale, other.to_string())),
    };
    let page = build(
        &context,
        &catalog,
        &pairs,
        &needs,
        query.as_ref(),
        outcome,
        errors,
        now,
    );
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let response = context.respond(&request, &page);
    Ok(if status == StatusCode::OK {
        response
    } else {
        let mut response = response;
        *response.status_mut() = status;
        response
    })
}

/// `GET /search/count`: how many services the filter form's current choices would find, for
/// the live count next to the Apply button (JavaScript only; the form works without it).
/// Answers `{"total": 12, "text": "12 services found"}` in the page's language, or a problem
/// body when the choices are not valid.
pub async fn count(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let t = PageContext::new(&request).t();
    let pairs = Pairs::parse(request.query_string());
    let catalog = state.catalog.clone();
    let online = state.online_postcode(request.query_string()).await;
    let query = {
        let search_context = SearchContext {
            now: state.clock.london_now(),
            geography: catalog.geography(),
            features: &catalog.index().assets().features,
            online,
        };
        let mut api = api_pairs(&pairs)
            .without_all("per_page")
            .without_all("facets");
        api.push("per_page", "1");
        Params::new(&api.encode()).service_query(Target::Services, &search_context)?
    };
    let total =
        crate::http::api::search_blocking(&state, move || Ok(catalog.search(&query)?.total))
            .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "total": total,
            "text": t.count("results-count", total),
        })))
}

fn field_errors(t: &Messages, problems: &[InvalidParam]) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = Vec::new();
    for problem in problems {
        let field = field_of(&problem.name);
        if errors.iter().any(|e| e.field == field) {
            continue;
        }
        let message = match field {
            "postcode" => t.get("error-postcode"),
            "age" => t.get("error-age"),
            "search" => t.get("error-search-too-long"),
            _ => t.with("error-filter", "detail", &problem.reason),
        };
        errors.push(FieldError { field, message });
    }
    errors
}

#[allow(clippy::too_many_arguments)]
fn build(
    context: &PageContext,
    catalog: &Catalog,
    pairs: &Pairs,
    needs: &[TaxonomyTerm],
    query: Option<&ServiceQuery>,
    outcome: Option<(SearchPage, Option<NoResults>)>,
    errors: Vec<FieldError>,
    now: chrono::NaiveDateTime,
) -> Results {
    let t = context.t();
    let geography = catalog.geography();
    let features = &catalog.index().assets().features;
    let search = pairs.first("search").unwrap_or_default().to_owned();
    let link = |p: &Pairs| context.link(&p.without_all("lang").href("/search"));

    let mut cards = Vec::new();
    let mut count_text = None;
    let mut relaxed = None;
    let mut empty = None;
    let mut facets: Option<FacetCounts> = None;
    let mut total = 0;
    if let (Some(query), Some((page, answer))) = (query, outcome) {
        total = page.total;
        count_text = Some(t.count("results-count", page.total));
        if page.relaxed {
            relaxed = Some(if page.unmatched.is_empty() {
                t.get("results-relaxed")
            } else {
                t.with("results-relaxed-words", "words", &page.unmatched.join(", "))
            });
        }
        for found in &page.found {
            let mut card = Card::new(context, &found.placed, found.link, now);
            card.highlight = found.highlight.clone();
            card.why = explain(&found.placed, None, &query.geo, geography)
                .map(|explanation| view::why(t, &explanation));
            cards.push(card);
        }
        facets = page.facets;
        empty = answer.map(|answer| empty_page(context, pairs, &search, answer, now));
    }

    let term_name = |id: &str| {
        needs
            .iter()
            .find(|term| term.id.to_string() == id)
            .map(|term| view::need_name(t, term).text)
    };
    let chosen: Vec<Chosen> = pairs
        .iter()
        .filter(|(name, _)| !matches!(*name, "search" | "postcode" | "lang" | "page"))
        .map(|(name, value)| Chosen {
            label: chosen_label(t, catalog, name, value, &term_name),
            remove: link(&pairs.without(name, value).without_all("page")),
        })
        .collect();
    let clear_all = (chosen.len() > 1).then(|| {
        let mut kept = Pairs::default();
        for name in ["search", "postcode"] {
            if let Some(value) = pairs.first(name) {
                kept.push(name, value);
            }
        }
        link(&kept)
    });

    let choice = |name: &str, value: String, label: String| Choice {
        selected: pairs.has(name, &value),
        value,
        label,
        narrower: false,
    };
    let need_choices = needs
        .iter()
        .map(|term| Choice {
            narrower: term.parent_id.is_some(),
            ..choice(
                "taxonomy_term_id",
                term.id.to_string(),
                view::need_name(t, term).text,
            )
        })
        .collect();
    let localities = geography
        .localities()
        .iter()
        .map(|l| choice("locality", l.id.clone(), l.name.clone()))
        .collect();
    let distances = DISTANCES
        .iter()
        .map(|metres| {
            choice(
                "proximity",
                metres.to_string(),
                t.with("within", "distance", &view::distance(t, u64::from(*metres))),
            )
        })
        .collect();
    let days = DAYS
        .iter()
        .enumerate()
        .map(|(at, code)| choice("day", (*code).to_owned(), t.get(&format!("day-{}", at + 1))))
        .collect();
    let mut languages: Vec<Choice> = facets
        .as_ref()
        .and_then(|f| {
            f.dimensions
                .iter()
                .find(|(d, _)| *d == FacetDimension::Language)
        })
        .map(|(_, values)| {
            values
                .iter()
                .filter(|(code, _)| code.as_str() != "eng")
                .map(|(code, count)| {
                    let name = language_name(t, code);
                    choice("language", code.clone(), format!("{name} ({count})"))
                })
                .collect()
        })
        .unwrap_or_default();
    for code in pairs.all("language") {
        if !languages.iter().any(|l| l.value == code) {
            languages.push(choice("language", code.to_owned(), language_name(t, code)));
        }
    }
    let labelled = |name: &'static str, legend: &str, values: Vec<String>, prefix: &str| Checks {
        name,
        legend: t.get(legend),
        options: values
            .into_iter()
            .map(|value| {
                let label = t
                    .try_get(&format!("{prefix}-{}", value.replace('_', "-")))
                    .unwrap_or_else(|| value.replace('_', " "));
                choice(name, value, label)
            })
            .collect(),
    };
    let checks = vec![
        labelled(
            "suitable_for",
            "filter-suitable-for",
            features
                .suitable_for
                .iter()
                .map(|v| v.value.clone())
                .collect(),
            "suitable",
        ),
        labelled(
            "accessibility",
            "filter-accessibility",
            features
                .accessibility
                .iter()
                .map(|v| v.value.clone())
                .collect(),
            "access",
        ),
        labelled(
            "delivery",
            "filter-delivery",
            DELIVERY.iter().map(|v| (*v).to_owned()).collect(),
            "delivery",
        ),
        labelled(
            "referral_route",
            "filter-route",
            ROUTES.iter().map(|v| (*v).to_owned()).collect(),
            "route",
        ),
    ];

    let number = query.map_or(1, |q| q.page.number);
    let last = total.div_ceil(PER_PAGE).max(1);
    let page_href = |n: usize| {
        if n == 1 {
            link(&pairs.without_all("page"))
        } else {
            link(&pairs.with("page", &n.to_string()))
        }
    };
    let window = number.saturating_sub(2).max(1)..=(number + 2).min(last);
    let pages = if last > 1 {
        window
            .map(|n| PageLink {
                number: n,
                href: page_href(n),
                current: n == number,
            })
            .collect()
    } else {
        Vec::new()
    };
    let heading = if search.is_empty() {
        pairs
            .first("taxonomy_term_id")
            .and_then(term_name)
            .unwrap_or_else(|| t.get("results-heading"))
    } else {
        t.with("results-heading-for", "search", &search)
    };
    let title = if errors.is_empty() {
        heading.clone()
    } else {
        t.with("error-title", "title", &heading)
    };
    Results {
        c: context.chrome(title),
        t,
        postcode: pairs.first("postcode").unwrap_or_default().to_owned(),
        age: pairs.first("age").unwrap_or_default().to_owned(),
        search,
        heading,
        errors,
        count_text,
        relaxed,
        cards,
        chosen,
        kept: pairs
            .iter()
            .filter(|(name, _)| !matches!(*name, "search" | "postcode" | "lang" | "page"))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        clear_all,
        needs: need_choices,
        localities,
        distances,
        days,
        languages,
        checks,
        free: pairs.has("cost", "free"),
        open_now: pairs.has("open_now", "true"),
        accepting_referrals: pairs.has("accepting_referrals", "true"),
        empty,
        previous: (number > 1 && number <= last).then(|| page_href(number - 1)),
        next: (number < last).then(|| page_href(number + 1)),
        pages,
        page_of: (last > 1).then(|| {
            t.format(
                "page-of",
                &[
                    ("page", Arg::Number(number as i64)),
                    ("pages", Arg::Number(last as i64)),
                ],
            )
        }),
    }
}

fn language_name(t: &Messages, code: &str) -> String {
    t.try_get(&format!("language-{code}")).unwrap_or_else(|| {
        LanguageCode::parse(code)
            .ok()
            .and_then(|c| c.english_name())
            .map_or_else(|| code.to_owned(), str::to_owned)
    })
}

fn chosen_label(
    t: &Messages,
    catalog: &Catalog,
    name: &str,
    value: &str,
    term_name: &dyn Fn(&str) -> Option<String>,
) -> String {
    let shown = match name {
        "taxonomy_term_id" => term_name(value).unwrap_or_else(|| value.to_owned()),
        "locality" => catalog.geography().locality_by_key(value).map_or_else(
            || value.to_owned(),
            |at| catalog.geography().localities()[at].name.clone(),
        ),
        "language" => language_name(t, value),
        "day" => DAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(value))
            .map_or_else(|| value.to_owned(), |at| t.get(&format!("day-{}", at + 1))),
        "proximity" => value.parse::<u64>().map_or_else(
            |_| value.to_owned(),
            |m| t.with("within", "distance", &view::distance(t, m)),
        ),
        "cost" => t.get("cost-free"),
        "open_now" => t.get("filter-open-now"),
        "accepting_referrals" => t.get("filter-accepting"),
        "suitable_for" => t
            .try_get(&format!("suitable-{}", value.replace('_', "-")))
            .unwrap_or_else(|| value.replace('_', " ")),
        "accessibility" => t
            .try_get(&format!("access-{}", value.replace('_', "-")))
            .unwrap_or_else(|| value.replace('_', " ")),
        "delivery" => t
            .try_get(&format!("delivery-{}", value.replace('_', "-")))
            .unwrap_or_else(|| value.to_owned()),
        "referral_route" => t
            .try_get(&format!("route-{}", value.replace('_', "-")))
            .unwrap_or_else(|| value.to_owned()),
        "age" => t.with("filter-age-value", "age", value),
        _ => value.to_owned(),
    };
    t.with("remove-filter", "filter", &shown)
}

fn empty_page(
    context: &PageContext,
    pairs: &Pairs,
    search: &str,
    answer: NoResults,
    now: chrono::NaiveDateTime,
) -> Empty {
    let t = context.t();
    let link = |p: &Pairs| context.link(&p.without_all("lang").without_all("page").href("/search"));
    let filtered = pairs
        .iter()
        .any(|(name, _)| !matches!(name, "search" | "lang" | "page"));
    let reason = match (search.is_empty(), filtered) {
        (false, true) => t.with("empty-reason-words-filters", "search", search),
        (false, false) => t.with("empty-reason-words", "search", search),
        (true, _) => t.get("empty-reason-filters"),
    };
    let ways = answer
        .suggestions
        .iter()
        .map(|suggestion| match suggestion {
            Suggestion::Spelling { search, results } => WayForward {
                href: link(&pairs.with("search", search)),
                text: t.format(
                    "suggest-spelling",
                    &[
                        ("search", Arg::Text(search)),
                        ("count", Arg::Number(*results as i64)),
                    ],
                ),
            },
            Suggestion::WithoutFilter { parameter, results } => {
                let mut without = pairs.clone();
                if *parameter == EVERY_FILTER {
                    let mut kept = Pairs::default();
                    if let Some(words) = pairs.first("search") {
                        kept.push("search", words);
                    }
                    without = kept;
                } else {
                    for name in parameter.split(", ") {
                        without = without.without_all(name);
                        if name == "minimum_age" {
                            without = without.without_all("age");
                        }
                        if name == "locality" {
                            without = without.without_all("pcn");
                        }
                    }
                }
                let first = parameter.split(", ").next().unwrap_or(parameter);
                let filter = t
                    .try_get(&format!("filter-name-{}", first.replace('_', "-")))
                    .unwrap_or_else(|| first.replace('_', " "));
                let id = if *parameter == EVERY_FILTER {
                    "suggest-without-filters"
                } else {
                    "suggest-without"
                };
                WayForward {
                    href: link(&without),
                    text: t.format(
                        id,
                        &[
                            ("filter", Arg::Text(&filter)),
                            ("count", Arg::Number(*results as i64)),
                        ],
                    ),
                }
            }
            Suggestion::RelatedNeed {
                term_id,
                name,
                results,
            } => WayForward {
                href: link(&need_only(pairs, *term_id)),
                text: t.format(
                    "suggest-need",
                    &[
                        ("need", Arg::Text(name)),
                        ("count", Arg::Number(*results as i64)),
                    ],
                ),
            },
            Suggestion::BrowseNeeds { .. } => WayForward {
                href: context.link("/#needs"),
                text: t.get("suggest-browse"),
            },
        })
        .collect();
    let helplines = answer
        .helplines
        .iter()
        .map(|placed| Card::new(context, placed, None, now))
        .collect();
    Empty {
        reason,
        ways,
        helplines,
    }
}

/// The search for a need, keeping where the person is.
fn need_only(pairs: &Pairs, term: TaxonomyTermId) -> Pairs {
    let mut kept = Pairs::default();
    for name in ["postcode", "proximity", "locality"] {
        if let Some(value) = pairs.first(name) {
            kept.push(name, value);
        }
    }
    kept.push("taxonomy_term_id", &term.to_string());
    kept
}
