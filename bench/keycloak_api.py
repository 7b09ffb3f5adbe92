"""What the bench scripts share: JSON calls to a running Keycloak and tokens."""
import json
import urllib.parse
import urllib.request


def call(base, method, path, token=None, body=None, form=None, timeout=1800):
    data = json.dumps(body).encode() if body is not None else (urllib.parse.urlencode(form).encode() if form else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read()
        return json.loads(text) if text else None


def token(base, realm, client, user, password):
    return call(base, "POST", f"/realms/{realm}/protocol/openid-connect/token",
                form={"grant_type": "password", "client_id": client, "username": user,
                      "password": password})["access_token"]


class Keycloak:
    """The calls above, bound to one server's base URL."""

    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None, form=None):
        return call(self.base, method, path, token, body, form)

    def token(self, realm, client, user, password):
        return token(self.base, realm, client, user, password)

    def admin_token(self):
        return self.token("master", "admin-cli", "admin", "admin")
