package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** Losing the phone: logging in with backup codes through the real login pages. */
class BackupCodesLoginIT extends RealServerTest {

    private static EnrolledKey enrolNewUser() {
        return Enrolment.enrolNewUser(
                server, admin, "demo", "bc-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Password, then "use a backup code", then the code; returns the page after it (or null at the client). */
    private static Document loginWithBackupCode(BrowserSession browser, EnrolledKey user, String backupCode) {
        browser.loginWithPassword(user.username(), user.password());
        browser.submit("#twofa-use-backup-code-form", Map.of("use-backup-code", "true"));
        return browser.submit("#twofa-backup-code-form", Map.of("backupCode", backupCode));
    }

    private static int remainingShown(Document notice) {
        assertNotNull(notice, "expected the page saying how many codes are left");
        return Integer.parseInt(
                notice.selectFirst("#twofa-backup-codes-remaining").attr("data-remaining"));
    }

    /** The page after the first backup code says 9 are left; "Continue" ends a login with password and second factor. */
    private static void assertNineLeftThenLoggedInWithTwoFactors(BrowserSession browser, Document notice) {
        assertEquals(9, remainingShown(notice));
        browser.submit("#twofa-backup-codes-notice-form", Map.of("action", "continue"));
        assertEquals(
                List.of("pwd", "otp"),
                TotpEnrolmentAndLoginIT.amr(
                        browser.exchangeCodeForTokens().get("id_token").asText()));
    }

    @Test
    void givenEnrolment_thenTenReadableCodesOfFiftyBitsAreShownOnce() {
        EnrolledKey user = enrolNewUser();

        assertEquals(10, user.backupCodes().size());
        assertEquals(10, user.backupCodes().stream().distinct().count());
        user.backupCodes()
                .forEach(code -> assertTrue(code.matches("[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}"), code));
    }

    @Test
    void givenBackupCodes_whenOneIsUsed_thenTheLoginSucceedsAndThePageSaysNineAreLeft() {
        EnrolledKey user = enrolNewUser();
        BrowserSession browser = new BrowserSession(server, "demo");

        Document notice = loginWithBackupCode(browser, user, user.backupCodes().get(4));

        assertNull(notice.selectFirst("#twofa-backup-codes-low"), "9 codes are not few");
        assertNineLeftThenLoggedInWithTwoFactors(browser, notice);
    }

    @Test
    void givenABackupCodeTypedIntoTheCodePagesOwnField_thenTheLoginSucceedsWithoutTheBackupCodePage() {
        EnrolledKey user = enrolNewUser();
        BrowserSession browser = new BrowserSession(server, "demo");
        Document codePage = browser.loginWithPassword(user.username(), user.password());
        assertTrue(codePage.selectFirst("#twofa-login-instruction").text().contains("backup codes"), codePage.text());

        Document notice = browser.submit(
                "#twofa-login-form", Map.of("code", user.backupCodes().get(5)));

        assertNineLeftThenLoggedInWithTwoFactors(browser, notice);
    }

    @Test
    void givenAWrongBackupCodeTypedIntoTheCodePagesOwnField_thenItIsRefusedAsABackupCode() {
        EnrolledKey user = enrolNewUser();
        BrowserSession browser = new BrowserSession(server, "demo");
        browser.loginWithPassword(user.username(), user.password());

        Document refused = browser.submit("#twofa-login-form", Map.of("code", "zzzzz-zzzzz"));

        assertFalse(browser.isRedirectedToClient());
        assertTrue(
                refused.selectFirst("#input-error-code").text().contains("backup code is not valid"), refused.text());
    }

    @Test
    void givenUsedBackupCode_whenUsedAgain_thenRefused() {
        EnrolledKey user = enrolNewUser();
        String code = user.backupCodes().get(0);
        BrowserSession first = new BrowserSession(server, "demo");
        loginWithBackupCode(first, user, code);
        first.submit("#twofa-backup-codes-notice-form", Map.of("action", "continue"));
        assertTrue(first.isRedirectedToClient());

        BrowserSession again = new BrowserSession(server, "demo");
        Document refused = loginWithBackupCode(again, user, code);

        assertFalse(again.isRedirectedToClient());
        assertNotNull(refused.selectFirst("#input-error-backupCode"), refused.text());
    }

    @Test
    void givenBackupCodes_whenUsedOutOfOrderAndTypedSloppily_thenEachWorks() {
        EnrolledKey user = enrolNewUser();
        String seventh = user.backupCodes().get(7);
        String sloppy = " " + user.backupCodes().get(2).toUpperCase(Locale.ROOT).replace("-", " ") + " ";

        assertEquals(9, remainingShown(loginWithBackupCode(new BrowserSession(server, "demo"), user, seventh)));
        assertEquals(8, remainingShown(loginWithBackupCode(new BrowserSession(server, "demo"), user, sloppy)));
    }

    @Test
    void givenFewCodesLeft_whenLoggingIn_thenANewSetIsOfferedAndOnceMadeTheOldCodesStopWorking() {
        EnrolledKey user = enrolNewUser();
        for (int i = 0; i < 6; i++) {
            loginWithBackupCode(
                    new BrowserSession(server, "demo"), user, user.backupCodes().get(i));
        }
        BrowserSession browser = new BrowserSession(server, "demo");

        Document notice = loginWithBackupCode(browser, user, user.backupCodes().get(6));

        assertEquals(3, remainingShown(notice));
        assertNotNull(notice.selectFirst("#twofa-backup-codes-low"), "3 codes left must be called few");
        List<String> newCodes = Enrolment.readBackupCodes(
                browser.submit("#twofa-backup-codes-notice-form", Map.of("action", "generate")));
        Enrolment.confirmBackupCodesSaved(browser);
        assertTrue(browser.isRedirectedToClient());

        BrowserSession withOldCode = new BrowserSession(server, "demo");
        loginWithBackupCode(withOldCode, user, user.backupCodes().get(8));
        assertFalse(withOldCode.isRedirectedToClient(), "an old code must stop working once a new set is made");
        assertEquals(9, remainingShown(loginWithBackupCode(new BrowserSession(server, "demo"), user, newCodes.get(0))));
    }

    @Test
    void givenLastCodeUsed_whenLoggingIn_thenANewSetIsRequiredBeforeTheLoginCompletes() {
        EnrolledKey user = enrolNewUser();
        for (int i = 0; i < 9; i++) {
            loginWithBackupCode(
                    new BrowserSession(server, "demo"), user, user.backupCodes().get(i));
        }
        BrowserSession browser = new BrowserSession(server, "demo");

        Document page = loginWithBackupCode(browser, user, user.backupCodes().get(9));

        assertFalse(browser.isRedirectedToClient());
        List<String> newCodes = Enrolment.readBackupCodes(page);
        assertEquals(10, newCodes.size());
        Document notConfirmed = browser.submit("#twofa-backup-codes-form", Map.of("action", "confirm"));
        assertEquals(newCodes, Enrolment.readBackupCodes(notConfirmed), "the same codes until the user confirms");
        assertNotNull(notConfirmed.selectFirst("#input-error-saved"));
        Enrolment.confirmBackupCodesSaved(browser);
        assertTrue(browser.isRedirectedToClient());
    }

    @Test
    void
            givenEnrolledUser_whenAskingForNewCodesFromTheAccountConsole_thenTheLoginNeedsTheSecondFactorAndOldCodesStop() {
        EnrolledKey user = enrolNewUser();
        BrowserSession browser = new BrowserSession(server, "demo");
        browser.startLogin(Map.of("kc_action", "twofa-backup-codes"));
        Document codePage =
                browser.submit("#kc-form-login", Map.of("username", user.username(), "password", user.password()));
        assertNotNull(codePage.selectFirst("#twofa-login-form"), "new codes must need a fresh second factor");

        Document replacePage = browser.submit(
                "#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 1)));
        assertNotNull(
                replacePage.selectFirst("#twofa-backup-codes-replace"),
                "a new set only when asked for: " + replacePage.text());
        Document codes = browser.submit("#twofa-backup-codes-notice-form", Map.of("action", "generate"));
        List<String> fresh = Enrolment.readBackupCodes(codes);
        Enrolment.confirmBackupCodesSaved(browser);

        assertTrue(browser.isRedirectedToClient());
        BrowserSession withOld = new BrowserSession(server, "demo");
        loginWithBackupCode(withOld, user, user.backupCodes().get(0));
        assertFalse(withOld.isRedirectedToClient(), "old codes must stop working");
        assertEquals(9, remainingShown(loginWithBackupCode(new BrowserSession(server, "demo"), user, fresh.get(0))));
    }

    /**
     * A used code is recorded apart from the set, whose credential row stays as stored: an admin renaming the set
     * through Keycloak's admin API (which writes back the copy Keycloak cached before the code was used) cannot bring
     * the code back, and the count of codes left comes from the record.
     */
    @Test
    void givenACodeUsed_thenTheAdminStatusShowsOneLess_andRenamingTheSetDoesNotReviveIt() {
        EnrolledKey user = enrolNewUser();
        String userId = admin.userId("demo", user.username());
        JsonNode before = backupCodeSet(userId);
        assertEquals(10, remainingInAdminStatus(userId));
        String code = user.backupCodes().get(3);

        assertEquals(9, remainingShown(loginWithBackupCode(new BrowserSession(server, "demo"), user, code)));

        assertEquals(9, remainingInAdminStatus(userId));
        JsonNode set = backupCodeSet(userId);
        assertEquals(
                before.get("credentialData").asText(), set.get("credentialData").asText());
        assertEquals(
                10, Http.json(set.get("credentialData").asText()).get("stored").asInt());
        HttpResponse<String> renamed = Http.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms/demo/users/" + userId
                                + "/credentials/" + set.get("id").asText() + "/userLabel"))
                        .header("Authorization", "Bearer " + admin.token())
                        .header("Content-Type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString("Printed codes"))
                        .build());
        assertEquals(204, renamed.statusCode(), renamed.body());
        BrowserSession again = new BrowserSession(server, "demo");
        loginWithBackupCode(again, user, code);
        assertFalse(again.isRedirectedToClient(), "a used code must stay used after the set is renamed");
        assertEquals(9, remainingInAdminStatus(userId));
        assertEquals(
                8,
                remainingShown(loginWithBackupCode(
                        new BrowserSession(server, "demo"),
                        user,
                        user.backupCodes().get(4))));
    }

    /**
     * A used code is recorded by the set's id, and the record outlives the set: a user imported again over themselves
     * (the admin API's partial import, "overwrite": the user and their credentials deleted, then created again with
     * the same ids) gets their set back with the used code still used. The set is made here, independently of the
     * extension's code: JDK PBKDF2 over codes of the documented alphabet.
     */
    @Test
    void givenAUserImportedAgainOverThemselves_thenTheirUsedBackupCodeStaysUsed() throws Exception {
        String username = "bc-import-" + UUID.randomUUID().toString().substring(0, 8);
        String setId = UUID.randomUUID().toString();
        List<String> codes = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 10; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < 10; c++) {
                code.append("0123456789abcdefghjkmnpqrstvwxyz".charAt(random.nextInt(32)));
            }
            codes.add(code.toString());
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        List<String> hashes = new ArrayList<>();
        for (String code : codes) {
            hashes.add(Base64.getEncoder()
                    .encodeToString(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                            .generateSecret(new PBEKeySpec(code.toCharArray(), salt, 20_000, 256))
                            .getEncoded()));
        }
        long now = System.currentTimeMillis();
        Map<String, Object> backupCodes = Map.of(
                "id",
                setId,
                "type",
                "twofa-backup-codes",
                "createdDate",
                now,
                "credentialData",
                Http.JSON.writeValueAsString(Map.of(
                        "total", 10,
                        "stored", 10,
                        "generatedAt", now,
                        "algorithm", "PBKDF2WithHmacSHA256",
                        "iterations", 20_000)),
                "secretData",
                Http.JSON.writeValueAsString(
                        Map.of("salt", Base64.getEncoder().encodeToString(salt), "hashes", hashes)));
        Map<String, Object> user = new HashMap<>(AdminApi.user(
                username,
                List.of(
                        AdminApi.password("pw-" + username),
                        AdminApi.builtInTotp("aaaaaaaaaaaaaaaaaaaa", "Phone"),
                        backupCodes)));
        user.put("id", UUID.randomUUID().toString());
        ApiClient api = new ApiClient(server, "demo");
        assertEquals(200, importUser(user, "FAIL").statusCode());
        String userId = admin.userId("demo", username);
        assertEquals(
                200, api.passwordGrant(username, "pw-" + username, codes.get(0)).statusCode());

        HttpResponse<String> overwritten = importUser(user, "OVERWRITE");

        assertEquals(200, overwritten.statusCode(), overwritten.body());
        assertEquals(setId, backupCodeSet(userId).get("id").asText(), "the same set came back");
        assertEquals(
                400,
                api.passwordGrant(username, "pw-" + username, codes.get(0)).statusCode(),
                "a used code must stay used when its set is imported again");
        admin.awaitLoginFailuresRecorded("demo", userId, 1);
        assertEquals(
                200, api.passwordGrant(username, "pw-" + username, codes.get(1)).statusCode());
        assertEquals(8, remainingInAdminStatus(userId));
    }

    private static HttpResponse<String> importUser(Map<String, Object> user, String ifResourceExists) {
        return admin.call(
                "POST", "/demo/partialImport", Map.of("ifResourceExists", ifResourceExists, "users", List.of(user)));
    }

    /** The user's one backup-code set, as Keycloak's admin API lists it. */
    private static JsonNode backupCodeSet(String userId) {
        List<JsonNode> sets = admin.credentials("demo", userId, "twofa-backup-codes");
        assertEquals(1, sets.size());
        return sets.get(0);
    }

    /** The codes left, as our admin endpoint under Keycloak's admin API says. */
    private static int remainingInAdminStatus(String userId) {
        return admin.backupCodesRemaining("demo", userId);
    }
}
