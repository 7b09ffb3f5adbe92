package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Chromium;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Rolling 2FA out with notice (issue 16): with require-after-grace, users without 2FA may set it up later for the
 * grace period's days, shown on the page; once it ends, or an admin ends it, the set-up is required; an admin can
 * give more days.
 */
class EnrolmentGraceIT extends RealServerTest {

    private static String realm;

    @BeforeAll
    static void realmWithATwoWeekGracePeriod() throws Exception {
        realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "require-after-grace"));
    }

    private static Document afterPassword(BrowserSession browser, String username) {
        return browser.loginWithPassword(username, "pw-" + username);
    }

    private static String graceRecordId(String userId) {
        return StreamSupport.stream(admin.credentials(realm, userId).spliterator(), false)
                .filter(credential -> credential.get("type").asText().equals("twofa-enrolment-grace"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no grace record: " + admin.credentials(realm, userId)))
                .get("id")
                .asText();
    }

    @Test
    void givenAUserWithout2fa_whenInTheGracePeriod_thenTheyMaySetUpLaterUntilItEnds() {
        String username = "grace-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = admin.createUser(realm, username, "pw-" + username, List.of());

        BrowserSession first = new BrowserSession(server, realm);
        Document setup = afterPassword(first, username);
        assertNotNull(setup.selectFirst("#twofa-qr-code"), setup.text());
        assertEquals(
                "Set up later (14 days left)",
                setup.selectFirst("#twofa-setup-later").text());
        first.submit("#twofa-setup-form", Map.of("later", "true"));
        assertTrue(first.isRedirectedToClient(), "in without 2FA, for now");
        JsonNode claims = BrowserSession.claims(
                first.exchangeCodeForTokens().get("id_token").asText());
        assertFalse(
                StreamSupport.stream(claims.path("amr").spliterator(), false)
                        .anyMatch(value -> value.asText().equals("otp")),
                "no code was typed: " + claims);

        JsonNode row = StreamSupport.stream(
                        admin.get("/" + realm + "/two-factor/coverage?filter=disabled&max=1000")
                                .get("users")
                                .spliterator(),
                        false)
                .filter(user -> user.get("username").asText().equals(username))
                .findFirst()
                .orElseThrow();
        assertTrue(row.hasNonNull("graceEndsAt"), "the coverage report shows the grace: " + row);

        // The user cannot move the end: it is no attribute they could edit, and Keycloak's account API, which the
        // user's own token reaches (an API login in the grace period is let through), will not remove it.
        JsonNode attributes = admin.get("/" + realm + "/users/" + userId).path("attributes");
        assertFalse(attributes.has("twofa.grace-ends"), attributes.toString());
        String graceId = graceRecordId(userId);
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(username, "pw-" + username, null);
        HttpResponse<String> removal = api.call("DELETE", "account/credentials/" + graceId, token, null);
        assertTrue(removal.statusCode() >= 400, removal.statusCode() + " " + removal.body());
        assertEquals(graceId, graceRecordId(userId), "the grace period's record is still there");

        // An admin gives three days: the page counts them.
        HttpResponse<String> extended =
                admin.call("POST", "/" + realm + "/two-factor/users/" + userId + "/grace", Map.of("days", 3));
        assertEquals(200, extended.statusCode(), extended.body());
        String gracePath = "/" + realm + "/two-factor/users/" + userId + "/grace";
        for (String loose : List.of("{\"days\":\"5\"}", "{\"days\":1.5}", "{\"days\":true}")) {
            assertEquals(400, admin.call("POST", gracePath, loose).statusCode(), loose);
        }
        assertEquals(
                415,
                Http.send(
                                HttpClient.newHttpClient(),
                                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms" + gracePath))
                                        .header("Authorization", "Bearer " + admin.token())
                                        .header("Content-Type", "text/plain")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"days\":5}"))
                                        .build())
                        .statusCode(),
                "a body that does not say it is JSON");
        BrowserSession second = new BrowserSession(server, realm);
        assertEquals(
                "Set up later (3 days left)",
                afterPassword(second, username)
                        .selectFirst("#twofa-setup-later")
                        .text());

        // An admin ends it: the set-up is required, and "later" sent anyway changes nothing.
        assertEquals(
                200,
                admin.call("POST", "/" + realm + "/two-factor/users/" + userId + "/grace", Map.of("days", 0))
                        .statusCode());
        BrowserSession third = new BrowserSession(server, realm);
        Document required = afterPassword(third, username);
        assertNotNull(required.selectFirst("#twofa-qr-code"));
        assertNull(required.selectFirst("#twofa-setup-later"), "no way to put it off any more");
        third.submit("#twofa-setup-form", Map.of("later", "true"));
        assertFalse(third.isRedirectedToClient(), "the set-up stays required");
        assertEquals(
                400,
                admin.call("POST", "/" + realm + "/two-factor/users/" + userId + "/grace", Map.of("days", 999))
                        .statusCode());
    }

    @Test
    void givenTheGracePeriod_whenAUserClicksSetUpLaterInABrowser_thenTheyReachTheApplication() {
        String username = "grace-browser-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createUser(realm, username, "pw-" + username, List.of());
        try (Chromium chromium = Chromium.start()) {
            chromium.open(BrowserSession.authorizationUrl(
                    server.baseUrl(), realm, "grace-test-verifier-0123456789", Map.of()));
            chromium.awaitElement("#username").sendKeys(username);
            chromium.find("#password").sendKeys("pw-" + username, Keys.ENTER);
            WebElement later = chromium.await(
                    d -> d.findElements(By.xpath("//button[normalize-space()='Set up later (14 days left)']")).stream()
                            .findFirst()
                            .orElse(null));
            chromium.screenshots("18-setup-later");
            chromium.assertAccessible("set-up page in the grace period");
            later.click();
            chromium.await(d -> d.getCurrentUrl().startsWith(BrowserSession.REDIRECT_URI) ? true : null);
        }
    }
}
