#!/bin/bash
# Grafana single sign-on at boot (oidc): settings, client secret, start.
set -euo pipefail
chmod 600 /etc/dex/grafana.env
secret=$(aws secretsmanager get-secret-value --region eu-west-1 --secret-id acme-commerce-production-eu/monitoring/grafana/oidc-client-secret --query SecretString --output text) || { echo 'dex: stopping: the OIDC client secret acme-commerce-production-eu/monitoring/grafana/oidc-client-secret has no value or cannot be read: set it (dex secrets set <spec> --env <env> monitoring/grafana-oidc), then replace this instance' >&2; exit 1; }
[ -n "$secret" ] && [ "$secret" != None ] || { echo 'dex: stopping: the client secret of Grafana single sign-on is empty' >&2; exit 1; }
(umask 077; printf '%s' "$secret" > /etc/dex/grafana/oauth-client-secret.new)
unset secret
chown 472:472 /etc/dex/grafana/oauth-client-secret.new
mv /etc/dex/grafana/oauth-client-secret.new /etc/dex/grafana/oauth-client-secret
exec /etc/dex/grafana-run.sh
