package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logins through an identity provider: another realm of the same server acts as the provider (OpenID Connect), and
 * the demo realm's copy uses it with the post login flow of the README's setup. Whoever holds the user's account at
 * the provider still needs the second factor. The browser flow lets users without 2FA skip it and the post login
 * flow's step requires it, so the enrolment also proves that each step uses its own settings.
 */
class BrokeredLoginIT extends RealServerTest {

    private static final String ALIAS = "upstream";
    private static final String SECRET = "broker-secret";

    private static String upstream;
    private static String realm;

    @BeforeAll
    static void demoRealmLoggingInThroughAnotherRealm() throws Exception {
        upstream = "upstream-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode copy = AdminApi.demoRealmCopy();
        realm = copy.get("realm").asText();
        // Users without 2FA may skip it in the browser flow; the post login flow's own step requires it. The step
        // that runs must use its own settings.
        for (var config : copy.withArray("authenticatorConfig")) {
            if ("twofa totp".equals(config.get("alias").asText())) {
                ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
            }
        }
        String brokerEndpoint = server.baseUrl() + "/realms/" + realm + "/broker/" + ALIAS + "/endpoint";
        admin.importRealm((ObjectNode) Http.JSON.valueToTree(Map.of(
                "realm",
                upstream,
                "enabled",
                true,
                "clients",
                List.of(Map.of(
                        "clientId",
                        "broker",
                        "enabled",
                        true,
                        "publicClient",
                        false,
                        "secret",
                        SECRET,
                        "standardFlowEnabled",
                        true,
                        "redirectUris",
                        List.of(brokerEndpoint))))));
        String upstreamUrl = server.baseUrl() + "/realms/" + upstream + "/protocol/openid-connect";
        copy.set(
                "identityProviders",
                Http.JSON.valueToTree(List.of(Map.of(
                        "alias",
                        ALIAS,
                        "providerId",
                        "oidc",
                        "enabled",
                        true,
                        "trustEmail",
                        true,
                        "postBrokerLoginFlowAlias",
                        "twofa post broker login",
                        "config",
                        Map.ofEntries(
                                Map.entry("clientId", "broker"),
                                Map.entry("clientSecret", SECRET),
                                Map.entry("clientAuthMethod", "client_secret_post"),
                                Map.entry("authorizationUrl", upstreamUrl + "/auth"),
                                Map.entry("tokenUrl", upstreamUrl + "/token"),
                                Map.entry("issuer", server.baseUrl() + "/realms/" + upstream),
                                Map.entry("validateSignature", "true"),
                                Map.entry("useJwksUrl", "true"),
                                Map.entry("jwksUrl", upstreamUrl + "/certs"),
                                Map.entry("defaultScope", "openid email profile"),
                                Map.entry("syncMode", "IMPORT"))))));
        admin.importRealm(copy);
    }

    /** Logs in at the demo realm's copy through the provider's login page; returns the first page of ours after it. */
    private static Document loginThroughProvider(BrowserSession browser, String username) {
        browser.startLogin();
        browser.openLink("#social-" + ALIAS);
        return browser.submit("#kc-form-login", Map.of("username", username, "password", "pw-" + username));
    }

    @Test
    void givenAUserOfTheProvider_whenLoggingInThroughIt_thenEnrolmentThenEveryLaterLoginAsksForTheCode() {
        String username = "brokered-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createUser(upstream, username, "pw-" + username, List.of());

        BrowserSession first = new BrowserSession(server, realm);
        Document setup = loginThroughProvider(first, username);
        assertNotNull(
                setup.selectFirst("#twofa-setup-form"),
                "the post login flow's step makes the user enrol: " + setup.text());
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(Enrolment.scanQr(setup)));
        long step = IndependentTotp.currentStep();
        first.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step)));
        Enrolment.confirmBackupCodesSaved(first);
        assertTrue(first.isRedirectedToClient(), "enrolled: " + first.page());

        BrowserSession later = new BrowserSession(server, realm);
        Document codePage = loginThroughProvider(later, username);

        assertNotNull(
                codePage.selectFirst("#twofa-login-form"),
                "the provider's login alone is not enough: " + codePage.text());
        assertFalse(later.isRedirectedToClient());
        later.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(key, Math.max(step + 1, IndependentTotp.currentStep()))));
        assertTrue(later.isRedirectedToClient(), "with the code the login completes: " + later.page());
        assertEquals(
                0,
                admin.get("/" + realm + "/two-factor/coverage")
                        .get("unprotectedFlows")
                        .size(),
                "the provider has the post login flow, so nothing is left unchecked");
    }
}
