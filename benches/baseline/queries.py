#!/usr/bin/env python3
"""SQL for the baseline: each query string of benches/queries.json as the SQL a PostgreSQL
directory would run for it (a page of 20 with the total, and facet counts when asked),
with Signpost's semantics where the data model allows:

- text: `websearch_to_tsquery('english', ...)` against the weighted tsvector, ranked by
  `ts_rank` (no typo tolerance, no synonyms, every word required: PostgreSQL as it is);
- status: active and temporarily closed only (Signpost's default);
- locality: a physical location inside the locality polygon (the union of its wards,
  ST_Intersects), or a service covering the whole borough; places inside rank first;
- postcode + proximity: a physical location within the radius of the postcode's centroid
  (ST_DWithin on geography: the WGS84 spheroid), or a service covering the whole borough
  when the postcode is in the borough; nearest first (the service's nearest location),
  area-wide services after;
- taxonomy_term_id: the term or a narrower one (service_terms holds broader terms);
  without text, ordered as Signpost browses: open before temporarily closed, then by
  lower-cased name, then id;
- facets: locality (a count per locality, as the filter above), need (every taxonomy term
  of the service and its broader terms, both link types, as Signpost's `need` facet),
  cost, language; each dimension with the other filters applied but not its own.

    queries.py MIX [N]      print the SQL of a mix's queries (or of the Nth)
"""

import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = 20
SHOWN = "s.status IN ('active', 'temporarily closed')"
COLUMNS = ("s.id, s.organization_id, s.name, s.description, s.url, s.status, s.fees, "
           "s.org_name, s.org_description")
FACETS = ("locality", "need", "cost", "language")


def literal(text):
    """A SQL string literal (pgbench scripts cannot take bind parameters from a file)."""
    if ":" in text:
        raise ValueError(f"pgbench would read {text!r} as a variable")
    return "'" + text.replace("'", "''") + "'"


def canonical_postcode(text):
    """`e14 3by`, `E143BY` -> `E14 3BY` (the geo pack's form)."""
    compact = "".join(text.split()).upper()
    return compact[:-3] + " " + compact[-3:]


class Query:
    """The parameters of one query string that the baseline models."""

    def __init__(self, query_string):
        params = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        known = {"search", "locality", "postcode", "proximity", "taxonomy_term_id", "facets",
                 "per_page", "page", "sort"}
        unknown = set(params) - known
        if unknown:
            raise ValueError(f"{query_string}: the baseline does not model {sorted(unknown)}")
        one = lambda name: params[name][0] if name in params else None
        self.text = one("search")
        self.locality = one("locality")
        self.postcode = one("postcode")
        self.proximity = float(one("proximity")) if one("proximity") else None
        # Distance order (sort=distance, or no text): the baseline always orders a postcode
        # search by distance.
        self.by_distance = one("sort") == "distance" or not self.text
        if self.postcode and self.proximity is None:
            raise ValueError(f"{query_string}: a postcode without proximity is not modelled")
        self.term = one("taxonomy_term_id")
        facets = ",".join(params.get("facets", []))
        self.facets = [f for f in facets.split(",") if f] if facets else []
        for f in self.facets:
            if f not in FACETS:
                raise ValueError(f"{query_string}: facet {f} is not modelled")


def _from_where(q, without=()):
    """FROM and WHERE of the matching services, leaving out the filters named in `without`
    ("term", "locality"); with the joins the ranking needs."""
    joins, where = ["services s"], [SHOWN]
    if q.text:
        joins.append(f"CROSS JOIN websearch_to_tsquery('english', {literal(q.text)}) AS q")
        where.append("s.tsv @@ q")
    if q.locality and "locality" not in without:
        joins.append(
            "LEFT JOIN (SELECT DISTINCT l.service_id FROM locations l JOIN localities g"
            " ON ST_Intersects(g.geom, l.geom)"
            f" WHERE g.code = {literal(q.locality)} AND l.location_type = 'physical') AS a"
            " ON a.service_id = s.id")
        where.append("(a.service_id IS NOT NULL OR s.covers_borough)")
    if q.postcode:
        postcode = literal(canonical_postcode(q.postcode))
        joins.append(f"JOIN postcodes p ON p.postcode = {postcode}")
        joins.append(
            "LEFT JOIN (SELECT l.service_id, min(ST_Distance(l.geog, c.geog)) AS metres"
            f" FROM locations l JOIN postcodes c ON c.postcode = {postcode}"
            f" WHERE l.location_type = 'physical' AND ST_DWithin(l.geog, c.geog, {q.proximity:g})"
            " GROUP BY l.service_id) AS d ON d.service_id = s.id")
        where.append("(d.metres IS NOT NULL OR (s.covers_borough AND p.in_borough))")
    if q.term and "term" not in without:
        where.append("EXISTS (SELECT 1 FROM service_terms t WHERE t.service_id = s.id"
                     f" AND t.term_id = {literal(q.term)})")
    return "FROM " + "\n  ".join(joins) + "\nWHERE " + "\n  AND ".join(where)


def _order(q):
    if q.postcode:
        keys = ["d.metres NULLS LAST"]
    elif q.locality:
        keys = ["a.service_id IS NULL"]
    else:
        keys = []
    if q.text:
        keys.append("ts_rank(s.tsv, q) DESC")
    else:
        keys += ["s.status = 'temporarily closed'", 'lower(s.name) COLLATE "C"']
    keys.append("s.id")
    return "ORDER BY " + ", ".join(keys)


def page_sql(q, size=PAGE, offset=0):
    """A page of services with the total (`count(*) OVER ()`, as the API's total_items)."""
    extra = ", d.metres" if q.postcode else ""
    sql = (f"SELECT {COLUMNS}{extra}, count(*) OVER () AS total_items\n"
           f"{_from_where(q)}\n{_order(q)}\nLIMIT {size}")
    if offset:
        sql += f" OFFSET {offset}"
    return sql + ";\n"


def facet_sql(q, over_ids=None):
    """Facet counts (facet, value, n). With `over_ids`, over exactly those services (no
    other condition), otherwise each dimension over the query without its own filter."""
    if over_ids is not None:
        ids = ", ".join(literal(i) for i in over_ids) or "NULL"
        base = f"FROM services s WHERE s.id IN ({ids})"
        ctes = {"m": base, "m_need": None, "m_loc": None}
    else:
        ctes = {"m": _from_where(q)}
        ctes["m_need"] = _from_where(q, ("term",)) if q.term else None
        ctes["m_loc"] = _from_where(q, ("locality",)) if q.locality else None
    with_parts = [f"{name} AS MATERIALIZED (SELECT s.id, s.cost, s.covers_borough\n{body})"
                  for name, body in ctes.items() if body]
    need_from = "m_need" if ctes["m_need"] else "m"
    loc_from = "m_loc" if ctes["m_loc"] else "m"
    selects = []
    wanted = q.facets if over_ids is None else FACETS
    if "locality" in wanted:
        # Per locality: services with a physical location inside it, or covering the borough.
        selects.append(
            "SELECT 'locality' AS facet, g.code AS value, count(DISTINCT u.id) AS n FROM localities g"
            " LEFT JOIN (SELECT x.id, a.code FROM {0} x JOIN locations l ON l.service_id = x.id"
            " AND l.location_type = 'physical' JOIN localities a ON ST_Intersects(a.geom, l.geom)"
            " UNION ALL SELECT x.id, c.code FROM {0} x CROSS JOIN localities c WHERE x.covers_borough)"
            " AS u ON u.code = g.code GROUP BY g.code".format(loc_from))
    if "need" in wanted:
        selects.append(
            f"SELECT 'need', CAST(t.term_id AS text), count(*) FROM {need_from} x"
            " JOIN service_terms t ON t.service_id = x.id GROUP BY t.term_id")
    if "cost" in wanted:
        selects.append("SELECT 'cost', x.cost, count(*) FROM m x GROUP BY x.cost")
    if "language" in wanted:
        selects.append(
            "SELECT 'language', l.code, count(*) FROM m x"
            " JOIN service_languages l ON l.service_id = x.id GROUP BY l.code")
    return "WITH " + ",\n".join(with_parts) + "\n" + "\nUNION ALL ".join(selects) + ";\n"


def script(query_string):
    """The pgbench script of one query: the page, and the facets when asked."""
    q = Query(query_string)
    sql = f"-- {query_string}\n" + page_sql(q)
    if q.facets:
        sql += facet_sql(q)
    return sql


def mixes(path=None):
    path = path or os.path.join(HERE, "..", "queries.json")
    return json.load(open(path))["mixes"]


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    queries = mixes()[sys.argv[1]]
    if len(sys.argv) > 2:
        queries = [queries[int(sys.argv[2])]]
    for query_string in queries:
        print(script(query_string))
