"""The companion commands of ``certbot-dns-dnscale``: check, sweep, check --renewals."""
