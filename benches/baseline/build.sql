-- After the COPY: keys, indexes, derived tables, statistics. Untuned: default settings
-- (maintenance_work_mem and all), one statement at a time.

ALTER TABLE services ADD PRIMARY KEY (id);
CREATE INDEX services_tsv ON services USING gin (tsv);

CREATE INDEX locations_service ON locations (service_id);
CREATE INDEX locations_geom ON locations USING gist (geom);
CREATE INDEX locations_geog ON locations USING gist (geog);

ALTER TABLE taxonomy_terms ADD PRIMARY KEY (id);
CREATE INDEX service_attributes_service ON service_attributes (service_id);

-- Each service's terms with their broader terms: Signpost indexes the same
-- (FullService::term_ids_with_ancestors), so a filter on "Food" finds services tagged
-- "Food banks", and the need facet counts a service under both.
CREATE TABLE service_terms AS
WITH RECURSIVE up (service_id, term_id) AS (
    SELECT service_id, taxonomy_term_id FROM service_attributes
    UNION
    SELECT up.service_id, t.parent_id
    FROM up JOIN taxonomy_terms t ON t.id = up.term_id
    WHERE t.parent_id IS NOT NULL
)
SELECT service_id, term_id FROM up;
CREATE INDEX service_terms_term ON service_terms (term_id, service_id);
CREATE INDEX service_terms_service ON service_terms (service_id);

CREATE INDEX service_languages_service ON service_languages (service_id, code);

-- The geo pack: ward polygons, and each locality as the union of its wards.
UPDATE wards SET geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326));
ALTER TABLE wards ADD PRIMARY KEY (code);
CREATE INDEX wards_geom ON wards USING gist (geom);
CREATE TABLE localities AS
SELECT locality_code AS code, min(locality_name) AS name, ST_Multi(ST_Union(geom)) AS geom
FROM wards GROUP BY locality_code;
ALTER TABLE localities ADD PRIMARY KEY (code);
CREATE INDEX localities_geom ON localities USING gist (geom);
ALTER TABLE postcodes ADD PRIMARY KEY (postcode);

-- Statistics, and the visibility map (autovacuum would run this by itself within a minute
-- of the load, in the middle of the timed runs).
VACUUM ANALYZE;
