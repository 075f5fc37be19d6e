#!/usr/bin/env python3
"""Loads a synthetic directory (ORUK 3.0 NDJSON, one service a line) and the geo pack into
the PostgreSQL baseline: NDJSON -> CSV tables (timed: the JSON parse) -> schema.sql ->
`psql \\copy` -> build.sql (keys, GIN/GiST/btree indexes, derived tables, VACUUM ANALYZE).
"Bulk build to searchable" for the baseline is the COPY plus build.sql.

Derived values follow Signpost's own rules (src/domain/service.rs, src/geography/mod.rs):
cost as `Service::is_free` counts it, coverage of the whole borough for a service that
says nothing about its area and is delivered remotely, a location without coordinates
placed at its postcode. Prints a JSON summary on stdout.

    load.py --ndjson F --geo-dir D --taxonomies seed/taxonomies.json --work W
    (the connection comes from PGHOST/PGPORT/PGUSER/PGDATABASE)
"""

import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGLISH = "eng"


def name_key(text):
    """Signpost's geography::name_key: lower case, & as "and", apostrophes dropped."""
    out = []
    for c in text:
        if c in "'\u2019`":
            continue
        if c == "&":
            out.append(" and ")
        elif c.isalnum():
            out.append(c.lower())
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def slug(text):
    return name_key(text).replace(" ", "-")


def find(geo_dir, suffix):
    found = sorted(glob.glob(os.path.join(geo_dir, "*" + suffix)))
    if len(found) != 1:
        sys.exit(f"load.py: expected one *{suffix} in {geo_dir}, found {len(found)}")
    return found[0]


def mentions_free(text):
    return any(w.lower() == "free" for w in re.split(r"[^0-9A-Za-z\u00C0-\uFFFF]", text or ""))


def cost_of(service):
    amounts = []
    for option in service.get("cost_options") or []:
        amount = option.get("amount")
        if isinstance(amount, (int, float)):
            amounts.append(float(amount))
    charges = any(a > 0 for a in amounts)
    says_free = any(a == 0 for a in amounts) or mentions_free(service.get("fees"))
    if not charges and says_free:
        return "free"
    if charges:
        return "paid"
    return "not_stated"


def pg_bool(value):
    return "t" if value else "f"


def convert(args, work):
    """NDJSON and the geo pack to CSV files; returns counts and notes."""
    taxonomy = json.load(open(args.taxonomies))
    terms = {t["id"]: t for t in taxonomy["taxonomy_terms"]}
    taxonomy_names = {t["id"]: t["name"] for t in taxonomy.get("taxonomies", [])}

    postcodes = {}
    with open(find(args.geo_dir, "postcodes.csv"), newline="") as f, \
            open(os.path.join(work, "postcodes.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        for row in csv.DictReader(f):
            inside = (row.get("in_tower_hamlets") or row.get("in_borough") or "").lower() == "true"
            ward = row.get("ward_code") if inside else ""
            postcodes[row["postcode"].upper().replace(" ", "")] = (row["latitude"], row["longitude"])
            writer.writerow([row["postcode"], row["latitude"], row["longitude"], pg_bool(inside), ward or ""])

    localities = {}
    with open(find(args.geo_dir, "ward-localities.csv"), newline="") as f:
        for row in csv.DictReader(f):
            localities[row["ward_code"]] = row.get("tht_locality") or row.get("locality")
    wards = json.load(open(find(args.geo_dir, "wards.geojson")))
    with open(os.path.join(work, "wards.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        for feature in wards["features"]:
            props = feature.get("properties") or {}
            code = props.get("ward_code") or feature.get("id")
            locality = localities[code]
            writer.writerow([code, props.get("ward_name", code), slug(locality), locality,
                             json.dumps(feature["geometry"])])

    with open(os.path.join(work, "taxonomy_terms.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        for term in terms.values():
            writer.writerow([term["id"], term.get("parent_id") or "", term["name"],
                             term.get("taxonomy") or taxonomy_names.get(term.get("taxonomy_id"), "")])

    counts = {"services": 0, "locations": 0, "attributes": 0, "languages": 0}
    notes = []
    unmodelled_areas = 0
    unplaced = 0
    files = {name: open(os.path.join(work, name + ".csv"), "w", newline="")
             for name in ("services", "locations", "attributes", "languages")}
    writers = {name: csv.writer(f) for name, f in files.items()}
    with open(args.ndjson, encoding="utf-8") as source:
        for line in source:
            line = line.strip()
            if not line:
                continue
            s = json.loads(line)
            sid = s["id"]
            # Terms with their broader terms (names go into the text, weight B).
            expanded = []
            for attribute in s.get("attributes") or []:
                tid = attribute.get("taxonomy_term_id")
                if not tid:
                    continue
                writers["attributes"].writerow([sid, tid, attribute.get("link_type") or ""])
                counts["attributes"] += 1
                while tid and tid not in expanded:
                    expanded.append(tid)
                    tid = (terms.get(tid) or {}).get("parent_id")
            terms_text = " ".join(terms[t]["name"] for t in expanded if t in terms)

            codes = set()
            language_names = []
            for language in s.get("languages") or []:
                code = (language.get("code") or "").lower()
                if code:
                    codes.add(code)
                if code != ENGLISH and language.get("name"):
                    language_names.append(language["name"])
            for code in sorted(codes):
                writers["languages"].writerow([sid, code])
                counts["languages"] += 1

            places = []
            types = []
            for link in s.get("service_at_locations") or []:
                location = link.get("location") or {}
                if not location:
                    continue
                location_type = location.get("location_type") or "physical"
                types.append(location_type)
                if location.get("name"):
                    places.append(location["name"])
                addresses = location.get("addresses") or []
                if not location.get("confidential"):
                    for address in addresses:
                        places.extend(address.get(k) for k in ("address_1", "address_2", "city", "postal_code")
                                      if address.get(k))
                postcode = addresses[0].get("postal_code") if addresses else None
                lat, lon = location.get("latitude"), location.get("longitude")
                if (lat is None or lon is None) and postcode:
                    lat, lon = postcodes.get(postcode.upper().replace(" ", ""), (None, None))
                if lat is None or lon is None:
                    unplaced += 1
                writers["locations"].writerow([
                    location.get("id") or link.get("location_id"), sid, link.get("id") or "",
                    location_type, location.get("name") or "", postcode or "",
                    "" if lat is None else lat, "" if lon is None else lon])
                counts["locations"] += 1
                if location.get("confidential"):
                    notes.append(f"location {location.get('id')} is confidential: Signpost measures it from its "
                                 "ward's centroid, the baseline from its point")

            if s.get("service_areas"):
                unmodelled_areas += 1
            remote = "physical" not in types or "virtual" in types
            covers_borough = not s.get("service_areas") and remote
            org = s.get("organization") or {}
            description = " ".join(t for t in (s.get("description"), s.get("eligibility_description")) if t)
            writers["services"].writerow([
                sid, s.get("organization_id") or org.get("id") or "", s.get("name") or "",
                description, s.get("url") or "", s.get("status") or "active", s.get("fees") or "",
                org.get("name") or "", org.get("description") or "", cost_of(s), pg_bool(covers_borough),
                terms_text, " ".join(language_names), " ".join(places)])
            counts["services"] += 1
    for f in files.values():
        f.close()
    if unmodelled_areas:
        notes.append(f"{unmodelled_areas} services declare service_areas: the baseline does not model "
                     "declared coverage (Signpost does), so geographic filters and facets may differ for them")
    if unplaced:
        notes.append(f"{unplaced} locations have no point (no coordinates, postcode not in the geo pack)")
    return counts, notes[:20]


COPY = """
\\copy taxonomy_terms (id, parent_id, name, taxonomy) FROM '{w}/taxonomy_terms.csv' WITH (FORMAT csv, NULL '')
\\copy wards (code, name, locality_code, locality_name, geojson) FROM '{w}/wards.csv' WITH (FORMAT csv)
\\copy postcodes (postcode, latitude, longitude, in_borough, ward_code) FROM '{w}/postcodes.csv' WITH (FORMAT csv, NULL '')
\\copy services (id, organization_id, name, description, url, status, fees, org_name, org_description, cost, covers_borough, terms_text, lang_text, place_text) FROM '{w}/services.csv' WITH (FORMAT csv, NULL '')
\\copy locations (id, service_id, link_id, location_type, name, postcode, latitude, longitude) FROM '{w}/locations.csv' WITH (FORMAT csv, NULL '')
\\copy service_attributes (service_id, taxonomy_term_id, link_type) FROM '{w}/attributes.csv' WITH (FORMAT csv, NULL '')
\\copy service_languages (service_id, code) FROM '{w}/languages.csv' WITH (FORMAT csv)
"""


def psql(*args, stdin=None):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args], input=stdin,
                          text=True, check=True, stdout=subprocess.PIPE).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ndjson", required=True)
    parser.add_argument("--geo-dir", required=True)
    parser.add_argument("--taxonomies", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    work = os.path.abspath(os.path.join(args.work, "csv"))
    os.makedirs(work, exist_ok=True)

    started = time.monotonic()
    counts, notes = convert(args, work)
    converted = time.monotonic() - started

    psql("-f", os.path.join(HERE, "schema.sql"))
    started = time.monotonic()
    psql(stdin=COPY.format(w=work))
    copied = time.monotonic() - started
    started = time.monotonic()
    psql("-f", os.path.join(HERE, "build.sql"))
    built = time.monotonic() - started
    psql("-c", "CHECKPOINT")  # not timed: so that no checkpoint lands in the timed runs

    size = psql("-A", "-t", "-c", "SELECT pg_database_size(current_database())").strip()
    tables = psql("-A", "-t", "-F", "\t", "-c", """
        SELECT relname, pg_total_relation_size(oid) FROM pg_class
        WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC""")
    sizes = {name: int(b) for name, b in (line.split("\t") for line in tables.splitlines() if line)}
    csv_bytes = sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work))
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    print(json.dumps({
        "counts": counts,
        "notes": notes,
        "convert_seconds": round(converted, 3),
        "copy_seconds": round(copied, 3),
        "build_seconds": round(built, 3),
        "load_seconds": round(copied + built, 3),
        "csv_bytes": csv_bytes,
        "database_bytes": int(size),
        "table_bytes": sizes,
    }, indent=1))


if __name__ == "__main__":
    main()
