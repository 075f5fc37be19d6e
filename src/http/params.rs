//! Query parameters: parsed once, strictly, into search types; every malformed value is
//! reported (all of them, not just the first) with what is expected.
//!
//! A parameter may be repeated to mean "any of" where the API says so (`status`,
//! `taxonomy_term_id`, `language`, `day`, ...); repeating a single-valued parameter such as
//! `page` is an error. Empty values count as absent. Unknown parameters are ignored, as the
//! ORUK validator and harvesters send parameters of their own.

use chrono::{DateTime, Utc};

use super::error::{ApiError, InvalidParam};
use crate::domain::ids::{OrganizationId, TaxonomyId, TaxonomyTermId};
use crate::domain::language::LanguageCode;
use crate::domain::opening::OpeningQuery;
use crate::domain::postcode::PostcodeQuery;
use crate::domain::schedule::Weekday;
use crate::domain::service::{ReferralRoute, ServiceStatus};
use crate::domain::values::{ClockTime, InvalidValue};
use crate::geography::{Geography, PostcodeError, slug};
use crate::oruk::parse::{parse_date, parse_timestamp};
use crate::search::assets::{FeatureValue, Features};
use crate::search::features::IN_PERSON;
use crate::search::query::{
    AgeRange, Area, AreaGroup, AreaKind, FacetDimension, FacetRequest, Filters, GeoFilter,
    MAX_PAGE_SIZE, MAX_TEXT_CHARS, Near, PageRequest, ServiceQuery, Target,
};

/// Highest page number accepted (far beyond any real directory).
const MAX_PAGE_NUMBER: usize = 1_000_000;
/// Largest `proximity` accepted, in metres.
const MAX_PROXIMITY_METRES: f64 = 100_000.0;
/// Most values of one repeated parameter.
const MAX_VALUES: usize = 50;

/// What parsing a search needs besides the query string.
pub struct SearchContext<'a> {
    /// London wall-clock time of the search.
    pub now: chrono::NaiveDateTime,
    /// The geography (areas, postcodes).
    pub geography: &'a Geography,
    /// The feature vocabulary (accessibility and suitable-for values).
    pub features: &'a Features,
    /// The `postcode` parameter, located online when the geography does not list it.
    pub online: Option<crate::geography::PostcodeLocation>,
}

/// The decoded query string, with the problems found so far.
pub struct Params {
    pairs: Vec<(String, String)>,
    problems: Vec<InvalidParam>,
}

impl Params {
    /// Decodes a raw query string.
    ///
    /// Names and values must decode to UTF-8 text without control characters; anything else
    /// is reported as a problem with that parameter.
    pub fn new(query_string: &str) -> Self {
        let mut params = Self {
            pairs: Vec::new(),
            problems: Vec::new(),
        };
        for pair in query_string.split('&').filter(|pair| !pair.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decode(raw_name), decode(raw_value));
            match (name, value) {
                (Ok(name), Ok(value)) => {
                    let value = value.trim().to_owned();
                    if !value.is_empty() {
                        params.pairs.push((name, value));
                    }
                }
                // A problem names its parameter; one without a name is named so.
                (Ok(name), Err(reason)) if name.is_empty() => {
                    params.problem("(unnamed parameter)", reason);
                }
                (Ok(name), Err(reason)) => params.problem(&name, reason),
                (Err(reason), _) => params.problem("(parameter name)", reason),
            }
        }
        params
    }

    fn problem(&mut self, name: &str, reason: impl Into<String>) {
        self.problems.push(InvalidParam {
            name: name.to_owned(),
            reason: reason.into(),
        });
    }

    fn raw_values(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The value of a single-valued parameter.
    pub fn single(&mut self, name: &str) -> Option<String> {
        let mut values = self.raw_values(name);
        values.dedup();
        match values.len() {
            0 => None,
            1 => values.pop(),
            _ => {
                self.problem(name, "was given more than once; give it once");
                None
            }
        }
    }

    /// Parses a single-valued parameter.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.single(name)?;
        match parse(&text) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.problem(name, format!("{reason} (found {})", shown(&text)));
                None
            }
        }
    }

    /// Parses every value of a repeatable parameter (comma-separated values count too).
    pub fn all<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, String>) -> Vec<T> {
        let values: Vec<String> = self
            .raw_values(name)
            .iter()
            .flat_map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        if values.len() > MAX_VALUES {
            self.problem(
                name,
                format!("has {} values; give at most {MAX_VALUES}", values.len()),
            );
            return Vec::new();
        }
        let mut parsed = Vec::with_capacity(values.len());
        for value in values {
            match parse(&value) {
                Ok(item) => parsed.push(item),
                Err(reason) => self.problem(name, format!("{reason} (found {})", shown(&value))),
            }
        }
        parsed
    }

    /// The requested page (`page`, `per_page`).
    pub fn page(&mut self) -> PageRequest {
        let defaults = PageRequest::default();
        let number = self
            .parsed("page", |text| {
                whole_number(text, 1, MAX_PAGE_NUMBER, "a page number")
            })
            .unwrap_or(defaults.number);
        let size = self
            .parsed("per_page", |text| {
                whole_number(text, 1, MAX_PAGE_SIZE, "a page size")
            })
            .unwrap_or(defaults.size);
        PageRequest { number, size }
    }

    /// A boolean flag (`true`/`false`).
    pub fn flag(&mut self, name: &str) -> bool {
        self.parsed(name, |text| match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err("must be true or false".to_owned()),
        })
        .unwrap_or(false)
    }

    /// Ids of a repeatable id parameter.
    pub fn ids<T: std::str::FromStr<Err = InvalidValue>>(&mut self, name: &str) -> Vec<T> {
        self.all(name, |text| {
            T::from_str(text).map_err(|e| e.message().to_owned())
        })
    }

    /// Finishes parsing: the value, or a 400 listing every problem.
    pub fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::InvalidParams(self.problems))
        }
    }

    /// Parses the search parameters of `/services` and `/service_at_locations`.
    pub fn service_query(
        mut self,
        target: Target,
        context: &SearchContext<'_>,
    ) -> Result<ServiceQuery, ApiError> {
        let geography = context.geography;
        let text = self.parsed("search", |text| {
            if text.chars().count() > MAX_TEXT_CHARS {
                Err(format!(
                    "is longer than {MAX_TEXT_CHARS} characters; shorten the search"
                ))
            } else {
                Ok(text.to_owned())
            }
        });
        let page = self.page();
        let mut filters = Filters::new(context.now);
        filters.taxonomy_term_ids = self.ids::<TaxonomyTermId>("taxonomy_term_id");
        filters.taxonomy_ids = self.ids::<TaxonomyId>("taxonomy_id");
        filters.organization_ids = self.ids::<OrganizationId>("organization_id");
        filters.languages = self.all("language", |text| {
            LanguageCode::parse(text).map_err(|e| e.message().to_owned())
        });
        let statuses = self.all("status", |text| {
            ServiceStatus::parse(text).ok_or_else(|| {
                "must be one of active, inactive, defunct, temporarily closed".to_owned()
            })
        });
        if !statuses.is_empty() {
            filters.statuses = statuses;
        }
        filters.free_only = self
            .parsed("cost", |text| {
                if text.eq_ignore_ascii_case("free") {
                    Ok(true)
                } else {
                    Err("must be free (the only cost filter)".to_owned())
                }
            })
            .unwrap_or(false);
        filters.ages = self.age_range();
        filters.opening = self.opening();
        filters.modified_after = self.parsed("modified_after", parse_moment);
        let features = context.features;
        filters.accessibility = self.vocabulary("accessibility", &features.accessibility);
        filters.suitable_for = self.vocabulary("suitable_for", &features.suitable_for);
        filters.delivery = self.all("delivery", |text| match slug(text).as_str() {
            "in-person" | "face-to-face" => Ok(IN_PERSON.to_owned()),
            "phone" | "telephone" => Ok("phone".to_owned()),
            "online" => Ok("online".to_owned()),
            _ => Err("must be in_person, phone or online".to_owned()),
        });
        filters.referral_routes = self.all("referral_route", |text| {
            ReferralRoute::parse(&text.to_ascii_lowercase().replace('-', "_")).ok_or_else(|| {
                "must be self_referral, professional_referral, drop_in or signpost_only".to_owned()
            })
        });
        filters.open_now = self.flag("open_now");
        filters.accepting_referrals = self.flag("accepting_referrals");
        let geo = self.geo_filter(geography, context.online.as_ref());
        let facets = self.facets(geography);
        self.finish(ServiceQuery {
            target,
            text,
            filters,
            geo,
            facets,
            page,
        })
    }

    /// `locality`, `ward`, `pcn`, `postcode` and `proximity`. Unknown areas are errors that
    /// list the known ones; a postcode must parse and be known.
    fn geo_filter(
        &mut self,
        geography: &Geography,
        online: Option<&crate::geography::PostcodeLocation>,
    ) -> GeoFilter {
        let mut geo = GeoFilter::default();
        let known_localities = || {
            let known: Vec<String> = geography
                .localities()
                .iter()
                .map(|l| format!("{} ({})", l.id, l.name))
                .collect();
            format!(
                "is not a locality we know; the localities are {}",
                known.join(", ")
            )
        };
        let localities = self.all("locality", |text| {
            geography
                .locality_by_key(text)
                .map(|at| Area::Locality(geography.localities()[at].id.clone()))
                .ok_or_else(known_localities)
        });
        let wards = self.all("ward", |text| {
            geography
                .ward_by_key(text)
                .map(|at| Area::Ward(geography.wards()[at].code.clone()))
                .ok_or_else(|| {
                    let known: Vec<String> = geography
                        .wards()
                        .iter()
                        .map(|w| format!("{} ({})", w.code, w.name))
                        .collect();
                    format!(
                        "is not a ward we know (give the ONS code or the name); the wards are {}",
                        known.join(", ")
                    )
                })
        });
        let pcns = self.all("pcn", |text| {
            geography
                .pcn_by_code(text)
                .map(|at| Area::Locality(geography.localities()[geography.pcns()[at].locality].id.clone()))
                .ok_or_else(|| {
                    let known: Vec<String> = geography
                        .pcns()
                        .iter()
                        .map(|p| format!("{} ({})", p.code, p.known_as.as_deref().unwrap_or(&p.name)))
                        .collect();
                    format!("is not a Primary Care Network we know (give its ODS code); the PCNs are {}", known.join(", "))
                })
        });
        geo.area_groups = [
            (AreaKind::Locality, localities),
            (AreaKind::Ward, wards),
            (AreaKind::Pcn, pcns),
        ]
        .into_iter()
        .filter(|(_, areas)| !areas.is_empty())
        .map(|(kind, areas)| AreaGroup { kind, areas })
        .collect();
        let located = self.parsed("postcode", |text| {
            let query = PostcodeQuery::parse(text).map_err(|e| e.message().to_owned())?;
            match geography.locate_postcode(&query) {
                Err(PostcodeError::UnknownPostcode(_)) if online.is_some() => {
                    Ok(online.cloned().expect("checked"))
                }
                other => other.map_err(|e| e.to_string()),
            }
        });
        let radius = self.parsed("proximity", |text| {
            text.parse::<f64>()
                .ok()
                .filter(|metres| metres.is_finite() && *metres > 0.0 && *metres <= MAX_PROXIMITY_METRES)
                .ok_or_else(|| format!("must be a distance in metres, more than 0 and at most {MAX_PROXIMITY_METRES}"))
        });
        let by_distance = self
            .parsed("sort", |text| match text {
                "distance" => Ok(true),
                "relevance" => Ok(false),
                _ => Err("must be relevance or distance".to_owned()),
            })
            .unwrap_or(false);
        if by_distance && located.is_none() && !self.was_given("postcode") {
            self.problem(
                "sort",
                "distance needs a postcode: give postcode=E14 3BY with sort=distance",
            );
        }
        match located {
            Some(found) => {
                geo.near = Some(Near {
                    label: found.label,
                    point: found.point,
                    ward_code: found.ward.map(|w| geography.wards()[w].code.clone()),
                    radius_metres: radius,
                    by_distance,
                });
            }
            None if radius.is_some() && !self.was_given("postcode") => {
                self.problem(
                    "proximity",
                    "needs a postcode: give postcode=E14 3BY with proximity=1000",
                );
            }
            None => {}
        }
        geo
    }

    /// Values of a filter read with the feature vocabulary (`accessibility`,
    /// `suitable_for`), in its own spelling; `_`, `-` and spaces are alike.
    fn vocabulary(&mut self, name: &str, values: &[FeatureValue]) -> Vec<String> {
        self.all(name, |text| {
            values
                .iter()
                .find(|value| slug(&value.value) == slug(text))
                .map(|value| value.value.clone())
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        values.iter().map(|value| value.value.as_str()).collect();
                    format!("is not one we know; give one of {}", known.join(", "))
                })
        })
    }

    /// `facets=true` (every facet), or a list of `locality`, `ward`, `need`, `cost`,
    /// `language`, `delivery`, `referral_route`, `accessibility`, `suitable_for`, `open_now`.
    fn facets(&mut self, geography: &Geography) -> Option<FacetRequest> {
        let names: Vec<String> = self.all("facets", |text| {
            let name = text.to_ascii_lowercase();
            let known = matches!(name.as_str(), "true" | "false" | "locality" | "ward")
                || FacetDimension::ALL.iter().any(|d| d.name() == name);
            if known {
                Ok(name)
            } else {
                Err("must be true, or a list of locality, ward, need, cost, language, delivery, referral_route, accessibility, suitable_for, open_now".to_owned())
            }
        });
        if names.is_empty() || names.iter().all(|n| n == "false") {
            return None;
        }
        let everything = names.iter().any(|n| n == "true");
        let wants = |name: &str| everything || names.iter().any(|n| n == name);
        let mut request = FacetRequest::default();
        if wants("locality") {
            request.localities = geography
                .localities()
                .iter()
                .map(|l| l.id.clone())
                .collect();
        }
        if names.iter().any(|n| n == "ward") {
            request.wards = geography.wards().iter().map(|w| w.code.clone()).collect();
        }
        request.dimensions = FacetDimension::ALL
            .into_iter()
            .filter(|d| wants(d.name()))
            .collect();
        Some(request)
    }

    /// Whether a parameter was given at all (even if its value was rejected).
    fn was_given(&self, name: &str) -> bool {
        self.pairs.iter().any(|(key, _)| key == name)
            || self.problems.iter().any(|p| p.name == name)
    }

    fn age_range(&mut self) -> Option<AgeRange> {
        let age = |text: &str| -> Result<f64, String> {
            text.parse::<f64>()
                .ok()
                .filter(|years| years.is_finite() && (0.0..=150.0).contains(years))
                .ok_or_else(|| "must be an age in years from 0 to 150".to_owned())
        };
        let minimum = self.parsed("minimum_age", age);
        let maximum = self.parsed("maximum_age", age);
        if let (Some(min), Some(max)) = (minimum, maximum)
            && min > max
        {
            self.problem(
                "maximum_age",
                format!("must not be below minimum_age ({max} < {min})"),
            );
        }
        (minimum.is_some() || maximum.is_some()).then_some(AgeRange { minimum, maximum })
    }

    fn opening(&mut self) -> Option<OpeningQuery> {
        let days = self.all("day", |text| {
            Weekday::parse(text).map_err(|e| e.message().to_owned())
        });
        let time = |text: &str| {
            ClockTime::parse(text)
                .map(|t| t.minutes())
                .map_err(|e| e.message().to_owned())
        };
        let start = self.parsed("start_time", time);
        let end = self.parsed("end_time", time);
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            self.problem("end_time", "must be later than start_time");
        }
        (!days.is_empty() || start.is_some() || end.is_some()).then_some(OpeningQuery {
            days,
            start,
            end,
        })
    }
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(raw: &str) -> Result<String, String> {
    let spaced = raw.replace('+', " ");
    let text = percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_err(|_| "is not UTF-8 text once percent-decoded; send UTF-8".to_owned())?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("contains control characters".to_owned());
    }
    Ok(text.into_owned())
}

fn shown(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

fn whole_number(text: &str, min: usize, max: usize, what: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("must be {what}: a whole number from {min} to {max}"))
}

/// `modified_after`: an RFC 3339 date-time, or a date (midnight UTC).
pub(crate) fn parse_moment(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(stamp) = parse_timestamp(text) {
        return Ok(stamp);
    }
    parse_date(text)
        .map(|date| {
            date.and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
        })
        .map_err(|_| {
            "must be a date-time such as 2026-01-31T09:00:00Z, or a date such as 2026-01-31"
                .to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn search(query: &str, target: Target) -> Result<ServiceQuery, ApiError> {
        let geography = crate::geography::builtin::geography();
        let assets = crate::search::assets::SearchAssets::built_in();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let context = SearchContext {
            now,
            geography: &geography,
            features: &assets.features,
            online: None,
        };
        Params::new(query).service_query(target, &context)
    }

    fn problems(query: &str) -> Vec<InvalidParam> {
        match search(query, Target::Services) {
            Err(ApiError::InvalidParams(problems)) => problems,
            other => panic!("expected problems for {query}, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_parameter_is_reported() {
        let found = problems("page=-1&per_page=1000000&taxonomy_term_id=abc&day=Funday&cost=cheap");
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["page", "per_page", "taxonomy_term_id", "cost", "day"]
        );
        assert!(found[1].reason.contains("from 1 to 1000"), "{:?}", found[1]);
    }

    #[test]
    fn repeated_filters_mean_any_of() {
        let query = search(
            "status=active&status=inactive&language=ben,syl&day=MO&day=tuesday",
            Target::Services,
        )
        .unwrap();
        assert_eq!(
            query.filters.statuses,
            [ServiceStatus::Active, ServiceStatus::Inactive]
        );
        assert_eq!(query.filters.languages.len(), 2);
        assert_eq!(
            query.filters.opening.unwrap().days,
            [Weekday::Monday, Weekday::Tuesday]
        );
    }

    /// Found by Schemathesis: `?=%01` answered a problem naming the parameter `""`, which
    /// the documented Problem schema (rightly) does not allow.
    #[test]
    fn a_bad_value_without_a_name_is_reported_under_a_name() {
        let found = problems("=%01");
        assert_eq!(found[0].name, "(unnamed parameter)");
        assert!(found[0].reason.contains("control characters"), "{found:?}");
        // An unnamed pair with a harmless value is ignored, as before.
        assert!(search("=x", Target::Services).is_ok());
    }

    #[test]
    fn defaults_and_empty_values() {
        let query = search("search=&page=", Target::Services).unwrap();
        assert_eq!(query.text, None);
        assert_eq!(query.page, PageRequest::default());
        assert_eq!(query.filters.statuses, ServiceStatus::SHOWN_BY_DEFAULT);
    }

    #[test]
    fn query_strings_must_decode_to_text() {
        assert_eq!(
            problems("search=%ff%fe")[0].reason,
            "is not UTF-8 text once percent-decoded; send UTF-8"
        );
        assert_eq!(
            problems("search=a%00b")[0].reason,
            "contains control characters"
        );
        let query = search("search=caf%C3%A9+%26+tea", Target::Services).unwrap();
        assert_eq!(query.text.as_deref(), Some("café & tea"));
    }

    #[test]
    fn time_and_age_ranges_must_be_ordered() {
        assert_eq!(
            problems("start_time=18:00&end_time=09:00")[0].name,
            "end_time"
        );
        assert_eq!(
            problems("minimum_age=60&maximum_age=18")[0].name,
            "maximum_age"
        );
        assert_eq!(
            problems("page=1&page=2")[0].reason,
            "was given more than once; give it once"
        );
    }

    proptest! {
        #[test]
        fn any_query_string_parses_or_is_rejected_without_panicking(query in "\\PC{0,80}") {
            let _ = search(&query, Target::ServiceAtLocations);
        }
    }
}
