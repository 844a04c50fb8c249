#!/usr/bin/env bash
# Installs what the tests drive besides Python, from Debian's packages, when missing:
#   chromium, chromium-driver  the dashboard test
#   redis-server, postgresql   the scale deployment's lock store and tracker store (tests start their own)
#   haproxy                    the balancer in front of the Rasa replicas
set -eu
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
# Debian keeps PostgreSQL's server programs outside PATH (dojo/stores.py looks there too).
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "==> Installing ${missing[*]} for the tests (Debian packages)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
