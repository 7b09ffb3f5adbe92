package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
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

        // The database file has our sealed row. (The built-in row's bytes may stay in the file's old pages until the
        // database reuses them: README's migration guide says to vacuum, and to retire older backups.)
        java.nio.file.Path database = server.databaseFile().orElse(null);
        if (database != null) {
            byte[] dump =
                    DatabaseFile.awaitContains(database, ours.get("id").asText().getBytes(StandardCharsets.US_ASCII));
            assertTrue(DatabaseFile.contains(dump, "encryptedSecret".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** The user "legacy" with a password and Keycloak's own required actions {@code actions} (its set-up pages). */
    private static void createLegacyUser(String realm, List<String> actions) {
        Map<String, Object> user = new HashMap<>(AdminApi.user("legacy", List.of(AdminApi.password("pw-legacy"))));
        user.put("requiredActions", actions);
        assertEquals(201, admin.call("POST", "/" + realm + "/users", user).statusCode());
    }

    @Test
    void givenKeycloaksOwnRecoveryCodes_whenTheRealmSwitchesToOurStep_thenTheyWorkInAnyOrderOnceEachUntilANewSet()
            throws Exception {
        String realm = realmWithKeycloaksDefaults();
        createLegacyUser(realm, List.of("CONFIGURE_TOTP", "CONFIGURE_RECOVERY_AUTHN_CODES"));
        String userId = admin.userId(realm, "legacy");

        // Keycloak's own pages: its OTP set-up, then its recovery codes, read off the page as a person would.
        BrowserSession setup = new BrowserSession(server, realm);
        setup.startLogin();
        Document configureTotp = setup.submit("#kc-form-login", Map.of("username", "legacy", "password", "pw-legacy"));
        URI otpauth = URI.create(QrCodes.decodeDataUri(
                configureTotp.selectFirst("#kc-totp-secret-qr-code").attr("src").replace(" ", "")));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(otpauth));
        Document recoveryCodesPage = setup.submit(
                "#kc-totp-settings-form",
                Map.of("totp", IndependentTotp.code(key, IndependentTotp.currentStep()), "userLabel", "Phone"));
        List<String> recoveryCodes =
                recoveryCodesPage.select("#kc-recovery-codes-list li").eachText();
        assertEquals(12, recoveryCodes.size(), recoveryCodesPage.text());
        setup.submit("#kc-recovery-codes-settings-form", Map.of());
        assertTrue(setup.isRedirectedToClient(), "built-in set-up finished");
        assertNotNull(credential(realm, userId, "recovery-authn-codes"));

        switchBrowserFlowToOurStep(realm);
        switchDirectGrantToOurStep(realm);

        // Out of order: the ninth first, typed in lower case, where Keycloak's form would want the first.
        Document notice = loginWithBackupCode(realm, recoveryCodes.get(8).toLowerCase());
        assertEquals("11", notice.selectFirst("#twofa-backup-codes-remaining").attr("data-remaining"));
        assertNotNull(notice.selectFirst("#twofa-backup-codes-keycloak"), "invited to make a set of ours");
        assertEquals(
                11,
                remainingOf(credential(realm, userId, "recovery-authn-codes")),
                "a used code is gone from Keycloak's own record of the set too");

        Document refused = loginWithBackupCode(realm, recoveryCodes.get(8));
        assertNull(refused.selectFirst("#twofa-backup-codes-notice-form"), "the same code works only once");

        ApiClient api = new ApiClient(server, realm, BrowserSession.CLIENT_ID);
        assertEquals(
                200,
                api.passwordGrant("legacy", "pw-legacy", recoveryCodes.get(3)).statusCode(),
                "an API login takes one as well");
        assertEquals(
                400,
                api.passwordGrant("legacy", "pw-legacy", recoveryCodes.get(3)).statusCode(),
                "once (invalid_grant)");
        assertEquals(10, remainingOf(credential(realm, userId, "recovery-authn-codes")));

        // The notice's button makes a set of ours: it replaces Keycloak's codes once saved.
        Document afterCode = loginWithBackupCode(realm, recoveryCodes.get(0));
        assertNotNull(afterCode.selectFirst("#twofa-backup-codes-keycloak"), afterCode.text());
        Document newSet = lastLogin.submit("#twofa-backup-codes-notice-form", Map.of("action", "generate"));
        assertFalse(newSet.select("#twofa-backup-codes li, .twofa-backup-code").isEmpty(), newSet.text());
        lastLogin.submit("#twofa-backup-codes-form", Map.of("action", "confirm", "saved", "on"));
        assertTrue(lastLogin.isRedirectedToClient(), "a new set saved, the user is in");
        assertNull(credential(realm, userId, "recovery-authn-codes"), "Keycloak's codes are replaced");
        assertNotNull(credential(realm, userId, "twofa-backup-codes"));
        assertEquals(
                400,
                api.passwordGrant("legacy", "pw-legacy", recoveryCodes.get(5)).statusCode(),
                "an old Keycloak code works no more");
    }

    private BrowserSession lastLogin;

    /** Password, then the backup-code page with {@code code}; returns the page that follows. */
    private Document loginWithBackupCode(String realm, String code) {
        lastLogin = new BrowserSession(server, realm);
        lastLogin.startLogin();
        Document codePage = lastLogin.submit("#kc-form-login", Map.of("username", "legacy", "password", "pw-legacy"));
        assertNotNull(codePage.selectFirst("#twofa-login-form"), codePage.text());
        lastLogin.trySubmit("#twofa-login-form", Map.of("code", code));
        return lastLogin.page();
    }

    private static int remainingOf(JsonNode keycloakRecoveryCodes) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(keycloakRecoveryCodes.get("credentialData").asText())
                .get("remainingCodes")
                .asInt();
    }

    @Test
    void givenAUserWithOnlyKeycloaksRecoveryCodes_whenLoggingInWithThePassword_thenACodeIsAskedNotASetUp()
            throws Exception {
        String realm = realmWithKeycloaksDefaults();
        List<String> codes = List.of("AAAA2BBBB3CC", "DDDD4EEEE5FF", "GGGG6HHHH7JJ");
        List<Map<String, Object>> hashed = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-512")
                    .digest(codes.get(i).getBytes(StandardCharsets.UTF_8));
            hashed.add(Map.of(
                    "number",
                    i + 1,
                    "encodedHashedValue",
                    java.util.Base64.getEncoder().encodeToString(hash)));
        }
        Map<String, Object> recoveryCodes = Map.of(
                "type",
                "recovery-authn-codes",
                "userLabel",
                "Recovery codes",
                "secretData",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("codes", hashed)),
                "credentialData",
                "{\"hashIterations\":1,\"algorithm\":\"SHA-512\",\"remainingCodes\":3,\"totalCodes\":3}");
        HttpResponse<String> imported = admin.call(
                "POST",
                "/" + realm + "/partialImport",
                Map.of(
                        "ifResourceExists",
                        "FAIL",
                        "users",
                        List.of(AdminApi.user(
                                "codes-only", List.of(AdminApi.password("pw-codes-only"), recoveryCodes)))));
        assertEquals(200, imported.statusCode(), imported.body());
        switchBrowserFlowToOurStep(realm);

        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin();
        Document page = browser.submit("#kc-form-login", Map.of("username", "codes-only", "password", "pw-codes-only"));
        assertNotNull(
                page.selectFirst("#twofa-login-form"),
                "the code page, not a set-up after the password: " + page.text());
        assertNull(page.selectFirst("#twofa-qr-code"));
        browser.trySubmit("#twofa-login-form", Map.of("code", codes.get(2)));
        page = browser.page();
        // In with a recovery code, and then an app is set up: the codes run out.
        assertNotNull(page.selectFirst("#twofa-qr-code"), "an app is set up next: " + page.text());
    }

    @Test
    void givenAThousandBuiltInOtpUsers_whenAnAdminMigratesThemInPages_thenAllBecomeOursOnceAndTheirAppsLogIn() {
        String realm = realmWithKeycloaksDefaults();
        List<Map<String, Object>> users = new ArrayList<>();
        Map<String, byte[]> keys = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String username = String.format("bulk-%04d", i);
            String secret = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            keys.put(username, secret.getBytes(StandardCharsets.UTF_8));
            List<Map<String, Object>> credentials = new ArrayList<>(List.of(AdminApi.builtInTotp(secret, "Phone")));
            if (i < 2) {
                credentials.add(AdminApi.password("pw-" + username));
            }
            users.add(AdminApi.user(username, credentials));
        }
        users.add(
                Map.of(
                        "username",
                        "counter-based",
                        "enabled",
                        true,
                        "credentials",
                        List.of(
                                Map.of(
                                        "type", "otp",
                                        "secretData", "{\"value\":\"12345678901234567890\"}",
                                        "credentialData",
                                                "{\"subType\":\"hotp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}"))));
        // Two devices set up with Keycloak's form, and JSON stored with spaces (Keycloak reads it alike).
        users.add(
                Map.of(
                        "username",
                        "two-devices",
                        "enabled",
                        true,
                        "credentials",
                        List.of(
                                builtInTotp(
                                        "aaaaaaaaaaaaaaaaaaaa",
                                        "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}"),
                                builtInTotp(
                                        "bbbbbbbbbbbbbbbbbbbb",
                                        "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}"))));
        users.add(
                Map.of(
                        "username",
                        "spaced",
                        "enabled",
                        true,
                        "credentials",
                        List.of(
                                builtInTotp(
                                        "cccccccccccccccccccc",
                                        "{\"subType\": \"totp\", \"digits\": 6, \"counter\": 0, \"period\": 30, \"algorithm\": \"HmacSHA1\"}"))));
        HttpResponse<String> imported =
                admin.call("POST", "/" + realm + "/partialImport", Map.of("ifResourceExists", "FAIL", "users", users));
        assertEquals(200, imported.statusCode(), imported.body());
        String migrate = "/" + realm + "/two-factor/migrate-built-in-otp";

        assertEquals(
                400,
                admin.call("POST", migrate + "?dryRun=", null).statusCode(),
                "an empty dryRun never runs for real");
        JsonNode dryRun = admin.post(migrate + "?dryRun=true");
        assertEquals(1003, dryRun.get("remaining").asInt(), dryRun.toString());
        assertEquals(1, dryRun.get("hotpLeftAlone").asInt());
        assertEquals(0, dryRun.get("migrated").asInt());

        int migrated = 0;
        int pages = 0;
        String after = null;
        do {
            JsonNode page = admin.post(migrate + "?max=400" + (after == null ? "" : "&after=" + after));
            migrated += page.get("migrated").asInt();
            after = page.path("next").isNull() ? null : page.path("next").asText(null);
            pages++;
        } while (after != null);
        assertEquals(1002, migrated, "one credential per user");
        assertEquals(3, pages);

        JsonNode rerun = admin.post(migrate);
        assertEquals(0, rerun.get("migrated").asInt(), "a rerun finds nothing left: " + rerun);
        assertEquals(0, rerun.get("remaining").asInt());
        assertEquals(1, rerun.get("hotpLeftAlone").asInt(), "HOTP stays built-in");
        long adminEvents = StreamSupport.stream(
                        admin.get("/" + realm + "/admin-events?max=100").spliterator(), false)
                .filter(event -> event.path("resourcePath").asText().equals("two-factor/migrate-built-in-otp"))
                .count();
        assertEquals(4, adminEvents, "one admin event per page");
        for (String username : List.of("two-devices", "spaced")) {
            List<String> types = StreamSupport.stream(
                            admin.credentials(realm, admin.userId(realm, username))
                                    .spliterator(),
                            false)
                    .map(credential -> credential.get("type").asText())
                    .sorted()
                    .toList();
            assertEquals(
                    username.equals("two-devices") ? List.of("twofa-totp", "twofa-totp") : List.of("twofa-totp"),
                    types,
                    username + ": each device an app of ours, and no plain-text secret left");
        }
        assertEquals(
                1002,
                admin.get("/" + realm + "/two-factor/coverage")
                        .get("withTwoFactor")
                        .asInt());

        // A built-in credential this step cannot take (HOTP) goes with an admin reset, as a lost phone must.
        String counterBased = admin.userId(realm, "counter-based");
        assertEquals(
                false,
                admin.post("/" + realm + "/two-factor/users/" + counterBased + "/reset")
                        .get("enabled")
                        .asBoolean());
        assertEquals(0, admin.credentials(realm, counterBased).size(), "no built-in OTP left after the reset");

        switchBrowserFlowToOurStep(realm);
        for (String username : List.of("bulk-0000", "bulk-0001")) {
            assertTrue(
                    logsIn(realm, username, IndependentTotp.code(keys.get(username), IndependentTotp.currentStep())),
                    username + "'s app logs in after the bulk migration");
        }
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
