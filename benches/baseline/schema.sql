-- The PostgreSQL full-text + PostGIS baseline (BENCHMARKS.md): tables created empty, then
-- filled by COPY (load.py) and indexed by build.sql. Keys and indexes come after the COPY,
-- as a bulk load does.

CREATE EXTENSION IF NOT EXISTS postgis;

-- One row per service. `cost` is as Signpost counts it (free / paid / not_stated, see
-- Service::is_free); `covers_borough` is Signpost's coverage rule for a service that says
-- nothing about its area: delivered remotely (no physical location, or a virtual one) means
-- the whole borough. The text columns feed one weighted tsvector:
--   A name; B description and eligibility, the names of its taxonomy terms (and their
--   broader terms); C organisation name, languages other than English; D place names and
--   published address lines.
CREATE TABLE services (
    id              uuid NOT NULL,
    organization_id uuid,
    name            text NOT NULL,
    description     text,
    url             text,
    status          text NOT NULL,
    fees            text,
    org_name        text,
    org_description text,
    cost            text NOT NULL,
    covers_borough  boolean NOT NULL,
    terms_text      text,
    lang_text       text,
    place_text      text,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(terms_text, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(org_name, '') || ' ' || coalesce(lang_text, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(place_text, '')), 'D')
    ) STORED
);

-- One row per location a service is delivered at (its service_at_locations). A location
-- with no coordinates is placed at its postcode's centroid (load.py, from the geo pack), as
-- Signpost places it; one with neither has no point.
CREATE TABLE locations (
    id            uuid NOT NULL,
    service_id    uuid NOT NULL,
    link_id       uuid NOT NULL,
    location_type text NOT NULL,
    name          text,
    postcode      text,
    latitude      double precision,
    longitude     double precision,
    geom          geometry(Point, 4326) GENERATED ALWAYS AS
        (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,
    geog          geography(Point, 4326) GENERATED ALWAYS AS
        (CAST(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geography)) STORED
);

-- Taxonomy links as given (link_type need / suitable_for ...).
CREATE TABLE service_attributes (
    service_id       uuid NOT NULL,
    taxonomy_term_id uuid NOT NULL,
    link_type        text
);

-- Signpost's taxonomies (seed/taxonomies.json), with the hierarchy.
CREATE TABLE taxonomy_terms (
    id        uuid NOT NULL,
    parent_id uuid,
    name      text NOT NULL,
    taxonomy  text
);

-- Language codes a service is delivered in (distinct).
CREATE TABLE service_languages (
    service_id uuid NOT NULL,
    code       text NOT NULL
);

-- The geo pack: ward polygons, ward -> locality, postcode centroids.
CREATE TABLE wards (
    code          text NOT NULL,
    name          text NOT NULL,
    locality_code text NOT NULL,
    locality_name text NOT NULL,
    geojson       text NOT NULL,
    geom          geometry(MultiPolygon, 4326)
);

CREATE TABLE postcodes (
    postcode  text NOT NULL,
    latitude  double precision NOT NULL,
    longitude double precision NOT NULL,
    in_borough boolean NOT NULL,
    ward_code text,
    geog      geography(Point, 4326) GENERATED ALWAYS AS
        (CAST(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geography)) STORED
);
