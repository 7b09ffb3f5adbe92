package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Importing authenticator apps from another system (issue 15): 100 otpauth URIs, some malformed; the good ones log in
 * with codes computed here, the bad ones come back with their line and reason, and no secret shows up anywhere.
 */
class OtpAuthImportIT extends RealServerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String realm;
    private static String importPath;

    @BeforeAll
    static void realm() throws Exception {
        realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "skip"));
        assertEquals(
                204,
                admin.call("PUT", "/" + realm, Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true))
                        .statusCode());
        importPath = "/" + realm + "/two-factor/import-otpauth";
    }

    @Test
    void givenAHundredUrisSomeMalformed_whenImported_thenTheGoodOnesLogInAndTheBadOnesAreListedWithTheirReason()
            throws Exception {
        String prefix = "imp-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, byte[]> keys = new HashMap<>();
        List<String> secrets = new ArrayList<>();
        StringBuilder csv = new StringBuilder("username,otpauth_uri,label\n");
        Map<Integer, String> expectedReasons = new HashMap<>();
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String username = prefix + "-" + i;
            users.add(AdminApi.user(username, List.of(AdminApi.password("pw-" + username))));
        }
        HttpResponse<String> created =
                admin.call("POST", "/" + realm + "/partialImport", Map.of("ifResourceExists", "FAIL", "users", users));
        assertEquals(200, created.statusCode(), created.body());
        for (int i = 0; i < 100; i++) {
            String username = prefix + "-" + i;
            byte[] key = new byte[20];
            RANDOM.nextBytes(key);
            String secret = base32(key);
            secrets.add(secret);
            int line = i + 2;
            String uri;
            if (i % 10 == 3) {
                uri = "https://authenticator.example/totp?secret=" + secret;
                expectedReasons.put(line, "not an otpauth:// URI");
            } else if (i % 10 == 6) {
                uri = "otpauth://totp/ACME:" + username + "?secret=" + secret.substring(0, 20) + "189" + "&issuer=ACME";
                expectedReasons.put(line, "not Base32");
            } else if (i % 10 == 9) {
                uri = "otpauth://totp/ACME:" + username + "?secret=" + secret + "&algorithm=MD5";
                expectedReasons.put(line, "unknown algorithm");
            } else {
                uri = "otpauth://totp/ACME:" + username + "?secret=" + secret + "&issuer=ACME";
                keys.put(username, key);
            }
            csv.append(username).append(',').append(uri).append(',');
            csv.append(i == 0 ? "\"Phone, \"\"old\"\"\"" : (i == 1 ? "" : "Token " + i))
                    .append('\n');
        }
        csv.append("nobody-" + prefix + ",otpauth://totp/x?secret=" + secrets.get(0) + ",x\n");
        expectedReasons.put(102, "no user");
        // Columns swapped, as a spreadsheet may export them: the "username" is a URI, and is not echoed.
        csv.append("otpauth://totp/x?secret=" + secrets.get(1) + "," + prefix + "-1,x\n");
        expectedReasons.put(103, "no user");

        JsonNode dryRun = importCsv(csv.toString(), true);
        assertEquals(70, dryRun.get("imported").asInt(), dryRun.toString());
        assertEquals(
                1, admin.credentials(realm, admin.userId(realm, prefix + "-0")).size(), "a dry run stores nothing");

        JsonNode report = importCsv(csv.toString(), false);
        assertEquals(false, report.get("dryRun").asBoolean());
        assertEquals(102, report.get("lines").asInt());
        assertEquals(70, report.get("imported").asInt(), report.toString());
        Map<Integer, String> reasons = new HashMap<>();
        report.get("refused")
                .forEach(refusal -> reasons.put(
                        refusal.get("line").asInt(), refusal.get("reason").asText()));
        assertEquals(expectedReasons.keySet(), reasons.keySet(), report.toString());
        expectedReasons.forEach((line, reason) ->
                assertTrue(reasons.get(line).contains(reason), "line " + line + ": " + reasons.get(line)));
        for (String secret : secrets) {
            assertFalse(report.toString().contains(secret.substring(0, 16)), "no secret in the answer");
        }

        JsonNode rerun = importCsv(csv.toString(), false);
        assertEquals(0, rerun.get("imported").asInt(), "a rerun adds nothing: " + rerun);
        assertEquals(70, rerun.get("alreadyPresent").asInt());

        // The good ones log in with codes computed here; the names are the labels, or the issuer without one.
        ApiClient api = new ApiClient(server, realm);
        for (String username : List.of(prefix + "-0", prefix + "-1", prefix + "-42")) {
            HttpResponse<String> login = api.passwordGrant(
                    username,
                    "pw-" + username,
                    IndependentTotp.code(keys.get(username), IndependentTotp.currentStep()));
            assertEquals(200, login.statusCode(), username + ": " + login.body());
        }
        List<String> labels = admin.credentials(realm, admin.userId(realm, prefix + "-0"), "twofa-totp").stream()
                .map(credential -> credential.get("userLabel").asText())
                .toList();
        assertEquals(List.of("Phone, \"old\""), labels);
        assertEquals(
                "ACME",
                admin.credentials(realm, admin.userId(realm, prefix + "-1"), "twofa-totp")
                        .get(0)
                        .get("userLabel")
                        .asText());
        for (JsonNode credential : admin.credentials(realm, admin.userId(realm, prefix + "-42"))) {
            assertFalse(credential
                    .toString()
                    .contains(base32(keys.get(prefix + "-42")).substring(0, 16)));
        }

        // Admin events: one per import (not the dry run), counts only.
        List<JsonNode> events = StreamSupport.stream(
                        admin.get("/" + realm + "/admin-events?max=50").spliterator(), false)
                .filter(event -> event.path("resourcePath").asText().equals("two-factor/import-otpauth"))
                .toList();
        assertEquals(2, events.size(), events.toString());
        String log = server.consoleLog();
        for (String secret : secrets) {
            assertFalse(events.toString().contains(secret.substring(0, 16)), "no secret in an admin event");
            assertFalse(log.contains(secret.substring(0, 16)), "no secret in the server log");
        }
        assertFalse(log.contains("otpauth://totp/ACME"), "no URI in the server log");
    }

    @Test
    void givenJson_whenImported_thenTheSameRulesApplyAndBadRequestsAreRefused() throws Exception {
        String username = "imp-json-" + UUID.randomUUID().toString().substring(0, 6);
        admin.createUser(realm, username, "pw-" + username, List.of());
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        Map<String, Object> body = Map.of(
                "users",
                List.of(
                        Map.of(
                                "username",
                                username,
                                "otpauthUri",
                                "otpauth://totp/x?secret=" + base32(key) + "&digits=8&algorithm=SHA256",
                                "label",
                                "Hardware token"),
                        Map.of("username", username, "otpauthUri", "otpauth://hotp/x?secret=" + base32(key))));
        HttpResponse<String> imported = admin.call("POST", importPath, body);
        assertEquals(200, imported.statusCode(), imported.body());
        JsonNode report = new ObjectMapper().readTree(imported.body());
        assertEquals(1, report.get("imported").asInt());
        assertEquals(2, report.get("refused").get(0).get("line").asInt());
        assertTrue(report.get("refused").get(0).get("reason").asText().contains("hotp"));

        HttpResponse<String> login = new ApiClient(server, realm)
                .passwordGrant(
                        username,
                        "pw-" + username,
                        IndependentTotp.code(key, IndependentTotp.currentStep(), "HmacSHA256", 8));
        assertEquals(200, login.statusCode(), "SHA-256, 8 digits as the URI said: " + login.body());

        assertEquals(400, admin.call("POST", importPath + "?dryRun=", body).statusCode(), "an empty dryRun");
        assertEquals(
                400, admin.call("POST", importPath, Map.of("people", List.of())).statusCode());
    }

    private static JsonNode importCsv(String csv, boolean dryRun) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms" + importPath
                                        + (dryRun ? "?dryRun=true" : "")))
                                .header("Authorization", "Bearer " + admin.token())
                                .header("Content-Type", "text/csv; charset=utf-8")
                                .POST(HttpRequest.BodyPublishers.ofString(csv))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static String base32(byte[] key) {
        return IndependentTotp.base32Encode(key);
    }
}
