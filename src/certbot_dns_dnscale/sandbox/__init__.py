"""A local stand-in for DNScale: the zone and record routes of DNScale's published contract
(what its official SDK calls), answering in the contract's shapes, and DNS answering from the
same zones. For tests, benchmarks and trying the plugin without an account
(``python -m certbot_dns_dnscale.sandbox --help``).

Rooms: ``records`` shapes zones and records as the contract does, ``store`` holds them (and
when DNS sees a change); ``service`` is what the API does with them, ``record_bodies`` what it
accepts, ``grants`` what a key may reach (scopes, zones, names), ``api`` its routing table and
call log, ``http_handler`` the HTTP plumbing and injected ``faults``; ``dns_answers`` builds DNS
answers, ``dns_server`` serves them, and ``nameservers`` runs the zones' authoritative servers
on port 53; ``server`` puts it all together. ``pebble`` runs the test CA and certbot,
``authorizations`` makes Pebble forget validated names.

Never imported by the plugin itself.
"""

from certbot_dns_dnscale.sandbox.nameservers import NameserverSettings
from certbot_dns_dnscale.sandbox.server import Sandbox, SandboxSettings

__all__ = ["NameserverSettings", "Sandbox", "SandboxSettings"]
