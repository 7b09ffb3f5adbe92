package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Where the realm turns on Keycloak's brute-force detection, wrong codes count towards it and a lockout holds. */
class BruteForceIT extends RealServerTest {

    private static String realm;

    @BeforeAll
    static void realmWithBruteForceDetection() throws Exception {
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("bruteForceProtected", true)
                .put("failureFactor", 3)
                .put("permanentLockout", false)
                .put("waitIncrementSeconds", 600)
                .put("maxFailureWaitSeconds", 900);
        realm = admin.importRealm(copy);
    }

    @Test
    void givenThreeWrongCodes_whenTheRightCodeFollows_thenTheUserIsLockedOutOnThePageAndInTheApi() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "bf-user");
        BrowserSession browser = new BrowserSession(server, realm);
        browser.loginWithPassword(user.username(), user.password());
        for (int i = 0; i < 3; i++) {
            browser.submit(
                    "#twofa-login-form",
                    Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 20 + i)));
        }

        Document locked = browser.submit(
                "#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 1)));

        assertFalse(browser.isRedirectedToClient(), "a locked-out user must not get in, even with the right code");
        assertTrue(locked.text().contains("Too many wrong codes"), locked.text());
        var api = new ApiClient(server, realm)
                .passwordGrant(
                        user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 1));
        assertEquals(400, api.statusCode(), api.body());
    }
}
