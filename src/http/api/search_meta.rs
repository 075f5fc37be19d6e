//! What a geographic search adds to a `Page` (Signpost extensions): how precise the
//! geography is, where the searcher's postcode is, and facet counts.

use serde::Serialize;

use crate::geography::{Geography, Precision};
use crate::oruk::render::AreaView;
use crate::search::query::{FacetCounts, ServiceQuery};

#[derive(Serialize)]
struct GeographyNote<'a> {
    precision: Precision,
    attribution: &'a str,
}

#[derive(Serialize)]
struct SearchArea<'a> {
    postcode: &'a str,
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    proximity_metres: Option<f64>,
    #[serde(flatten)]
    area: AreaView<'a>,
}

#[derive(Serialize)]
struct LocalityCount<'a> {
    id: &'a str,
    name: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct WardCount<'a> {
    code: &'a str,
    name: &'a str,
    locality: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct Facets<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locality: Vec<LocalityCount<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ward: Vec<WardCount<'a>>,
}

/// The extension fields of a search page.
#[derive(Serialize)]
pub struct SearchMeta<'a> {
    geography: GeographyNote<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search_area: Option<SearchArea<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<Facets<'a>>,
}

/// The extension fields for a search, or `None` when the search used no geography.
pub fn search_meta<'a>(
    query: &'a ServiceQuery,
    facets: Option<&FacetCounts>,
    geography: &'a Geography,
) -> Option<SearchMeta<'a>> {
    if query.geo.is_empty() && facets.is_none() {
        return None;
    }
    let search_area = query.geo.near.as_ref().map(|near| SearchArea {
        postcode: &near.label,
        latitude: near.point.latitude(),
        longitude: near.point.longitude(),
        proximity_metres: near.radius_metres,
        area: AreaView::of_ward(
            near.ward_code
                .as_deref()
                .and_then(|code| geography.ward_by_key(code)),
            true,
            geography,
        ),
    });
    let facets = facets.map(|counts| Facets {
        locality: counts
            .localities
            .iter()
            .filter_map(|(id, count)| {
                let locality = &geography.localities()[geography.locality_by_key(id)?];
                Some(LocalityCount {
                    id: &locality.id,
                    name: &locality.name,
                    count: *count,
                })
            })
            .collect(),
        ward: counts
            .wards
            .iter()
            .filter_map(|(code, count)| {
                let at = geography.ward_by_key(code)?;
                let ward = &geography.wards()[at];
                Some(WardCount {
                    code: &ward.code,
                    name: &ward.name,
                    locality: &geography.locality_of(at).id,
                    count: *count,
                })
            })
            .collect(),
    });
    Some(SearchMeta {
        geography: GeographyNote {
            precision: geography.precision(),
            attribution: geography.attribution(),
        },
        search_area,
        facets,
    })
}
