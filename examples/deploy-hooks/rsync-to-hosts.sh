#!/bin/sh
# certbot deploy hook: copy a renewed certificate to other hosts and reload their web server.
# Set HOSTS (space-separated) and DEST; the hosts need an SSH key for this user (root).
# Install: install -D -m 755 rsync-to-hosts.sh /etc/letsencrypt/renewal-hooks/deploy/rsync-to-hosts.sh
set -eu
HOSTS="${HOSTS:-web1.example.com web2.example.com}"
DEST="${DEST:-/etc/ssl/letsencrypt}"
name=$(basename "$RENEWED_LINEAGE")
for host in $HOSTS; do
    # -L: the live/ files are symlinks into archive/; copy what they point to.
    rsync -aL --chmod=D700,F600 "$RENEWED_LINEAGE/" "root@$host:$DEST/$name/"
    ssh "root@$host" 'nginx -t -q && systemctl reload nginx'
done
