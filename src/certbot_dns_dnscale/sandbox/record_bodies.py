"""The request side of DNScale's record contract: bodies and query keys, checked as the contract
says, so that a client sending anything else fails here rather than in production.

``CreateRecordRequest`` (the create body, and the body of ``PUT .../records/{record_id}``) has
exactly ``name``, ``type``, ``content`` (required), ``ttl`` (default 3600), ``priority``
(nullable), ``disabled`` (default false) and ``comment`` (nullable, at most 500 characters);
``UpdateRecordByNameRequest`` (``PUT .../records/by-name/{name}/{type}``) the same without
``name`` and ``type``. A key the contract does not name is refused (422).
"""

from __future__ import annotations

import json
from typing import Any

from certbot_dns_dnscale.sandbox.errors import ApiError
from certbot_dns_dnscale.sandbox.store import SUPPORTED_TYPES, RecordFields, canonical

MAX_TTL_SECONDS = 86400
DEFAULT_TTL_SECONDS = 3600
MAX_COMMENT_CHARS = 500
MAX_PRIORITY = 65535
UPDATE_BY_NAME_KEYS = frozenset({"content", "ttl", "priority", "disabled", "comment"})
CREATE_KEYS = UPDATE_BY_NAME_KEYS | {"name", "type"}


def create_fields(body: bytes, zone_name: str, min_ttl_seconds: int) -> RecordFields:
    """The fields of a create (or a replace by id) body."""
    given = json_object(body)
    only_keys(given, CREATE_KEYS, "field")
    name = absolute_name(_string(given.get("name"), "name"), zone_name)
    return _fields(given, name, str(given.get("type", "")), min_ttl_seconds)


def update_by_name_fields(body: bytes, name: str, rtype: str, min_ttl_seconds: int) -> RecordFields:
    """The fields of an update by name: name and type come from the path."""
    given = json_object(body)
    only_keys(given, UPDATE_BY_NAME_KEYS, "field")
    return _fields(given, name, rtype, min_ttl_seconds)


def _fields(given: dict[str, Any], name: str, rtype: str, min_ttl_seconds: int) -> RecordFields:
    rtype = rtype.upper()
    if rtype not in SUPPORTED_TYPES:
        raise _invalid(f"type must be one of {sorted(SUPPORTED_TYPES)}")
    content = given.get("content")
    if not isinstance(content, str) or not content:
        raise _invalid("content is required")
    ttl = given.get("ttl", DEFAULT_TTL_SECONDS)
    if not _is_int(ttl) or not min_ttl_seconds <= ttl <= MAX_TTL_SECONDS:
        raise _invalid(f"ttl must be between {min_ttl_seconds} and {MAX_TTL_SECONDS}")
    priority = given.get("priority")
    if priority is not None and (not _is_int(priority) or not 0 <= priority <= MAX_PRIORITY):
        raise _invalid(f"priority must be null or an integer from 0 to {MAX_PRIORITY}")
    disabled = given.get("disabled", False)
    if not isinstance(disabled, bool):
        raise _invalid("disabled must be true or false")
    comment = given.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS):
        raise _invalid(f"comment must be at most {MAX_COMMENT_CHARS} characters")
    return RecordFields(name, rtype, content, ttl, priority, disabled, comment)


def only_keys(given: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise _invalid(
            f"unknown {what} {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ApiError(400, "INVALID_JSON", "the body must be a JSON object")
    return parsed


def absolute_name(name: str, zone_name: str) -> str:
    """``@``, a name relative to the zone, or a fully qualified one (trailing dot)."""
    name = name.strip()
    if not name:
        raise _invalid("name is required")
    if name == "@":
        return zone_name
    absolute = canonical(name)
    if not name.endswith(".") and absolute != zone_name and not absolute.endswith("." + zone_name):
        return canonical(f"{name}.{zone_name}")  # relative; a name ending in the zone is not
    if absolute != zone_name and not absolute.endswith("." + zone_name):
        raise _invalid(f"{name} is not inside zone {zone_name}")
    return absolute


def _string(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{key} is required")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(message: str) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message)
