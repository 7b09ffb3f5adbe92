#!/usr/bin/env bash
# The soak (issue 18): two Keycloak 26.7.3 production nodes with this extension on one PostgreSQL, clustered through
# the database (jdbc-ping), under steady logins (our app code, our backup code, Keycloak's built-in OTP) spread over
# both nodes without sticky sessions, with replayed codes and lockout attacks mixed in, and one node killed (SIGKILL)
# and started again every few minutes. At the end it checks, from the clients' log, the database and the events, that
# no code was accepted twice, no credential or backup code was lost or revived and every lockout was honoured, and
# reports the error rate clients saw during each failover. Runs io.github.twofa.bench.Soak through the Maven profile
# soak. Results: target/soak/ (results.md, results.json, attempts.jsonl: every code sent, never the code itself).
# Exits non-zero when a check fails. Not part of the tests. Needs Java 17, Maven and PostgreSQL's server binaries
# (Debian's postgresql, installed here when missing).
#
#   bench/soak.sh                                   # default: 20 minutes, a kill every 4 minutes
#   bench/soak.sh --minutes 4 --kill-every-minutes 1.5
#   bench/soak.sh --minutes 60 --clients 6 --users 1000
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'
    echo
    echo "Options: --minutes M (default 20)  --kill-every-minutes K (default 4; fractions allowed)"
    echo "         --down-seconds S (how long a killed node stays down; default 45)"
    echo "         --clients C (steady-login clients; default 8)  --users N (per kind; default 300)"
    echo "         --lockout-users L (users locked out again and again; default 3)"
    echo "         --lockout-seconds S (the servers' first lockout; default 120, the extension's own default is 300)"
    echo "         --replay-share F (share of accepted codes of ours replayed through the other node; default 0.05)"
    echo "         --failover-tail-seconds S (a failover lasts until this long after the restart; default 30)"
}

properties=()
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) properties+=("-Dsoak.minutes=$2"); shift 2 ;;
        --kill-every-minutes) properties+=("-Dsoak.killEveryMinutes=$2"); shift 2 ;;
        --down-seconds) properties+=("-Dsoak.downSeconds=$2"); shift 2 ;;
        --clients) properties+=("-Dsoak.clients=$2"); shift 2 ;;
        --users) properties+=("-Dsoak.users=$2"); shift 2 ;;
        --lockout-users) properties+=("-Dsoak.lockoutUsers=$2"); shift 2 ;;
        --lockout-seconds) properties+=("-Dsoak.lockoutSeconds=$2"); shift 2 ;;
        --replay-share) properties+=("-Dsoak.replayShare=$2"); shift 2 ;;
        --failover-tail-seconds) properties+=("-Dsoak.failoverTailSeconds=$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done

source bench/ensure-postgresql.sh

exec mvn -B -q -Psoak -DskipTests verify "${properties[@]}"
