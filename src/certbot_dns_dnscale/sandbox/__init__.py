"""A local stand-in for DNScale: the REST API subset the plugin uses and an authoritative DNS
server answering from the same zones. For tests, benchmarks and trying the plugin without an
account (``python -m certbot_dns_dnscale.sandbox --help``).

Never imported by the plugin itself.
"""

from certbot_dns_dnscale.sandbox.server import Sandbox, SandboxSettings

__all__ = ["Sandbox", "SandboxSettings"]
