#!/bin/bash
# Grafana single sign-on at boot (cognito): settings, client secret, start.
set -euo pipefail
chmod 600 /etc/dex/grafana.env
pool_id=$1
client_id=$2
printf '%s%s%s\n' 'GF_AUTH_GENERIC_OAUTH_CLIENT_ID=' "$client_id" '' >> /etc/dex/grafana.env
printf '%s%s%s\n' 'GF_AUTH_SIGNOUT_REDIRECT_URL=https://acme-commerce-staging-grafana.auth.us-east-1.amazoncognito.com/logout?client_id=' "$client_id" '&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Flogin' >> /etc/dex/grafana.env
secret=$(aws cognito-idp describe-user-pool-client --region us-east-1 --user-pool-id "$pool_id" --client-id "$client_id" --query UserPoolClient.ClientSecret --output text) || { echo 'dex: stopping: cannot read the client secret of Grafana'\''s Cognito app client' >&2; exit 1; }
[ -n "$secret" ] && [ "$secret" != None ] || { echo 'dex: stopping: the client secret of Grafana single sign-on is empty' >&2; exit 1; }
(umask 077; printf '%s' "$secret" > /etc/dex/grafana/oauth-client-secret.new)
unset secret
chown 472:472 /etc/dex/grafana/oauth-client-secret.new
mv /etc/dex/grafana/oauth-client-secret.new /etc/dex/grafana/oauth-client-secret
exec /etc/dex/grafana-run.sh
