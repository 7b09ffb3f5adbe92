#!/usr/bin/env python3
"""Times the bulk migration of Keycloak's built-in OTP on a realm of 10,000 users (issue 15).

Needs a running Keycloak with the extension (./run-demo.sh). Usage: python3 bench/migration-10k.py [base-url] [users]
Creates the realm 'migrate10k' (deleted first if it exists) whose users each have a built-in TOTP credential (type
`otp`, as Keycloak's own set-up page stores it), then: a dry run, the migration in pages of 1,000 until `next` is
null, and a rerun. Prints the time of each and the rate. It reports; it does not pass or fail.
"""
import json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keycloak_api  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080"


KEYCLOAK = keycloak_api.Keycloak(BASE)
call, token, admin_token = KEYCLOAK.call, KEYCLOAK.token, KEYCLOAK.admin_token


def user(i):
    return {"username": f"user{i:06d}", "enabled": True, "email": f"user{i:06d}@example.org",
            "firstName": "U", "lastName": str(i),
            "credentials": [{"type": "otp", "userLabel": "Phone",
                             "secretData": json.dumps({"value": os.urandom(10).hex()}),
                             "credentialData": json.dumps({"subType": "totp", "digits": 6, "counter": 0,
                                                           "period": 30, "algorithm": "HmacSHA1"})}]}


admin = admin_token()
try:
    call("DELETE", f"/admin/realms/{REALM}", admin)
except Exception:
    pass
call("POST", "/admin/realms", admin, {"realm": REALM, "enabled": True})
started = time.time()
for first in range(0, USERS, 1000):
    admin = admin_token()
    call("POST", f"/admin/realms/{REALM}/partialImport", admin,
         {"ifResourceExists": "FAIL", "users": [user(i) for i in range(first, min(first + 1000, USERS))]})
print(f"imported {USERS} users with built-in OTP in {time.time() - started:.1f} s")

path = f"/admin/realms/{REALM}/two-factor/migrate-built-in-otp"
t = time.time()
dry = call("POST", path + "?dryRun=true", admin_token())
print(f"dry run: {dry['remaining']} to migrate, counted in {(time.time() - t) * 1000:.0f} ms")

t = time.time()
pages, migrated, after, page_times = 0, 0, None, []
while True:
    p = time.time()
    page = call("POST", path + "?max=1000" + (f"&after={after}" if after else ""), admin_token())
    page_times.append(time.time() - p)
    pages += 1
    migrated += page["migrated"]
    after = page.get("next")
    if not after:
        break
total = time.time() - t
print(f"migrated {migrated} credentials in {pages} pages of 1,000: {total:.1f} s "
      f"({migrated / total:.0f} per second; pages {min(page_times):.1f}-{max(page_times):.1f} s); "
      f"{page['remaining']} left")
t = time.time()
rerun = call("POST", path, admin_token())
print(f"rerun: {rerun['migrated']} migrated, {rerun['remaining']} left, in {(time.time() - t) * 1000:.0f} ms")
print(f"100,000 users at this rate: about {100_000 / (migrated / total) / 60:.0f} minutes")
