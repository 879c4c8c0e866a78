#!/bin/bash
# Starts Grafana with single sign-on and the login form off. `break-glass`: with the form on,
# for the admin user and its Secrets Manager password (docs/monitoring.md#break-glass).
set -euo pipefail
form=true
if [ "${1:-}" = break-glass ]; then form=false; fi
docker rm -f grafana > /dev/null 2>&1 || true
docker run -d --name grafana --restart always --network host -e GF_SECURITY_ADMIN_USER=admin -e GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/dex/admin-password -e GF_SECURITY_DISABLE_GRAVATAR=true -e GF_SECURITY_COOKIE_SECURE=true -e GF_SECURITY_COOKIE_SAMESITE=strict -e GF_USERS_ALLOW_SIGN_UP=false -e GF_USERS_ALLOW_ORG_CREATE=false -e GF_AUTH_ANONYMOUS_ENABLED=false -e GF_SNAPSHOTS_EXTERNAL_ENABLED=false -e GF_ANALYTICS_REPORTING_ENABLED=false --env-file /etc/dex/grafana.env -e GF_AUTH_DISABLE_LOGIN_FORM=$form -v /etc/dex/hosts:/etc/hosts:ro -v /var/lib/grafana:/var/lib/grafana -v /etc/grafana/provisioning:/etc/grafana/provisioning:ro -v /etc/dex/grafana:/run/secrets/dex:ro docker.io/grafana/grafana-oss:11.3.0
