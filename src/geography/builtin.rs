//! The geography the project ships in `seed/geography` (built into the binary): ward names,
//! codes, localities and approximate centroids, PCNs, and outward-code centroids. Used when
//! no geo pack is given; placements are then approximate and say so.

use super::{Borough, Geography, Parts, Precision, WardPart, fingerprint};
use crate::domain::location::LatLon;

const BOROUGH: &str = include_str!("../../seed/geography/borough.csv");
const LOCALITIES: &str = include_str!("../../seed/geography/localities.csv");
const WARDS: &str = include_str!("../../seed/geography/wards.csv");
const PCNS: &str = include_str!("../../seed/geography/pcns.csv");
const OUTWARD_CODES: &str = include_str!("../../seed/geography/outward_codes.csv");
const ATTRIBUTION: &str = include_str!("../../seed/geography/ATTRIBUTION.txt");

fn rows(file: &str, text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("seed/geography/{file} is malformed: {error}"))
}

fn point(file: &str, latitude: &str, longitude: &str) -> LatLon {
    let number = |text: &str| {
        text.parse::<f64>()
            .unwrap_or_else(|_| panic!("seed/geography/{file}: {text:?} is not a number"))
    };
    LatLon::new(number(latitude), number(longitude))
        .unwrap_or_else(|e| panic!("seed/geography/{file}: {e}"))
}

/// The built-in, approximate geography. The files are part of the build and tested, so a
/// problem in them is a bug and panics.
pub fn geography() -> Geography {
    let borough = &rows("borough.csv", BOROUGH)[0];
    let parts = Parts {
        precision: Precision::Approximate,
        source: "the ward centroids built into Signpost (no geo pack loaded)".to_owned(),
        attribution: ATTRIBUTION.trim().to_owned(),
        borough: Borough {
            code: borough[0].to_owned(),
            name: borough[1].to_owned(),
        },
        locality_names: rows("localities.csv", LOCALITIES)
            .iter()
            .map(|row| row[0].to_owned())
            .collect(),
        wards: rows("wards.csv", WARDS)
            .iter()
            .map(|row| WardPart {
                code: row[0].to_owned(),
                name: row[1].to_owned(),
                former_name: None,
                locality: row[2].to_owned(),
                centroid: point("wards.csv", &row[3], &row[4]),
                shape: None,
            })
            .collect(),
        pcns: rows("pcns.csv", PCNS)
            .iter()
            .map(|row| {
                (
                    row[0].to_owned(),
                    row[1].to_owned(),
                    Some(row[2].to_owned()).filter(|k| !k.is_empty()),
                    row[3].to_owned(),
                )
            })
            .collect(),
        postcodes: Vec::new(),
        outward_centroids: rows("outward_codes.csv", OUTWARD_CODES)
            .iter()
            .map(|row| {
                (
                    row[0].to_owned(),
                    point("outward_codes.csv", &row[1], &row[2]),
                )
            })
            .collect(),
        fingerprint: fingerprint(&[
            BOROUGH.as_bytes(),
            LOCALITIES.as_bytes(),
            WARDS.as_bytes(),
            PCNS.as_bytes(),
            OUTWARD_CODES.as_bytes(),
        ]),
    };
    Geography::new(parts).unwrap_or_else(|error| panic!("seed/geography is inconsistent: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::postcode::PostcodeQuery;
    use crate::geography::PointSource;

    #[test]
    fn the_built_in_geography_loads_and_is_approximate() {
        let geography = geography();
        assert_eq!(geography.precision(), Precision::Approximate);
        assert_eq!(geography.borough().code, "E09000030");
        assert!(
            !geography.localities().is_empty()
                && !geography.wards().is_empty()
                && !geography.pcns().is_empty()
        );
        for ward in geography.wards() {
            assert_eq!(
                geography
                    .ward_at(ward.centroid)
                    .map(|w| &geography.wards()[w].code),
                Some(&ward.code),
                "a ward centroid is in its ward"
            );
        }
    }

    #[test]
    fn postcodes_resolve_to_their_outward_code_without_a_pack() {
        let geography = geography();
        let found = geography
            .locate_postcode(&PostcodeQuery::parse("E14 3BY").unwrap())
            .unwrap();
        assert_eq!(found.source, PointSource::OutwardCode);
        assert!(
            geography
                .locate_postcode(&PostcodeQuery::parse("SW1A 1AA").unwrap())
                .is_err()
        );
    }
}
