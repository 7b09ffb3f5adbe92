package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import io.github.twofa.it.support.TestProviders;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * A phone whose clock drifts (issue 17): codes of the step before the server's, on three logins in a row, bring a
 * page saying the clock seems about 30 seconds behind, and REST {@code status} shows the drift; a code of the current
 * step clears both. Keycloak's clock is moved forward (a provider only the test server has) so that each login has a
 * step of its own without waiting.
 */
class ClockDriftIT extends RealServerTest {

    @Test
    void givenThreeCodesFromTheStepBefore_thenTheUserIsToldAndACurrentCodeClearsIt() throws Exception {
        String realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "drift");
        try {
            for (int login = 1; login <= 3; login++) {
                BrowserSession browser = loginWithCodeOffset(realm, user, 30 * (login + 1), -1);
                if (login < 3) {
                    assertTrue(browser.isRedirectedToClient(), "login " + login + ": no notice yet");
                } else {
                    Document notice = browser.page();
                    assertNotNull(notice.selectFirst("#twofa-clock-drift"), notice.text());
                    assertTrue(
                            notice.selectFirst("#twofa-clock-drift").text().contains("about 30 seconds behind"),
                            notice.text());
                    browser.submit("#twofa-clock-drift-form", Map.of("continue", "true"));
                    assertTrue(browser.isRedirectedToClient(), "the notice lets the user go on");
                }
            }
            assertEquals(-30, appOf(realm, user, 0).path("clockDriftSeconds").asInt(), "status shows the drift");

            BrowserSession current = loginWithCodeOffset(realm, user, 150, 0);
            assertTrue(current.isRedirectedToClient(), "a code of the current step: no notice");
            JsonNode cleared = appOf(realm, user, 1);
            assertTrue(
                    cleared.path("clockDriftSeconds").isNull()
                            || cleared.path("clockDriftSeconds").isMissingNode(),
                    "and the drift is cleared: " + cleared);
        } finally {
            TestProviders.moveServerClock(server, realm, 0);
        }
    }

    /**
     * A browser login with Keycloak's clock {@code clockOffset} seconds ahead and a code of the step {@code stepOffset}
     * from the server's (as a phone whose clock is that many steps off computes it).
     */
    private static BrowserSession loginWithCodeOffset(String realm, EnrolledKey user, int clockOffset, int stepOffset)
            throws InterruptedException {
        // Not in a step's last seconds: the server must see the same step as the code was made for.
        while ((System.currentTimeMillis() / 1000 + clockOffset) % 30 > 25) {
            Thread.sleep(500);
        }
        TestProviders.moveServerClock(server, realm, clockOffset);
        long serverStep = (System.currentTimeMillis() / 1000 + clockOffset) / 30;
        BrowserSession browser = new BrowserSession(server, realm);
        browser.loginWithPassword(user.username(), user.password());
        browser.submit("#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), serverStep + stepOffset)));
        return browser;
    }

    /** The user's app in REST {@code status} (token by a backup code, which leaves the app's offsets alone). */
    private static JsonNode appOf(String realm, EnrolledKey user, int backupCode) {
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(
                user.username(), user.password(), user.backupCodes().get(backupCode));
        JsonNode status = ApiClient.json(api.call("GET", "two-factor/status", token, null));
        return status.path("apps").get(0);
    }
}
