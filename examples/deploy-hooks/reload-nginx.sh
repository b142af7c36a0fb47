#!/bin/sh
# certbot deploy hook: reload nginx after a renewal, only if its configuration still checks out.
# Install: install -D -m 755 reload-nginx.sh /etc/letsencrypt/renewal-hooks/deploy/reload-nginx.sh
# (certbot runs every executable there after each successful renewal).
set -eu
if nginx -t -q; then
    systemctl reload nginx
else
    echo "nginx -t failed: not reloading with the new certificate for $RENEWED_DOMAINS" >&2
    exit 1
fi
