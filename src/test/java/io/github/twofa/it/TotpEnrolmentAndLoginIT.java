package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.warrenstrange.googleauth.GoogleAuthenticator;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.apache.commons.codec.binary.Base32;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** Enrolment and login through the real pages of a real Keycloak, with the demo realm and client. */
class TotpEnrolmentAndLoginIT extends RealServerTest {

    private static final String REALM = "demo";

    private static String uniqueUser() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void givenUserWithout2fa_whenEnrolling_thenQrCarriesTheKeyShownForManualEntryAndNothingLeavesTheServer() {
        String username = uniqueUser();
        admin.createUser(REALM, username, "secret-pw", List.of());

        Document setup = new BrowserSession(server, REALM).loginWithPassword(username, "secret-pw");

        URI otpauth = Enrolment.scanQr(setup);
        assertEquals("otpauth", otpauth.getScheme());
        assertEquals("totp", otpauth.getHost());
        assertEquals("/2FA Demo:" + username, otpauth.getPath());
        assertEquals("2FA Demo", Enrolment.queryParameter(otpauth, "issuer"));
        String secret = Enrolment.secretOf(otpauth);
        assertTrue(IndependentTotp.base32Decode(secret).length >= 20, "secret must have at least 160 bits");
        assertEquals(secret, setup.selectFirst("#twofa-manual-key").text().replace(" ", ""));
        for (Element hidden : setup.select("input[type=hidden]")) {
            assertFalse(
                    hidden.attr("value").contains(secret), "secret leaked into hidden field " + hidden.attr("name"));
        }
        for (Element resource : setup.select("img[src], script[src]")) {
            String src = resource.attr("abs:src");
            assertTrue(
                    src.startsWith("data:") || src.startsWith(server.baseUrl()),
                    "page loads a remote resource: " + src);
        }
        Element codeInput = setup.selectFirst("#twofa-setup-form input[name=code]");
        assertEquals("one-time-code", codeInput.attr("autocomplete"));
        assertEquals("numeric", codeInput.attr("inputmode"));
    }

    @Test
    void givenEnrolmentPage_whenWrongCodeThenRightCode_then2faIsEnabledOnlyAfterTheRightOneWithTheSameQr() {
        String username = uniqueUser();
        String userId = admin.createUser(REALM, username, "secret-pw", List.of());
        BrowserSession browser = new BrowserSession(server, REALM);
        URI firstQr = Enrolment.scanQr(browser.loginWithPassword(username, "secret-pw"));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(firstQr));
        long step = IndependentTotp.currentStep();

        Document retry = browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step + 10)));

        assertFalse(browser.isRedirectedToClient());
        assertNotNull(retry.selectFirst("#input-error-code"), "no error message on retry page");
        assertEquals("true", retry.selectFirst("input[name=code]").attr("aria-invalid"));
        assertEquals(firstQr, Enrolment.scanQr(retry), "a wrong code must not change the QR code");
        assertFalse(hasTotpCredential(userId), "2FA must not be enabled by a wrong code");

        Document codesPage = browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step)));

        assertTrue(hasTotpCredential(userId));
        assertEquals(10, Enrolment.readBackupCodes(codesPage).size());
        Enrolment.confirmBackupCodesSaved(browser);
        assertTrue(browser.isRedirectedToClient());
    }

    @Test
    void givenEnrolledUser_whenLoggingInWithTheAppsCode_thenIdAndAccessTokensSayPwdAndOtp() {
        EnrolledKey enrolled = Enrolment.enrolNewUser(server, admin, REALM, uniqueUser());

        BrowserSession browser = new BrowserSession(server, REALM);
        Document codePage = browser.loginWithPassword(enrolled.username(), enrolled.password());
        Element codeInput = codePage.selectFirst("#twofa-login-form input[name=code]");
        assertNotNull(codeInput, "no code page after the password:\n" + codePage.text());
        assertEquals("one-time-code", codeInput.attr("autocomplete"));
        assertEquals("numeric", codeInput.attr("inputmode"));

        browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(enrolled.key(), enrolled.enrolmentStep() + 1)));
        JsonNode tokens = browser.exchangeCodeForTokens();

        assertEquals(List.of("pwd", "otp"), amr(tokens.get("id_token").asText()));
        assertEquals(List.of("pwd", "otp"), amr(tokens.get("access_token").asText()));
    }

    /** The enrolment checked a code, so the login it ends is a login with a code (issue 14: it said only "pwd"). */
    @Test
    void givenNewUser_whenEnrollingDuringLogin_thenThatLoginsTokensSayPwdAndOtp() {
        Enrolment.EnrolledInBrowser enrolled =
                Enrolment.enrolInBrowser(server, admin, REALM, uniqueUser(), Map.of(), false);

        JsonNode tokens = enrolled.browser().exchangeCodeForTokens();

        assertEquals(List.of("pwd", "otp"), amr(tokens.get("id_token").asText()));
        assertEquals(List.of("pwd", "otp"), amr(tokens.get("access_token").asText()));
    }

    /**
     * A second RFC 6238 implementation nobody here wrote (googleauth, which the original design named) agrees with the
     * tests' own, and its code logs in: the server's codes are those of any standard app, not of one library.
     */
    @Test
    void givenEnrolledUser_whenTheCodeComesFromTheGoogleauthLibrary_thenItLogsIn() {
        EnrolledKey enrolled = Enrolment.enrolNewUser(server, admin, REALM, uniqueUser());
        String base32Key = new Base32().encodeToString(enrolled.key());
        GoogleAuthenticator googleauth = new GoogleAuthenticator();
        long step = enrolled.enrolmentStep() + 1;
        for (long s = step; s < step + 3; s++) {
            assertEquals(
                    IndependentTotp.code(enrolled.key(), s),
                    String.format("%06d", googleauth.getTotpPassword(base32Key, s * 30_000)));
        }

        BrowserSession browser = new BrowserSession(server, REALM);
        browser.loginWithPassword(enrolled.username(), enrolled.password());
        browser.submit(
                "#twofa-login-form",
                Map.of("code", String.format("%06d", googleauth.getTotpPassword(base32Key, step * 30_000))));

        assertTrue(browser.isRedirectedToClient());
    }

    @Test
    void givenEnrolledUser_whenACodeIsUsedAgainOrAnOlderOneIsTried_thenBothAreRefused() {
        EnrolledKey enrolled = Enrolment.enrolNewUser(server, admin, REALM, uniqueUser());
        String nextCode = IndependentTotp.code(enrolled.key(), enrolled.enrolmentStep() + 1);
        BrowserSession first = new BrowserSession(server, REALM);
        first.loginWithPassword(enrolled.username(), enrolled.password());
        first.submit("#twofa-login-form", Map.of("code", nextCode));
        assertTrue(first.isRedirectedToClient());

        for (String replayed : List.of(nextCode, IndependentTotp.code(enrolled.key(), enrolled.enrolmentStep()))) {
            BrowserSession again = new BrowserSession(server, REALM);
            again.loginWithPassword(enrolled.username(), enrolled.password());
            Document refused = again.submit("#twofa-login-form", Map.of("code", replayed));
            assertFalse(again.isRedirectedToClient(), "a used or older code logged in");
            assertNotNull(refused.selectFirst("#input-error-code"));
        }
    }

    @Test
    void givenEnrolledUser_whenWrongCode_thenCodePageAgainWithAnErrorAndNoLogin() {
        EnrolledKey enrolled = Enrolment.enrolNewUser(server, admin, REALM, uniqueUser());
        BrowserSession browser = new BrowserSession(server, REALM);
        browser.loginWithPassword(enrolled.username(), enrolled.password());

        Document refused = browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(enrolled.key(), enrolled.enrolmentStep() + 20)));

        assertFalse(browser.isRedirectedToClient());
        assertEquals(400, browser.status());
        assertTrue(refused.selectFirst("#input-error-code").text().contains("not valid"), refused.text());
    }

    private static boolean hasTotpCredential(String userId) {
        return StreamSupport.stream(admin.credentials(REALM, userId).spliterator(), false)
                .anyMatch(
                        credential -> "twofa-totp".equals(credential.get("type").asText()));
    }

    static List<String> amr(String jwt) {
        JsonNode amr = BrowserSession.claims(jwt).get("amr");
        assertNotNull(amr, "token has no amr claim");
        return StreamSupport.stream(amr.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
