#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the browser tests, if missing.
# Idempotent; needs root (CI runs as root). Without them the browser tests skip.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-browser: not root; install chromium and chromium-driver to run the browser tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null \
  || echo "install-browser: apt-get failed; browser tests will be skipped" >&2
