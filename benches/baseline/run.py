#!/usr/bin/env python3
"""The baseline run, once Signpost serves the tier and PostgreSQL holds it (baseline.sh sets
both up): every mix of benches/queries.json timed on Signpost over HTTP with oha and on
PostgreSQL with pgbench (1 connection / client for latency, 8 for throughput; one system at
a time), then the parity checks, then the report (Markdown on stdout). Exit status 1 when a
parity check failed (the run is invalid), after the report.

Parity (PostGIS is the reference for geography):
- text_locality: every service Signpost returns (all pages) has a physical location inside
  the locality polygon when its `match` says `in_area`, or covers the whole borough when it
  says it covers the area; every row of /service_at_locations for the same query: the
  location it names is inside the polygon (at the coordinates the answer shows);
- text_postcode: every service said to be `nearby` has a physical location within the
  radius, and the distance Signpost shows equals PostGIS's (sphere) to 1 m; area-wide
  services only when they cover the borough; local results before area-wide ones;
  distances in Signpost's order non-decreasing (the mix asks sort=distance; without it
  Signpost ranks text near a postcode by relevance times a distance decay, and an order
  other than distance's is only reported unless SIGNPOST_BASELINE_STRICT_ORDER=1);
- postcode searches without text (each postcode and radius of text_postcode): as above,
  distances non-decreasing (Signpost's own, PostGIS sphere, PostGIS spheroid), and the
  same set of services as PostGIS's ST_DWithin except within the sphere/spheroid band;
- facets: for each browse_need term with facets=locality,need,cost,language, every count
  equal to the baseline SQL's; for the facets mix, every count equal to PostgreSQL counting
  over exactly the services Signpost matched (all pages); total_items of each browse query
  equal to the baseline's count.
"""

import argparse
import glob
import json
import math
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import queries as Q  # noqa: E402

# Haversine on the mean radius (Signpost) against the WGS84 spheroid (PostGIS geography):
# at London's latitude the two differ by up to 0.32 % depending on the bearing (3,000 m on
# the spheroid is 2,990.5 to 2,998.3 m on the sphere). Spheroid checks allow that, plus 1 m.
SPHEROID_SLACK = 0.0035
# Signpost's shown distance is whole metres, its points are packed to about 4 mm: against
# PostGIS's sphere distance (the same model) 1 m is enough.
SPHERE_SLACK_M = 1.0
MAX_PAGE = 1000


def spheroid_slack(metres):
    return SPHEROID_SLACK * metres + 1.0


# --------------------------------------------------------------------------- plumbing

class Pg:
    def __init__(self, host, port, user, db):
        self.env = dict(os.environ, PGHOST=host, PGPORT=str(port), PGUSER=user, PGDATABASE=db)

    def psql(self, *args, stdin=None):
        result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args], input=stdin,
                                text=True, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        if result.returncode:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{(stdin or '')[:2000]}")
        return result.stdout

    def rows(self, sql):
        sql = sql.strip().rstrip(";")
        out = self.psql("-A", "-t", stdin=f"SELECT coalesce(json_agg(x), '[]') FROM ({sql}) x;")
        return json.loads(out)

    def value(self, sql):
        return self.psql("-A", "-t", "-c", sql).strip()


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path_and_query):
        with urllib.request.urlopen(self.base + path_and_query, timeout=120) as response:
            return json.load(response)

    def page(self, query_string, per_page=Q.PAGE, page=1, path="/services"):
        return self.get(f"{path}?{query_string}&per_page={per_page}&page={page}")

    def everything(self, query_string, path="/services"):
        """Every result of a query, all pages (facets left out), and total_items."""
        plain = "&".join(p for p in query_string.split("&") if not p.startswith("facets="))
        first = self.page(plain, MAX_PAGE, 1, path)
        items, total = list(first["contents"]), first["total_items"]
        page = 1
        while len(items) < total and page < first["total_pages"]:
            page += 1
            items += self.page(plain, MAX_PAGE, page, path)["contents"]
        return items, total


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    at = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[at]


# --------------------------------------------------------------------------- timing

def run_oha(oha, urls_file, connections, seconds):
    result = subprocess.run([oha, "--no-tui", "--output-format", "json", "-z", f"{seconds}s",
                             "-c", str(connections), "--urls-from-file", urls_file],
                            check=True, text=True, stdout=subprocess.PIPE)
    data = json.loads(result.stdout)
    summary, pct = data["summary"], data["latencyPercentiles"]
    codes = data.get("statusCodeDistribution", {})
    return {
        "rps": summary["requestsPerSec"],
        "p50": pct["p50"] * 1000, "p90": pct["p90"] * 1000, "p99": pct["p99"] * 1000,
        "requests": sum(codes.values()),
        "non_200": {k: v for k, v in codes.items() if k != "200"},
    }


def run_pgbench(pg, scripts, clients, seconds, log_dir, tag):
    prefix = os.path.join(log_dir, f"pgbench-{tag}-{clients}")
    for old in glob.glob(prefix + ".*"):
        os.remove(old)
    args = ["pgbench", "-n", "-h", "127.0.0.1", "-T", str(seconds), "-c", str(clients),
            "-j", str(min(clients, os.cpu_count() or 1)), "-l", f"--log-prefix={prefix}"]
    for script in scripts:
        args += ["-f", script]
    result = subprocess.run(args, text=True, env=pg.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    if result.returncode:
        raise RuntimeError(f"pgbench failed ({tag}, {clients} clients):\n{result.stderr[-3000:]}")
    tps = None
    failed = 0
    for line in result.stdout.splitlines():
        if line.startswith("tps = "):
            tps = float(line.split()[2])
        if line.startswith("number of failed transactions"):
            failed = int(line.split(":")[1].split()[0])
    latencies = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000.0)
        os.remove(path)
    latencies.sort()
    return {"tps": tps, "p50": percentile(latencies, 0.50), "p90": percentile(latencies, 0.90),
            "p99": percentile(latencies, 0.99), "transactions": len(latencies), "failed": failed}


# --------------------------------------------------------------------------- parity

class Parity:
    def __init__(self, api, pg, strict_order):
        self.api, self.pg, self.strict_order = api, pg, strict_order
        self.sections = {}
        self.failures = []
        self.warnings = []

    def section(self, name):
        return self.sections.setdefault(name, {"queries": 0, "hits": 0, "failures": 0,
                                               "warnings": 0})

    def fetch_all(self, name, query_string):
        """Every page of Signpost's answer (a query of section `name`): the section, the
        items and their ids; paging that loses or repeats a result is a failure."""
        sec = self.section(name)
        sec["queries"] += 1
        items, total = self.api.everything(query_string)
        ids = [item["id"] for item in items]
        if len(ids) != total or len(set(ids)) != len(ids):
            self.fail(name, f"{query_string}: paging gave {len(ids)} results "
                            f"({len(set(ids))} distinct), total_items {total}")
        return sec, items, ids

    def fail(self, name, message):
        self.section(name)["failures"] += 1
        self.failures.append(f"[{name}] {message}")

    def warn(self, name, message):
        self.section(name)["warnings"] += 1
        self.warnings.append(f"[{name}] {message}")

    @staticmethod
    def ids_sql(ids):
        return ", ".join(Q.literal(i) for i in ids) or "NULL"

    # ----- localities

    def locality(self, query_string):
        name = "text_locality"
        q = Q.Query(query_string)
        sec, items, ids = self.fetch_all(name, query_string)
        facts = {r["id"]: r for r in self.pg.rows(f"""
            SELECT CAST(s.id AS text) AS id, s.covers_borough,
                   EXISTS (SELECT 1 FROM locations l JOIN localities g ON g.code = {Q.literal(q.locality)}
                           WHERE l.service_id = s.id AND l.location_type = 'physical'
                             AND ST_Intersects(g.geom, l.geom)) AS inside
            FROM services s WHERE s.id IN ({self.ids_sql(ids)})""")}
        for item in items:
            sec["hits"] += 1
            fact = facts.get(item["id"])
            reason = (item.get("match") or {}).get("reason")
            if fact is None:
                self.fail(name, f"{query_string}: {item['id']} is not in the baseline's data")
            elif reason == "in_area" and not fact["inside"]:
                self.fail(name, f"{query_string}: service {item['id']}: Signpost says in_area, PostGIS "
                                f"finds no physical location inside locality {q.locality} "
                                f"(covers the borough: {fact['covers_borough']})")
            elif reason in ("covers_your_area", "online_or_phone") and not fact["covers_borough"]:
                self.fail(name, f"{query_string}: service {item['id']}: Signpost says {reason}, the "
                                "baseline's coverage rule says it covers nothing")
            elif reason in ("covers_your_area", "online_or_phone") and fact["inside"]:
                self.fail(name, f"{query_string}: service {item['id']}: Signpost says {reason}, PostGIS "
                                f"finds a physical location inside {q.locality}")
            elif reason not in ("in_area", "covers_your_area", "online_or_phone"):
                self.fail(name, f"{query_string}: service {item['id']}: no geographic match reason "
                                f"({item.get('match')})")
        # The rows of /service_at_locations name the location that matched.
        rows, total = self.api.everything(query_string, "/service_at_locations")
        links = {r["id"]: r for r in self.pg.rows(f"""
            SELECT CAST(l.link_id AS text) AS id, CAST(l.service_id AS text) AS service_id,
                   l.latitude, l.longitude, s.covers_borough,
                   ST_Intersects(g.geom, l.geom) AS inside
            FROM locations l JOIN services s ON s.id = l.service_id
                 JOIN localities g ON g.code = {Q.literal(q.locality)}
            WHERE l.link_id IN ({self.ids_sql([r['id'] for r in rows])})""")}
        for row in rows:
            sec["hits"] += 1
            link = links.get(row["id"])
            reason = (row.get("match") or {}).get("reason")
            location = row.get("location") or {}
            if link is None:
                self.fail(name, f"{query_string}: service_at_location {row['id']} not in the baseline")
                continue
            shown = (location.get("latitude"), location.get("longitude"))
            if None in shown or abs(shown[0] - link["latitude"]) > 1e-6 or \
                    abs(shown[1] - link["longitude"]) > 1e-6:
                self.fail(name, f"{query_string}: service_at_location {row['id']} shows {shown}, the "
                                f"data has ({link['latitude']}, {link['longitude']})")
            if reason == "in_area" and not link["inside"]:
                self.fail(name, f"{query_string}: service_at_location {row['id']} (service "
                                f"{link['service_id']}) at {shown}: Signpost says in_area "
                                f"(locality {(location.get('locality') or {}).get('code')}), PostGIS "
                                f"says outside {q.locality}")
            elif reason != "in_area" and not link["covers_borough"]:
                self.fail(name, f"{query_string}: service_at_location {row['id']}: Signpost says "
                                f"{reason}, and the service covers nothing")

    # ----- postcodes

    def postcode(self, query_string, order_is_distance):
        name = "text_postcode" if not order_is_distance else "postcode_only"
        q = Q.Query(query_string)
        # Text ranked by distance (sort=distance) must be in distance order too; the set of
        # results is compared with PostGIS's only without text (text matching differs).
        same_set = order_is_distance
        order_is_distance = order_is_distance or q.by_distance
        sec, items, ids = self.fetch_all(name, query_string)
        postcode = Q.literal(Q.canonical_postcode(q.postcode))
        facts = {r["id"]: r for r in self.pg.rows(f"""
            SELECT CAST(s.id AS text) AS id, s.covers_borough, p.in_borough, s.status,
                   (SELECT min(ST_Distance(l.geog, p.geog, false)) FROM locations l
                    WHERE l.service_id = s.id AND l.location_type = 'physical') AS sphere,
                   (SELECT min(ST_Distance(l.geog, p.geog)) FROM locations l
                    WHERE l.service_id = s.id AND l.location_type = 'physical') AS spheroid
            FROM services s JOIN postcodes p ON p.postcode = {postcode}
            WHERE s.id IN ({self.ids_sql(ids)})""")}
        radius = q.proximity
        local_done = False
        previous = None  # (signpost shown, sphere, spheroid, id) of the previous local hit
        inversions = []
        for item in items:
            sec["hits"] += 1
            fact = facts.get(item["id"])
            match = item.get("match") or {}
            reason = match.get("reason")
            if fact is None:
                self.fail(name, f"{query_string}: {item['id']} is not in the baseline's data")
                continue
            if reason == "nearby":
                if local_done:
                    self.fail(name, f"{query_string}: {item['id']} is nearby but ranked after "
                                    "area-wide results")
                sphere, spheroid, shown = fact["sphere"], fact["spheroid"], match.get("distance_metres")
                if spheroid is None or spheroid > radius + spheroid_slack(radius):
                    self.fail(name, f"{query_string}: service {item['id']}: Signpost says nearby "
                                    f"({shown} m), PostGIS spheroid distance {spheroid} m > {radius:g} m")
                if sphere is None or sphere > radius + SPHERE_SLACK_M:
                    self.fail(name, f"{query_string}: service {item['id']}: Signpost says nearby "
                                    f"({shown} m), PostGIS sphere distance {sphere} m > {radius:g} m")
                if shown is None or sphere is None or abs(shown - sphere) > SPHERE_SLACK_M:
                    self.fail(name, f"{query_string}: service {item['id']}: Signpost shows {shown} m, "
                                    f"PostGIS (sphere) {sphere} m")
                if previous is not None and sphere is not None and shown is not None:
                    bad = []
                    if shown < previous["shown"]:
                        bad.append(f"Signpost shows {previous['shown']} then {shown} m")
                    if sphere < previous["sphere"] - SPHERE_SLACK_M:
                        bad.append(f"PostGIS sphere {previous['sphere']:.1f} then {sphere:.1f} m")
                    if spheroid < previous["spheroid"] - spheroid_slack(previous["spheroid"]):
                        bad.append(f"PostGIS spheroid {previous['spheroid']:.1f} then {spheroid:.1f} m")
                    if bad:
                        inversions.append(
                            f"{previous['id']} ({previous['status']}, {previous['sphere']:.2f} m on the "
                            f"sphere) then {item['id']} ({fact['status']}, {sphere:.2f} m): " + ", ".join(bad))
                if sphere is not None and shown is not None:
                    previous = {"shown": shown, "sphere": sphere, "spheroid": spheroid,
                                "id": item["id"], "status": fact["status"]}
            elif reason in ("covers_your_area", "online_or_phone"):
                local_done = True
                if not (fact["covers_borough"] and fact["in_borough"]):
                    self.fail(name, f"{query_string}: service {item['id']}: Signpost says {reason}, the "
                                    "baseline's coverage rule says it does not cover the postcode")
                if fact["spheroid"] is not None and fact["spheroid"] <= radius - spheroid_slack(radius):
                    self.fail(name, f"{query_string}: service {item['id']}: Signpost says {reason}, "
                                    f"PostGIS finds a place {fact['spheroid']:.0f} m away")
            else:
                self.fail(name, f"{query_string}: service {item['id']}: no geographic match reason "
                                f"({match})")
        if inversions:
            sec.setdefault("inversion_examples", []).extend(inversions[:20])
            message = (f"{query_string}: {len(inversions)} of {len(items)} results closer than the "
                       f"one before them, e.g. {inversions[0]}")
            if order_is_distance or self.strict_order:
                self.fail(name, message)
            else:
                self.warn(name, message)
        sec.setdefault("inversions", 0)
        sec["inversions"] += len(inversions)
        if same_set:
            # The same set as PostGIS's own radius search, except in the sphere/spheroid band.
            pg_rows = self.pg.rows(f"""
                SELECT CAST(s.id AS text) AS id, d.metres, d.sphere FROM services s
                JOIN postcodes p ON p.postcode = {postcode}
                LEFT JOIN LATERAL (SELECT min(ST_Distance(l.geog, p.geog)) AS metres,
                                          min(ST_Distance(l.geog, p.geog, false)) AS sphere
                    FROM locations l WHERE l.service_id = s.id AND l.location_type = 'physical'
                      AND ST_DWithin(l.geog, p.geog, {radius + spheroid_slack(radius):g})) AS d ON true
                WHERE {Q.SHOWN} AND (d.metres IS NOT NULL OR (s.covers_borough AND p.in_borough))""")
            pg_in = {r["id"]: r for r in pg_rows
                     if r["metres"] is None or r["metres"] <= radius}
            band = {r["id"] for r in pg_rows if r["metres"] is not None and r["metres"] > radius}
            ours = set(ids)
            missing = sorted(set(pg_in) - ours)
            extra = sorted(i for i in ours - set(pg_in) if i not in band)
            sec["band"] = sec.get("band", 0) + len((ours - set(pg_in)) & band)
            for i in missing[:5]:
                self.fail(name, f"{query_string}: service {i} is within {radius:g} m for PostGIS "
                                f"({pg_in[i]['metres']} m spheroid, {pg_in[i]['sphere']} m sphere) "
                                "but not in Signpost's results")
            if len(missing) > 5:
                self.fail(name, f"{query_string}: ... and {len(missing) - 5} more missing")
            for i in extra[:5]:
                self.fail(name, f"{query_string}: service {i} is in Signpost's results but not "
                                "within the radius for PostGIS")

    # ----- facets

    def compare_facets(self, name, label, answer, expected):
        """Signpost's facets object against {(facet, value): n}; returns values compared."""
        got = {}
        for facet, values in (answer or {}).items():
            for v in values:
                key = v.get("code") if facet in ("locality", "ward") else v.get("value")
                got[(facet, key)] = v["count"]
        compared = 0
        for key in sorted(set(got) | set(expected), key=str):
            compared += 1
            if got.get(key, 0) != expected.get(key, 0):
                self.fail(name, f"{label}: facet {key[0]}={key[1]}: Signpost {got.get(key, 0)}, "
                                f"PostgreSQL {expected.get(key, 0)}")
        return compared

    def browse_facets(self, query_string):
        name = "facets_browse"
        sec = self.section(name)
        sec["queries"] += 1
        faceted = query_string + "&facets=locality%2Cneed%2Ccost%2Clanguage"
        answer = self.api.page(faceted)
        q = Q.Query(faceted)
        expected = {(r["facet"], r["value"]): r["n"] for r in self.pg.rows(Q.facet_sql(q))}
        sec["hits"] += self.compare_facets(name, faceted, answer.get("facets"), expected)
        pg_page = self.pg.rows(Q.page_sql(Q.Query(query_string)))
        pg_total = pg_page[0]["total_items"] if pg_page else 0
        if answer["total_items"] != pg_total:
            self.fail(name, f"{query_string}: total_items Signpost {answer['total_items']}, "
                            f"PostgreSQL {pg_total}")
        same = sum(1 for a, b in zip(answer["contents"], pg_page) if a["id"] == b["id"])
        sec.setdefault("same_first_page", []).append((same, min(len(answer["contents"]), len(pg_page))))

    def text_facets(self, query_string):
        name = "facets_text"
        sec = self.section(name)
        sec["queries"] += 1
        answer = self.api.page(query_string)
        items, total = self.api.everything(query_string)
        ids = [i["id"] for i in items]
        if len(ids) != total or len(set(ids)) != len(ids) or total != answer["total_items"]:
            self.fail(name, f"{query_string}: paging gave {len(ids)} results ({len(set(ids))} "
                            f"distinct), total_items {total} / {answer['total_items']}")
        q = Q.Query(query_string)
        expected = {(r["facet"], r["value"]): r["n"]
                    for r in self.pg.rows(Q.facet_sql(q, over_ids=ids))}
        sec["hits"] += self.compare_facets(name, query_string, answer.get("facets"), expected)


# --------------------------------------------------------------------------- main

def fmt(value, digits=2):
    if value is None or value != value:
        return "–"
    return f"{value:.{digits}f}"


def ratio(ours, theirs):
    if not ours or not theirs:
        return "–"
    return f"{ours / theirs:.2f}"


def versions(pg, oha):
    psql_version = subprocess.run(["psql", "--version"], text=True, stdout=subprocess.PIPE).stdout.strip()
    server = pg.value("SHOW server_version")
    postgis = pg.value("SELECT postgis_full_version()")
    postgis_short = pg.value("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
    geos = postgis.split("GEOS=\"")[1].split("\"")[0] if "GEOS=\"" in postgis else "?"
    proj = postgis.split("PROJ=\"")[1].split("\"")[0] if "PROJ=\"" in postgis else "?"
    oha_version = subprocess.run([oha, "--version"], text=True, stdout=subprocess.PIPE).stdout.strip()
    pgbench_version = subprocess.run(["pgbench", "--version"], text=True,
                                     stdout=subprocess.PIPE).stdout.strip()
    return (f"{psql_version}; server {server}; {pgbench_version}; PostGIS {postgis_short} "
            f"(GEOS {geos}, PROJ {proj}); {oha_version}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tier", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pg-host", required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-db", default="signpost")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--work", required=True)
    parser.add_argument("--oha", default="oha")
    parser.add_argument("--load-json", required=True)
    parser.add_argument("--import-ms", type=int, required=True)
    parser.add_argument("--signpost-data-mb", type=float)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "..", "queries.json"))
    args = parser.parse_args()
    strict = os.environ.get("SIGNPOST_BASELINE_STRICT_ORDER", "") not in ("", "0")
    log = lambda message: print(message, file=sys.stderr, flush=True)

    api, pg = Api(args.port), Pg(args.pg_host, args.pg_port, args.pg_user, args.pg_db)
    mixes = Q.mixes(args.queries)
    scripts, urls = {}, {}
    for mix, query_strings in mixes.items():
        directory = os.path.join(args.work, "sql", mix)
        os.makedirs(directory, exist_ok=True)
        scripts[mix] = []
        for n, query_string in enumerate(query_strings):
            path = os.path.join(directory, f"{n:02}.sql")
            with open(path, "w") as f:
                f.write(Q.script(query_string))
            scripts[mix].append(path)
        urls[mix] = os.path.join(args.work, f"urls-{mix}.txt")
        with open(urls[mix], "w") as f:
            for query_string in query_strings:
                f.write(f"{api.base}/services?{query_string}&per_page={Q.PAGE}\n")

    # One pass over every query on each side (warm-up), keeping what each side found.
    found = {mix: {"signpost": [], "pg": []} for mix in mixes}
    for mix, query_strings in mixes.items():
        for query_string in query_strings:
            found[mix]["signpost"].append(api.page(query_string)["total_items"])
    for mix, query_strings in mixes.items():
        for query_string in query_strings:
            rows = pg.rows(Q.page_sql(Q.Query(query_string)))
            found[mix]["pg"].append(rows[0]["total_items"] if rows else 0)
            if Q.Query(query_string).facets:
                pg.rows(Q.facet_sql(Q.Query(query_string)))

    # Timing: Signpost (PostgreSQL idle), then PostgreSQL (Signpost idle).
    timings = {mix: {} for mix in mixes}
    for mix in mixes:
        for connections in (1, 8):
            log(f"oha {mix} at {connections} connection(s), {args.seconds} s")
            timings[mix][f"signpost{connections}"] = run_oha(args.oha, urls[mix], connections, args.seconds)
    rss = None
    if args.server_pid:
        try:
            with open(f"/proc/{args.server_pid}/status") as f:
                rss = next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmRSS"))
        except (OSError, StopIteration):
            pass
    for mix in mixes:
        for clients in (1, 8):
            log(f"pgbench {mix} at {clients} client(s), {args.seconds} s")
            timings[mix][f"pg{clients}"] = run_pgbench(pg, scripts[mix], clients, args.seconds,
                                                       args.work, mix)

    # Parity.
    log("parity checks")
    parity = Parity(api, pg, strict)
    for query_string in mixes.get("text_locality", []):
        parity.locality(query_string)
    postcode_only = []
    for query_string in mixes.get("text_postcode", []):
        parity.postcode(query_string, order_is_distance=False)
        q = Q.Query(query_string)
        plain = f"postcode={urllib.parse.quote_plus(q.postcode)}&proximity={q.proximity:g}&sort=distance"
        if plain not in postcode_only:
            postcode_only.append(plain)
    for query_string in postcode_only:
        parity.postcode(query_string, order_is_distance=True)
    for query_string in mixes.get("browse_need", []):
        parity.browse_facets(query_string)
    for query_string in mixes.get("facets", []):
        parity.text_facets(query_string)

    # Report.
    load = json.load(open(args.load_json))
    out = []
    out.append(f"### {args.tier}: Signpost against the PostgreSQL full-text + PostGIS baseline\n")
    out.append(f"{args.seconds} s a mix and side; Signpost over HTTP on loopback (oha, as "
               "benches/http.sh), PostgreSQL with pgbench over TCP on loopback (simple protocol, "
               "a script per query, chosen at random). Ratios are Signpost ÷ PostgreSQL: below 1 "
               "for latency, above 1 for throughput, means Signpost is faster.\n")
    out.append("| mix | Signpost 1 conn p50 / p99 ms | PG 1 client p50 / p99 ms | ratio p50 | ratio p99 "
               "| Signpost req/s @8 | PG tps @8 | throughput ratio |")
    out.append("|---|---|---|---|---|---|---|---|")
    notes = []
    for mix in mixes:
        t = timings[mix]
        s1, s8, p1, p8 = t["signpost1"], t["signpost8"], t["pg1"], t["pg8"]
        out.append(f"| {mix} | {fmt(s1['p50'])} / {fmt(s1['p99'])} | {fmt(p1['p50'])} / {fmt(p1['p99'])} "
                   f"| {ratio(s1['p50'], p1['p50'])} | {ratio(s1['p99'], p1['p99'])} "
                   f"| {fmt(s8['rps'], 0)} | {fmt(p8['tps'], 0)} | {ratio(s8['rps'], p8['tps'])} |")
        for key in ("signpost1", "signpost8"):
            if t[key]["non_200"]:
                notes.append(f"{mix} {key}: non-200 answers {t[key]['non_200']}")
        for key in ("pg1", "pg8"):
            if t[key]["failed"]:
                notes.append(f"{mix} {key}: {t[key]['failed']} failed transactions")
    out.append("")
    out.append("p90 ms at 1 connection / client, and p50 / p99 ms at 8: " + "; ".join(
        f"{mix} Signpost {fmt(timings[mix]['signpost1']['p90'])}, {fmt(timings[mix]['signpost8']['p50'])} / "
        f"{fmt(timings[mix]['signpost8']['p99'])}; PG {fmt(timings[mix]['pg1']['p90'])}, "
        f"{fmt(timings[mix]['pg8']['p50'])} / {fmt(timings[mix]['pg8']['p99'])}" for mix in mixes) + ".\n")
    out.append("What each side found (mean total_items over the mix's queries; queries with no result):\n")
    out.append("| mix | Signpost mean total | PG mean total | Signpost queries with 0 | PG queries with 0 |")
    out.append("|---|---|---|---|---|")
    for mix in mixes:
        s, p = found[mix]["signpost"], found[mix]["pg"]
        out.append(f"| {mix} | {statistics.mean(s):.1f} | {statistics.mean(p):.1f} "
                   f"| {sum(1 for v in s if v == 0)} of {len(s)} | {sum(1 for v in p if v == 0)} of {len(p)} |")
    out.append("")
    counts = load["counts"]
    table = load["table_bytes"]
    own = sum(v for k, v in table.items() if k in ("services", "locations", "service_attributes",
                                                    "service_terms", "service_languages"))
    out.append(f"Load: Signpost import (command line: JSON parse, sled, tantivy, geo pack) "
               f"{args.import_ms / 1000:.2f} s. PostgreSQL: NDJSON to CSV (Python, the JSON parse) "
               f"{load['convert_seconds']:.2f} s, then bulk build to searchable {load['load_seconds']:.2f} s "
               f"(COPY {load['copy_seconds']:.2f} s; keys, GIN/GiST/btree indexes, service_terms, localities, "
               f"VACUUM ANALYZE {load['build_seconds']:.2f} s); {counts['services']:,} services, "
               f"{counts['locations']:,} locations.")
    size = f"Size: PostgreSQL database {load['database_bytes'] / 1e6:.0f} MB (pg_database_size; the " \
           f"directory's own tables with their indexes {own / 1e6:.0f} MB, the rest is PostGIS's " \
           f"spatial_ref_sys, the geo pack and the empty database)"
    if args.signpost_data_mb is not None:
        size += f"; Signpost data directory {args.signpost_data_mb:.0f} MB"
    if rss is not None:
        size += f"; Signpost server resident memory after its runs {rss:.0f} MB"
    out.append(size + ".")
    for note in load.get("notes", []):
        out.append(f"Loader note: {note}")
    out.append("")
    out.append("Parity (PostGIS as the reference):\n")
    out.append("| check | queries | hits / values checked | failures | warnings |")
    out.append("|---|---|---|---|---|")
    labels = {
        "text_locality": "text_locality: each hit inside the locality polygon (or covering the borough), /services and /service_at_locations",
        "text_postcode": "text_postcode: each hit within the radius (or covering), distance shown = PostGIS, local before area-wide; distances non-decreasing with sort=distance (without it, a warning)",
        "postcode_only": "postcode and radius without text: as above, distances non-decreasing, same set as ST_DWithin",
        "facets_browse": "browse_need with facets: every count = baseline SQL; total_items = baseline count",
        "facets_text": "facets mix: every count = PostgreSQL over the ids Signpost matched",
    }
    for key, label in labels.items():
        sec = parity.sections.get(key)
        if not sec:
            continue
        out.append(f"| {label} | {sec['queries']} | {sec['hits']} | {sec['failures']} | {sec['warnings']} |")
    out.append("")
    extras = []
    if "text_postcode" in parity.sections:
        extras.append(f"text_postcode: {parity.sections['text_postcode'].get('inversions', 0)} results "
                      "closer than the local result ranked before them (a failure for queries with "
                      "sort=distance; without it Signpost ranks text near a postcode by relevance "
                      "× 0.5^(distance / 1,500 m), and an inversion is a warning)")
    if "postcode_only" in parity.sections:
        extras.append(f"postcode only: {parity.sections['postcode_only'].get('band', 0)} results within "
                      f"the radius on the sphere but beyond it on the spheroid (allowed: within "
                      f"{SPHEROID_SLACK * 100:.2f} % + 1 m)")
    if "facets_browse" in parity.sections:
        pages = parity.sections["facets_browse"].get("same_first_page", [])
        extras.append(f"browse_need: the first page (20) is the same service at the same rank on both "
                      f"sides for {sum(a for a, _ in pages)} of {sum(b for _, b in pages)} places "
                      "(PostgreSQL orders open before temporarily closed, then lower-cased name, then id)")
    typo = found.get("typo")
    if typo:
        extras.append(f"typo: Signpost found something for {sum(1 for v in typo['signpost'] if v)} of "
                      f"{len(typo['signpost'])} misspellings, PostgreSQL for {sum(1 for v in typo['pg'] if v)} "
                      "(no typo tolerance)")
    for extra in extras:
        out.append(f"- {extra}")
    out.append("")
    total_failures = sum(sec["failures"] for sec in parity.sections.values())
    out.append(f"Parity: {sum(sec['queries'] for sec in parity.sections.values())} queries, "
               f"{sum(sec['hits'] for sec in parity.sections.values())} hits / values checked, "
               f"{total_failures} failures, {len(parity.warnings)} warnings.")
    out.append("")
    out.append(f"Versions: {versions(pg, args.oha)}.")
    for note in notes:
        out.append(f"Note: {note}")
    def listed(title, messages, limit, more=""):
        if messages:
            out.append(f"\n{title}:\n")
            out.extend(f"- {m}" for m in messages[:limit])
            if len(messages) > limit:
                out.append(f"- ... and {len(messages) - limit} more{more}")
    listed("Warnings (not failures)", parity.warnings, 10,
           " (SIGNPOST_BASELINE_KEEP=dir keeps results.json with all)")
    listed("Failures", parity.failures, 60)
    print("\n".join(out))
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"timings": timings, "found": found, "load": load,
                   "parity": parity.sections, "failures": parity.failures,
                   "warnings": parity.warnings}, f, indent=1, default=str)
    if parity.failures:
        print(f"\nRUN INVALID: {len(parity.failures)} parity check(s) failed (see Failures above).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
