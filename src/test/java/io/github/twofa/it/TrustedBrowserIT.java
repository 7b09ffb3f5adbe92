package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import io.github.twofa.it.support.TestProviders;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Don't ask for a code on this browser for N days" (issue 16): the box is unticked unless ticked; a trusted browser
 * logs in with the password and its tokens say {@code amr: ["pwd"]}; the cookie does nothing for another user, when
 * the client asks for a fresh login or a level, or once revoked.
 */
class TrustedBrowserIT extends RealServerTest {

    private static final String PREFIX = "TWOFA_TRUSTED_";

    private static String realm;

    @BeforeAll
    static void realmThatTrustsBrowsersFor30Days() throws Exception {
        realm = admin.importDemoRealmCopy(Map.of("twofa.trust-browser-days", "30"));
    }

    private static EnrolledKey enrolled(String prefix) {
        return Enrolment.enrolNewUser(
                server,
                admin,
                realm,
                prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Logs in with the password and a code, the box ticked; returns the trust cookie's name and value. */
    private static Map.Entry<String, String> trustABrowser(EnrolledKey user, long stepOffset) {
        BrowserSession browser = new BrowserSession(server, realm);
        Document codePage = browser.loginWithPassword(user.username(), user.password());
        assertNotNull(codePage.selectFirst("#trustBrowser"), "the box is offered");
        assertNull(codePage.selectFirst("#trustBrowser[checked]"), "and unticked");
        browser.submit(
                "#twofa-login-form",
                Map.of(
                        "code",
                        IndependentTotp.code(user.key(), user.enrolmentStep() + stepOffset),
                        "trustBrowser",
                        "on"));
        assertTrue(browser.isRedirectedToClient());
        String name = browser.cookies().names().stream()
                .filter(cookie -> cookie.startsWith(PREFIX))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no trust cookie: " + browser.cookies().names()));
        return Map.entry(name, browser.cookies().value(name));
    }

    /** A new login (no single sign-on) in a browser holding only {@code cookie}: the page after the password. */
    private static BrowserSession loginWith(
            Map.Entry<String, String> cookie, String username, Map<String, String> extra) {
        BrowserSession browser = new BrowserSession(server, realm);
        browser.cookies().set("/realms/" + realm + "/", cookie.getKey(), cookie.getValue());
        browser.startLogin(extra);
        browser.submit("#kc-form-login", Map.of("username", username, "password", "pw-" + username));
        return browser;
    }

    private static void assertAskedForCode(BrowserSession browser, String why) {
        assertTrue(!browser.isRedirectedToClient() && browser.page().selectFirst("#twofa-login-form") != null, why);
    }

    @Test
    void givenATrustedBrowser_whenLoggingInAgain_thenNoCodeIsAskedAndTheTokenClaimsOnlyThePassword() {
        EnrolledKey user = enrolled("trusted");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);

        BrowserSession again = loginWith(cookie, user.username(), Map.of());
        assertTrue(again.isRedirectedToClient(), "no code page on the trusted browser");
        JsonNode claims = BrowserSession.claims(
                again.exchangeCodeForTokens().get("id_token").asText());
        assertEquals(List.of("pwd"), texts(claims.get("amr")), "no code was typed: " + claims);

        JsonNode login = StreamSupport.stream(
                        admin.get("/" + realm + "/events?type=LOGIN&user=" + admin.userId(realm, user.username()))
                                .spliterator(),
                        false)
                .findFirst()
                .orElseThrow();
        assertEquals(
                "trusted-browser",
                login.path("details").path("twofa_second_factor").asText(),
                login.toString());

        String token = new ApiClient(server, realm)
                .accessToken(
                        user.username(), user.password(), user.backupCodes().get(0));
        JsonNode listed =
                ApiClient.json(new ApiClient(server, realm).call("GET", "two-factor/trusted-browsers", token, null));
        assertEquals(1, listed.get("trustedBrowsers").size(), listed.toString());

        // The account console lists it with its own Delete, which forgets it.
        ApiClient api = new ApiClient(server, realm);
        JsonNode trusted = StreamSupport.stream(
                        ApiClient.json(api.call("GET", "account/credentials", token, null))
                                .spliterator(),
                        false)
                .filter(type -> type.get("type").asText().equals("twofa-trusted-browser"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the account console does not list trusted browsers"));
        JsonNode record = trusted.get("userCredentialMetadatas").get(0).get("credential");
        assertEquals("A browser", record.get("userLabel").asText(), trusted.toString());
        assertTrue(trusted.get("removeable").asBoolean());
        assertEquals(
                204,
                api.call("DELETE", "account/credentials/" + record.get("id").asText(), token, null)
                        .statusCode());
        assertAskedForCode(loginWith(cookie, user.username(), Map.of()), "forgotten in the account console");
    }

    @Test
    void givenATrustedBrowser_whenTheUserForgetsAllOnTheAccountConsolesPage_thenItAsksForACodeAgain() {
        EnrolledKey user = enrolled("forget-all");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);

        // The account console links its trusted-browser section to this page (the type's create action).
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(
                user.username(), user.password(), user.backupCodes().get(0));
        JsonNode type = StreamSupport.stream(
                        ApiClient.json(api.call("GET", "account/credentials", token, null))
                                .spliterator(),
                        false)
                .filter(container -> container.get("type").asText().equals("twofa-trusted-browser"))
                .findFirst()
                .orElseThrow();
        assertEquals("twofa-trusted-browsers", type.path("createAction").asText(), type.toString());

        BrowserSession browser = loginWith(cookie, user.username(), Map.of("kc_action", "twofa-trusted-browsers"));
        Document page = browser.page();
        assertNotNull(page.selectFirst("#twofa-trusted-browsers-form"), page.text());
        assertEquals(1, page.select("#twofa-trusted-browsers-list li").size(), page.text());
        assertTrue(page.selectFirst("#twofa-forget-all").text().contains("Forget all trusted browsers"));

        browser.submit("#twofa-trusted-browsers-form", Map.of("forgetAll", "true"));
        assertTrue(browser.isRedirectedToClient(), "back to the account console");
        assertAskedForCode(loginWith(cookie, user.username(), Map.of()), "forgotten on the page");
    }

    @Test
    void givenAUserRepresentationWithATrustedBrowser_whenAnAdminCreatesTheUser_thenTheRecordIsNotStored() {
        String username = "planted-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> planted = Map.of(
                "type",
                "twofa-trusted-browser",
                "userLabel",
                "A browser",
                "secretData",
                "{\"tokenHash\":\"" + "ab".repeat(32) + "\"}",
                "credentialData",
                "{\"browser\":\"A browser\",\"appCredentialId\":\"x\",\"expiresAt\":4102444800000,"
                        + "\"lastUsedAt\":0}");
        var created = admin.call(
                "POST",
                "/" + realm + "/users",
                AdminApi.user(username, List.of(AdminApi.password("pw-" + username), planted)));
        assertEquals(201, created.statusCode(), "the user is created: " + created.body());
        JsonNode credentials = admin.credentials(realm, admin.userId(realm, username));
        assertEquals(List.of("password"), credentials.findValuesAsText("type"), "and only the password is stored");
    }

    @Test
    void givenATrustedBrowser_whenAskingForNewBackupCodes_thenNoneAreMadeWithoutACode() {
        EnrolledKey user = enrolled("mint");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);

        BrowserSession browser = loginWith(cookie, user.username(), Map.of("kc_action", "twofa-backup-codes"));
        Document page = browser.page();
        assertNotNull(page, "the action's page, not straight back to the client");
        if (page.selectFirst("#twofa-backup-codes-notice-form") != null) {
            browser.trySubmit("#twofa-backup-codes-notice-form", Map.of("action", "generate"));
            page = browser.page();
        }
        assertNull(page.selectFirst("#twofa-backup-codes li"), "no new codes for a login that took no code");
        assertEquals(
                200,
                new ApiClient(server, realm)
                        .passwordGrant(
                                user.username(),
                                user.password(),
                                user.backupCodes().get(1))
                        .statusCode(),
                "the user's own codes still work");
    }

    /**
     * Keycloak's delete_credential action, in a login that took no code (the browser was trusted): the app stays. The
     * app type is "not removable" on every login page but that action's, and there only after a recent code.
     */
    @Test
    void givenATrustedBrowser_whenTheAppIsDeletedThroughTheLoginPages_thenItStays() {
        EnrolledKey user = enrolled("keep");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);
        String userId = admin.userId(realm, user.username());
        String appId =
                admin.credentials(realm, userId, "twofa-totp").get(0).get("id").asText();

        BrowserSession browser = loginWith(cookie, user.username(), Map.of("kc_action", "delete_credential:" + appId));
        assertNotNull(
                browser.page().selectFirst("form:has(#kc-accept)"), "Keycloak asks to confirm: " + browser.page());
        browser.trySubmit("form:has(#kc-accept)", Map.of("accept", "Delete"));

        assertTrue(
                StreamSupport.stream(admin.credentials(realm, userId).spliterator(), false)
                        .anyMatch(credential -> credential.get("id").asText().equals(appId)),
                "the app is still there: "
                        + (browser.page() == null ? "" : browser.page().text()));
    }

    /** Admin user update with a new password: the trust goes, though Keycloak sends no password event for it. */
    @Test
    void givenAnAdminUserUpdateWithANewPassword_thenTheBrowserIsTrustedNoMore() {
        EnrolledKey user = enrolled("admin-put");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);
        String userId = admin.userId(realm, user.username());
        JsonNode representation = admin.get("/" + realm + "/users/" + userId);
        ((com.fasterxml.jackson.databind.node.ObjectNode) representation)
                .putArray("credentials")
                .addObject()
                .put("type", "password")
                .put("value", "pw-" + user.username())
                .put("temporary", false);
        assertEquals(
                204,
                admin.call("PUT", "/" + realm + "/users/" + userId, representation)
                        .statusCode());
        assertAskedForCode(loginWith(cookie, user.username(), Map.of()), "a new password ends the trust");
    }

    @Test
    void givenTheCookieOfAnotherUser_thenItDoesNothing() {
        EnrolledKey owner = enrolled("owner");
        EnrolledKey other = enrolled("other");
        Map.Entry<String, String> cookie = trustABrowser(owner, 1);

        assertAskedForCode(loginWith(cookie, other.username(), Map.of()), "another user's cookie, under its own name");
        String othersName = trustABrowser(other, 1).getKey();
        assertAskedForCode(
                loginWith(Map.entry(othersName, cookie.getValue()), other.username(), Map.of()),
                "another user's token under this user's name");
    }

    @Test
    void givenAClientThatAsksForAFreshLoginOrALevel_thenTheCodePageComesWhateverTheCookieSays() {
        EnrolledKey user = enrolled("forced");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);

        assertAskedForCode(loginWith(cookie, user.username(), Map.of("prompt", "login")), "prompt=login");
        assertAskedForCode(loginWith(cookie, user.username(), Map.of("acr_values", "2")), "acr_values");
        assertAskedForCode(
                loginWith(
                        cookie,
                        user.username(),
                        Map.of("claims", "{\"id_token\":{\"\\u0061cr\":{\"essential\":true,\"values\":[\"2\"]}}}")),
                "an acr claim request, escaped");
        assertAskedForCode(loginWith(cookie, user.username(), Map.of("max_age", "0")), "max_age older than the code");
        assertTrue(loginWith(cookie, user.username(), Map.of()).isRedirectedToClient(), "and otherwise trusted");
    }

    @Test
    void givenATrustedBrowser_whenItsDaysHavePassed_thenItIsAskedForTheCodeAgain() {
        EnrolledKey user = enrolled("expiry");
        Map.Entry<String, String> cookie = trustABrowser(user, 1);
        assertTrue(loginWith(cookie, user.username(), Map.of()).isRedirectedToClient(), "trusted today");
        try {
            TestProviders.moveServerClock(server, realm, 30 * 86_400 + 60);
            assertAskedForCode(loginWith(cookie, user.username(), Map.of()), "30 days and a minute later");
            TestProviders.moveServerClock(server, realm, 29 * 86_400);
            assertTrue(loginWith(cookie, user.username(), Map.of()).isRedirectedToClient(), "still trusted on day 29");
        } finally {
            TestProviders.moveServerClock(server, realm, 0);
        }
    }

    @Test
    void givenEachWayToRevoke_thenTheBrowserIsAskedForACodeAgain() {
        ApiClient api = new ApiClient(server, realm);
        revokesTrust("rest", (user) -> {
            String token = api.accessToken(
                    user.username(), user.password(), user.backupCodes().get(0));
            assertEquals(
                    200,
                    api.call("DELETE", "two-factor/trusted-browsers", token, null)
                            .statusCode());
        });
        revokesTrust(
                "admin",
                (user) -> assertEquals(
                        200,
                        admin.call(
                                        "DELETE",
                                        "/" + realm + "/two-factor/users/" + admin.userId(realm, user.username())
                                                + "/trusted-browsers",
                                        null)
                                .statusCode()));
        revokesTrust(
                "password",
                (user) -> assertEquals(
                        204,
                        admin.call(
                                        "PUT",
                                        "/" + realm + "/users/" + admin.userId(realm, user.username())
                                                + "/reset-password",
                                        Map.of(
                                                "type",
                                                "password",
                                                "value",
                                                "pw-" + user.username(),
                                                "temporary",
                                                false))
                                .statusCode()));
        revokesTrust(
                "reset",
                (user) -> assertEquals(
                        false,
                        admin.post("/" + realm + "/two-factor/users/" + admin.userId(realm, user.username()) + "/reset")
                                .get("enabled")
                                .asBoolean()));
    }

    private static void revokesTrust(String how, Consumer<EnrolledKey> revoke) {
        EnrolledKey user = enrolled("revoke-" + how);
        Map.Entry<String, String> cookie = trustABrowser(user, 1);
        assertTrue(loginWith(cookie, user.username(), Map.of()).isRedirectedToClient(), how + ": trusted first");
        revoke.accept(user);
        assertTrue(
                StreamSupport.stream(
                                admin.credentials(realm, admin.userId(realm, user.username()))
                                        .spliterator(),
                                false)
                        .noneMatch(credential -> credential.get("type").asText().equals("twofa-trusted-browser")),
                how + ": the record is gone");
        BrowserSession after = loginWith(cookie, user.username(), Map.of());
        assertTrue(!after.isRedirectedToClient(), how + ": trusted no more");
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
