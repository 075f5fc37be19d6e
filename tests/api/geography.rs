//! The real geo pack from `../shared/data/geo`: loading, validation errors, and exact
//! agreement of ward polygons with the postcode file.

use std::path::{Path, PathBuf};

use signpost::domain::location::LatLon;
use signpost::domain::postcode::PostcodeQuery;
use signpost::geography::{Precision, pack};

use crate::helpers::shared_dir;

pub fn geo_dir(test: &str) -> Option<PathBuf> {
    shared_dir(test).map(|shared| shared.join("data/geo"))
}

#[test]
fn the_real_pack_loads_exactly() {
    let Some(dir) = geo_dir("geography::loads") else {
        return;
    };
    let geography = pack::load(&dir).unwrap();
    assert_eq!(geography.precision(), Precision::Exact);
    assert_eq!(geography.borough().code, "E09000030");
    assert_eq!(geography.wards().len(), 20);
    assert_eq!(geography.localities().len(), 4);
    assert_eq!(geography.pcns().len(), 7);
    assert_eq!(geography.postcode_count(), 6140);
    assert!(
        geography
            .attribution()
            .starts_with("Contains OS data © Crown copyright"),
        "{}",
        geography.attribution()
    );
    let south_east = geography.locality_by_key("south-east").unwrap();
    assert_eq!(geography.locality_by_key("South East"), Some(south_east));
    assert_eq!(geography.localities()[south_east].wards.len(), 6);
    let u60865 = geography.pcn_by_code("u60865").unwrap();
    assert_eq!(
        geography.pcns()[u60865].locality,
        south_east,
        "Poplar and Limehouse is a South East network"
    );
}

#[test]
fn every_postcode_falls_in_the_ward_its_file_gives_and_none_outside_falls_in_a_ward() {
    let Some(dir) = geo_dir("geography::postcode_agreement") else {
        return;
    };
    let geography = pack::load(&dir).unwrap();
    let mut reader = csv::Reader::from_path(dir.join("tower-hamlets-postcodes.csv")).unwrap();
    let (mut inside, mut outside, mut disagreements) = (0, 0, Vec::new());
    for row in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        let point = LatLon::new(
            row["latitude"].parse().unwrap(),
            row["longitude"].parse().unwrap(),
        )
        .unwrap();
        let ward = geography
            .ward_at(point)
            .map(|w| geography.wards()[w].code.clone());
        if row["in_tower_hamlets"] == "true" {
            inside += 1;
            if ward.as_deref() != Some(row["ward_code"].as_str()) {
                disagreements.push(format!(
                    "{} in {} placed in {ward:?}",
                    row["postcode"], row["ward_code"]
                ));
            }
            let located = geography
                .locate_postcode(&PostcodeQuery::parse(&row["postcode"]).unwrap())
                .unwrap();
            assert_eq!(
                located
                    .ward
                    .map(|w| geography.wards()[w].code.clone())
                    .as_deref(),
                Some(row["ward_code"].as_str())
            );
        } else {
            outside += 1;
            if ward.is_some() {
                disagreements.push(format!(
                    "{} (outside the borough) placed in {ward:?}",
                    row["postcode"]
                ));
            }
        }
    }
    assert_eq!((inside, outside), (5889, 251));
    assert!(
        disagreements.is_empty(),
        "{} disagreements: {:?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(10)]
    );
}

#[test]
fn outward_codes_resolve_to_the_centroid_of_their_postcodes() {
    let Some(dir) = geo_dir("geography::outward") else {
        return;
    };
    let geography = pack::load(&dir).unwrap();
    let e14 = geography
        .locate_postcode(&PostcodeQuery::parse("e14").unwrap())
        .unwrap();
    assert!(
        (e14.point.latitude() - 51.5062).abs() < 0.001
            && (e14.point.longitude() + 0.0182).abs() < 0.001,
        "{e14:?}"
    );
    assert!(
        geography
            .locate_postcode(&PostcodeQuery::parse("SW1A").unwrap())
            .is_err()
    );
    let unknown = geography
        .locate_postcode(&PostcodeQuery::parse("E14 9ZZ").unwrap())
        .unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("we don't know the postcode E14 9ZZ"),
        "{unknown}"
    );
}

/// A copy of the pack to damage.
fn copy_pack(dir: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    copy
}

fn damage(copy: &Path, file: &str, from: &str, to: &str) {
    let path = copy.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} contains {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_malformed_pack_is_refused_naming_the_file_and_line() {
    let Some(dir) = geo_dir("geography::malformed") else {
        return;
    };
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "tower-hamlets-postcodes.csv",
            "E1 0AA,E1,51.512498",
            "E1 0AA,E1,north",
            "tower-hamlets-postcodes.csv:2: latitude \"north\" is not a number",
        ),
        (
            "tower-hamlets-postcodes.csv",
            "E1 0AD,E1,51.512911,-0.055296,535042,181124,10,E09000030,true,E05009332",
            "E1 0AD,E1,51.512911,-0.055296,535042,181124,10,E09000030,true,E05999999",
            "tower-hamlets-postcodes.csv:3: ward_code E05999999 is not a ward of the pack",
        ),
        (
            "tower-hamlets-postcodes.csv",
            "E1 0AA,",
            "E1 0A,",
            "tower-hamlets-postcodes.csv:2: postcode \"E1 0A\" is not a UK postcode",
        ),
        (
            "tower-hamlets-ward-localities.csv",
            "E05009317,Bethnal Green East,Bethnal Green,North West",
            "E05009399,Bethnal Green East,Bethnal Green,North West",
            "tower-hamlets-ward-localities.csv: ward E05009317 (Bethnal Green East",
        ),
        (
            "tower-hamlets-wards.geojson",
            "\"type\":\"FeatureCollection\"",
            "\"type\":\"FeatureCollection\",,",
            "tower-hamlets-wards.geojson:1: is not valid JSON",
        ),
        (
            "tower-hamlets-pcns.csv",
            "North West,derived: all 4",
            "Far North,derived: all 4",
            "tower-hamlets-pcns.csv:2: locality \"Far North\" is not a locality of the wards",
        ),
    ];
    for (file, from, to, expected) in cases {
        let copy = copy_pack(&dir);
        damage(copy.path(), file, from, to);
        let message = pack::load(copy.path()).unwrap_err().to_string();
        assert!(message.contains(expected), "damaging {file}: {message}");
    }
    let copy = copy_pack(&dir);
    std::fs::remove_file(copy.path().join("tower-hamlets-pcns.csv")).unwrap();
    assert!(
        pack::load(copy.path())
            .unwrap_err()
            .to_string()
            .contains("no file named *pcns.csv")
    );
}
