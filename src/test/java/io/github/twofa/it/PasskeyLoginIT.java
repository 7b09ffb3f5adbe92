package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Chromium;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Passkeys (issue 16, item 7): a user who signs in with a passkey (Keycloak's passkey button on its username form,
 * in a real Chromium whose virtual authenticator holds the passkey) is not asked for a code, and the tokens do not
 * claim one; with the step's setting off, or a realm policy that does not require the authenticator to verify its
 * user, the code page comes as before.
 */
class PasskeyLoginIT extends RealServerTest {

    /** The PKCE verifier of the test client's logins. */
    private static final String VERIFIER = "passkey-login-test-verifier-0123456789-abcdefghij";

    private static String realm;
    private static Chromium chromium;
    private static EnrolledKey user;
    private static long lastStep;

    @BeforeAll
    static void userWithAnAppAndAPasskey() throws Exception {
        ObjectNode representation = AdminApi.demoRealmCopy();
        representation.put("webAuthnPolicyPasswordlessPasskeysEnabled", true);
        representation.put("webAuthnPolicyPasswordlessUserVerificationRequirement", "required");
        ObjectNode register = representation.withArray("requiredActions").addObject();
        register.put("alias", "webauthn-register-passwordless");
        register.put("name", "Webauthn Register Passwordless");
        register.put("providerId", "webauthn-register-passwordless");
        register.put("enabled", true);
        register.put("priority", 80);
        realm = admin.importRealm(representation);
        user = Enrolment.enrolNewUser(
                server, admin, realm, "passkey-" + UUID.randomUUID().toString().substring(0, 8));
        lastStep = user.enrolmentStep();

        chromium = Chromium.start();
        chromium.addPasskeyAuthenticator();
        // The user adds a passkey the way Keycloak offers it: its own set-up page, after a full login.
        chromium.open(authorizationUrl(Map.of("kc_action", "webauthn-register-passwordless")));
        chromium.awaitElement("#username").sendKeys(user.username());
        chromium.find("#password").sendKeys(user.password(), Keys.ENTER);
        chromium.awaitElement("#code").sendKeys(nextCode(), Keys.ENTER);
        chromium.awaitElement("#registerWebAuthn").click();
        // Keycloak asks for the passkey's name in a prompt.
        chromium.await(ExpectedConditions.alertIsPresent()).accept();
        awaitClient();
        assertEquals(
                1,
                countCredentials("webauthn-passwordless"),
                "the passkey is stored: " + admin.credentials(realm, admin.userId(realm, user.username())));
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void givenAPasskey_whenSigningInWithIt_thenNoCodeIsAskedAndTheTokensClaimNoCode() {
        String code = signInWithPasskey();
        assertTrue(code != null, "the passkey login reached the client without a code page: " + chromium.url());

        JsonNode idToken = BrowserSession.claims(exchange(code).get("id_token").asText());
        List<String> amr = new ArrayList<>();
        idToken.path("amr").forEach(value -> amr.add(value.asText()));
        // What Keycloak reports for the passkey (its username form's "pwd"), never a code.
        assertFalse(amr.contains("otp"), "no code was typed: " + idToken);

        JsonNode login = admin.userEvents(realm, admin.userId(realm, user.username()), "LOGIN")
                .get(0);
        assertEquals(
                "passkey", login.path("details").path("twofa_second_factor").asText(), login.toString());
    }

    @Test
    void givenTheSettingOff_whenSigningInWithAPasskey_thenTheCodeIsStillAsked() throws InterruptedException {
        String configId = browserStepConfigId();
        JsonNode before = admin.get("/" + realm + "/authentication/config/" + configId);
        ObjectNode off = before.deepCopy();
        ((ObjectNode) off.get("config")).put("twofa.passkey-skips-code", "false");
        assertEquals(
                204,
                admin.call("PUT", "/" + realm + "/authentication/config/" + configId, off)
                        .statusCode());
        try {
            assertEquals(null, signInWithPasskey(), "with the setting off, the passkey login stops at the code page");
            chromium.find("#code").sendKeys(nextCode(), Keys.ENTER);
            awaitClient();
        } finally {
            admin.call("PUT", "/" + realm + "/authentication/config/" + configId, before);
        }
    }

    @Test
    void givenAPolicyThatDoesNotRequireUserVerification_whenSigningInWithAPasskey_thenTheCodeIsStillAsked() {
        setUserVerification("preferred");
        try {
            assertEquals(
                    null,
                    signInWithPasskey(),
                    "a passkey that need not verify its user is one factor: the code page comes");
        } finally {
            setUserVerification("required");
        }
    }

    /** The realm's passwordless policy, changed as the admin console does: the whole realm sent back. */
    private static void setUserVerification(String requirement) {
        ObjectNode representation = (ObjectNode) admin.get("/" + realm);
        representation.put("webAuthnPolicyPasswordlessUserVerificationRequirement", requirement);
        assertEquals(204, admin.call("PUT", "/" + realm, representation).statusCode());
        assertEquals(
                requirement,
                admin.get("/" + realm)
                        .path("webAuthnPolicyPasswordlessUserVerificationRequirement")
                        .asText());
    }

    /**
     * A new login (no session) with the passkey on the username page: Chromium offers it as autofill (Keycloak's
     * conditional mediation), which the virtual authenticator answers at once; the passkey button if not. The
     * authorization code if the login reached the client, null if it stopped at the code page.
     */
    private static String signInWithPasskey() {
        chromium.clearCookies();
        chromium.open(authorizationUrl(Map.of()));
        try {
            awaitClientOrCodePage();
        } catch (TimeoutException noAutofill) {
            chromium.find("#authenticateWebAuthnButton").click();
            awaitClientOrCodePage();
        }
        if (chromium.url().startsWith(BrowserSession.REDIRECT_URI)) {
            return Enrolment.queryParameter(URI.create(chromium.url()), "code");
        }
        return null;
    }

    private static void awaitClientOrCodePage() {
        chromium.await(driver ->
                driver.getCurrentUrl().startsWith(BrowserSession.REDIRECT_URI) || chromium.exists("#twofa-login-form")
                        ? true
                        : null);
    }

    private static void awaitClient() {
        chromium.await(d -> d.getCurrentUrl().startsWith(BrowserSession.REDIRECT_URI) ? true : null);
    }

    /** A code of a time step after the last one used (each works once), waiting when that step is not yet valid. */
    private static String nextCode() throws InterruptedException {
        long step = Math.max(lastStep + 1, IndependentTotp.currentStep());
        while (step > IndependentTotp.currentStep() + 1) {
            Thread.sleep(1000);
        }
        lastStep = step;
        return IndependentTotp.code(user.key(), step);
    }

    private static long countCredentials(String type) {
        return admin.credentials(realm, admin.userId(realm, user.username())).findValuesAsText("type").stream()
                .filter(type::equals)
                .count();
    }

    private static String browserStepConfigId() {
        for (JsonNode execution : admin.get("/" + realm + "/authentication/flows/twofa%20browser/executions")) {
            if ("twofa-totp-authenticator".equals(execution.path("providerId").asText())) {
                return execution.get("authenticationConfig").asText();
            }
        }
        throw new AssertionError("no 2FA step in the browser flow");
    }

    private static String authorizationUrl(Map<String, String> extra) {
        return BrowserSession.authorizationUrl(server.baseUrl(), realm, VERIFIER, extra);
    }

    private static JsonNode exchange(String code) {
        return BrowserSession.exchangeCode(HttpClient.newHttpClient(), server.baseUrl(), realm, code, VERIFIER);
    }
}
