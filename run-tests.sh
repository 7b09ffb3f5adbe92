#!/usr/bin/env bash
# The README's test command: every test, on a fresh Debian machine with Java 17 and Maven. The browser tests need
# Debian's chromium and chromium-driver; they are installed here when missing. Keycloak 26.7.3 itself comes from
# Maven Central (keycloak-quarkus-dist) and is started by the tests.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "Installing chromium and chromium-driver for the browser tests..."
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium chromium-driver
fi
export CHROME_BIN="${CHROME_BIN:-$(command -v chromium)}"
export CHROMEWEBDRIVER="${CHROMEWEBDRIVER:-$(command -v chromedriver)}"

exec mvn -B verify "$@"
