package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/**
 * A full life of 2FA for two users (pages and API: enrolment, wrong codes, logins, backup codes, new codes, disable,
 * admin reset) with our packages logging at DEBUG; then the server log, the stored user and admin events, every
 * page and every API answer are searched for the keys and every backup code, in every encoding a careless line might
 * use. The only places they may appear are the one-time displays: the setup page and answer, and the codes pages.
 */
class LeakScanIT extends RealServerTest {

    private final List<String> secrets = new ArrayList<>();
    private final Map<String, String> scanned = new LinkedHashMap<>();
    private final List<String> oneTimeDisplays = new ArrayList<>();

    @Test
    void givenAFullScenarioAtDebug_thenNoKeyOrBackupCodeAppearsOutsideTheOneTimeDisplays() throws Exception {
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("bruteForceProtected", false);
        copy.put("eventsEnabled", true);
        copy.put("adminEventsEnabled", true);
        copy.put("adminEventsDetailsEnabled", true);
        for (JsonNode config : copy.withArray("authenticatorConfig")) {
            ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
        }
        String realm = admin.importRealm(copy);
        ApiClient api = new ApiClient(server, realm);

        // User A on the login pages.
        admin.createUser(realm, "leak-pages", "pw-leak-pages", List.of());
        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin(Map.of("kc_action", "twofa-setup-totp"));
        var setupPage = browser.submit("#kc-form-login", Map.of("username", "leak-pages", "password", "pw-leak-pages"));
        oneTimeDisplays.add(setupPage.outerHtml());
        byte[] keyA = IndependentTotp.base32Decode(Enrolment.secretOf(Enrolment.scanQr(setupPage)));
        addKey(keyA);
        page(
                "wrong setup code",
                browser.submit("#twofa-setup-form", Map.of("code", wrongCode(keyA)))
                        .outerHtml(),
                true);
        long step = IndependentTotp.currentStep();
        var codesPage = browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(keyA, step)));
        oneTimeDisplays.add(codesPage.outerHtml());
        List<String> codesA = Enrolment.readBackupCodes(codesPage);
        addCodes(codesA);
        Enrolment.confirmBackupCodesSaved(browser);

        BrowserSession login = new BrowserSession(server, realm);
        page("password page", login.startLogin().outerHtml(), false);
        page(
                "code page",
                login.submit("#kc-form-login", Map.of("username", "leak-pages", "password", "pw-leak-pages"))
                        .outerHtml(),
                false);
        page(
                "wrong code",
                login.submit("#twofa-login-form", Map.of("code", wrongCode(keyA)))
                        .outerHtml(),
                false);
        page(
                "backup code page",
                login.submit("#twofa-use-backup-code-form", Map.of("use-backup-code", "true"))
                        .outerHtml(),
                false);
        page(
                "wrong backup code",
                login.submit("#twofa-backup-code-form", Map.of("backupCode", "zzzzz-zzzzz"))
                        .outerHtml(),
                false);
        page(
                "notice page",
                login.submit("#twofa-backup-code-form", Map.of("backupCode", codesA.get(0)))
                        .outerHtml(),
                false);
        login.submit("#twofa-backup-codes-notice-form", Map.of("action", "continue"));
        assertTrue(login.isRedirectedToClient());

        // User A through the API.
        response("grant without code", api.passwordGrant("leak-pages", "pw-leak-pages", null));
        response("grant wrong code", api.passwordGrant("leak-pages", "pw-leak-pages", wrongCode(keyA)));
        HttpResponse<String> granted =
                api.passwordGrant("leak-pages", "pw-leak-pages", IndependentTotp.code(keyA, step + 1));
        assertEquals(200, granted.statusCode(), granted.body());
        String tokenA = ApiClient.json(granted).get("access_token").asText();
        response("status", api.call("GET", "two-factor/status", tokenA, null));
        response(
                "regenerate wrong code",
                api.call("POST", "two-factor/backup-codes/regenerate", tokenA, "{\"code\":\"" + codesA.get(0) + "\"}"));
        HttpResponse<String> regenerated =
                api.call("POST", "two-factor/backup-codes/regenerate", tokenA, "{\"code\":\"" + codesA.get(2) + "\"}");
        assertEquals(200, regenerated.statusCode(), regenerated.body());
        oneTimeDisplays.add(regenerated.body());
        List<String> newCodesA = new ArrayList<>();
        ApiClient.json(regenerated).get("backupCodes").forEach(code -> newCodesA.add(code.asText()));
        addCodes(newCodesA);
        response(
                "disable wrong password",
                api.call(
                        "POST",
                        "two-factor/disable",
                        tokenA,
                        "{\"password\":\"nope\",\"code\":\"" + newCodesA.get(0) + "\"}"));
        response(
                "disable",
                api.call(
                        "POST",
                        "two-factor/disable",
                        tokenA,
                        "{\"password\":\"pw-leak-pages\",\"code\":\"" + newCodesA.get(0) + "\"}"));

        // User B enrols through the API; an administrator resets it.
        String userB = admin.createUser(realm, "leak-api", "pw-leak-api", List.of());
        String tokenB = api.accessToken("leak-api", "pw-leak-api", null);
        HttpResponse<String> setup = api.call("POST", "two-factor/setup", tokenB, "{\"password\":\"pw-leak-api\"}");
        oneTimeDisplays.add(setup.body());
        byte[] keyB = IndependentTotp.base32Decode(
                ApiClient.json(setup).get("manualKey").asText());
        addKey(keyB);
        response(
                "verify wrong code",
                api.call("POST", "two-factor/verify", tokenB, "{\"code\":\"" + wrongCode(keyB) + "\"}"));
        HttpResponse<String> verified = api.call(
                "POST",
                "two-factor/verify",
                tokenB,
                "{\"code\":\"" + IndependentTotp.code(keyB, IndependentTotp.currentStep()) + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());
        oneTimeDisplays.add(verified.body());
        List<String> codesB = new ArrayList<>();
        ApiClient.json(verified).get("backupCodes").forEach(code -> codesB.add(code.asText()));
        addCodes(codesB);
        response("status after verify", api.call("GET", "two-factor/status", tokenB, null));
        admin.grantRealmManagementRoles(
                realm, admin.userId(realm, "leak-pages"), List.of("view-users", "manage-users"));
        String adminToken = api.accessToken("leak-pages", "pw-leak-pages", null);
        response("admin status", api.adminCall("GET", "two-factor/users/" + userB, adminToken, null));
        response("coverage", api.adminCall("GET", "two-factor/coverage", adminToken, null));
        response("admin reset", api.adminCall("POST", "two-factor/users/" + userB + "/reset", adminToken, null));

        scanned.put("user events", admin.get("/" + realm + "/events?max=10000").toString());
        scanned.put(
                "admin events",
                admin.get("/" + realm + "/admin-events?max=10000").toString());
        scanned.put(
                "admin console credentials of A",
                admin.credentials(realm, admin.userId(realm, "leak-pages")).toString());
        String log = server.consoleLog();
        scanned.put("server log", log);

        assertTrue(
                log.contains("matched step offset") && log.contains("Backup code"),
                "the scan is only worth something if our DEBUG lines are in the log");
        assertTrue(
                oneTimeDisplays.stream().allMatch(display -> secrets.stream().anyMatch(display::contains)),
                "each one-time display shows a secret in one of the searched forms (control of the search)");
        List<String> leaks = new ArrayList<>();
        scanned.forEach((where, text) ->
                secrets.stream().filter(text::contains).findFirst().ifPresent(secret -> leaks.add(where)));
        assertTrue(leaks.isEmpty(), "a key or backup code appears in: " + leaks);
    }

    private void page(String what, String html, boolean mayShowSetupKey) {
        if (mayShowSetupKey) {
            // A wrong first code shows the setup page again, with the same key: still the one-time display.
            oneTimeDisplays.add(html);
        } else {
            scanned.put("page: " + what, html);
        }
    }

    private void response(String what, HttpResponse<String> response) {
        assertTrue(response.statusCode() < 500, what + ": " + response.statusCode());
        scanned.put("answer: " + what, response.headers().map() + "\n" + response.body());
    }

    /** The key as Base32 (upper, lower, grouped), hex and Base64. */
    private void addKey(byte[] key) {
        String base32 = IndependentTotp.base32Encode(key);
        secrets.add(base32);
        secrets.add(base32.toLowerCase(Locale.ROOT));
        secrets.add(base32.substring(0, 16).replaceAll("(.{4})(?!$)", "$1 "));
        secrets.add(HexFormat.of().formatHex(key));
        secrets.add(HexFormat.of().withUpperCase().formatHex(key));
        secrets.add(Base64.getEncoder().encodeToString(key).replace("=", ""));
    }

    /** Each code as shown (xxxxx-xxxxx), without the dash, and in upper case. */
    private void addCodes(List<String> codes) {
        for (String code : codes) {
            secrets.add(code);
            secrets.add(code.replace("-", ""));
            secrets.add(code.toUpperCase(Locale.ROOT));
            secrets.add(code.replace("-", "").toUpperCase(Locale.ROOT));
        }
    }

    private static String wrongCode(byte[] key) {
        return IndependentTotp.code(key, IndependentTotp.currentStep() + 40);
    }
}
