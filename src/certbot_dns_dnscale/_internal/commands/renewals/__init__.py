"""``certbot-dns-dnscale check --renewals``: every lineage's renewal conf read and judged."""
