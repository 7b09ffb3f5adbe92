package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Users of a read-only user federation (as a read-only LDAP), whose required actions cannot be written: the login
 * sends them through setting 2FA up and the backup codes all the same, on that login, instead of a server error.
 */
class ReadOnlyFederationIT extends RealServerTest {

    @Test
    void givenAReadOnlyFederatedUserWithout2fa_whenLoggingIn_thenTheUserSetsItUpAndLaterLogsInWithACode()
            throws Exception {
        String realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "require"));
        String realmId = admin.get("/" + realm).get("id").asText();
        HttpResponse<String> federation = admin.call(
                "POST",
                "/" + realm + "/components",
                Map.of(
                        "name",
                        "read-only directory",
                        "providerId",
                        "twofa-test-readonly",
                        "providerType",
                        "org.keycloak.storage.UserStorageProvider",
                        "parentId",
                        realmId,
                        "config",
                        Map.of(
                                "enabled",
                                List.of("true"),
                                "priority",
                                List.of("0"),
                                "cachePolicy",
                                List.of("NO_CACHE"))));
        assertEquals(201, federation.statusCode(), federation.body());
        // Keycloak's own profile check would ask for details that this directory, being read-only, cannot take.
        ObjectNode verifyProfile =
                (ObjectNode) admin.get("/" + realm + "/authentication/required-actions/VERIFY_PROFILE");
        verifyProfile.put("enabled", false);
        assertEquals(
                204,
                admin.call("PUT", "/" + realm + "/authentication/required-actions/VERIFY_PROFILE", verifyProfile)
                        .statusCode());

        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin();
        Document setup = browser.submit("#kc-form-login", Map.of("username", "ro-alice", "password", "pw-ro-alice"));
        assertNotNull(setup.selectFirst("#twofa-setup-form"), "the setup page, not an error: " + setup.text());
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(Enrolment.scanQr(setup)));
        long step = IndependentTotp.currentStep();
        Document codes = browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step)));
        assertEquals(10, Enrolment.readBackupCodes(codes).size(), codes.text());
        Document afterCodes = Enrolment.confirmBackupCodesSaved(browser);
        assertTrue(
                browser.isRedirectedToClient(),
                () -> "enrolment finished the login: " + (afterCodes == null ? "" : afterCodes.text()));

        BrowserSession again = new BrowserSession(server, realm);
        again.startLogin();
        Document codePage = again.submit("#kc-form-login", Map.of("username", "ro-alice", "password", "pw-ro-alice"));
        assertNotNull(codePage.selectFirst("#twofa-login-form"), codePage.text());
        again.submit("#twofa-login-form", Map.of("code", IndependentTotp.code(key, step + 1)));
        assertTrue(again.isRedirectedToClient());
    }
}
