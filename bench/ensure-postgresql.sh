#!/usr/bin/env bash
# Installs Debian's postgresql when its server binaries are missing (the benchmark's production modes and the soak
# start a PostgreSQL 15 of their own from them). Sourced by bench/login-benchmark.sh and bench/soak.sh.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "Installing Debian's postgresql..."
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql
fi
