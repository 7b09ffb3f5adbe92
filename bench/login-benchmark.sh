#!/usr/bin/env bash
# The side-by-side login benchmark (issue 7): one Keycloak 26.7.3 with this extension, users with Keycloak's built-in
# OTP and users with ours, full browser logins by concurrent clients. Builds the jar, unpacks Keycloak and runs
# io.github.twofa.bench.LoginBenchmark through the Maven profile login-bench. Results: target/login-benchmark/
# (results.md, results.json, chart.svg). Not part of the tests. Needs Java 17 and Maven; the production modes also
# PostgreSQL's server binaries (Debian's postgresql, installed here when missing).
#
#   bench/login-benchmark.sh                      # default: dev mode on H2, 1000 users per kind, 50 clients, ~6 min
#   bench/login-benchmark.sh --mode production    # kc.sh build + start on PostgreSQL 15, one node
#   bench/login-benchmark.sh --cluster            # two production nodes on PostgreSQL (jdbc-ping), no sticky sessions
#   bench/login-benchmark.sh --users 10000 --clients 4
#   bench/login-benchmark.sh --profile            # also where the server's CPU went (JFR), per kind of login
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'
    echo
    echo "Options: --mode dev|production|cluster (default dev)  --cluster (the same as --mode cluster)"
    echo "         --users N (per kind, 1-100000; default 1000)  --clients C (default 50)  --rounds K (default 4: every kind once at each place)"
    echo "         --round-seconds S (default 8)  --warmup-seconds W (default 4)  --profile"
    echo "         --cache-templates (cache themes and templates as a production server does; dev mode does not)"
    echo "         --log-level L (the servers' log-level option, e.g. INFO,org.keycloak.models.cache.infinispan:trace)"
    echo "         --backup-code-iterations N (PBKDF2 iterations of the imported backup codes; default: the realm setting's)"
}

properties=()
mode=dev
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode="$2"; shift 2 ;;
        --cluster) mode=cluster; shift ;;
        --users) properties+=("-Dbench.users=$2"); shift 2 ;;
        --clients) properties+=("-Dbench.clients=$2"); shift 2 ;;
        --rounds) properties+=("-Dbench.rounds=$2"); shift 2 ;;
        --round-seconds) properties+=("-Dbench.roundSeconds=$2"); shift 2 ;;
        --warmup-seconds) properties+=("-Dbench.warmupSeconds=$2"); shift 2 ;;
        --profile) properties+=("-Dbench.profile=true"); shift ;;
        --cache-templates) properties+=("-Dbench.cacheTemplates=true"); shift ;;
        --log-level) properties+=("-Dbench.logLevel=$2"); shift 2 ;;
        --backup-code-iterations) properties+=("-Dbench.backupCodeIterations=$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$mode" in
    dev) ;;
    production|cluster) source bench/ensure-postgresql.sh ;;
    *) echo "Unknown mode: $mode (dev, production or cluster)" >&2; exit 2 ;;
esac
properties+=("-Dbench.mode=$mode")

exec mvn -B -q -Plogin-bench -DskipTests verify "${properties[@]}"
