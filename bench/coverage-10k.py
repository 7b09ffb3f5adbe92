#!/usr/bin/env python3
"""Times the admin coverage report on a realm of 10,000 users (2,500 with 2FA, a tenth of those low on backup codes).

Needs a running Keycloak with the extension (./run-demo.sh). Usage: python3 bench/coverage-10k.py [base-url]
Creates the realm 'bench10k' (deleted first if it exists), then calls GET /admin/realms/bench10k/two-factor/coverage
a few times per filter and prints the times. It reports; it does not pass or fail.
"""
import json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keycloak_api  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080"


KEYCLOAK = keycloak_api.Keycloak(BASE)
call, token, admin_token = KEYCLOAK.call, KEYCLOAK.token, KEYCLOAK.admin_token


def user(i):
    u = {"username": f"user{i:05d}", "enabled": True, "email": f"user{i:05d}@example.org", "firstName": "U", "lastName": str(i)}
    if i < WITH_2FA:
        remaining = 2 if i % 10 == 0 else 10
        u["credentials"] = [
            {"type": "twofa-totp", "userLabel": "Authenticator app", "createdDate": 0,
             "credentialData": json.dumps({"algorithm": "HmacSHA1", "digits": 6, "period": 30, "verifiedAt": 0}),
             "secretData": json.dumps({"keyRef": "server:none", "encryptedSecret": "AAAA"})},
            {"type": "twofa-backup-codes", "createdDate": 0,
             "credentialData": json.dumps({"total": 10, "remaining": remaining, "generatedAt": 0,
                                           "algorithm": "PBKDF2WithHmacSHA256", "iterations": 50000}),
             "secretData": json.dumps({"salt": "AAAAAAAAAAAAAAAAAAAAAA==", "hashes": ["AAAA"] * remaining})}]
    return u


admin = token("master", "admin-cli", "admin", "admin")
try:
    call("DELETE", "/admin/realms/bench10k", admin)
except Exception:
    pass
realm = {"realm": "bench10k", "enabled": True,
         "users": [user(i) for i in range(USERS)] + [{
             "username": "viewer", "enabled": True, "email": "viewer@example.org", "firstName": "V", "lastName": "V",
             "credentials": [{"type": "password", "value": "viewer"}],
             "clientRoles": {"realm-management": ["view-users"], "account": ["manage-account"]}}],
         "clients": [{"clientId": "bench", "publicClient": True, "directAccessGrantsEnabled": True}]}
started = time.time()
call("POST", "/admin/realms", admin, realm)
print(f"imported {USERS} users in {time.time() - started:.1f} s")

viewer = token("bench10k", "bench", "viewer", "viewer")
for query in ["max=100", "max=100&filter=enabled", "max=100&filter=disabled", "max=100&filter=few-backup-codes",
              "first=9900&max=100"]:
    times = []
    for _ in range(5):
        t = time.time()
        report = call("GET", "/admin/realms/bench10k/two-factor/coverage?" + query, viewer)
        times.append((time.time() - t) * 1000)
    times.sort()
    print(f"{query:40s} median {times[2]:7.1f} ms  max {times[-1]:7.1f} ms  "
          f"(total {report['totalUsers']}, with 2FA {report['withTwoFactor']}, few codes {report['withFewBackupCodes']}, page {len(report['users'])})")
