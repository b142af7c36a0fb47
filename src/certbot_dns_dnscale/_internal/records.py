"""TXT records as the DNScale API lists them: what one is, and reading one from an answer."""

from __future__ import annotations

from dataclasses import dataclass

from certbot_dns_dnscale._internal.responses import JSONObject
from certbot_dns_dnscale._internal.zones import normalize_name


@dataclass(frozen=True)
class TxtRecord:
    """One TXT value as the API lists it; ``name`` normalised, ``content`` without quotes."""

    zone_id: str
    id: str | None
    name: str
    content: str
    comment: str | None = None
    disabled: bool = False  # stored, but not served in DNS


@dataclass(frozen=True)
class CreatedRecord:
    """The outcome of a create: ``preexisting`` when the exact value was already there."""

    record: TxtRecord
    preexisting: bool


def txt_record_from(zone_id: str, item: object) -> TxtRecord | None:
    if not isinstance(item, dict) or str(item.get("type", "")).upper() != "TXT":
        return None
    name, content, record_id = item.get("name"), item.get("content"), item.get("id")
    if not isinstance(name, str) or not isinstance(content, str):
        return None
    comment = item.get("comment")
    return TxtRecord(
        zone_id=zone_id,
        id=record_id if isinstance(record_id, str) and record_id else None,
        name=normalize_name(name),
        content=_unquote(content),
        comment=comment if isinstance(comment, str) else None,
        disabled=item.get("disabled") is True,
    )


def record_payload(record: TxtRecord) -> JSONObject:
    return {
        "id": record.id, "name": record.name, "type": "TXT", "content": record.content,
        "comment": record.comment, "disabled": record.disabled,
    }  # fmt: skip


def _unquote(content: str) -> str:
    if len(content) >= 2 and content[0] == content[-1] == '"':
        return content[1:-1]
    return content
