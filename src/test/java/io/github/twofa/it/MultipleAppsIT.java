package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Chromium;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.QrCodes;
import io.github.twofa.it.support.RealServerTest;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Several authenticator apps per user (issue 15): a phone and a tablet, each named, each logging in; adding or
 * removing one needs a code of the user's, never the password alone; the realm's limit holds; names are text.
 */
class MultipleAppsIT extends RealServerTest {

    private static final String HOSTILE_NAME = "<img src=x onerror=window.__xss=1>Телефон";
    private static final String CODE_HEADER = "X-Two-Factor-Code";
    private static final String CJK_NAME = "平板 & \"tablet\" 📱";

    private static String realm;
    private static ApiClient api;

    @BeforeAll
    static void realmWhereUsersOptIn() throws Exception {
        realm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "skip"));
        // Only the extension's attempt limit counts here: Keycloak's quick-login check would lock out fast tries.
        assertEquals(
                204,
                admin.call("PUT", "/" + realm, Map.of("bruteForceProtected", false))
                        .statusCode());
        api = new ApiClient(server, realm);
    }

    private record User(String name, String password) {}

    private record App(String id, byte[] key, long step, List<String> backupCodes) {}

    private static User newUser() {
        String name = "apps-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createUser(realm, name, "pw-" + name, List.of());
        return new User(name, "pw-" + name);
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        return api.call(method, "two-factor/" + path, token, body);
    }

    /**
     * Setup and verify over REST with {@code token} ({@code code}: a current code, for another app); the app's id, key
     * and the step its first code was of.
     */
    private static App addApp(User user, String token, String name, String code) {
        String setupBody = code == null
                ? "{\"password\":\"" + user.password() + "\"}"
                : "{\"password\":\"" + user.password() + "\",\"code\":\"" + code + "\"}";
        HttpResponse<String> setup = call("POST", "setup", token, setupBody);
        assertEquals(200, setup.statusCode(), setup.body());
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(
                QrCodes.decodeDataUri(ApiClient.json(setup).get("qrCode").asText()))));
        long step = IndependentTotp.currentStep();
        String body = name == null
                ? "{\"code\":\"" + IndependentTotp.code(key, step) + "\"}"
                : "{\"code\":\"" + IndependentTotp.code(key, step) + "\",\"name\":" + json(name) + "}";
        HttpResponse<String> verified = call("POST", "verify", token, body);
        assertEquals(200, verified.statusCode(), verified.body());
        List<String> backupCodes = StreamSupport.stream(
                        ApiClient.json(verified).path("backupCodes").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
        return new App(ApiClient.json(verified).get("app").get("id").asText(), key, step, backupCodes);
    }

    private static String json(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    private static JsonNode status(String token) {
        return ApiClient.json(call("GET", "status", token, null));
    }

    private static List<String> names(JsonNode status) {
        return StreamSupport.stream(status.get("apps").spliterator(), false)
                .map(app -> app.get("name").asText())
                .toList();
    }

    private static void assertError(int status, String error, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, ApiClient.json(response).get("error").asText(), response.body());
    }

    @Test
    void givenAPhoneAndATablet_thenACodeFromEachLogsInOnceAndAWrongCodeCountsOnce() {
        User user = newUser();
        String passwordOnly = api.accessToken(user.name(), user.password(), null);
        HttpResponse<String> first = call("POST", "setup", passwordOnly, "{\"password\":\"" + user.password() + "\"}");
        byte[] phoneKey = IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(
                QrCodes.decodeDataUri(ApiClient.json(first).get("qrCode").asText()))));
        long phoneStep = IndependentTotp.currentStep();
        HttpResponse<String> enabled = call(
                "POST", "verify", passwordOnly, "{\"code\":\"" + IndependentTotp.code(phoneKey, phoneStep) + "\"}");
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertEquals(
                "Authenticator app",
                ApiClient.json(enabled).get("app").get("name").asText());
        List<String> backupCodes = StreamSupport.stream(
                        ApiClient.json(enabled).get("backupCodes").spliterator(), false)
                .map(JsonNode::asText)
                .toList();

        // With 2FA on, the password alone adds no second app: a current code comes with it.
        assertError(
                400,
                "invalid_request",
                call("POST", "setup", passwordOnly, "{\"password\":\"" + user.password() + "\"}"));
        assertError(
                403,
                "invalid_code",
                call("POST", "setup", passwordOnly, "{\"password\":\"" + user.password() + "\",\"code\":\"000000\"}"));

        String withCode = passwordOnly;
        App tablet = addApp(user, withCode, CJK_NAME, IndependentTotp.code(phoneKey, phoneStep + 1));
        JsonNode status = status(withCode);
        assertEquals(List.of("Authenticator app", CJK_NAME), names(status), status.toString());
        assertEquals(10, status.get("backupCodesRemaining").asInt(), "another app keeps the backup codes");
        JsonNode tabletApp = status.get("apps").get(1);
        assertEquals(tablet.id(), tabletApp.get("id").asText());
        assertEquals("SHA1", tabletApp.get("algorithm").asText());
        assertEquals(6, tabletApp.get("digits").asInt());
        assertEquals(30, tabletApp.get("period").asInt());
        assertTrue(tabletApp.hasNonNull("createdAt"));
        assertTrue(status.get("apps").get(0).hasNonNull("lastUsedAt"), "the phone signed in: " + status);

        String tabletCode = IndependentTotp.code(tablet.key(), tablet.step() + 1);
        assertEquals(
                200, api.passwordGrant(user.name(), user.password(), tabletCode).statusCode(), "the tablet");
        assertEquals(
                400, api.passwordGrant(user.name(), user.password(), tabletCode).statusCode(), "its code once");

        // The replay and three wrong codes, each checked against both apps, count four: the fifth attempt gets in.
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    400,
                    api.passwordGrant(user.name(), user.password(), String.format("%06d", i))
                            .statusCode());
        }
        assertEquals(
                200,
                api.passwordGrant(user.name(), user.password(), backupCodes.get(0))
                        .statusCode(),
                "a wrong code counts once, whatever the number of apps");
        // And the limit is on: five wrong codes in a row lock even a right one out.
        for (int i = 0; i < 5; i++) {
            api.passwordGrant(user.name(), user.password(), String.format("%06d", 10 + i));
        }
        HttpResponse<String> locked = api.passwordGrant(user.name(), user.password(), backupCodes.get(1));
        assertEquals(400, locked.statusCode(), locked.body());
        assertTrue(locked.body().contains("Too many wrong codes"), locked.body());
    }

    /**
     * A setup started with the password alone, while the user had no 2FA, is not finished once another session turned
     * 2FA on: that would add an app with no code of the user's, and issue a second set of backup codes replacing the
     * one the first session was just shown.
     */
    @Test
    void givenASetupStartedWithoutACode_whenAnotherSessionTurnsTwoFactorOnFirst_thenItsVerifyIsRefused() {
        User user = newUser();
        String first = api.accessToken(user.name(), user.password(), null);
        String second = api.accessToken(user.name(), user.password(), null);
        HttpResponse<String> started = call("POST", "setup", second, "{\"password\":\"" + user.password() + "\"}");
        assertEquals(200, started.statusCode(), started.body());
        byte[] secondKey = IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(
                QrCodes.decodeDataUri(ApiClient.json(started).get("qrCode").asText()))));
        App phone = addApp(user, first, "Phone", null);

        assertError(
                409,
                "already_enabled",
                call(
                        "POST",
                        "verify",
                        second,
                        "{\"code\":\"" + IndependentTotp.code(secondKey, IndependentTotp.currentStep()) + "\"}"));

        JsonNode status = status(first);
        assertEquals(List.of("Phone"), names(status), status.toString());
        assertEquals(
                200,
                api.passwordGrant(
                                user.name(),
                                user.password(),
                                phone.backupCodes().get(0))
                        .statusCode(),
                "the set the first session was shown must work");
    }

    @Test
    void givenTwoApps_whenOneIsRemovedWithACurrentCode_thenTheOtherAndTheBackupCodesStayAndTheLastStays() {
        User user = newUser();
        String token = api.accessToken(user.name(), user.password(), null);
        App phone = addApp(user, token, "Phone", null);
        App tablet = addApp(user, token, "Tablet", IndependentTotp.code(phone.key(), phone.step() + 1));

        assertError(400, "invalid_request", call("DELETE", "apps/" + phone.id(), token, null));
        assertError(
                403, "invalid_code", api.call("DELETE", "two-factor/apps/" + phone.id(), token, CODE_HEADER, "000000"));
        assertError(
                404, "app_not_found", api.call("DELETE", "two-factor/apps/no-such-app", token, CODE_HEADER, "000000"));
        HttpResponse<String> removed = api.call(
                "DELETE",
                "two-factor/apps/" + phone.id(),
                token,
                CODE_HEADER,
                phone.backupCodes().get(0));
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(List.of("Tablet"), names(ApiClient.json(removed)));
        assertEquals(9, ApiClient.json(removed).get("backupCodesRemaining").asInt(), "one used for the removal");
        assertEquals(
                400,
                api.passwordGrant(user.name(), user.password(), IndependentTotp.code(phone.key(), phone.step() - 1))
                        .statusCode(),
                "the removed phone logs in no more");
        assertEquals(
                200,
                api.passwordGrant(user.name(), user.password(), IndependentTotp.code(tablet.key(), tablet.step() + 1))
                        .statusCode(),
                "the tablet still does");

        assertError(
                409,
                "last_app",
                api.call(
                        "DELETE",
                        "two-factor/apps/" + tablet.id(),
                        token,
                        CODE_HEADER,
                        IndependentTotp.code(tablet.key(), tablet.step() + 1)));
        assertTrue(status(token).get("enabled").asBoolean(), "the last app goes only with a disable");
    }

    @Test
    void givenThreeApps_whenTwoAreRemovedAtOnce_thenBothGoOrOneIsAskedToRetryAndNothingFails() throws Exception {
        User user = newUser();
        String token = api.accessToken(user.name(), user.password(), null);
        App phone = addApp(user, token, "Phone", null);
        App tablet = addApp(user, token, "Tablet", phone.backupCodes().get(0));
        App laptop = addApp(user, token, "Laptop", phone.backupCodes().get(1));
        List<String> removed = List.of(tablet.id(), laptop.id());
        List<Integer> statuses = all(
                2,
                i -> api.call(
                                "DELETE",
                                "two-factor/apps/" + removed.get(i),
                                token,
                                CODE_HEADER,
                                phone.backupCodes().get(2 + i))
                        .statusCode());
        assertTrue(statuses.stream().allMatch(status -> status == 200 || status == 409), statuses.toString());
        List<String> left = names(status(token));
        assertEquals(3 - statuses.stream().filter(status -> status == 200).count(), left.size(), statuses + " " + left);
        assertTrue(left.contains("Phone"));
    }

    /** Runs {@code count} calls at once; their answers in order. */
    private static List<Integer> all(int count, java.util.function.IntFunction<Integer> call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(count);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                statuses.add(answer.get(2, java.util.concurrent.TimeUnit.MINUTES));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenTheRealmsLimit_whenAUserHasThatManyApps_thenAnotherIsRefused() throws Exception {
        String config = "/" + realm + "/authentication/required-actions/twofa-setup-totp/config";
        assertEquals(
                204,
                admin.call("PUT", config, Map.of("config", Map.of("twofa.max-apps", "2")))
                        .statusCode());
        try {
            assertEquals(
                    400,
                    admin.call("PUT", config, Map.of("config", Map.of("twofa.max-apps", "0")))
                            .statusCode(),
                    "a limit out of range is refused");
            User user = newUser();
            String token = api.accessToken(user.name(), user.password(), null);
            App phone = addApp(user, token, null, null);
            addApp(user, token, "Tablet", IndependentTotp.code(phone.key(), phone.step() + 1));
            assertError(
                    409,
                    "too_many_apps",
                    call(
                            "POST",
                            "setup",
                            token,
                            "{\"password\":\"" + user.password() + "\",\"code\":\""
                                    + IndependentTotp.code(phone.key(), phone.step() - 1) + "\"}"));
            // Three more set-ups finished at once, with one place left: exactly one gets it.
            User racer = newUser();
            String racerToken = api.accessToken(racer.name(), racer.password(), null);
            App first = addApp(racer, racerToken, null, null);
            List<String> sessions = new ArrayList<>();
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String session = api.accessToken(
                        racer.name(), racer.password(), first.backupCodes().get(i));
                HttpResponse<String> setup = call(
                        "POST",
                        "setup",
                        session,
                        "{\"password\":\"" + racer.password() + "\",\"code\":\""
                                + first.backupCodes().get(3 + i) + "\"}");
                assertEquals(200, setup.statusCode(), setup.body());
                sessions.add(session);
                keys.add(IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(QrCodes.decodeDataUri(
                        ApiClient.json(setup).get("qrCode").asText())))));
            }
            List<Integer> statuses = all(
                    3,
                    i -> call(
                                    "POST",
                                    "verify",
                                    sessions.get(i),
                                    "{\"code\":\"" + IndependentTotp.code(keys.get(i), IndependentTotp.currentStep())
                                            + "\"}")
                            .statusCode());
            assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
            assertTrue(statuses.stream().allMatch(status -> status == 200 || status == 409), statuses.toString());
            assertEquals(2, status(racerToken).get("apps").size(), "the limit holds under a race");
        } finally {
            admin.call("DELETE", config, null);
        }
    }

    @Test
    void givenABrowserLoginWithoutACode_whenTheAccountConsoleAddsAnApp_thenACurrentCodeComesBeforeTheQrCode() {
        User user = newUser();
        App phone = addApp(user, api.accessToken(user.name(), user.password(), null), "Phone", null);
        String clientFlow = passwordOnlyBrowserFlow();

        // A login that asked for the password only (a client bound to a flow without our step), then "Set up another
        // app".
        BrowserSession browser = new BrowserSession(server, realm);
        setBrowserFlowOverride(clientFlow);
        try {
            browser.startLogin(Map.of("kc_action", "twofa-setup-totp"));
            Document page =
                    browser.submit("#kc-form-login", Map.of("username", user.name(), "password", user.password()));
            assertNotNull(page.selectFirst("#twofa-confirm-form"), "a code first: " + page.text());
            assertNull(page.selectFirst("#twofa-qr-code"), "no QR code for the password alone");
            // Posting a set-up code straight away does not get around it.
            page = browser.submit("#twofa-confirm-form", Map.of("code", "123456", "name", "Mine"));
            assertNotNull(page.selectFirst("#twofa-confirm-form"), page.text());

            page = browser.submit(
                    "#twofa-confirm-form", Map.of("confirmCode", IndependentTotp.code(phone.key(), phone.step() + 1)));
            assertNotNull(page.selectFirst("#twofa-qr-code"), "the QR code once a code was typed: " + page.text());
            assertEquals("Authenticator app", page.selectFirst("#name").attr("value"), "the name is prefilled");
            byte[] tabletKey = IndependentTotp.base32Decode(Enrolment.secretOf(Enrolment.scanQr(page)));
            long step = IndependentTotp.currentStep();

            // A hostile name round-trips as text: the page shows it back in the field, escaped.
            page = browser.submit("#twofa-setup-form", Map.of("name", HOSTILE_NAME, "code", "000000"));
            assertEquals(HOSTILE_NAME, page.selectFirst("#name").attr("value"));
            assertTrue(page.select("img[src=x]").isEmpty(), "no markup from the name");

            browser.submit(
                    "#twofa-setup-form", Map.of("name", HOSTILE_NAME, "code", IndependentTotp.code(tabletKey, step)));
            assertTrue(browser.isRedirectedToClient(), "another app needs no new backup codes");
        } finally {
            setBrowserFlowOverride(null);
        }
        List<String> labels = admin.credentials(realm, admin.userId(realm, user.name()), "twofa-totp").stream()
                .map(credential -> credential.get("userLabel").asText())
                .toList();
        assertEquals(
                List.of("Phone", HOSTILE_NAME).stream().sorted().toList(),
                labels.stream().sorted().toList());
    }

    @Test
    void givenAppsWithHostileAndNonLatinNames_thenTheAccountConsoleShowsEachAsTextWithItsOwnDelete() {
        User user = newUser();
        String token = api.accessToken(user.name(), user.password(), null);
        App phone = addApp(user, token, HOSTILE_NAME, null);
        App tablet = addApp(user, token, CJK_NAME, IndependentTotp.code(phone.key(), phone.step() + 1));

        try (Chromium chromium = Chromium.start()) {
            chromium.open(server.baseUrl() + "/realms/" + realm + "/account/account-security/signing-in");
            chromium.awaitElement("#username").sendKeys(user.name());
            chromium.find("#password").sendKeys(user.password(), Keys.ENTER);
            chromium.awaitElement("#code").sendKeys(IndependentTotp.code(tablet.key(), tablet.step() + 1), Keys.ENTER);
            String page = chromium.await(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return text.contains(CJK_NAME) && text.contains(HOSTILE_NAME) ? text : null;
            });
            assertTrue(page.contains("Authenticator app (two-factor)"), page);
            assertNull(chromium.script("return window.__xss;"), "a name never runs as markup");
            assertFalse(chromium.exists("img[src='x']"));
            assertTrue(
                    chromium.driver()
                                    .findElements(By.cssSelector("button[data-testrole='remove']"))
                                    .size()
                            >= 2,
                    "each app has its own Delete");
            chromium.screenshotsOnly("15-account-console-two-apps");
        }
    }

    /** A browser flow of the password form alone, as a client might be bound to: it never asks for a code. */
    private static String passwordOnlyBrowserFlow() {
        String alias = "password-only-" + UUID.randomUUID().toString().substring(0, 6);
        String flows = "/" + realm + "/authentication/flows";
        HttpResponse<String> created = admin.call(
                "POST", flows, Map.of("alias", alias, "providerId", "basic-flow", "topLevel", true, "builtIn", false));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(
                201,
                admin.call(
                                "POST",
                                flows + "/" + alias + "/executions/execution",
                                Map.of("provider", "auth-username-password-form"))
                        .statusCode());
        var form = (com.fasterxml.jackson.databind.node.ObjectNode)
                admin.get(flows + "/" + alias + "/executions").get(0);
        form.put("requirement", "REQUIRED");
        assertEquals(
                204,
                admin.call("PUT", flows + "/" + alias + "/executions", form).statusCode());
        return StreamSupport.stream(admin.get(flows).spliterator(), false)
                .filter(flow -> alias.equals(flow.get("alias").asText()))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asText();
    }

    private static void setBrowserFlowOverride(String flowId) {
        JsonNode client = StreamSupport.stream(
                        admin.get("/" + realm + "/clients?clientId=" + Http.encode(BrowserSession.CLIENT_ID))
                                .spliterator(),
                        false)
                .findFirst()
                .orElseThrow();
        var updated = (com.fasterxml.jackson.databind.node.ObjectNode) client;
        updated.putObject("authenticationFlowBindingOverrides").put("browser", flowId == null ? "" : flowId);
        assertEquals(
                204,
                admin.call("PUT", "/" + realm + "/clients/" + client.get("id").asText(), updated)
                        .statusCode());
    }
}
