package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.DatabaseFile;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.QrCodes;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * A realm on Keycloak's built-in OTP switches its browser flow to our step: users log in with the app they already
 * have, without enrolling again, and their credential becomes ours on the first code (issue 15).
 */
class BuiltInOtpMigrationIT extends RealServerTest {

    @Test
    void givenAUserOfKeycloaksBuiltInOtp_whenTheRealmSwitchesToOurStep_thenTheSameAppLogsInAndTheCredentialBecomesOurs()
            throws Exception {
        String realm = realmWithKeycloaksDefaults();
        createLegacyUser(realm, List.of("CONFIGURE_TOTP"));
        String userId = admin.userId(realm, "legacy");

        // Keycloak's own OTP set-up page, read as a phone would read it: the QR code.
        BrowserSession setup = new BrowserSession(server, realm);
        setup.startLogin();
        Document configureTotp = setup.submit("#kc-form-login", Map.of("username", "legacy", "password", "pw-legacy"));
        assertNotNull(configureTotp.selectFirst("#kc-totp-settings-form"), configureTotp.text());
        URI otpauth = URI.create(QrCodes.decodeDataUri(
                configureTotp.selectFirst("#kc-totp-secret-qr-code").attr("src").replace(" ", "")));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(otpauth));
        // Steps S-1, S and S+1 around now: each code below stays within the ±1 window while the test runs.
        long step = IndependentTotp.currentStep();
        setup.submit(
                "#kc-totp-settings-form", Map.of("totp", IndependentTotp.code(key, step - 1), "userLabel", "My phone"));
        assertTrue(setup.isRedirectedToClient(), "built-in enrolment finished");
        JsonNode builtIn = credential(realm, userId, "otp");

        // A login with the built-in form just before the switch uses the code of step S.
        BrowserSession before = new BrowserSession(server, realm);
        before.startLogin();
        before.submit("#kc-form-login", Map.of("username", "legacy", "password", "pw-legacy"));
        before.submit("#kc-otp-login-form", Map.of("otp", IndependentTotp.code(key, step)));
        assertTrue(before.isRedirectedToClient(), "the built-in form took the code");

        JsonNode coverage = admin.get("/" + realm + "/two-factor/coverage?filter=built-in-otp");
        assertEquals(1, coverage.get("onBuiltInOtp").asInt(), coverage.toString());
        assertEquals(0, coverage.get("withTwoFactor").asInt());
        assertEquals(0, coverage.get("withoutTwoFactor").asInt(), "a built-in OTP user has 2FA");
        assertTrue(coverage.get("users").get(0).get("onBuiltInOtp").asBoolean());

        switchBrowserFlowToOurStep(realm);

        assertFalse(logsIn(realm, IndependentTotp.code(key, step)), "a code the built-in form accepted works no more");
        assertTrue(logsIn(realm, IndependentTotp.code(key, step + 1)), "the app the user already has logs in");
        assertFalse(logsIn(realm, IndependentTotp.code(key, step + 1)), "and its code only once");

        assertEquals(null, credential(realm, userId, "otp"), "the plain-text credential is gone");
        JsonNode ours = credential(realm, userId, "twofa-totp");
        assertNotNull(ours, "the credential is ours now");
        assertEquals("My phone", ours.get("userLabel").asText());
        assertEquals(
                builtIn.get("createdDate").asLong(), ours.get("createdDate").asLong());
        assertFalse(ours.toString().contains(Enrolment.secretOf(otpauth)), "no secret in clear");

        // The database file: our sealed row is there, and the built-in row's plain-text secret is not.
        java.nio.file.Path database = server.databaseFile().orElse(null);
        if (database != null) {
            byte[] dump =
                    DatabaseFile.awaitContains(database, ours.get("id").asText().getBytes(StandardCharsets.US_ASCII));
            assertFalse(DatabaseFile.contains(dump, key), "the plain-text secret is still in the database file");
        }
    }

    /** The user "legacy" with a password and Keycloak's own required actions {@code actions} (its set-up pages). */
    private static void createLegacyUser(String realm, List<String> actions) {
        Map<String, Object> user = new HashMap<>(AdminApi.user("legacy", List.of(AdminApi.password("pw-legacy"))));
        user.put("requiredActions", actions);
        assertEquals(201, admin.call("POST", "/" + realm + "/users", user).statusCode());
    }

    private static Map<String, Object> builtInTotp(String secret, String credentialData) {
        return Map.of("type", "otp", "secretData", "{\"value\":\"" + secret + "\"}", "credentialData", credentialData);
    }

    /** A realm made as Keycloak makes one (its own browser flow with the built-in OTP form), with admin events on. */
    private static String realmWithKeycloaksDefaults() {
        String realm = "builtin-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(
                201,
                admin.call(
                                "POST",
                                "",
                                Map.of(
                                        "realm",
                                        realm,
                                        "enabled",
                                        true,
                                        "adminEventsEnabled",
                                        true,
                                        "adminEventsDetailsEnabled",
                                        true))
                        .statusCode());
        assertEquals(
                201,
                admin.call(
                                "POST",
                                "/" + realm + "/clients",
                                Map.of(
                                        "clientId",
                                        BrowserSession.CLIENT_ID,
                                        "publicClient",
                                        true,
                                        "standardFlowEnabled",
                                        true,
                                        "directAccessGrantsEnabled",
                                        true,
                                        "redirectUris",
                                        List.of("http://localhost:8081/*"),
                                        "attributes",
                                        Map.of("pkce.code.challenge.method", "S256")))
                        .statusCode());
        return realm;
    }

    private static boolean logsIn(String realm, String code) {
        return logsIn(realm, "legacy", code);
    }

    private static boolean logsIn(String realm, String username, String code) {
        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin();
        Document codePage =
                browser.submit("#kc-form-login", Map.of("username", username, "password", "pw-" + username));
        assertNotNull(codePage.selectFirst("#twofa-login-form"), "our code page, no enrolment: " + codePage.text());
        browser.trySubmit("#twofa-login-form", Map.of("code", code));
        return browser.isRedirectedToClient();
    }

    private static JsonNode credential(String realm, String userId, String type) {
        return StreamSupport.stream(admin.credentials(realm, userId).spliterator(), false)
                .filter(credential -> type.equals(credential.get("type").asText()))
                .findFirst()
                .orElse(null);
    }

    /**
     * What README's set-up tells an admin: a copy of the browser flow whose OTP form is replaced by our step, bound
     * as the browser flow.
     */
    private static void switchBrowserFlowToOurStep(String realm) {
        // Setup step 1: the extension's required actions, as the console's switch registers them.
        for (String action : List.of("twofa-setup-totp", "twofa-backup-codes")) {
            String actions = "/" + realm + "/authentication";
            if (admin.call("GET", actions + "/required-actions/" + action, null).statusCode() == 404) {
                assertEquals(
                        204,
                        admin.call(
                                        "POST",
                                        actions + "/register-required-action",
                                        Map.of("providerId", action, "name", action))
                                .statusCode());
            }
        }
        replaceInCopy(realm, "browser", "migrated", "auth-otp-form", "twofa-totp-authenticator", "browserFlow");
    }

    /** The same for API logins: Keycloak's direct-grant OTP check replaced by ours. */
    private static void switchDirectGrantToOurStep(String realm) {
        replaceInCopy(
                realm,
                "direct grant",
                "migrated-direct-grant",
                "direct-grant-validate-otp",
                "twofa-direct-grant",
                "directGrantFlow");
    }

    private static void replaceInCopy(
            String realm, String flow, String copy, String builtInStep, String ourStep, String binding) {
        String flows = "/" + realm + "/authentication/flows";
        assertEquals(
                201,
                admin.call(
                                "POST",
                                flows + "/" + Http.encode(flow).replace("+", "%20") + "/copy",
                                Map.of("newName", copy))
                        .statusCode());
        List<JsonNode> executions = StreamSupport.stream(
                        admin.get(flows + "/" + copy + "/executions").spliterator(), false)
                .toList();
        JsonNode otpStep = executions.stream()
                .filter(execution ->
                        builtInStep.equals(execution.path("providerId").asText()))
                .findFirst()
                .orElseThrow();
        // The list is the flow in order, each sub-flow before its steps: the OTP step's sub-flow is the nearest
        // sub-flow one level up before it.
        int at = executions.indexOf(otpStep);
        String subFlow = null;
        for (int k = at - 1; k >= 0 && subFlow == null; k--) {
            JsonNode candidate = executions.get(k);
            if (candidate.path("authenticationFlow").asBoolean()
                    && candidate.get("level").asInt() == otpStep.get("level").asInt() - 1) {
                subFlow = candidate.get("displayName").asText();
            }
        }
        assertNotNull(subFlow, "the OTP step's sub-flow");
        ((ObjectNode) otpStep).put("requirement", "DISABLED");
        assertEquals(
                204,
                admin.call("PUT", flows + "/" + copy + "/executions", otpStep).statusCode());
        HttpResponse<String> added = admin.call(
                "POST",
                flows + "/" + Http.encode(subFlow).replace("+", "%20") + "/executions/execution",
                Map.of("provider", ourStep));
        assertEquals(201, added.statusCode(), added.body());
        JsonNode ours = StreamSupport.stream(
                        admin.get(flows + "/" + copy + "/executions").spliterator(), false)
                .filter(execution -> ourStep.equals(execution.path("providerId").asText()))
                .findFirst()
                .orElseThrow();
        ((ObjectNode) ours).put("requirement", "REQUIRED");
        assertEquals(
                204, admin.call("PUT", flows + "/" + copy + "/executions", ours).statusCode());
        assertEquals(204, admin.call("PUT", "/" + realm, Map.of(binding, copy)).statusCode());
    }
}
