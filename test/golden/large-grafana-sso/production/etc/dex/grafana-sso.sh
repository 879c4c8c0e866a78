#!/bin/bash
# Grafana single sign-on at boot (oidc): settings, client secret, start.
set -euo pipefail
chmod 600 /etc/dex/grafana.env
doc=$(curl -fsS --proto '=https' --max-time 10 --retry 5 --retry-connrefused 'https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration') || { echo 'dex: stopping: cannot read https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration' >&2; exit 1; }
[ "$(printf '%s' "$doc" | jq -r .issuer)" = 'https://acme-shop.okta.com/oauth2/default' ] || { echo 'dex: stopping: the discovery document at https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration names another issuer than https://acme-shop.okta.com/oauth2/default' >&2; exit 1; }
for pair in authorization_endpoint=AUTH_URL token_endpoint=TOKEN_URL userinfo_endpoint=API_URL; do
  url=$(printf '%s' "$doc" | jq -er --arg k "${pair%%=*}" '.[$k]') || { echo 'dex: stopping: the discovery document at https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration lacks an endpoint Grafana needs' >&2; exit 1; }
  case "$url" in
    https://*[!A-Za-z0-9._~:/?#@%=+,\;\&-]*|https://) { echo 'dex: stopping: an endpoint in https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration is not a plain URL' >&2; exit 1; } ;;
    https://*) ;;
    *) { echo 'dex: stopping: an endpoint in https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration is not https' >&2; exit 1; } ;;
  esac
  printf 'GF_AUTH_GENERIC_OAUTH_%s=%s\n' "${pair#*=}" "$url" >> /etc/dex/grafana.env
done
unset doc url
secret=$(aws secretsmanager get-secret-value --region us-east-1 --secret-id acme-commerce-production/monitoring/grafana/oidc-client-secret --query SecretString --output text) || { echo 'dex: stopping: the OIDC client secret acme-commerce-production/monitoring/grafana/oidc-client-secret has no value or cannot be read: set it (dex secrets set <spec> --env <env> monitoring/grafana-oidc), then replace this instance' >&2; exit 1; }
[ -n "$secret" ] && [ "$secret" != None ] || { echo 'dex: stopping: the client secret of Grafana single sign-on is empty' >&2; exit 1; }
(umask 077; printf '%s' "$secret" > /etc/dex/grafana/oauth-client-secret.new)
unset secret
chown 472:472 /etc/dex/grafana/oauth-client-secret.new
mv /etc/dex/grafana/oauth-client-secret.new /etc/dex/grafana/oauth-client-secret
exec /etc/dex/grafana-run.sh
