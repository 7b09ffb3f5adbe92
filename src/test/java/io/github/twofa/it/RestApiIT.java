package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.QrCodes;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole 2FA lifecycle over /realms/{realm}/two-factor, as an app would drive it with the user's token. */
class RestApiIT extends RealServerTest {

    private static String realm;
    private static ApiClient api;

    @BeforeAll
    static void realmWhereUsersOptIn() throws Exception {
        realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "skip"));
        api = new ApiClient(server, realm);
    }

    private record User(String id, String name, String password) {}

    private static User newUser() {
        String name = "api-" + UUID.randomUUID().toString().substring(0, 8);
        return new User(admin.createUser(realm, name, "pw-" + name, List.of()), name, "pw-" + name);
    }

    private static String token(User user) {
        return api.accessToken(user.name(), user.password(), null);
    }

    private static HttpResponse<String> post(String path, String token, String body) {
        return api.call("POST", "two-factor/" + path, token, body);
    }

    private static void assertError(int status, String error, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, ApiClient.json(response).get("error").asText(), response.body());
        assertTrue(ApiClient.json(response).hasNonNull("message"), response.body());
    }

    /** Setup then verify with the current code; returns the app's key, the step used, and the backup codes. */
    private record Enabled(byte[] key, long step, List<String> backupCodes) {}

    private static String passwordBody(User user) {
        return "{\"password\":\"" + user.password() + "\"}";
    }

    private static Enabled enable(User user, String token) {
        JsonNode setup = ApiClient.json(post("setup", token, passwordBody(user)));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(
                URI.create(QrCodes.decodeDataUri(setup.get("qrCode").asText()))));
        long step = IndependentTotp.currentStep();
        HttpResponse<String> verified = post("verify", token, "{\"code\":\"" + IndependentTotp.code(key, step) + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());
        return new Enabled(key, step, texts(ApiClient.json(verified).get("backupCodes")));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    @Test
    void givenUserWithout2fa_whenSettingUpAndVerifying_thenEnabledWithTenBackupCodesAndStatusSaysSo() {
        User user = newUser();
        String token = token(user);
        assertFalse(ApiClient.json(api.call("GET", "two-factor/status", token, null))
                .get("enabled")
                .asBoolean());

        JsonNode setup = ApiClient.json(post("setup", token, passwordBody(user)));
        String uri = QrCodes.decodeDataUri(setup.get("qrCode").asText());
        assertEquals(setup.get("otpauthUri").asText(), uri);
        assertEquals(
                Enrolment.secretOf(URI.create(uri)),
                setup.get("manualKey").asText().replace(" ", ""));
        assertTrue(setup.hasNonNull("expiresAt"));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(uri)));
        long step = IndependentTotp.currentStep();

        assertError(
                403,
                "invalid_code",
                post("verify", token, "{\"code\":\"" + IndependentTotp.code(key, step + 9) + "\"}"));
        HttpResponse<String> verified = post("verify", token, "{\"code\":\"" + IndependentTotp.code(key, step) + "\"}");

        assertEquals(200, verified.statusCode(), verified.body());
        assertEquals(10, ApiClient.json(verified).get("backupCodes").size());
        JsonNode status = ApiClient.json(api.call("GET", "two-factor/status", token, null));
        assertTrue(status.get("enabled").asBoolean());
        assertEquals(10, status.get("backupCodesRemaining").asInt());
        assertEquals("SHA1", status.get("algorithm").asText());
        assertEquals(6, status.get("digits").asInt());
        assertEquals(30, status.get("period").asInt());
        assertTrue(status.hasNonNull("verifiedAt") && status.hasNonNull("backupCodesGeneratedAt"));
        assertFalse(
                status.toString().contains(Enrolment.secretOf(URI.create(uri))), "status must not carry the secret");
    }

    @Test
    void givenStatesThatDoNotFit_whenCallingSetupOrVerify_thenConflictOrNotFound() {
        User user = newUser();
        String token = token(user);
        assertError(404, "no_pending_setup", post("verify", token, "{\"code\":\"123456\"}"));
        assertError(409, "not_enabled", post("backup-codes/regenerate", token, "{\"code\":\"123456\"}"));
        assertError(
                409,
                "not_enabled",
                post("disable", token, "{\"password\":\"" + user.password() + "\",\"code\":\"123456\"}"));

        enable(user, token);

        // 2FA on: another app needs a current code besides the password, and a verify needs a setup first.
        assertError(400, "invalid_request", post("setup", token, passwordBody(user)));
        assertError(404, "no_pending_setup", post("verify", token, "{\"code\":\"123456\"}"));
    }

    @Test
    void givenEnabledUser_whenRegeneratingWithACurrentCode_thenANewSetReplacesTheOldOne() {
        User user = newUser();
        String token = token(user);
        Enabled enabled = enable(user, token);

        assertError(403, "invalid_code", post("backup-codes/regenerate", token, "{\"code\":\"000000\"}"));
        HttpResponse<String> regenerated = post(
                "backup-codes/regenerate",
                token,
                "{\"code\":\"" + IndependentTotp.code(enabled.key(), enabled.step() + 1) + "\"}");

        assertEquals(200, regenerated.statusCode(), regenerated.body());
        List<String> fresh = texts(ApiClient.json(regenerated).get("backupCodes"));
        assertEquals(10, fresh.size());
        assertError(
                403,
                "invalid_code",
                post(
                        "backup-codes/regenerate",
                        token,
                        "{\"code\":\"" + enabled.backupCodes().get(0) + "\"}"));
        assertEquals(
                200,
                post("backup-codes/regenerate", token, "{\"code\":\"" + fresh.get(0) + "\"}")
                        .statusCode());
    }

    @Test
    void givenEnabledUser_whenDisabling_thenPasswordAndACurrentCodeAreBothNeeded() {
        User user = newUser();
        String token = token(user);
        Enabled enabled = enable(user, token);
        String code = enabled.backupCodes().get(3);

        assertError(
                403, "invalid_password", post("disable", token, "{\"password\":\"wrong\",\"code\":\"" + code + "\"}"));
        assertError(
                403,
                "invalid_code",
                post("disable", token, "{\"password\":\"" + user.password() + "\",\"code\":\"aaaaa-bbbbb\"}"));
        HttpResponse<String> disabled =
                post("disable", token, "{\"password\":\"" + user.password() + "\",\"code\":\"" + code + "\"}");

        assertEquals(200, disabled.statusCode(), disabled.body());
        assertFalse(ApiClient.json(api.call("GET", "two-factor/status", token, null))
                .get("enabled")
                .asBoolean());
        assertEquals(1, admin.credentials(realm, user.id()).size(), "only the password may be left");
    }

    @Test
    void givenNoOrABadToken_whenCallingAnyEndpoint_then401() {
        for (String path : List.of("status", "setup", "verify", "backup-codes/regenerate", "disable")) {
            String method = path.equals("status") ? "GET" : "POST";
            assertError(401, "not_authenticated", api.call(method, "two-factor/" + path, null, "{}"));
            assertError(401, "not_authenticated", api.call(method, "two-factor/" + path, "not.a.token", "{}"));
        }
    }

    @Test
    void givenMalformedBodies_whenPosting_thenClear400sOr413() {
        User user = newUser();
        String token = token(user);
        post("setup", token, passwordBody(user));
        for (String body : List.of(
                "",
                "not json",
                "[]",
                "null",
                "{\"code\": 123456}",
                "{\"code\": null}",
                "{}",
                "{\"code\":\"123456\",\"extra\":1}",
                "{\"code\": {\"a\": 1}}",
                "{\"code\":\"" + "9".repeat(300) + "\"}")) {
            assertError(400, "invalid_request", post("verify", token, body));
        }
        assertError(413, "request_too_large", post("verify", token, "{\"code\":\"" + "1".repeat(10_000) + "\"}"));
    }

    @Test
    void givenTwoUsers_whenATokenIsUsed_thenItOnlyEverSeesAndChangesItsOwnUser() {
        User alice = newUser();
        User bob = newUser();
        String bobToken = token(bob);
        enable(alice, token(alice));

        assertFalse(ApiClient.json(api.call("GET", "two-factor/status", bobToken, null))
                .get("enabled")
                .asBoolean());
        assertError(
                409,
                "not_enabled",
                post("disable", bobToken, "{\"password\":\"" + bob.password() + "\",\"code\":\"123456\"}"));
        assertEquals(
                403,
                api.adminCall("GET", "two-factor/users/" + alice.id(), bobToken, null)
                        .statusCode());
        assertEquals(
                403,
                api.adminCall("POST", "two-factor/users/" + alice.id() + "/reset", bobToken, null)
                        .statusCode());
        assertEquals(
                403, api.adminCall("GET", "two-factor/coverage", bobToken, null).statusCode());
        assertTrue(ApiClient.json(api.adminCall(
                        "GET", "two-factor/users/" + alice.id(), api.accessToken("helpdesk", "helpdesk", null), null))
                .get("enabled")
                .asBoolean());
    }

    @Test
    void givenATokenWithoutThePassword_whenStartingASetup_thenRefusedAndAWrongPasswordDoesNotTouchTheLoginBudget() {
        User user = newUser();
        String token = token(user);

        assertError(400, "invalid_request", post("setup", token, null));
        assertError(400, "invalid_request", post("setup", token, "{}"));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> wrong = post("setup", token, "{\"password\":\"guess-" + i + "\"}");
            assertTrue(wrong.statusCode() == 403 || wrong.statusCode() == 429, wrong.body());
        }

        assertError(429, "too_many_attempts", post("setup", token, passwordBody(user)));
        assertEquals(
                200,
                api.passwordGrant(user.name(), user.password(), null).statusCode(),
                "wrong passwords on the API must not lock the user out of logging in");
        assertEquals(
                200,
                post("setup", token(user), passwordBody(user)).statusCode(),
                "another login session has a budget of its own");
    }

    @Test
    void givenASetupStartedInOneSession_whenVerifyingWithAnotherSessionsToken_thenThereIsNoSetupToFinish() {
        User user = newUser();
        String first = token(user);
        JsonNode setup = ApiClient.json(post("setup", first, passwordBody(user)));
        byte[] key =
                IndependentTotp.base32Decode(setup.get("manualKey").asText().replace(" ", ""));
        String code = IndependentTotp.code(key, IndependentTotp.currentStep());

        assertError(404, "no_pending_setup", post("verify", token(user), "{\"code\":\"" + code + "\"}"));
        assertEquals(200, post("verify", first, "{\"code\":\"" + code + "\"}").statusCode());
    }
}
