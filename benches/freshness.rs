//! How long until an acknowledged write is searchable (directory core: "a write becomes
//! visible to search within one second"): one service changed in the sample directory,
//! from the write to the moment a search finds the new text.
//!
//! Run with `cargo bench --bench freshness`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use signpost::catalog::Catalog;
use signpost::search::query::{Filters, GeoFilter, PageRequest, ServiceQuery, Target, london_now};
use signpost::store::ChangeSet;

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let geography = Arc::new(signpost::geography::builtin::geography());
    let (catalog, _) = Catalog::open(
        dir.path(),
        geography,
        std::sync::Arc::new(signpost::search::assets::SearchAssets::built_in()),
    )
    .unwrap();
    signpost::seed::load(&catalog).unwrap();
    catalog.wait_for_index().unwrap();
    let id = catalog.store().service_ids().unwrap()[0];
    let mut service = catalog.store().service(id).unwrap().unwrap();
    let mut round = 0u64;
    c.bench_function("write one service, then until a search finds it", |b| {
        b.iter(|| {
            round += 1;
            let word = format!("freshness{round}");
            service.description = Some(format!("Now with {word}."));
            service.last_modified = None;
            catalog
                .apply(&ChangeSet {
                    services: vec![service.clone()],
                    ..ChangeSet::default()
                })
                .unwrap();
            let query = ServiceQuery {
                target: Target::Services,
                text: Some(word),
                filters: Filters::new(london_now()),
                geo: GeoFilter::default(),
                facets: None,
                page: PageRequest::default(),
            };
            while catalog.index().search(&query).unwrap().total == 0 {
                std::thread::yield_now();
            }
        })
    });
}

criterion_group!(freshness, benches);
criterion_main!(freshness);
