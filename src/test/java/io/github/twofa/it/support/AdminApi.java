package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keycloak's admin REST API, as the test's administrator (bootstrap admin of the master realm). */
public final class AdminApi {

    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    public AdminApi(KeycloakServer server) {
        this.baseUrl = server.baseUrl();
    }

    /** An access token of the master realm's administrator. */
    public String token() {
        HttpResponse<String> response = Http.send(
                http,
                HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of(
                                "grant_type",
                                "password",
                                "client_id",
                                "admin-cli",
                                "username",
                                KeycloakServer.ADMIN_USER,
                                "password",
                                KeycloakServer.ADMIN_PASSWORD))))
                        .build());
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response.body()).get("access_token").asText();
    }

    public HttpResponse<String> call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms" + path))
                .header("Authorization", "Bearer " + token());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofString(
                                    body instanceof String s
                                            ? s
                                            : Http.JSON.valueToTree(body).toString()));
        }
        HttpResponse<String> response = Http.send(http, request.build());
        OpenApiContract.check(
                method, URI.create(baseUrl + "/admin/realms" + path).getPath(), response);
        return response;
    }

    /** A POST without a body that must answer 200; its JSON. */
    public JsonNode post(String path) {
        HttpResponse<String> response = call("POST", path, null);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return Http.json(response.body());
    }

    public JsonNode get(String path) {
        HttpResponse<String> response = call("GET", path, null);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return Http.json(response.body());
    }

    /** The demo realm's representation (realm-export.json) under a new, unique realm name. */
    public static ObjectNode demoRealmCopy() throws IOException {
        String name = "copy-" + UUID.randomUUID().toString().substring(0, 8);
        // Keycloak's own clients (account console, admin console) name their realm in their URLs.
        String json = Files.readString(Path.of(System.getProperty("kc.test.realmFile")))
                .replace("\"/realms/demo/", "\"/realms/" + name + "/")
                .replace("\"/admin/demo/", "\"/admin/" + name + "/");
        ObjectNode realm = (ObjectNode) Http.JSON.readTree(json);
        realm.put("realm", name);
        return realm;
    }

    /** Creates a realm from its representation; returns its name. */
    public String importRealm(ObjectNode realm) {
        HttpResponse<String> created = call("POST", "", realm.toString());
        assertEquals(201, created.statusCode(), created.body());
        return realm.get("realm").asText();
    }

    /** Imports the demo realm under a new name, with both 2FA executions (browser, direct grant) configured as given. */
    public String importDemoRealmCopy(Map<String, String> totpExecutionConfig) throws IOException {
        ObjectNode realm = demoRealmCopy();
        for (JsonNode config : realm.withArray("authenticatorConfig")) {
            String alias = config.get("alias").asText();
            if ("twofa totp".equals(alias) || "twofa direct grant".equals(alias)) {
                totpExecutionConfig.forEach(((ObjectNode) config.get("config"))::put);
            }
        }
        return importRealm(realm);
    }

    /**
     * A user as the admin API takes it: enabled, with a verified e-mail and names (a complete profile, so no page asks
     * for one), and {@code credentials} as given.
     */
    public static Map<String, Object> user(String username, List<Map<String, Object>> credentials) {
        return Map.of(
                "username",
                username,
                "enabled",
                true,
                "email",
                username + "@example.org",
                "emailVerified",
                true,
                "firstName",
                "Test",
                "lastName",
                "User",
                "credentials",
                credentials);
    }

    /** The credential of a password that is not temporary. */
    public static Map<String, Object> password(String password) {
        return Map.of("type", "password", "value", password, "temporary", false);
    }

    /** Keycloak's built-in TOTP credential (type {@code otp}) as its own set-up page stores it. */
    public static Map<String, Object> builtInTotp(String secret, String label) {
        return Map.of(
                "type",
                "otp",
                "userLabel",
                label,
                "secretData",
                "{\"value\":\"" + secret + "\"}",
                "credentialData",
                "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
    }

    /** Creates an enabled user with a password and a complete profile; returns the user id. */
    public String createUser(String realm, String username, String password, List<String> realmRoles) {
        HttpResponse<String> created =
                call("POST", "/" + realm + "/users", user(username, List.of(password(password))));
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        for (String roleName : realmRoles) {
            JsonNode role = get("/" + realm + "/roles/" + roleName);
            HttpResponse<String> mapped =
                    call("POST", "/" + realm + "/users/" + id + "/role-mappings/realm", List.of(role));
            assertTrue(mapped.statusCode() == 204, mapped.body());
        }
        return id;
    }

    /** Gives the user client roles of realm-management, such as view-users or manage-users. */
    public void grantRealmManagementRoles(String realm, String userId, List<String> roleNames) {
        JsonNode clients = get("/" + realm + "/clients?clientId=realm-management");
        String clientId = clients.get(0).get("id").asText();
        List<JsonNode> roles = roleNames.stream()
                .map(name -> get("/" + realm + "/clients/" + clientId + "/roles/" + name))
                .toList();
        HttpResponse<String> mapped =
                call("POST", "/" + realm + "/users/" + userId + "/role-mappings/clients/" + clientId, roles);
        assertEquals(204, mapped.statusCode(), mapped.body());
    }

    /** The id of the user with exactly this username. */
    public String userId(String realm, String username) {
        return get("/" + realm + "/users?exact=true&username=" + username)
                .get(0)
                .get("id")
                .asText();
    }

    /** Imports a copy of the demo realm in which Keycloak's brute-force detection is off. */
    public String importDemoRealmCopyWithoutBruteForceDetection() throws IOException {
        ObjectNode copy = demoRealmCopy();
        copy.put("bruteForceProtected", false);
        return importRealm(copy);
    }

    /**
     * Waits until Keycloak's brute-force detection has recorded {@code failures} failed logins of the user. It records
     * them after the request, in the background, and until it has, the node answers the user's next login as
     * "temporarily disabled" (its blocking protector), so a test that logs in right after a deliberate failure waits.
     */
    public void awaitLoginFailuresRecorded(String realm, String userId, int failures) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (get("/" + realm + "/attack-detection/brute-force/users/" + userId)
                        .path("numFailures")
                        .asInt()
                < failures) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Keycloak did not record " + failures + " failed logins of " + userId);
            }
            pause(50);
        }
        // The record is committed; the protector lets go of the user right after that commit.
        pause(200);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode credentials(String realm, String userId) {
        return get("/" + realm + "/users/" + userId + "/credentials");
    }

    /** The user's credentials of one type, as the admin API lists them. */
    public List<JsonNode> credentials(String realm, String userId, String type) {
        return StreamSupport.stream(credentials(realm, userId).spliterator(), false)
                .filter(credential -> type.equals(credential.get("type").asText()))
                .toList();
    }

    /** How many backup codes the user has left, as our admin endpoint says (the stored set keeps its used codes). */
    public int backupCodesRemaining(String realm, String userId) {
        return get("/" + realm + "/two-factor/users/" + userId)
                .get("backupCodesRemaining")
                .asInt();
    }

    /** The user's stored login events of one type (at most 1000), newest first. */
    public List<JsonNode> userEvents(String realm, String userId, String type) {
        return StreamSupport.stream(
                        get("/" + realm + "/events?max=1000&type=" + type + "&user=" + userId)
                                .spliterator(),
                        false)
                .toList();
    }
}
