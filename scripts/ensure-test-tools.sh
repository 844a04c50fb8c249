#!/usr/bin/env bash
# Installs what the tests drive besides Python: Debian's Chromium and ChromeDriver for the dashboard test.
set -eu
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then exit 0; fi
echo "==> Installing Chromium and ChromeDriver for the dashboard test (Debian packages)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
