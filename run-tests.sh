#!/usr/bin/env bash
# The README's test command: every test, on a fresh Debian machine with Java 17 and Maven. The browser tests need
# Debian's chromium and chromium-driver, the cluster test PostgreSQL's server binaries, the monitoring test Prometheus'
# promtool; they are installed here when missing. Keycloak 26.7.3 itself comes from Maven Central (keycloak-quarkus-dist) and is started by the tests.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    missing+=(chromium chromium-driver)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
if ! command -v promtool >/dev/null 2>&1; then
    missing+=(prometheus)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} for the browser, cluster and monitoring tests..."
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
export CHROME_BIN="${CHROME_BIN:-$(command -v chromium)}"
export CHROMEWEBDRIVER="${CHROMEWEBDRIVER:-$(command -v chromedriver)}"

exec mvn -B verify "$@"
