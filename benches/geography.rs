//! Geography costs (issue "Geography"): placing every location of the sample directory, and
//! a search with a locality or postcode filter against the same search without it.
//!
//! "page of services" is what the API handler runs (index search, then reading and placing
//! the page's 50 services); "index only" is the engine's share.
//!
//! Run with `cargo bench --bench geography`. Uses the real geo pack from
//! `SIGNPOST_SHARED_DIR` (default `../shared`) when present, else the built-in geography.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use signpost::catalog::Catalog;
use signpost::domain::postcode::PostcodeQuery;
use signpost::geography::Geography;
use signpost::search::query::{
    Area, AreaGroup, AreaKind, Filters, GeoFilter, Near, PageRequest, ServiceQuery, Target,
    london_now,
};

fn geography() -> (Geography, &'static str) {
    let shared = std::env::var_os("SIGNPOST_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let pack = shared.join("data/geo");
    if pack.is_dir() {
        (
            signpost::geography::pack::load(&pack).expect("the geo pack loads"),
            "exact",
        )
    } else {
        (signpost::geography::builtin::geography(), "approximate")
    }
}

fn query(text: Option<&str>, geo: GeoFilter) -> ServiceQuery {
    ServiceQuery {
        target: Target::Services,
        text: text.map(str::to_owned),
        filters: Filters::new(london_now()),
        geo,
        facets: None,
        page: PageRequest::default(),
    }
}

fn benches(c: &mut Criterion) {
    let (geography, precision) = geography();
    let geography = Arc::new(geography);
    let dir = tempfile::tempdir().unwrap();
    let (catalog, _) = Catalog::open(
        dir.path(),
        Arc::clone(&geography),
        Arc::new(signpost::search::assets::SearchAssets::built_in()),
    )
    .unwrap();
    signpost::seed::load(&catalog).unwrap();
    catalog.wait_for_index().unwrap();
    let services: Vec<_> = catalog
        .store()
        .service_ids()
        .unwrap()
        .into_iter()
        .filter_map(|id| catalog.full_service(id).unwrap())
        .collect();
    let locations: usize = services.iter().map(|s| s.locations.len()).sum();

    c.bench_function(
        &format!(
            "place all {} services ({locations} locations), {precision}",
            services.len()
        ),
        |b| {
            b.iter(|| {
                services
                    .iter()
                    .map(|full| geography.place_service(full.clone()).placements.len())
                    .sum::<usize>()
            })
        },
    );

    let south_east = GeoFilter {
        area_groups: vec![AreaGroup {
            kind: AreaKind::Locality,
            areas: vec![Area::Locality("south-east".to_owned())],
        }],
        near: None,
    };
    let found = geography
        .locate_postcode(&PostcodeQuery::parse("E14 3BY").unwrap())
        .unwrap();
    let near = |radius: Option<f64>| GeoFilter {
        area_groups: Vec::new(),
        near: Some(Near {
            label: found.label.clone(),
            point: found.point,
            ward_code: found.ward.map(|w| geography.wards()[w].code.clone()),
            radius_metres: radius,
            by_distance: false,
        }),
    };
    let mut group = c.benchmark_group(format!("search ({precision} geography)"));
    for (text, label) in [(None, "browse"), (Some("advice"), "text 'advice'")] {
        let cases = [
            ("no filter", GeoFilter::default()),
            ("locality", south_east.clone()),
            ("postcode", near(None)),
            ("postcode+1500m", near(Some(1500.0))),
        ];
        for (name, geo) in cases {
            let query = query(text, geo);
            group.bench_with_input(
                BenchmarkId::new(format!("{label}, page of services"), name),
                &query,
                |b, query| b.iter(|| catalog.search(query).unwrap().total),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{label}, index only"), name),
                &query,
                |b, query| b.iter(|| catalog.index().search(query).unwrap().total),
            );
        }
    }
    group.finish();
}

criterion_group!(geography_benches, benches);
criterion_main!(geography_benches);
