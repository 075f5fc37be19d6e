//! Geographic search with the real geo pack, checked against an independent brute-force
//! computation over the sample directory: the seed's own file, the pack's postcode file for
//! wards, and haversine for distances. Precision and recall must both be 1.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::geography::geo_dir;
use crate::helpers::{TestApp, spawn_app, spawn_app_with_pack};

/// One place of a seed service.
struct Place {
    link_id: String,
    physical: bool,
    point: Option<(f64, f64)>,
    ward: Option<String>,
    confidential: bool,
    /// Where distances are measured from: the point, or for a confidential place the
    /// centroid of its ward.
    public_point: Option<(f64, f64)>,
}

/// One seed service, as the brute force sees it.
struct Listing {
    id: String,
    shown_by_default: bool,
    borough_wide: bool,
    places: Vec<Place>,
}

struct Truth {
    listings: Vec<Listing>,
    ward_locality: HashMap<String, String>,
    postcodes: HashMap<String, ((f64, f64), Option<String>)>,
    pcn_locality: HashMap<String, String>,
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn haversine((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let radius = 6_371_008.8;
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let a = ((phi2 - phi1) / 2.0).sin().powi(2)
        + phi1.cos() * phi2.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * radius * a.sqrt().asin()
}

fn truth(geo: &Path) -> Truth {
    let pack = signpost::geography::pack::load(geo).unwrap();
    let centroids: HashMap<String, (f64, f64)> = pack
        .wards()
        .iter()
        .map(|w| {
            (
                w.code.clone(),
                (w.centroid.latitude(), w.centroid.longitude()),
            )
        })
        .collect();
    let mut postcodes = HashMap::new();
    for row in csv::Reader::from_path(geo.join("tower-hamlets-postcodes.csv"))
        .unwrap()
        .deserialize::<HashMap<String, String>>()
    {
        let row = row.unwrap();
        let ward = (row["in_tower_hamlets"] == "true").then(|| row["ward_code"].clone());
        postcodes.insert(
            row["postcode"].clone(),
            (
                (
                    row["latitude"].parse().unwrap(),
                    row["longitude"].parse().unwrap(),
                ),
                ward,
            ),
        );
    }
    let mut ward_locality = HashMap::new();
    for row in csv::Reader::from_path(geo.join("tower-hamlets-ward-localities.csv"))
        .unwrap()
        .deserialize::<HashMap<String, String>>()
    {
        let row = row.unwrap();
        ward_locality.insert(row["ward_code"].clone(), slug(&row["tht_locality"]));
    }
    let mut pcn_locality = HashMap::new();
    for row in csv::Reader::from_path(geo.join("tower-hamlets-pcns.csv"))
        .unwrap()
        .deserialize::<HashMap<String, String>>()
    {
        let row = row.unwrap();
        pcn_locality.insert(row["pcn_code"].clone(), slug(&row["tht_locality"]));
    }
    let seed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/services.ndjson"))
            .unwrap();
    let listings = seed
        .lines()
        .map(|line| {
            let service: Value = serde_json::from_str(line).unwrap();
            let places: Vec<Place> = service["service_at_locations"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|link| {
                    let location = &link["location"];
                    let point = location["latitude"]
                        .as_f64()
                        .map(|lat| (lat, location["longitude"].as_f64().unwrap()));
                    let postcode = location["addresses"][0]["postal_code"].as_str();
                    let ward = postcode
                        .and_then(|p| postcodes.get(p))
                        .and_then(|(_, ward)| ward.clone());
                    let confidential = location["confidential"] == true;
                    let public_point = if confidential {
                        ward.as_ref().map(|w| centroids[w])
                    } else {
                        point
                    };
                    Place {
                        link_id: link["id"].as_str().unwrap().to_owned(),
                        physical: location["location_type"] == "physical",
                        point,
                        ward,
                        confidential,
                        public_point,
                    }
                })
                .collect();
            let areas: Vec<&str> = service["service_areas"]
                .as_array()
                .map(|areas| {
                    areas
                        .iter()
                        .filter_map(|area| area["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let names_borough = areas
                .iter()
                .any(|name| ["Tower Hamlets", "East London"].contains(name));
            let has_physical = places.iter().any(|p| p.physical);
            let delivered_remotely = !has_physical || places.iter().any(|p| !p.physical);
            let says_nothing = areas.is_empty();
            Listing {
                id: service["id"].as_str().unwrap().to_owned(),
                shown_by_default: matches!(
                    service["status"].as_str(),
                    Some("active" | "temporarily closed")
                ),
                borough_wide: names_borough || (says_nothing && delivered_remotely),
                places,
            }
        })
        .collect();
    Truth {
        listings,
        ward_locality,
        postcodes,
        pcn_locality,
    }
}

/// Every id a list path returns, over all pages.
async fn all_ids(app: &TestApp, path: &str) -> BTreeSet<String> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let body = app
        .get_json(&format!("{path}{separator}per_page=1000"))
        .await;
    assert_eq!(body["last_page"], true, "{path} fits one page");
    body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

impl Truth {
    fn services_where(
        &self,
        place_matches: impl Fn(&Place) -> bool,
        covered: impl Fn(&Listing) -> bool,
    ) -> BTreeSet<String> {
        self.listings
            .iter()
            .filter(|l| {
                l.shown_by_default
                    && (covered(l) || l.places.iter().any(|p| p.physical && place_matches(p)))
            })
            .map(|l| l.id.clone())
            .collect()
    }

    fn links_where(
        &self,
        place_matches: impl Fn(&Place) -> bool,
        covered: impl Fn(&Listing) -> bool,
    ) -> BTreeSet<String> {
        self.listings
            .iter()
            .filter(|l| l.shown_by_default)
            .flat_map(|l| {
                let covers = covered(l);
                l.places
                    .iter()
                    .filter(|p| covers || (p.physical && place_matches(p)))
                    .map(|p| p.link_id.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn locality_of(&self, place: &Place) -> Option<&String> {
        place
            .ward
            .as_ref()
            .and_then(|ward| self.ward_locality.get(ward))
    }
}

#[tokio::test]
async fn locality_ward_and_pcn_filters_select_exactly_what_the_rule_selects() {
    let Some(geo) = geo_dir("geo_search::areas") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    let localities: BTreeSet<&String> = truth.ward_locality.values().collect();
    for locality in localities {
        let expected = truth.services_where(
            |p| truth.locality_of(p) == Some(locality),
            |l| l.borough_wide,
        );
        assert_eq!(
            all_ids(&app, &format!("/services?locality={locality}")).await,
            expected,
            "locality {locality}"
        );
        let expected_links = truth.links_where(
            |p| truth.locality_of(p) == Some(locality),
            |l| l.borough_wide,
        );
        assert_eq!(
            all_ids(&app, &format!("/service_at_locations?locality={locality}")).await,
            expected_links,
            "links in {locality}"
        );
    }
    for ward in truth.ward_locality.keys() {
        let expected = truth.services_where(|p| p.ward.as_ref() == Some(ward), |l| l.borough_wide);
        assert_eq!(
            all_ids(&app, &format!("/services?ward={ward}")).await,
            expected,
            "ward {ward}"
        );
    }
    for (pcn, locality) in &truth.pcn_locality {
        let expected = truth.services_where(
            |p| truth.locality_of(p) == Some(locality),
            |l| l.borough_wide,
        );
        assert_eq!(
            all_ids(&app, &format!("/services?pcn={pcn}")).await,
            expected,
            "PCN {pcn}"
        );
    }
    let by_name = all_ids(&app, "/services?locality=South%20East").await;
    assert_eq!(
        by_name,
        all_ids(&app, "/services?locality=south-east").await,
        "names work as well as ids"
    );
}

#[tokio::test]
async fn postcode_and_proximity_select_places_within_the_radius_or_coverage_of_the_postcode() {
    let Some(geo) = geo_dir("geo_search::proximity") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    let outside = truth
        .postcodes
        .iter()
        .find(|(_, (_, ward))| ward.is_none())
        .map(|(p, _)| p.clone())
        .unwrap();
    for postcode in ["E14 3BY", "E1 6AN", "E3 2AA", "E2 0AA", outside.as_str()] {
        let Some(((lat, lon), ward)) = truth.postcodes.get(postcode).cloned() else {
            continue;
        };
        for radius in [400.0, 1_000.0, 2_500.0] {
            let near = |p: &Place| {
                p.public_point
                    .is_some_and(|point| haversine((lat, lon), point) <= radius)
            };
            let covered = |l: &Listing| l.borough_wide && ward.is_some();
            let expected = truth.services_where(near, covered);
            let encoded = postcode.replace(' ', "+");
            let path = format!("/services?postcode={encoded}&proximity={radius}");
            assert_eq!(all_ids(&app, &path).await, expected, "{path}");
            assert_eq!(
                all_ids(
                    &app,
                    &format!("/service_at_locations?postcode={encoded}&proximity={radius}")
                )
                .await,
                truth.links_where(near, covered)
            );
        }
    }
}

#[tokio::test]
async fn a_postcode_ranks_local_places_first_by_distance_and_says_why_each_matched() {
    let Some(geo) = geo_dir("geo_search::ranking") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    let ((lat, lon), _) = truth.postcodes["E14 3BY"].clone();
    let body = app
        .get_json("/services?postcode=e143by&per_page=1000")
        .await;
    assert_eq!(body["search_area"]["postcode"], "E14 3BY");
    assert_eq!(body["search_area"]["locality"]["code"], "south-east");
    assert_eq!(body["geography"]["precision"], "exact");
    let items = body["contents"].as_array().unwrap();
    assert_eq!(
        items.len(),
        truth.listings.iter().filter(|l| l.shown_by_default).count(),
        "a postcode alone drops nothing that covers it"
    );
    let mut seen_area_wide = false;
    let mut last_distance = 0.0;
    for item in items {
        let listing = truth.listings.iter().find(|l| l.id == item["id"]).unwrap();
        let nearest = listing
            .places
            .iter()
            .filter(|p| p.physical)
            .filter_map(|p| {
                p.public_point
                    .map(|point| (haversine((lat, lon), point), p.confidential))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match nearest {
            Some((metres, confidential)) => {
                assert!(
                    !seen_area_wide,
                    "{} is local but ranked after an area-wide service",
                    item["name"]
                );
                assert_eq!(item["match"]["reason"], "nearby");
                let shown = item["match"]["distance_metres"].as_u64().unwrap();
                let expected = if confidential {
                    ((metres / 500.0).round() * 500.0).max(500.0) as u64
                } else {
                    metres.round() as u64
                };
                assert_eq!(shown, expected, "{}", item["name"]);
                assert!(
                    metres + 1.0 >= last_distance,
                    "nearest first: {metres} m after {last_distance} m"
                );
                last_distance = metres;
            }
            None => {
                seen_area_wide = true;
                assert_eq!(
                    item["match"]["reason"], "online_or_phone",
                    "{}",
                    item["name"]
                );
                assert!(item["match"].get("distance_metres").is_none());
            }
        }
    }
    assert!(
        seen_area_wide,
        "helplines and online services are listed after local ones"
    );
}

#[tokio::test]
async fn an_area_lists_its_own_places_before_services_that_only_cover_it() {
    let Some(geo) = geo_dir("geo_search::area_tiers") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    for path in [
        "/services?locality=north-east&per_page=1000",
        "/services?ward=E05009323&search=advice&per_page=1000",
    ] {
        let body = app.get_json(path).await;
        let reasons: Vec<&str> = body["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["match"]["reason"].as_str().unwrap())
            .collect();
        let first_other = reasons
            .iter()
            .position(|r| *r != "in_area")
            .unwrap_or(reasons.len());
        assert!(first_other > 0, "{path}: some places are in the area");
        assert!(
            reasons[first_other..].iter().all(|r| *r != "in_area"),
            "{path}: {reasons:?}"
        );
    }
}

#[tokio::test]
async fn text_near_a_postcode_blends_relevance_with_distance() {
    let Some(geo) = geo_dir("geo_search::text_near") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let body = app
        .get_json("/services?search=food&postcode=E1+6AN&proximity=3000")
        .await;
    let items = body["contents"].as_array().unwrap();
    assert!(!items.is_empty());
    let first_area_wide = items
        .iter()
        .position(|i| i["match"]["reason"] != "nearby")
        .unwrap_or(items.len());
    assert!(
        items[first_area_wide..]
            .iter()
            .all(|i| i["match"]["reason"] != "nearby"),
        "local first, area-wide after"
    );
    assert!(
        items[..first_area_wide]
            .iter()
            .all(|i| i["match"]["distance_metres"].as_u64().unwrap() <= 3000)
    );
}

#[tokio::test]
async fn sorting_by_distance_never_lists_a_further_place_first() {
    let Some(geo) = geo_dir("geo_search::sort_distance") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    // Distances to confidential places are shown rounded to 500 m (ranked by the exact
    // distance to their ward's centroid): they are left out of the comparison.
    let exact = |item: &&Value| {
        truth
            .listings
            .iter()
            .find(|l| l.id == item["id"])
            .is_some_and(|l| l.places.iter().all(|p| !p.confidential))
    };
    for path in [
        "/services?search=advice&postcode=E1+6AN&proximity=5000&sort=distance&per_page=100",
        "/services?search=food&postcode=E14+3BY&sort=distance&per_page=100",
        // A relaxed search (not every word matches anything): by distance, results matching
        // fewer words are not put after the others.
        "/services?search=ski+club+for+young+people&postcode=E1+6AN&proximity=5000&sort=distance&per_page=100",
        // Without text nearest first is the only order: an open service a fraction of a
        // metre further must not jump a temporarily closed one.
        "/services?postcode=E2+0QN&per_page=1000",
        "/services?postcode=E14+9WU&proximity=3000&per_page=1000",
    ] {
        let body = app.get_json(path).await;
        let shown: Vec<u64> = body["contents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["match"]["reason"] == "nearby")
            .filter(exact)
            .map(|i| i["match"]["distance_metres"].as_u64().unwrap())
            .collect();
        assert!(shown.len() > 3, "{path}: {shown:?}");
        assert!(
            shown.windows(2).all(|w| w[0] <= w[1]),
            "{path}: distances go down the list: {shown:?}"
        );
    }
    let relevance = app
        .get_json("/services?search=food&postcode=E14+3BY&per_page=100")
        .await;
    let shown: Vec<u64> = relevance["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["match"]["distance_metres"].as_u64())
        .collect();
    assert!(
        shown.windows(2).any(|w| w[0] > w[1]),
        "by default, text near a postcode is ranked by relevance decaying with distance: {shown:?}"
    );
    let problem = app.get("/services?search=food&sort=distance").await;
    assert_eq!(problem.status, 400);
    let problem = app
        .get("/services?search=food&postcode=E14+3BY&sort=nearest")
        .await;
    assert_eq!(problem.status, 400);
}

#[tokio::test]
async fn every_facet_count_is_the_total_that_filtering_by_it_gives() {
    let Some(geo) = geo_dir("geo_search::facet_totals") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    // Facets are counted in the search's own pass when it does not filter on them, in a
    // pass of their own when it does: both must agree with filtering.
    for base in [
        "search=advice",
        "search=food&postcode=E1+6AN&proximity=3000",
        "taxonomy_term_id=0cfc378b-b2f0-51c7-9380-e00fa71c1942",
        "search=support&locality=south-east&language=ben&cost=free",
        "",
    ] {
        let body = app
            .get_json(&format!(
                "/services?{base}&facets=locality,ward,need,cost,language"
            ))
            .await;
        let mut checked = 0;
        for (facet, parameter, key) in [
            ("locality", "locality", "code"),
            ("ward", "ward", "code"),
            ("need", "taxonomy_term_id", "value"),
            ("language", "language", "value"),
            ("cost", "cost", "value"),
        ] {
            for value in body["facets"][facet].as_array().unwrap() {
                let code = value[key].as_str().unwrap();
                if facet == "cost" && code != "free" {
                    continue;
                }
                // The facet's own filter is replaced, the others kept.
                let others: Vec<&str> = base
                    .split('&')
                    .filter(|p| !p.is_empty() && !p.starts_with(&format!("{parameter}=")))
                    .collect();
                let filtered = app
                    .get_json(&format!(
                        "/services?{}&{parameter}={code}&per_page=1",
                        others.join("&")
                    ))
                    .await;
                assert_eq!(
                    value["count"], filtered["total_items"],
                    "{base}: {facet} {code}"
                );
                checked += 1;
            }
        }
        assert!(checked > 10, "{base}: only {checked} values");
    }
}

#[tokio::test]
async fn facet_counts_agree_with_filtering() {
    let Some(geo) = geo_dir("geo_search::facets") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let body = app
        .get_json("/services?search=advice&facets=locality,ward")
        .await;
    let localities = body["facets"]["locality"].as_array().unwrap();
    assert_eq!(localities.len(), 4);
    for facet in localities {
        let filtered = app
            .get_json(&format!(
                "/services?search=advice&locality={}",
                facet["code"].as_str().unwrap()
            ))
            .await;
        assert_eq!(facet["count"], filtered["total_items"], "{facet}");
    }
    assert_eq!(body["facets"]["ward"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn confidential_places_show_their_area_but_never_where_they_are() {
    let Some(geo) = geo_dir("geo_search::confidential") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    let refuge = truth
        .listings
        .iter()
        .find(|l| l.places.iter().any(|p| p.confidential))
        .unwrap();
    let service = app.get_json(&format!("/services/{}", refuge.id)).await;
    let location = service["service_at_locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| &link["location"])
        .find(|l| l["confidential"] == true)
        .unwrap();
    assert!(
        location["ward"]["code"].as_str().is_some()
            && location["locality"]["code"].as_str().is_some(),
        "{location}"
    );
    assert!(location.get("latitude").is_none() && location.get("addresses").is_none());
}

#[tokio::test]
async fn a_refuge_cannot_be_located_by_probing_the_proximity_filter() {
    let Some(geo) = geo_dir("geo_search::privacy") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let truth = truth(&geo);
    let (listing, place) = truth
        .listings
        .iter()
        .filter(|l| l.shown_by_default && !l.borough_wide)
        .find_map(|l| {
            l.places
                .iter()
                .find(|p| p.confidential && p.point.is_some())
                .map(|p| (l, p))
        })
        .expect("the seed has a confidential place");
    for postcode in ["E1 6AN", "E3 2AA", "E14 3BY"] {
        let ((lat, lon), _) = truth.postcodes[postcode];
        let (mut inside, mut outside) = (20_000.0f64, 1.0f64);
        while inside - outside > 1.0 {
            let middle = (inside + outside) / 2.0;
            let path = format!(
                "/services?postcode={}&proximity={middle}",
                postcode.replace(' ', "+")
            );
            if all_ids(&app, &path).await.contains(&listing.id) {
                inside = middle
            } else {
                outside = middle
            }
        }
        let public = haversine((lat, lon), place.public_point.unwrap());
        let true_distance = haversine((lat, lon), place.point.unwrap());
        assert!(
            (inside - public).abs() <= 2.0,
            "{postcode}: the threshold {inside} m is the distance to the ward centroid ({public} m)"
        );
        if (public - true_distance).abs() > 10.0 {
            assert!(
                (inside - true_distance).abs() > 5.0,
                "{postcode}: probing found the true distance {true_distance} m"
            );
        }
    }
}

#[tokio::test]
async fn postcode_mistakes_get_clear_answers() {
    let Some(geo) = geo_dir("geo_search::mistakes") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    for good in ["e143by", "%20E14%203BY%20", "E14", "e1w"] {
        assert_eq!(
            app.get(&format!("/services?postcode={good}")).await.status,
            200,
            "{good}"
        );
    }
    let cases = [
        (
            "/services?postcode=E14+3BYY",
            "postcode",
            "is not a UK postcode",
        ),
        (
            "/services?postcode=hello",
            "postcode",
            "is not a UK postcode",
        ),
        (
            "/services?postcode=SW1A+1AA",
            "postcode",
            "we don't know the postcode SW1A 1AA",
        ),
        (
            "/services?postcode=E14+9ZZ",
            "postcode",
            "we don't know the postcode E14 9ZZ",
        ),
        (
            "/services?postcode=SW1A",
            "postcode",
            "we don't know the postcode area SW1A",
        ),
        ("/services?proximity=1000", "proximity", "needs a postcode"),
        (
            "/services?postcode=E14+3BY&proximity=near",
            "proximity",
            "distance in metres",
        ),
        (
            "/services?postcode=E14+3BY&proximity=-5",
            "proximity",
            "distance in metres",
        ),
        (
            "/services?locality=north",
            "locality",
            "north-west (North West)",
        ),
        (
            "/services?ward=E05000000",
            "ward",
            "E05009323 (Canary Wharf)",
        ),
        (
            "/services?pcn=U00000",
            "pcn",
            "U60865 (Poplar and Limehouse Health Network)",
        ),
        ("/services?facets=postcode", "facets", "locality, ward"),
    ];
    for (path, parameter, hint) in cases {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert_eq!(reply.content_type, "application/problem+json");
        let problem = reply.json();
        assert_eq!(
            problem["invalid_params"][0]["name"], parameter,
            "{path}: {problem}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(hint),
            "{path}: {problem}"
        );
    }
    let lookup = app.get_json("/postcodes/e14%203by").await;
    assert_eq!(
        (lookup["postcode"].as_str(), lookup["ward"]["name"].as_str()),
        (Some("E14 3BY"), lookup["ward"]["name"].as_str())
    );
    assert_eq!(lookup["located_by"], "postcode");
    assert_eq!(app.get("/postcodes/E14%209ZZ").await.status, 404);
    assert_eq!(app.get("/postcodes/nonsense").await.status, 400);
}

#[tokio::test]
async fn the_api_reports_exact_geography_and_its_attribution_with_a_pack() {
    let Some(geo) = geo_dir("geo_search::exact") else {
        return;
    };
    let app = spawn_app_with_pack(&geo).await;
    let root = app.get_json("/").await;
    assert_eq!(root["geography_precision"], "exact");
    assert!(
        root["attribution"]
            .as_str()
            .unwrap()
            .contains("Contains Royal Mail data")
    );
    let ready = app.get_json("/readyz").await;
    assert_eq!(ready["geography"]["precision"], "exact");
    assert_eq!(ready["geography"]["postcodes"], 6140);
    let geography = app.get_json("/geography").await;
    let localities = geography["localities"].as_array().unwrap();
    assert_eq!(localities.len(), 4);
    assert_eq!(
        localities
            .iter()
            .map(|l| l["wards"].as_array().unwrap().len())
            .sum::<usize>(),
        20
    );
    assert_eq!(
        localities
            .iter()
            .map(|l| l["pcns"].as_array().unwrap().len())
            .sum::<usize>(),
        7
    );
}

#[tokio::test]
async fn without_a_pack_geography_is_approximate_and_says_so() {
    let app = spawn_app().await;
    let root = app.get_json("/").await;
    assert_eq!(root["geography_precision"], "approximate");
    let ready = app.get_json("/readyz").await;
    assert_eq!(ready["geography"]["precision"], "approximate");
    assert!(
        ready["geography"]["detail"]
            .as_str()
            .unwrap()
            .contains("nearest centroid")
    );
    let body = app
        .get_json("/services?postcode=E14+3BY&proximity=1500")
        .await;
    assert_eq!(body["geography"]["precision"], "approximate");
    assert!(body["total_items"].as_u64().unwrap() > 0);
    let lookup = app.get_json("/postcodes/E14%203BY").await;
    assert_eq!(lookup["located_by"], "outward_code");
    assert_eq!(lookup["precision"], "approximate");
    let south_east = app.get_json("/services?locality=south-east").await["total_items"]
        .as_u64()
        .unwrap();
    assert!(
        south_east > 10,
        "approximate placement still sorts services into localities"
    );
}
