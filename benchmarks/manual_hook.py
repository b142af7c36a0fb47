"""certbot ``--manual`` hooks writing straight to the local sandbox: the floor to compare with.

``auth``: create the TXT value; after the last challenge (CERTBOT_REMAINING_CHALLENGES=0), wait
until the sandbox DNS serves every value created, checking every 50 ms. ``cleanup``: delete it.
Settings come from the environment: SANDBOX_API (base URL), SANDBOX_TOKEN, SANDBOX_DNS
(host:port), HOOK_STATE (a file listing the values created), ZONE_IDS (a JSON file mapping
zone names to ids, so that the floor spends no request on finding zones).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import requests

API = os.environ.get("SANDBOX_API", "")
HEADERS = {"Authorization": f"Bearer {os.environ.get('SANDBOX_TOKEN', '')}"}
STATE = Path(os.environ.get("HOOK_STATE", "hook-state.jsonl"))


def zone_id_for(name: str) -> str:
    """From the map the driver wrote: the floor spends no request on finding zones."""
    zones = json.loads(Path(os.environ["ZONE_IDS"]).read_text())
    labels = name.split(".")
    suffixes = (".".join(labels[i:]) for i in range(len(labels)))
    return next(zones[suffix] for suffix in suffixes if suffix in zones)


def served(name: str, value: str) -> bool:
    host, port = os.environ["SANDBOX_DNS"].split(":")
    answer = dns.query.udp(dns.message.make_query(name, "TXT"), host, port=int(port), timeout=1)
    values = {b"".join(r.strings).decode() for rrset in answer.answer for r in rrset
              if rrset.rdtype == dns.rdatatype.TXT}  # fmt: skip
    return value in values


def auth() -> None:
    name = f"_acme-challenge.{os.environ['CERTBOT_DOMAIN']}"
    value = os.environ["CERTBOT_VALIDATION"]
    zone_id = zone_id_for(name)
    body = {"name": name + ".", "type": "TXT", "content": value, "ttl": 300}
    answer = requests.post(
        f"{API}/v1/zones/{zone_id}/records", json=body, headers=HEADERS, timeout=10
    )
    record_id = answer.json()["data"]["record"]["id"]
    with STATE.open("a") as state:
        state.write(
            json.dumps({"name": name, "value": value, "zone": zone_id, "id": record_id}) + "\n"
        )
    if os.environ.get("CERTBOT_REMAINING_CHALLENGES", "0") == "0":
        created = [json.loads(line) for line in STATE.read_text().splitlines()]
        while not all(served(r["name"], r["value"]) for r in created):
            time.sleep(0.05)


def cleanup() -> None:
    value = os.environ["CERTBOT_VALIDATION"]
    for line in STATE.read_text().splitlines():
        record = json.loads(line)
        if record["value"] == value:
            requests.delete(
                f"{API}/v1/zones/{record['zone']}/records/{record['id']}",
                headers=HEADERS,
                timeout=10,
            )


if __name__ == "__main__":
    {"auth": auth, "cleanup": cleanup}[sys.argv[1]]()
