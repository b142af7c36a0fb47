#!/bin/sh
# certbot deploy hook: reload nginx after a renewal, only if its configuration still checks out.
# Install: cp reload-nginx.sh /etc/letsencrypt/renewal-hooks/deploy/ && chmod 755 it
# (certbot runs every executable there after each successful renewal).
set -eu
if nginx -t -q; then
    systemctl reload nginx
else
    echo "nginx -t failed: not reloading with the new certificate for $RENEWED_DOMAINS" >&2
    exit 1
fi
