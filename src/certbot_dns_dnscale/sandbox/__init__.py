"""A local stand-in for DNScale: the REST API subset the plugin uses, answering in the shapes of
DNScale's published contract, and DNS answering from the same zones. For tests, benchmarks and
trying the plugin without an account (``python -m certbot_dns_dnscale.sandbox --help``).

Rooms: ``store`` holds zones and records (and when DNS sees a change); ``service`` is what the API
does with them, ``api`` its routing table and call log, ``http_handler`` the HTTP plumbing and
injected ``faults``; ``dns_answers`` builds DNS answers, ``dns_server`` serves them, and
``nameservers`` runs the zones' authoritative servers on port 53; ``server`` puts it all
together. ``pebble`` runs the test CA and certbot, ``authorizations`` makes Pebble forget
validated names.

Never imported by the plugin itself.
"""

from certbot_dns_dnscale.sandbox.nameservers import NameserverSettings
from certbot_dns_dnscale.sandbox.server import Sandbox, SandboxSettings

__all__ = ["NameserverSettings", "Sandbox", "SandboxSettings"]
