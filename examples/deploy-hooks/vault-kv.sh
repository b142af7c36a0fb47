#!/bin/sh
# certbot deploy hook: store a renewed certificate in HashiCorp Vault's KV store, for services
# that read their certificates from Vault.
# Needs the vault CLI, VAULT_ADDR and a token allowed to write the path (e.g. from
# /etc/vault-certbot.env: VAULT_ADDR=..., VAULT_TOKEN=...).
# Install: install -D -m 755 vault-kv.sh /etc/letsencrypt/renewal-hooks/deploy/vault-kv.sh
set -eu
[ -f /etc/vault-certbot.env ] && . /etc/vault-certbot.env
export VAULT_ADDR VAULT_TOKEN
MOUNT="${VAULT_MOUNT:-secret}"
name=$(basename "$RENEWED_LINEAGE")
vault kv put -mount="$MOUNT" "certificates/$name" \
    fullchain=@"$RENEWED_LINEAGE/fullchain.pem" \
    privkey=@"$RENEWED_LINEAGE/privkey.pem" \
    domains="$RENEWED_DOMAINS"
