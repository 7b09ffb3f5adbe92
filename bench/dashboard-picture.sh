#!/usr/bin/env bash
# The README's picture of the Grafana dashboard (docs/monitoring/twofa-dashboard.json), from a real run: Keycloak
# 26.7.3 with this extension and --metrics-enabled=true, Debian's Prometheus scraping it every 5 s, a few minutes of
# scripted logins (app codes, backup codes, wrong and replayed codes, a guessing attack ending in lockouts), then each
# panel drawn from Prometheus' answers to its own queries into docs/monitoring/twofa-dashboard.svg. Not part of the
# tests. Needs Java 17, Maven and the prometheus package (installed here when missing).
#
#   bench/dashboard-picture.sh              # 5 minutes of logins
#   bench/dashboard-picture.sh --minutes 2
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=5
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        -h|--help) grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1" >&2; exit 2 ;;
    esac
done
if [ ! -x /usr/bin/prometheus ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q prometheus
fi
exec mvn -B -q -Pdashboard-picture -DskipTests verify -Dpicture.minutes="$minutes"
