#!/usr/bin/env python3
"""Validate the seed against the Open Referral UK 3.0 schemas (maintainers only).

    python3 -m pip install jsonschema rfc3339-validator rfc3986-validator
    python3 seed/check_schema.py

Every line of seed/services.ndjson is validated against the UK profile's
compiled service schema (uk-profile/schema/compiled/service.json), and every
taxonomy and taxonomy term in seed/taxonomies.json against taxonomy.json and
taxonomy_term.json, with the Draft 2020-12 validator and format checking for
uuid, email, uri and date-time. The schemas are read from
../shared/oruk/uk-profile/schema/ relative to the repository root, or from the
folder that SIGNPOST_ORUK_SCHEMA_DIR points to.

Exit status 0 when everything validates, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
DEFAULT_SCHEMA_DIR = SEED_DIR.parent.parent / "shared" / "oruk" / "uk-profile" / "schema"
REQUIRED_FORMATS = ("uuid", "email", "uri", "date-time")


def main() -> int:
    try:
        import jsonschema
    except ImportError:
        print("check_schema: install jsonschema first (see the docstring)", file=sys.stderr)
        return 1
    schema_dir = Path(os.environ.get("SIGNPOST_ORUK_SCHEMA_DIR", str(DEFAULT_SCHEMA_DIR)))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    missing = [f for f in REQUIRED_FORMATS if f not in checker.checkers]
    if missing:
        print(f"check_schema: no format checker for {missing}; "
              "install rfc3339-validator and rfc3986-validator", file=sys.stderr)
        return 1

    def validator(path: Path):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema, format_checker=checker)

    service_v = validator(schema_dir / "compiled" / "service.json")
    taxonomy_v = validator(schema_dir / "taxonomy.json")
    term_v = validator(schema_dir / "taxonomy_term.json")

    failures = 0
    checked = 0
    with (SEED_DIR / "services.ndjson").open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            service = json.loads(line)
            checked += 1
            for err in service_v.iter_errors(service):
                failures += 1
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"services.ndjson:{lineno} ({service.get('name')}): {where}: {err.message}")
    tax_doc = json.loads((SEED_DIR / "taxonomies.json").read_text(encoding="utf-8"))
    for kind, items, v in (("taxonomy", tax_doc["taxonomies"], taxonomy_v),
                           ("taxonomy_term", tax_doc["taxonomy_terms"], term_v)):
        for item in items:
            checked += 1
            for err in v.iter_errors(item):
                failures += 1
                print(f"taxonomies.json {kind} {item.get('name')}: {err.message}")
    print(f"check_schema: {checked} objects checked, {failures} errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
