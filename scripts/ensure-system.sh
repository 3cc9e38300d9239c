#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing (Debian): PostgreSQL's
# server binaries for the store tests, Chromium for the component and end-to-end tests (tools
# never download browsers of their own here). Idempotent; needs root (CI runs as root) or an
# existing installation.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need+=(postgresql); fi
if [ -z "${AUDITLANE_CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then need+=(chromium); fi

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (install them with apt-get as root, or set AUDITLANE_TEST_POSTGRES_URL / AUDITLANE_CHROMIUM)" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a cluster of its own; the tests start throwaway ones instead.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
  done
fi
echo "installed: ${need[*]}"
