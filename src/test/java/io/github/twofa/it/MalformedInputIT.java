package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BadInputs;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every form and endpoint of the extension gets the same {@link BadInputs}: each answer is a 4xx, never a 5xx,
 * and input that cannot be a code is answered 400 without spending one of the user's attempts (so the right code
 * still works afterwards).
 */
class MalformedInputIT extends RealServerTest {

    private static final List<String> BAD = BadInputs.strings();

    private static String realm;
    private static ApiClient api;

    @BeforeAll
    static void realmWhereUsersOptIn() throws Exception {
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("bruteForceProtected", false);
        for (JsonNode config : copy.withArray("authenticatorConfig")) {
            ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
        }
        realm = admin.importRealm(copy);
        api = new ApiClient(server, realm);
    }

    @Test
    void givenBadInputOnEveryLoginPage_thenEachIsRefusedWith400AndTheRightCodesStillWork() {
        admin.createUser(realm, "sweep-pages", "pw-sweep-pages", List.of());
        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin(Map.of("kc_action", "twofa-setup-totp"));
        var setup = browser.submit("#kc-form-login", Map.of("username", "sweep-pages", "password", "pw-sweep-pages"));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(Enrolment.scanQr(setup)));

        assertAllRefused("setup form", input -> browser.trySubmit("#twofa-setup-form", Map.of("code", input)), 400);
        long step = IndependentTotp.currentStep();
        List<String> backupCodes = Enrolment.readBackupCodes(
                browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step))));
        assertAllRefused(
                "backup codes confirmation",
                input -> browser.trySubmit("#twofa-backup-codes-form", Map.of("saved", input, "action", input)),
                400);
        Enrolment.confirmBackupCodesSaved(browser);
        assertTrue(browser.isRedirectedToClient(), "enrolment did not finish after the bad input");

        BrowserSession login = new BrowserSession(server, realm);
        login.loginWithPassword("sweep-pages", "pw-sweep-pages");
        assertAllRefused("code form", input -> login.trySubmit("#twofa-login-form", Map.of("code", input)), 400);
        login.submit("#twofa-use-backup-code-form", Map.of("use-backup-code", "true"));
        assertAllRefused(
                "backup code form",
                input -> login.trySubmit("#twofa-backup-code-form", Map.of("backupCode", input)),
                400);
        login.submit("#twofa-backup-code-form", Map.of("backupCode", backupCodes.get(0)));
        login.submit("#twofa-backup-codes-notice-form", Map.of("action", "continue"));
        assertTrue(login.isRedirectedToClient(), "bad input must not count as failed attempts: " + login.page());
    }

    @Test
    void givenBadInputAsTheOtpOfATokenRequest_thenEachIsRefusedWith400AndTheRightCodeStillWorks() {
        EnrolledKey user = enrolled("sweep-grant");

        assertAllRefused(
                "direct grant",
                input -> api.passwordGrant(user.username(), user.password(), input)
                        .statusCode(),
                400);

        assertEquals(
                200,
                api.passwordGrant(
                                user.username(),
                                user.password(),
                                user.backupCodes().get(0))
                        .statusCode());
    }

    @Test
    void givenBadCodesAndBodiesToVerify_thenEachIsA4xxAndThePendingSetupStillCompletes() {
        admin.createUser(realm, "sweep-verify", "pw-sweep-verify", List.of());
        String token = api.accessToken("sweep-verify", "pw-sweep-verify", null);
        HttpResponse<String> setup = api.call("POST", "two-factor/setup", token, json("password", "pw-sweep-verify"));
        assertAllBodiesRefused(
                "setup body",
                body -> api.call("POST", "two-factor/setup", token, body).statusCode());
        byte[] key = IndependentTotp.base32Decode(
                ApiClient.json(setup).get("manualKey").asText());

        assertAllRefused(
                "verify code",
                input -> api.call("POST", "two-factor/verify", token, json("code", input))
                        .statusCode(),
                400);
        assertAllBodiesRefused(
                "verify body",
                body -> api.call("POST", "two-factor/verify", token, body).statusCode());

        HttpResponse<String> verified = api.call(
                "POST",
                "two-factor/verify",
                token,
                json("code", IndependentTotp.code(key, IndependentTotp.currentStep())));
        assertEquals(200, verified.statusCode(), verified.body());
    }

    @Test
    void givenBadCodesAndBodiesToRegenerateAndDisable_thenEachIsA4xxAndNoAttemptIsSpent() {
        EnrolledKey user = enrolled("sweep-api");
        String token = api.accessToken(
                user.username(), user.password(), user.backupCodes().get(0));

        assertAllRefused(
                "regenerate code",
                input -> api.call("POST", "two-factor/backup-codes/regenerate", token, json("code", input))
                        .statusCode(),
                400);
        assertAllBodiesRefused(
                "regenerate body",
                body -> api.call("POST", "two-factor/backup-codes/regenerate", token, body)
                        .statusCode());
        assertAllRefused(
                "disable code",
                input -> api.call(
                                "POST",
                                "two-factor/disable",
                                token,
                                "{\"password\":\"" + user.password() + "\",\"code\":" + Http.JSON.valueToTree(input)
                                        + "}")
                        .statusCode(),
                400);
        assertAllBodiesRefused(
                "disable body",
                body -> api.call("POST", "two-factor/disable", token, body).statusCode());
        HttpResponse<String> regenerated = api.call(
                "POST",
                "two-factor/backup-codes/regenerate",
                token,
                json("code", user.backupCodes().get(1)));
        assertEquals(200, regenerated.statusCode(), "no attempt may have been spent: " + regenerated.body());

        assertAllRefused(
                "disable password",
                input -> api.call(
                                "POST",
                                "two-factor/disable",
                                token,
                                "{\"password\":" + Http.JSON.valueToTree(input) + ",\"code\":\"000000\"}")
                        .statusCode(),
                -1);
    }

    @Test
    void givenBadIdsAndParametersToTheAdminEndpoints_thenEachIsA4xx() {
        EnrolledKey helpdesk = enrolled("sweep-admin");
        admin.grantRealmManagementRoles(
                realm, admin.userId(realm, helpdesk.username()), List.of("view-users", "manage-users"));
        String token = api.accessToken(
                helpdesk.username(), helpdesk.password(), helpdesk.backupCodes().get(0));

        assertAllRefused(
                "user status",
                input -> api.adminCall("GET", "two-factor/users/" + urlPart(input), token, null)
                        .statusCode(),
                -1);
        assertAllRefused(
                "user reset",
                input -> api.adminCall("POST", "two-factor/users/" + urlPart(input) + "/reset", token, null)
                        .statusCode(),
                -1);
        for (String parameter : List.of("first", "max", "filter")) {
            // Plain numbers are fine paging (first=12345); everything else must be refused.
            assertAllRefused(
                    "coverage " + parameter,
                    input -> input.matches("[0-9]+")
                            ? 400
                            : api.adminCall(
                                            "GET",
                                            "two-factor/coverage?" + parameter + "=" + urlPart(input),
                                            token,
                                            null)
                                    .statusCode(),
                    400);
        }
    }

    private static EnrolledKey enrolled(String username) {
        return Enrolment.enrolNewUser(server, admin, realm, username, Map.of(), true);
    }

    /**
     * Sends every bad input; each must be answered 4xx (exactly {@code expected}, if not -1, or 413 / 414 for the
     * megabyte ones), none 5xx.
     */
    private static void assertAllRefused(String surface, Function<String, Integer> send, int expected) {
        List<String> wrong = new ArrayList<>();
        for (String input : BAD) {
            int status = send.apply(input);
            if (status < 400
                    || status >= 500
                    || (expected != -1 && status != expected && status != 413 && status != 414)) {
                wrong.add(status + " for " + describe(input));
            }
        }
        assertTrue(BAD.size() >= 50);
        assertTrue(wrong.isEmpty(), surface + ": " + wrong);
    }

    private static void assertAllBodiesRefused(String surface, Function<String, Integer> send) {
        List<String> wrong = new ArrayList<>();
        for (String body : BadInputs.jsonBodies()) {
            int status = send.apply(body);
            if (status < 400 || status >= 500) {
                wrong.add(status + " for " + describe(body));
            }
        }
        assertTrue(wrong.isEmpty(), surface + ": " + wrong);
    }

    private static String json(String field, String value) {
        return "{\"" + field + "\":" + Http.JSON.valueToTree(value) + "}";
    }

    /**
     * URL-encoded, and cut to 5,000 characters: longer request lines are refused by Keycloak's HTTP server (Vert.x)
     * before any of our code runs, by closing the connection mid-request rather than with a status to assert.
     */
    private static String urlPart(String input) {
        String encoded = URLEncoder.encode(input, StandardCharsets.UTF_8).replace("+", "%20");
        return encoded.length() > 5_000 ? encoded.substring(0, 5_000).replaceAll("%[0-9A-F]?$", "") : encoded;
    }

    private static String describe(String input) {
        String shown = input.length() > 40 ? input.substring(0, 40) + "... (" + input.length() + " chars)" : input;
        return shown.chars()
                .mapToObj(c -> c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .reduce("", String::concat);
    }
}
