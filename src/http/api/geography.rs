//! `GET /geography` (localities, wards and PCNs, as data) and `GET /postcodes/{postcode}`
//! (where a postcode is). Signpost extensions, for clients that build area pickers or check
//! a resident's area.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{json_ok, to_json};
use crate::domain::postcode::PostcodeQuery;
use crate::geography::{Geography, PointSource, PostcodeError, Precision};
use crate::http::AppState;
use crate::http::error::{ApiError, InvalidParam};
use crate::oruk::render::AreaView;

#[derive(Serialize)]
struct WardView<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    former_name: Option<&'a str>,
    centroid_latitude: f64,
    centroid_longitude: f64,
}

#[derive(Serialize)]
struct LocalityView<'a> {
    id: &'a str,
    name: &'a str,
    wards: Vec<WardView<'a>>,
    pcns: Vec<PcnView<'a>>,
}

#[derive(Serialize)]
struct PcnView<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    known_as: Option<&'a str>,
}

#[derive(Serialize)]
struct GeographyView<'a> {
    precision: Precision,
    source: &'a str,
    attribution: &'a str,
    borough: &'a crate::geography::Borough,
    localities: Vec<LocalityView<'a>>,
}

fn view(geography: &Geography) -> GeographyView<'_> {
    let localities = geography
        .localities()
        .iter()
        .enumerate()
        .map(|(at, locality)| LocalityView {
            id: &locality.id,
            name: &locality.name,
            wards: locality
                .wards
                .iter()
                .map(|ward| {
                    let ward = &geography.wards()[*ward];
                    WardView {
                        code: &ward.code,
                        name: &ward.name,
                        former_name: ward.former_name.as_deref(),
                        centroid_latitude: ward.centroid.latitude(),
                        centroid_longitude: ward.centroid.longitude(),
                    }
                })
                .collect(),
            pcns: geography
                .pcns()
                .iter()
                .filter(|pcn| pcn.locality == at)
                .map(|pcn| PcnView {
                    code: &pcn.code,
                    name: &pcn.name,
                    known_as: pcn.known_as.as_deref(),
                })
                .collect(),
        })
        .collect();
    GeographyView {
        precision: geography.precision(),
        source: geography.source(),
        attribution: geography.attribution(),
        borough: geography.borough(),
        localities,
    }
}

/// The geography in use.
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(json_ok(to_json(&view(state.catalog.geography()))?))
}

#[derive(Serialize)]
struct PostcodeView<'a> {
    postcode: &'a str,
    latitude: f64,
    longitude: f64,
    located_by: PointSource,
    precision: Precision,
    #[serde(flatten)]
    area: AreaView<'a>,
}

/// Where a postcode (or outward code) is.
pub async fn postcode(
    state: web::Data<AppState>,
    postcode: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let geography = state.catalog.geography();
    let query = PostcodeQuery::parse(&postcode).map_err(|problem| {
        ApiError::InvalidParams(vec![InvalidParam {
            name: "postcode".to_owned(),
            reason: problem.message().to_owned(),
        }])
    })?;
    let online = state
        .online_postcode(&format!(
            "postcode={}",
            url::form_urlencoded::byte_serialize(postcode.as_bytes()).collect::<String>()
        ))
        .await;
    let found = geography
        .locate_postcode(&query)
        .or_else(|error| match (error, online) {
            (PostcodeError::UnknownPostcode(_), Some(found)) => Ok(found),
            (error, _) => Err(error),
        })
        .map_err(|error| match error {
            PostcodeError::UnknownPostcode(_) | PostcodeError::UnknownOutward(_) => {
                ApiError::NotFound(format!("{error}."))
            }
        })?;
    let body = to_json(&PostcodeView {
        postcode: &found.label,
        latitude: found.point.latitude(),
        longitude: found.point.longitude(),
        located_by: found.source,
        precision: geography.precision(),
        area: AreaView::of_ward(found.ward, true, geography),
    })?;
    Ok(json_ok(body))
}
