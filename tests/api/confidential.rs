//! A confidential location's address never leaves the server: not in any API response, not
//! in the export.

use crate::fixtures::{self, REFUGE, REFUGE_POSTCODE, REFUGE_STREET};
use crate::helpers::spawn_empty_app;

#[tokio::test]
async fn a_confidential_address_appears_in_no_response_and_no_export() {
    let app = spawn_empty_app().await;
    app.import(&fixtures::services());
    let mut bodies = Vec::new();
    for path in [
        "/services?per_page=100",
        "/service_at_locations?per_page=100",
        "/organizations",
        "/taxonomy_terms",
    ] {
        bodies.push(app.get(path).await.text);
    }
    let group = "/services/50000000-0000-4000-8000-000000000004";
    let full = app.get_json(group).await;
    bodies.push(full.to_string());
    let location = &full["service_at_locations"][0]["location"];
    assert_eq!(location["id"], REFUGE);
    assert_eq!(location["confidential"], true);
    assert_eq!(location["name"], "Women's safe house", "the place is named");
    for withheld in [
        "addresses",
        "latitude",
        "longitude",
        "external_identifier",
        "phones",
    ] {
        assert!(
            location.get(withheld).is_none(),
            "{withheld} is withheld: {location}"
        );
    }
    let link = full["service_at_locations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    bodies.push(app.get(&format!("/service_at_locations/{link}")).await.text);
    bodies.push(
        app.get("/organizations/30000000-0000-4000-8000-00000000000c")
            .await
            .text,
    );
    let mut export = Vec::new();
    signpost::catalog::export::export(&app.catalog, &mut export).unwrap();
    bodies.push(String::from_utf8(export).unwrap());
    for body in &bodies {
        for secret in [REFUGE_STREET, REFUGE_POSTCODE, "100023336956"] {
            assert!(
                !body.contains(secret),
                "{secret} leaked in: {}",
                &body[..body.len().min(300)]
            );
        }
    }
    assert!(
        bodies.iter().any(|b| b.contains("1 Roman Road")),
        "published addresses are still shown"
    );
}
