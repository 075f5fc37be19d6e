//! Facet counts: for each dimension asked for, how many results each value would give, with
//! the search's other filters applied but not the dimension's own. Value dimensions are
//! counted in one pass each (a terms aggregation on the field); localities and wards by one
//! count each (they match by place or coverage, not by a single field).

use serde_json::{Value, json};
use tantivy::Searcher;
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::collector::Count;

use super::IndexError;
use super::query::{TextPlan, Variant, build};
use super::schema::{Fields, names};
use crate::search::query::{
    Area, AreaKind, FacetCounts, FacetDimension, FacetRequest, ServiceQuery,
};

fn field_name(dimension: FacetDimension) -> &'static str {
    match dimension {
        FacetDimension::Need => names::TERM_ID,
        FacetDimension::Cost => names::COST,
        FacetDimension::Language => names::LANGUAGE,
        FacetDimension::Delivery => names::DELIVERY,
        FacetDimension::ReferralRoute => names::REFERRAL_ROUTE,
        FacetDimension::Accessibility => names::ACCESSIBILITY,
        FacetDimension::SuitableFor => names::SUITABLE_FOR,
        FacetDimension::OpenNow => "",
    }
}

/// Counts the facets of `request` for `query`.
pub fn count(
    searcher: &Searcher,
    fields: &Fields,
    query: &ServiceQuery,
    plan: Option<&TextPlan>,
    required: Option<usize>,
    request: &FacetRequest,
) -> Result<FacetCounts, IndexError> {
    let count_with = |query: &ServiceQuery, variant: Variant<'_>| -> Result<usize, IndexError> {
        Ok(searcher.search(
            &build(
                fields,
                query,
                plan,
                Variant {
                    required,
                    ..variant
                },
            ),
            &Count,
        )?)
    };
    let mut counts = FacetCounts::default();
    for id in &request.localities {
        let area = Area::Locality(id.clone());
        let variant = Variant {
            without_areas: &[AreaKind::Locality, AreaKind::Pcn],
            with_area: Some(&area),
            ..Variant::default()
        };
        counts
            .localities
            .push((id.clone(), count_with(query, variant)?));
    }
    for code in &request.wards {
        let area = Area::Ward(code.clone());
        let variant = Variant {
            without_areas: &[AreaKind::Ward],
            with_area: Some(&area),
            ..Variant::default()
        };
        counts
            .wards
            .push((code.clone(), count_with(query, variant)?));
    }
    for dimension in &request.dimensions {
        let values = if *dimension == FacetDimension::OpenNow {
            let mut open = query.clone();
            open.filters.open_now = true;
            vec![("true".to_owned(), count_with(&open, Variant::default())?)]
        } else {
            let variant = Variant {
                without_dimension: Some(*dimension),
                required,
                ..Variant::default()
            };
            terms(
                searcher,
                &build(fields, query, plan, variant),
                field_name(*dimension),
            )?
        };
        counts.dimensions.push((*dimension, values));
    }
    Ok(counts)
}

/// Documents per value of a fast string field, largest first (then by value).
fn terms(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    field: &str,
) -> Result<Vec<(String, usize)>, IndexError> {
    let request: Aggregations =
        serde_json::from_value(json!({"values": {"terms": {"field": field, "size": 500}}}))
            .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let results = searcher.search(
        query,
        &AggregationCollector::from_aggs(request, Default::default()),
    )?;
    let value = serde_json::to_value(results)
        .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let mut buckets: Vec<(String, usize)> = value["values"]["buckets"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|bucket: &Value| {
            Some((
                bucket["key"].as_str()?.to_owned(),
                bucket["doc_count"].as_u64()? as usize,
            ))
        })
        .collect();
    buckets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(buckets)
}
