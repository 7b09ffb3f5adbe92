package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.DistributionServer;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.KeycloakServer;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restarts a server of its own with changing encryption keys over one database: credentials written under key A
 * still work after rotating to B; without any server key the realm's AES key takes over, with a warning, and
 * credentials sealed by a key that was removed fail closed; with a server key again, what the realm's key sealed is
 * refused (the user is told and an event says why) until the administrator migrates it once.
 */
class EncryptionKeyRotationIT {

    private static final String KEY_A = "key-a:" + key('a');
    private static final String KEY_B = "key-b:" + key('b');

    @BeforeAll
    static void onlyWithTheDistribution() {
        Assumptions.assumeTrue(
                "distribution".equals(System.getProperty("kc.test.server", "distribution")),
                "restarting with other server options needs the distribution server");
    }

    private static String key(char fill) {
        return Base64.getEncoder()
                .encodeToString(String.valueOf(fill).repeat(32).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void givenCredentialsSealedUnderKeyA_whenKeysRotateAndThenDisappear_thenOldCredentialsReadUntilTheirKeyIsGone()
            throws Exception {
        Path home = DistributionServer.copyOfDistribution("keycloak-rotation");
        EnrolledKey underA;
        try (KeycloakServer server = DistributionServer.start(home, KEY_A, true)) {
            underA = Enrolment.enrolNewUser(server, new AdminApi(server), "demo", "sealed-under-a");
        }

        EnrolledKey underB;
        try (KeycloakServer server = DistributionServer.start(home, KEY_B + "," + KEY_A, false)) {
            assertTrue(logsIn(server, underA), "a credential sealed under key A must work after rotating to B");
            underB = Enrolment.enrolNewUser(server, new AdminApi(server), "demo", "sealed-under-b");
            // This server runs without --metrics-enabled: after a login and an enrolment, no meter of ours is served.
            HttpResponse<String> metrics = Http.send(
                    HttpClient.newHttpClient(),
                    HttpRequest.newBuilder(URI.create(server.managementUrl().orElseThrow() + "/metrics"))
                            .build());
            assertFalse(
                    metrics.statusCode() == 200 && metrics.body().contains("twofa_"),
                    "metrics off, yet: " + metrics.statusCode());
        }

        EnrolledKey underRealmKey;
        try (DistributionServer server = DistributionServer.start(home, null, false)) {
            assertTrue(
                    Files.readString(server.log()).contains("No server-level encryption key configured"),
                    "running without a server key must warn at start-up");
            assertFalse(logsIn(server, underA), "a credential whose key was removed must not log in");
            assertFalse(logsIn(server, underB), "a credential whose key was removed must not log in");
            underRealmKey = Enrolment.enrolNewUser(server, new AdminApi(server), "demo", "sealed-under-realm-key");
            assertTrue(logsIn(server, underRealmKey), "the realm's AES key must work as the fallback");
        }

        // A server key again: what the realm's key sealed is refused (a database writer could have sealed it), and
        // the user is told to set the app up again, until the administrator migrates once.
        try (DistributionServer server = DistributionServer.start(home, KEY_B + "," + KEY_A, false)) {
            assertTrue(
                    Files.readString(server.log()).contains("1 TOTP credentials are sealed with a realm key"),
                    "the refused credential is counted at start-up");
            BrowserSession browser = new BrowserSession(server, "demo");
            browser.loginWithPassword("sealed-under-realm-key", "pw-sealed-under-realm-key");
            browser.submit(
                    "#twofa-login-form",
                    Map.of("code", IndependentTotp.code(underRealmKey.key(), IndependentTotp.currentStep() + 1)));
            assertFalse(
                    browser.isRedirectedToClient(),
                    "a realm-key secret must not log in while a server key is configured");
            assertTrue(
                    browser.page().text().contains("can no longer be checked"),
                    browser.page().text());
            List<JsonNode> errors = new AdminApi(server)
                    .userEvents("demo", new AdminApi(server).userId("demo", "sealed-under-realm-key"), "LOGIN_ERROR");
            assertTrue(
                    errors.stream()
                            .anyMatch(e -> "twofa_secret_unreadable"
                                    .equals(e.path("error").asText())),
                    errors.toString());
            BrowserSession withBackupCode = new BrowserSession(server, "demo");
            withBackupCode.loginWithPassword("sealed-under-realm-key", "pw-sealed-under-realm-key");
            Document next = withBackupCode.submit(
                    "#twofa-login-form",
                    Map.of("code", underRealmKey.backupCodes().get(0)));
            assertTrue(
                    next.selectFirst("#twofa-setup-form") != null,
                    "after a backup code the app is set up again: " + next.text());
        }

        try (DistributionServer server = DistributionServer.start(
                home,
                KEY_B + "," + KEY_A,
                false,
                "INFO",
                "",
                List.of("--spi-credential--twofa-totp--migrate-secrets=true"))) {
            assertTrue(Files.readString(server.log()).contains("Re-sealed 1 TOTP secrets"), "the migration ran");
            assertTrue(logsIn(server, underRealmKey), "after the migration the credential works under the server key");
        }
    }

    /** Logs in with the next step's code: later than any step used so far, and inside the window. */
    private static boolean logsIn(KeycloakServer server, EnrolledKey enrolled) {
        BrowserSession browser = new BrowserSession(server, "demo");
        browser.loginWithPassword(enrolled.username(), enrolled.password());
        browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(enrolled.key(), IndependentTotp.currentStep() + 1)));
        return browser.isRedirectedToClient();
    }
}
