package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jsoup.nodes.Document;

/** Drives the enrolment pages the way a person with a phone app does: scan the QR, type the code it shows. */
public final class Enrolment {

    /** What the phone app learned from the QR, and the time step whose code turned 2FA on. */
    public record EnrolledKey(
            String username, String password, byte[] key, long enrolmentStep, List<String> backupCodes) {}

    private Enrolment() {}

    /** The otpauth:// URI a camera reads from the QR code on the enrolment page. */
    public static URI scanQr(Document setupPage) {
        var image = setupPage.selectFirst("#twofa-qr-code");
        assertNotNull(image, "no QR code on page:\n" + setupPage.text());
        return URI.create(QrCodes.decodeDataUri(image.attr("src")));
    }

    public static String secretOf(URI otpauth) {
        return queryParameter(otpauth, "secret");
    }

    public static String queryParameter(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The backup codes as the page shows them, e.g. {@code abcde-fghjk}. */
    public static List<String> readBackupCodes(Document page) {
        List<String> codes = page.select("#twofa-backup-codes li").eachText();
        assertTrue(!codes.isEmpty(), "no backup codes on page:\n" + page.text());
        return codes;
    }

    public static Document confirmBackupCodesSaved(BrowserSession browser) {
        return browser.submit("#twofa-backup-codes-form", Map.of("saved", "on", "action", "confirm"));
    }

    /** Creates a user in {@code realm}, logs in, scans the QR and confirms with the current code. */
    public static EnrolledKey enrolNewUser(KeycloakServer server, AdminApi admin, String realm, String username) {
        return enrolNewUser(server, admin, realm, username, Map.of());
    }

    /** As above, with extra authorization request parameters (e.g. the acr a step-up flow needs to ask for 2FA). */
    public static EnrolledKey enrolNewUser(
            KeycloakServer server,
            AdminApi admin,
            String realm,
            String username,
            Map<String, String> authorizationParameters) {
        return enrolNewUser(server, admin, realm, username, authorizationParameters, false);
    }

    /**
     * As above; {@code fromAccountConsole} starts the enrolment as the account console does (kc_action), for realms
     * where users without 2FA are not made to enrol at login.
     */
    public static EnrolledKey enrolNewUser(
            KeycloakServer server,
            AdminApi admin,
            String realm,
            String username,
            Map<String, String> authorizationParameters,
            boolean fromAccountConsole) {
        return enrolInBrowser(server, admin, realm, username, authorizationParameters, fromAccountConsole)
                .key();
    }

    /** A user who just enrolled, and the browser that did it, back at the client with an authorization code. */
    public record EnrolledInBrowser(EnrolledKey key, BrowserSession browser) {}

    /** As {@link #enrolNewUser(KeycloakServer, AdminApi, String, String, Map, boolean)}, keeping the browser. */
    public static EnrolledInBrowser enrolInBrowser(
            KeycloakServer server,
            AdminApi admin,
            String realm,
            String username,
            Map<String, String> authorizationParameters,
            boolean fromAccountConsole) {
        admin.createUser(realm, username, "pw-" + username, List.of());
        BrowserSession browser = new BrowserSession(server, realm);
        Map<String, String> parameters = new HashMap<>(authorizationParameters);
        if (fromAccountConsole) {
            parameters.put("kc_action", "twofa-setup-totp");
        }
        browser.startLogin(parameters);
        Document setup = browser.submit("#kc-form-login", Map.of("username", username, "password", "pw-" + username));
        byte[] key = IndependentTotp.base32Decode(secretOf(scanQr(setup)));
        long step = IndependentTotp.currentStep();
        Document codesPage = browser.submit("#twofa-setup-form", Map.of("code", IndependentTotp.code(key, step)));
        List<String> backupCodes = readBackupCodes(codesPage);
        confirmBackupCodesSaved(browser);
        assertTrue(browser.isRedirectedToClient(), "enrolment did not finish the login");
        return new EnrolledInBrowser(new EnrolledKey(username, "pw-" + username, key, step, backupCodes), browser);
    }
}
