package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The extension's own attempt limit, in a realm where Keycloak's brute-force detection is off. */
class AttemptLimitIT extends RealServerTest {

    private static String realm;

    @BeforeAll
    static void realmWithoutKeycloaksBruteForceDetection() throws Exception {
        realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
    }

    private static String wrongCode(EnrolledKey user, int i) {
        return IndependentTotp.code(user.key(), user.enrolmentStep() + 40 + i);
    }

    @Test
    void givenFiveWrongCodes_thenTheRightCodeIsRefusedWithWhenToRetryOnThePageInTheTokenRequestAndInTheApi() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "limit-user");
        BrowserSession browser = new BrowserSession(server, realm);
        browser.loginWithPassword(user.username(), user.password());
        for (int i = 0; i < 5; i++) {
            browser.submit("#twofa-login-form", Map.of("code", wrongCode(user, i)));
        }
        String rightCode = IndependentTotp.code(user.key(), user.enrolmentStep() + 1);

        Document locked = browser.submit("#twofa-login-form", Map.of("code", rightCode));

        assertFalse(browser.isRedirectedToClient(), "a locked-out user must not get in, even with the right code");
        assertEquals(429, browser.status());
        assertTrue(locked.selectFirst("#input-error-code").text().contains("try again in 5 minutes"), locked.text());
        HttpResponse<String> token =
                new ApiClient(server, realm).passwordGrant(user.username(), user.password(), rightCode);
        assertEquals(400, token.statusCode());
        assertTrue(token.body().contains("try again in"), token.body());
    }

    /**
     * A right code is looked at before it is counted and let in while fewer than five failures are held: an app code
     * (once its time step is used) and a backup code (before it is used) each ask the limit, after four failures.
     */
    @Test
    void givenWrongCodes_whenARightOneComesBeforeTheLimit_thenTheCountStartsOver() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "reset-user");
        ApiClient api = new ApiClient(server, realm);
        List<String> rightCodes = List.of(
                IndependentTotp.code(user.key(), user.enrolmentStep() + 1),
                user.backupCodes().get(1),
                user.backupCodes().get(2));
        for (String rightCode : rightCodes) {
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        400,
                        api.passwordGrant(user.username(), user.password(), wrongCode(user, i))
                                .statusCode());
            }
            HttpResponse<String> ok = api.passwordGrant(user.username(), user.password(), rightCode);
            assertEquals(200, ok.statusCode(), "right code " + rightCodes.indexOf(rightCode) + ": " + ok.body());
        }
    }

    @Test
    void givenApiCallsWithWrongPasswords_thenTheyCountTooAndTheApiAnswers429WithRetryAfter() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "api-user");
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(
                user.username(), user.password(), user.backupCodes().get(0));
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    403,
                    api.call(
                                    "POST",
                                    "two-factor/disable",
                                    token,
                                    "{\"password\":\"wrong\",\"code\":\""
                                            + user.backupCodes().get(1) + "\"}")
                            .statusCode());
        }

        HttpResponse<String> limited = api.call(
                "POST",
                "two-factor/disable",
                token,
                "{\"password\":\"" + user.password() + "\",\"code\":\""
                        + user.backupCodes().get(1) + "\"}");

        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("too_many_attempts", ApiClient.json(limited).get("error").asText());
        assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }
}
