"""DNScale's published API contract (OpenAPI 3.0.3, API version 1.0.0) for the parts an ACME
client uses, as JSON schemas: the answers the real service gives, keys it does not list refused
(``additionalProperties: false``), so that no test can lean on a field production never sends.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

Schema = dict[str, Any]

UUID: Schema = {
    "type": "string",
    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}
DATE_TIME: Schema = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}


def closed(properties: dict[str, Schema], required: list[str]) -> Schema:
    """An object with exactly these keys (``required`` among them)."""
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


ZONE = closed(
    {
        "id": UUID,
        "customer_id": UUID,
        "name": {"type": "string", "minLength": 1},
        "type": {"enum": ["master", "slave"]},
        "region": {"enum": ["EU", "GLOBAL", "EU_GLOBAL"]},
        "status": {"enum": ["active", "paused", "pending", "error"]},
        "settings": closed({"dnssec_enabled": {"type": "boolean"}}, ["dnssec_enabled"]),
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    },
    ["id", "customer_id", "name", "type", "region", "status", "created_at", "updated_at"],
)

RECORD = closed(
    {
        "id": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "type": {"type": "string"},
        "content": {"type": "string"},
        "ttl": {"type": "integer"},
        "priority": {"type": ["integer", "null"]},
        "disabled": {"type": "boolean"},
        "comment": {"type": ["string", "null"], "maxLength": 500},
    },
    ["id", "name", "type", "content", "ttl", "disabled"],
)
RECORD_KEYS = frozenset(RECORD["properties"])

PAGINATION = closed(
    {
        "total": {"type": "integer", "minimum": 0},
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
        "count": {"type": "integer", "minimum": 0},
        "has_more": {"type": "boolean"},
    },
    ["total", "offset", "limit", "count", "has_more"],
)


def success(data: Schema, **top_level: Schema) -> Schema:
    """The success envelope around ``data`` (and optional top-level aliases)."""
    return closed({"status": {"const": "success"}, "data": data, **top_level}, ["status", "data"])


ZONE_LIST = success(
    closed({"zones": {"type": "array", "items": ZONE}, "pagination": PAGINATION},
           ["zones", "pagination"]),
    zones={"type": "array", "items": ZONE},  # the deprecated alias
)  # fmt: skip
ONE_ZONE = success(closed({"zone": ZONE}, ["zone"]))
RECORD_LIST = success(
    closed({"records": {"type": "array", "items": RECORD}, "pagination": PAGINATION},
           ["records", "pagination"])
)  # fmt: skip
ONE_RECORD = success(closed({"record": RECORD}, ["record"]))
HEALTH = success(
    closed(
        {
            "health": closed(
                {"status": {"const": "ok"}, "timestamp": DATE_TIME, "version": {"type": "string"}},
                ["status", "timestamp", "version"],
            )
        },
        ["health"],
    )
)
ERROR = closed(
    {
        "status": {"const": "error"},
        "error": closed(
            {
                "code": {"type": "string", "minLength": 1},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
            ["code", "message"],
        ),
    },
    ["status", "error"],
)

# What a client may send (request side of the contract).
_RECORD_VALUES: dict[str, Schema] = {
    "content": {"type": "string", "minLength": 1},
    "ttl": {"type": "integer", "minimum": 120, "maximum": 86400},
    "priority": {"type": ["integer", "null"]},
    "disabled": {"type": "boolean"},
    "comment": {"type": ["string", "null"], "maxLength": 500},
}
CREATE_RECORD_BODY = closed(  # CreateRecordRequest: also the body of PUT .../records/{id}
    {"name": {"type": "string", "minLength": 1}, "type": {"type": "string"}, **_RECORD_VALUES},
    ["name", "type", "content"],
)
UPDATE_BY_NAME_BODY = closed(_RECORD_VALUES, ["content"])  # UpdateRecordByNameRequest


def problems(schema: Schema, instance: object) -> list[str]:
    """Every way ``instance`` breaks ``schema`` (empty: it conforms)."""
    validator = Draft202012Validator(schema)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(instance)
    )


for _schema in (
    ZONE_LIST, ONE_ZONE, RECORD_LIST, ONE_RECORD, HEALTH, ERROR, CREATE_RECORD_BODY,
    UPDATE_BY_NAME_BODY,
):  # fmt: skip
    Draft202012Validator.check_schema(_schema)
