package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** What the login step does with users who have no 2FA, under each option of the flow editor. */
class EnrolmentPolicyIT extends RealServerTest {

    @Test
    void givenPolicyRequire_whenUserWithout2faLogsIn_thenEnrolmentIsShownBeforeAnyToken() throws Exception {
        String realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "require"));
        admin.createUser(realm, "nofactor", "pw", List.of());
        BrowserSession browser = new BrowserSession(server, realm);

        Document page = browser.loginWithPassword("nofactor", "pw");

        assertFalse(browser.isRedirectedToClient());
        assertNotNull(page.selectFirst("#twofa-setup-form"), page.text());
    }

    @Test
    void givenPolicySkip_whenUserWithout2faLogsIn_thenLoggedInWithPasswordOnlyAndTokensDoNotClaimOtp()
            throws Exception {
        String realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "skip"));
        admin.createUser(realm, "nofactor", "pw", List.of());
        BrowserSession browser = new BrowserSession(server, realm);

        browser.loginWithPassword("nofactor", "pw");

        assertTrue(browser.isRedirectedToClient());
        assertEquals(
                List.of("pwd"),
                TotpEnrolmentAndLoginIT.amr(
                        browser.exchangeCodeForTokens().get("id_token").asText()));
    }

    @Test
    void givenPolicyRequireForRole_whenUsersWithAndWithoutTheRoleLogIn_thenOnlyTheRoleHolderMustEnrol()
            throws Exception {
        String realm = admin.importDemoRealmCopy(
                Map.of("twofa.users-without-2fa", "require-for-role", "twofa.enrolment-role", "needs-2fa"));
        admin.createUser(realm, "holder", "pw", List.of("needs-2fa"));
        admin.createUser(realm, "other", "pw", List.of());

        BrowserSession holder = new BrowserSession(server, realm);
        Document holderPage = holder.loginWithPassword("holder", "pw");
        BrowserSession other = new BrowserSession(server, realm);
        other.loginWithPassword("other", "pw");

        assertNotNull(holderPage.selectFirst("#twofa-setup-form"), "role holder was not asked to enrol");
        assertTrue(other.isRedirectedToClient(), "user without the role was not let through");
    }

    @Test
    void givenPolicyRequireForARoleThatDoesNotExist_whenAUserWithout2faLogsIn_thenEnrolmentIsRequiredAndTheLogSaysWhy()
            throws Exception {
        String realm = admin.importDemoRealmCopy(
                Map.of("twofa.users-without-2fa", "require-for-role", "twofa.enrolment-role", "needs-2fa-typo"));
        admin.createUser(realm, "anyone", "pw", List.of());
        admin.createUser(realm, "someone", "pw", List.of());

        Document page = new BrowserSession(server, realm).loginWithPassword("anyone", "pw");
        new BrowserSession(server, realm).loginWithPassword("someone", "pw");

        assertNotNull(page.selectFirst("#twofa-setup-form"), "an unknown role must fail closed: " + page.text());
        String warning =
                "the 2FA step's setting require-for-role names the role 'needs-2fa-typo', which does not exist";
        assertEquals(
                1,
                server.consoleLog()
                        .lines()
                        .filter(line -> line.contains("Realm " + realm + ": " + warning))
                        .count(),
                "warned once per realm and role");
    }
}
