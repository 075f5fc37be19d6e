"""Schemathesis hooks for .ci/schemathesis (loaded through SCHEMATHESIS_HOOKS).

Schemathesis cannot deserialize `application/x-ndjson`, so GET /services?format=ndjson
would go unchecked. `ndjson_schema_conformance` validates each line of such a body
against the schema the OpenAPI document gives that media type (one item per line).
"""

import json

import jsonschema_rs
import schemathesis

_VALIDATORS = {}


def _validator(case, status, media_type):
    operation = case.operation
    key = (operation.method, operation.path, status, media_type)
    if key not in _VALIDATORS:
        responses = operation.definition.raw.get("responses", {})
        response = responses.get(str(status)) or responses.get("default") or {}
        schema = response.get("content", {}).get(media_type, {}).get("schema")
        if schema is None:
            _VALIDATORS[key] = None
        else:
            root = operation.schema.raw_schema
            # Item schema at the root, with the document's components beside it so that
            # "#/components/..." references resolve.
            bundled = dict(schema)
            bundled.setdefault("components", root.get("components", {}))
            bundled.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
            _VALIDATORS[key] = jsonschema_rs.validator_for(bundled)
    return _VALIDATORS[key]


@schemathesis.check
def ndjson_schema_conformance(ctx, response, case):
    """Each line of an application/x-ndjson body matches the documented item schema."""
    content_type = (response.headers.get("content-type") or [""])[0]
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/x-ndjson":
        return None
    validator = _validator(case, response.status_code, media_type)
    if validator is None:
        return None
    lines = response.content.split(b"\n")
    partial = getattr(response, "content_size", len(response.content)) > len(response.content)
    if partial:
        lines = lines[:-1]  # the body was kept only in part: the last line may be cut
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise AssertionError(f"NDJSON line {number} is not JSON: {error}") from None
        errors = list(validator.iter_errors(item))
        if errors:
            first = errors[0]
            raise AssertionError(
                f"NDJSON line {number} violates the documented schema "
                f"({len(errors)} error(s)); first at {list(first.instance_path)}: {first.message}"
            )
    return True
