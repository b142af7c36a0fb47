"""
The `~certbot_dns_dnscale._internal.dns_dnscale` plugin automates the process of
completing a ``dns-01`` challenge (`~acme.challenges.DNS01`) by creating, and
subsequently removing, TXT records using the DNScale API.

Named Arguments
---------------
===========================================  ==========================================
``--dns-dnscale-credentials``                DNScale credentials_ INI file. (Required)
``--dns-dnscale-propagation-seconds``        At most this many seconds to wait for the
                                             TXT records to show on the zone's
                                             authoritative nameservers; the wait ends as
                                             soon as they all do. (Default: 60)
``--dns-dnscale-propagation-check``          ``on``: wait on the nameservers; ``off``:
                                             sleep the propagation seconds. (Default: on)
``--dns-dnscale-nameservers``                ``HOST[:PORT],...`` to check instead of the
                                             zone's NS records.
``--dns-dnscale-resolver``                   ``IP[:PORT]`` of the resolver for NS, address
                                             and CNAME lookups. (Default: the system's)
``--dns-dnscale-require-propagation``        Fail when records are still missing at the
                                             end of the wait. (Default: let the CA try)
===========================================  ==========================================

When ``_acme-challenge.<domain>`` is a CNAME, the record is created at the end of the chain, in
whichever DNScale zone holds it.

Credentials
-----------
Use of this plugin requires a DNScale API token with the scopes ``zones:read``,
``records:read`` and ``records:write``. A token limited to the zones you certify,
and within them to the ``_acme-challenge`` names, is safest.

.. code-block:: ini
   :name: credentials.ini
   :caption: Example credentials file:

   # DNScale API token used by Certbot
   dns_dnscale_api_token = 0123456789abcdef0123456789abcdef
   # Optional: the API's address, with or without /v1 (default https://api.dnscale.eu)
   # dns_dnscale_api_url = https://api.dnscale.eu
   # Optional: the TXT records' TTL in seconds, 120 to 86400 (default 300)
   # dns_dnscale_ttl = 300

A ``#`` starts a comment, on a line of its own or after a value: a token that holds a ``#``
must be in double quotes. A ``;`` starts no comment: after a value it is read as part of it.

The path to this file can be provided interactively or using the
``--dns-dnscale-credentials`` command-line argument. Certbot records the path
to this file for use during renewal, but does not store the file's contents.

.. caution::
   You should protect this API token as you would the password to your DNScale
   account: ``chmod 600`` the file. Certbot warns if it is readable by others.

Examples
--------
.. code-block:: bash
   :caption: To acquire a certificate for ``example.com``

   certbot certonly \\
     --authenticator dns-dnscale \\
     --dns-dnscale-credentials ~/.secrets/certbot/dnscale.ini \\
     -d example.com

.. code-block:: bash
   :caption: To acquire a single certificate for both ``example.com`` and
             ``*.example.com``

   certbot certonly \\
     --authenticator dns-dnscale \\
     --dns-dnscale-credentials ~/.secrets/certbot/dnscale.ini \\
     -d example.com \\
     -d '*.example.com'

Before the first certificate, and weekly for every certificate certbot renews with this plugin,
the ``certbot-dns-dnscale`` command checks the setup (token, zone, NS delegation, CAA):

.. code-block:: bash

   certbot-dns-dnscale check --credentials ~/.secrets/certbot/dnscale.ini -d example.com
   certbot-dns-dnscale check --renewals

Installing, renewal timers and troubleshooting: see the project's README.md and docs/.
"""
