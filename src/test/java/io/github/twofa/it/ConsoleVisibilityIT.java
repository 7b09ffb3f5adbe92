package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/** Both credentials as the admin console and the account console see them, through their REST APIs. */
class ConsoleVisibilityIT extends RealServerTest {

    private static EnrolledKey enrolled() {
        return Enrolment.enrolNewUser(
                server, admin, "demo", "cv-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String userId(EnrolledKey user) {
        return admin.userId("demo", user.username());
    }

    private static Set<String> adminConsoleTypes(String userId) {
        return StreamSupport.stream(admin.credentials("demo", userId).spliterator(), false)
                .map(c -> c.get("type").asText())
                .collect(Collectors.toSet());
    }

    private static String accountToken(EnrolledKey user, long stepOffset) {
        BrowserSession browser = new BrowserSession(server, "demo");
        browser.loginWithPassword(user.username(), user.password());
        browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + stepOffset)));
        return browser.exchangeCodeForTokens().get("access_token").asText();
    }

    @Test
    void givenEnrolledUser_thenTheAdminConsoleListsBothCredentials() {
        assertEquals(Set.of("password", "twofa-totp", "twofa-backup-codes"), adminConsoleTypes(userId(enrolled())));
    }

    @Test
    void givenEnrolledUser_thenTheAccountConsoleShowsBothTwoFactorTypesWithLabelsAndCodesLeft() {
        EnrolledKey user = enrolled();
        JsonNode types = ApiClient.json(
                new ApiClient(server, "demo").call("GET", "account/credentials", accountToken(user, 1), null));

        JsonNode totp = byType(types, "twofa-totp");
        JsonNode codes = byType(types, "twofa-backup-codes");
        assertEquals("two-factor", totp.get("category").asText());
        assertEquals("twofa-totp-display-name", totp.get("displayName").asText());
        assertEquals("twofa-setup-totp", totp.get("createAction").asText());
        assertEquals(1, totp.get("userCredentialMetadatas").size());
        JsonNode info = codes.get("userCredentialMetadatas").get(0).get("infoMessage");
        assertEquals("twofa-backup-codes-remaining", info.get("key").asText());
        assertEquals(
                List.of("10", "10"),
                StreamSupport.stream(info.get("parameters").spliterator(), false)
                        .map(JsonNode::asText)
                        .toList());
    }

    @Test
    void givenEnrolledUser_whenTheAdminRemovesTheTotpCredential_thenTheBackupCodesGoToo() {
        String userId = userId(enrolled());
        String totpId =
                admin.credentials("demo", userId, "twofa-totp").get(0).get("id").asText();

        assertEquals(
                204,
                admin.call("DELETE", "/demo/users/" + userId + "/credentials/" + totpId, null)
                        .statusCode());

        assertEquals(Set.of("password"), adminConsoleTypes(userId));
    }

    /** The account console's "Delete" opens Keycloak's delete_credential action on the login pages. */
    @Test
    void givenEnrolledUser_whenTheUserRemovesTheTotpCredentialInTheAccountConsole_thenTheBackupCodesGoToo() {
        EnrolledKey user = enrolled();
        String userId = userId(user);
        String totpId =
                admin.credentials("demo", userId, "twofa-totp").get(0).get("id").asText();
        BrowserSession browser = new BrowserSession(server, "demo");
        browser.startLogin(Map.of("kc_action", "delete_credential:" + totpId));
        browser.submit("#kc-form-login", Map.of("username", user.username(), "password", user.password()));
        browser.submit("#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 1)));

        browser.submit("form:has(#kc-accept)", Map.of("accept", "Delete"));

        assertTrue(browser.isRedirectedToClient(), "deleted: " + browser.page());
        assertEquals(Set.of("password"), adminConsoleTypes(userId));
    }

    private static JsonNode byType(JsonNode types, String type) {
        JsonNode found = StreamSupport.stream(types.spliterator(), false)
                .filter(t -> type.equals(t.get("type").asText()))
                .findFirst()
                .orElse(null);
        assertNotNull(found, type + " missing from the account console: " + types);
        return found;
    }
}
