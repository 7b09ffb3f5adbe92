#!/usr/bin/env bash
# Runs Keycloak 26.7.3 in dev mode (embedded H2) with this extension and the demo realm, plus a small demo app.
# The distribution is the Maven artifact org.keycloak:keycloak-quarkus-dist:26.7.3:zip; no Docker needed.
set -euo pipefail
cd "$(dirname "$0")"

KC_VERSION=26.7.3
DEMO_DIR="target/demo"
KC_HOME="$DEMO_DIR/keycloak-$KC_VERSION"
KC_PORT="${KC_PORT:-8080}"
APP_PORT=8081

echo "Building the extension and fetching Keycloak $KC_VERSION from Maven Central..."
mvn -B -q -DskipTests package
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  # Overwrite: the tests unpack the same artifact elsewhere, and the plugin's marker would make it skip this one.
  mvn -B -q dependency:unpack -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$DEMO_DIR" \
    -Dmdep.overWriteReleases=true
fi

mkdir -p "$KC_HOME/providers" "$KC_HOME/data/import"
cp "target/keycloak-twofa-0.1.0-SNAPSHOT.jar" "$KC_HOME/providers/keycloak-twofa.jar"
cp realm-export.json "$KC_HOME/data/import/realm-export.json"

# The key that encrypts TOTP secrets lives outside the database; it is made once and kept beside the dev database.
KEY_FILE="$DEMO_DIR/encryption-key"
if [ ! -s "$KEY_FILE" ]; then
  head -c 32 /dev/urandom | base64 > "$KEY_FILE"
fi

java demo/DemoApp.java "$APP_PORT" "http://localhost:$KC_PORT" > "$DEMO_DIR/demo-app.log" 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true; kill $KC_PID 2>/dev/null || true' EXIT INT TERM

KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --http-port="$KC_PORT" --import-realm --health-enabled=true \
  --spi-credential--twofa-totp--encryption-keys="demo-1:$(cat "$KEY_FILE")" &
KC_PID=$!

until curl -sf "http://localhost:9000/health/ready" > /dev/null 2>&1; do
  if ! kill -0 "$KC_PID" 2>/dev/null; then echo "Keycloak stopped; see its output above." >&2; exit 1; fi
  sleep 2
done

cat <<INFO

==================================================================================
 Keycloak $KC_VERSION with two-factor authentication is running.

 Demo app (log in here):   http://localhost:$APP_PORT/
     user: demo    password: demo   (you will be asked to set up your authenticator app)
 Account console:          http://localhost:$KC_PORT/realms/demo/account/
 Admin console:            http://localhost:$KC_PORT/admin/   (admin / admin)

 Stop with Ctrl+C.
==================================================================================

INFO
wait "$KC_PID"
