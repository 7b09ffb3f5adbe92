package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;

import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Chromium;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.QrCodes;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The pages as a person meets them, in headless Chromium: enrolment (the QR read from the rendered pixels), backup
 * codes with copy, download and print, logins with the app and with a backup code, new codes, the lockout and a page
 * in German, each only with the keyboard where a person could, checked with axe-core and photographed at phone and
 * desktop width into {@code target/screenshots/}.
 */
class BrowserJourneyIT extends RealServerTest {

    private static String realm;

    private Chromium chromium;

    /**
     * The demo realm without Keycloak's brute-force detection, whose quick-login check would lock a user typing
     * wrong codes fast before the extension's own limit is reached.
     */
    @BeforeAll
    static void demoRealmCopy() throws IOException {
        realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
    }

    @BeforeEach
    void openBrowser() {
        chromium = Chromium.start();
    }

    @AfterEach
    void closeBrowser() {
        chromium.close();
    }

    /** What the user took away from enrolling: the key from the QR and the codes from the downloaded file. */
    private record Enrolled(String username, String password, byte[] key, long step, List<String> downloadedCodes) {}

    @Test
    void givenANewUser_whenEnrollingWithTheKeyboardOnly_thenTheQrScansAndTheDownloadedCodesLogIn() throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("journey"), true);

        List<String> lines = user.downloadedCodes();
        assertEquals(10, lines.size(), lines.toString());
        HttpResponse<String> login =
                new ApiClient(server, realm).passwordGrant(user.username(), user.password(), lines.get(9));
        assertEquals(200, login.statusCode(), "a code from the downloaded file logs in: " + login.body());
    }

    @Test
    void givenAnEnrolledUser_whenLoggingInWithTheAppCodeAfterAWrongOne_thenTheErrorIsAnnouncedAndTheRightCodeLogsIn()
            throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("app-login"), false);
        startLogin(user);
        chromium.awaitElement("#twofa-login-form");
        assertEquals("code", chromium.focusedId(), "the code field has the focus when the page opens");
        chromium.screenshots("04-login-code");
        chromium.assertAccessible("login code page");

        chromium.typeAndSubmit(IndependentTotp.code(user.key(), user.step() + 20));
        chromium.awaitElement("#input-error-code");
        assertEquals("true", chromium.find("#code").getAttribute("aria-invalid"));
        assertTrue(chromium.find("#input-error-container-code").getAttribute("aria-live") != null);
        chromium.screenshots("05-login-wrong-code");
        chromium.assertAccessible("login code page with an error");

        chromium.find("#code").sendKeys(nextCode(user), Keys.ENTER);
        awaitClient();
    }

    @Test
    void givenAnEnrolledUser_whenLoggingInWithABackupCode_thenTheNoticeSaysNineAreLeft() throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("backup-login"), false);
        startLogin(user);
        chromium.awaitElement("#twofa-use-backup-code");
        chromium.tabTo("twofa-use-backup-code");
        chromium.type(Keys.ENTER);
        chromium.awaitElement("#twofa-backup-code-form");
        assertEquals("backupCode", chromium.focusedId());
        chromium.screenshots("06-login-backup-code");
        chromium.assertAccessible("backup code page");
        chromium.typeAndSubmit("zzzzz-zzzzz");
        assertTrue(chromium.awaitElement("#input-error-backupCode").getText().contains("not valid"));
        assertEquals("backupCode", chromium.focusedId(), "the field has the focus again after an error");
        chromium.screenshots("06b-login-backup-code-wrong");
        chromium.assertAccessible("backup code page with an error");

        chromium.typeAndSubmit(user.downloadedCodes().get(0).toUpperCase().replace("-", " "));
        chromium.awaitElement("#twofa-backup-codes-notice-form");
        assertTrue(
                chromium.find("#twofa-backup-codes-remaining").getText().contains("9"),
                chromium.find("#twofa-backup-codes-remaining").getText());
        chromium.screenshots("07-backup-codes-left");
        chromium.assertAccessible("codes-left notice");
        chromium.tabTo("twofa-continue");
        chromium.type(Keys.ENTER);
        awaitClient();
    }

    @Test
    void givenFewBackupCodesLeft_whenTheUserMakesANewSet_thenTheNewCodesAreShownAndWork() throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("regenerate"), false);
        ApiClient api = new ApiClient(server, realm);
        for (int i = 0; i < 6; i++) {
            assertEquals(
                    200,
                    api.passwordGrant(
                                    user.username(),
                                    user.password(),
                                    user.downloadedCodes().get(i))
                            .statusCode());
        }
        startLogin(user);
        chromium.awaitElement("#twofa-use-backup-code").click();
        chromium.awaitElement("#backupCode").sendKeys(user.downloadedCodes().get(6), Keys.ENTER);
        chromium.awaitElement("#twofa-backup-codes-low");
        chromium.screenshots("08-backup-codes-low");
        chromium.assertAccessible("few codes left notice");

        chromium.find("#twofa-generate").click();
        chromium.awaitElement("#twofa-backup-codes");
        List<String> fresh = chromium.driver().findElements(By.cssSelector(".twofa-backup-code")).stream()
                .map(element -> element.getText().trim())
                .toList();
        chromium.screenshots("09-new-backup-codes");
        chromium.find("#saved").click();
        chromium.find("#twofa-backup-codes-continue").click();
        awaitClient();

        assertEquals(
                400,
                api.passwordGrant(
                                user.username(),
                                user.password(),
                                user.downloadedCodes().get(7))
                        .statusCode(),
                "old codes stop working");
        assertEquals(
                200,
                api.passwordGrant(user.username(), user.password(), fresh.get(0))
                        .statusCode(),
                "new codes work");
    }

    @Test
    void givenFiveWrongCodes_thenThePageSaysWhenToTryAgainEvenForTheRightCode() throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("lockout"), false);
        startLogin(user);
        chromium.awaitElement("#code");
        for (int i = 0; i < 5; i++) {
            chromium.typeAndSubmit(IndependentTotp.code(user.key(), user.step() + 40 + i));
        }
        chromium.typeAndSubmit(nextCode(user));

        String message = chromium.awaitElement("#input-error-code").getText();
        assertTrue(message.contains("try again in 5 minutes"), message);
        assertFalse(chromium.url().startsWith(BrowserSession.REDIRECT_URI));
        chromium.screenshots("10-locked-out");
        chromium.assertAccessible("lockout message");
    }

    @Test
    void givenAGermanUser_whenTheSetupPageOpens_thenItIsInGerman() {
        admin.createUser(realm, "deutsch", "pw-deutsch", List.of());
        chromium.open(authorizationUrl(Map.of("ui_locales", "de")));
        chromium.awaitElement("#username").sendKeys("deutsch");
        chromium.find("#password").sendKeys("pw-deutsch", Keys.ENTER);

        chromium.awaitElement("#twofa-setup-form");
        assertEquals("de", chromium.find("html").getAttribute("lang"));
        String page = chromium.find("body").getText();
        assertTrue(page.contains("Zwei-Faktor-Authentifizierung einrichten"), page);
        assertTrue(page.contains("Öffnen Sie die App und scannen Sie diesen QR-Code."), page);
        assertTrue(
                chromium.find("#twofa-qr-code").getAttribute("alt").startsWith("QR-Code, um"),
                "QR text alternative in German");
        chromium.screenshots("11-setup-german");
    }

    @Test
    void givenATrustedBrowser_whenTheUserForgetsAllInTheAccountConsole_thenTheNextLoginAsksForACode()
            throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("trusted"), false);
        startLogin(user, server.baseUrl() + "/realms/" + realm + "/account/account-security/signing-in");
        chromium.awaitElement("#code").sendKeys(nextCode(user));
        chromium.find(By.xpath("//label[contains(normalize-space(), \"Don't ask for a code on this browser\")]"))
                .click();
        assertTrue(chromium.find("#trustBrowser").isSelected(), "the label ticks the box");
        chromium.find("#code").sendKeys(Keys.ENTER);

        String page = chromium.await(d -> {
            String text = d.findElement(By.tagName("body")).getText();
            return text.contains("Trusted browsers (two-factor)") && text.contains("trusted until") ? text : null;
        });
        assertTrue(page.matches("(?s).*Last used \\d{4}-\\d\\d-\\d\\d, trusted until \\d{4}-\\d\\d-\\d\\d.*"), page);
        assertTrue(page.contains("Chrome on Linux"), "the browser and system, from the user agent: " + page);
        chromium.screenshotsOnly("14-account-console-trusted-browser");

        // Keycloak's console labels a credential type's page link "Set up ..."; it opens the list with "Forget all".
        chromium.find(By.xpath("//button[normalize-space()='Set up Trusted browsers (two-factor)']"))
                .click();
        chromium.awaitElement("#twofa-trusted-browsers-list");
        assertTrue(chromium.find("#twofa-trusted-browsers-list").getText().contains("Chrome on Linux"));
        chromium.screenshots("17-trusted-browsers");
        chromium.assertAccessible("trusted browsers page");
        chromium.find(By.xpath("//button[normalize-space()='Forget all trusted browsers']"))
                .click();
        chromium.await(d ->
                d.findElement(By.tagName("body")).getText().contains("Trusted browsers (two-factor) is not set up.")
                        ? true
                        : null);

        // The browser keeps its trust cookie, which now matches nothing: signed out, the code page comes back.
        chromium.driver().manage().deleteCookieNamed("KEYCLOAK_IDENTITY");
        chromium.driver().manage().deleteCookieNamed("KEYCLOAK_SESSION");
        chromium.open(authorizationUrl(Map.of()));
        chromium.awaitElement("#username").sendKeys(user.username());
        chromium.find("#password").sendKeys(user.password(), Keys.ENTER);
        chromium.awaitElement("#twofa-login-form");
    }

    @Test
    void givenAnEnrolledUser_whenUsingTheAccountConsole_thenBothCredentialsShowWithLabelsAndCanBeRenewedAndRemoved()
            throws IOException {
        Enrolled user = enrolWithScreenshots(uniqueUser("account"), false);
        startLogin(user, server.baseUrl() + "/realms/" + realm + "/account/account-security/signing-in");
        chromium.awaitElement("#code").sendKeys(nextCode(user), Keys.ENTER);

        String page = chromium.await(d -> {
            String text = d.findElement(By.tagName("body")).getText();
            return text.contains("Authenticator app (two-factor)") && text.contains("Backup codes (two-factor)")
                    ? text
                    : null;
        });
        assertTrue(page.contains("10 of 10 backup codes left"), page);
        assertTrue(page.contains("One-time codes to log in when you do not have your phone."), page);
        chromium.screenshotsOnly("12-account-console");

        chromium.find(By.xpath(
                        "//li[.//*[normalize-space()='Two-factor backup codes']]//button[@data-testrole='update']"))
                .click();
        chromium.awaitElement("#twofa-backup-codes-replace");
        chromium.screenshots("13-account-console-new-codes");
        chromium.assertAccessible("page asking whether to make new codes");
        chromium.find("#twofa-generate").click();
        chromium.awaitElement("#twofa-backup-codes");
        chromium.find("#saved").click();
        chromium.find("#twofa-backup-codes-continue").click();
        chromium.await(
                d -> d.findElement(By.tagName("body")).getText().contains("10 of 10 backup codes left") ? true : null);

        chromium.find(By.xpath("//li[.//*[normalize-space()='Authenticator app']]//button[@data-testrole='remove']"))
                .click();
        chromium.awaitElement("#kc-accept").click(); // Keycloak's own "Delete credential" confirmation page
        String userId = admin.userId(realm, user.username());
        chromium.await(d -> admin.credentials(realm, userId).size() == 1 ? true : null);
        assertEquals(
                "password",
                admin.credentials(realm, userId).get(0).get("type").asText(),
                "removing the authenticator in the account console removes the backup codes too");
    }

    /**
     * Enrols {@code username} in the browser: a wrong code first, then the code of the app that scanned the QR from
     * the rendered page; on the codes page copy, download, print and "I saved them". With {@code keyboardOnly} every
     * step is done with Tab, Space and Enter.
     */
    private Enrolled enrolWithScreenshots(String username, boolean keyboardOnly) throws IOException {
        String password = "pw-" + username;
        admin.createUser(realm, username, password, List.of());
        chromium.open(authorizationUrl(Map.of()));
        chromium.awaitElement("#username").sendKeys(username);
        chromium.find("#password").sendKeys(password, Keys.ENTER);

        chromium.awaitElement("#twofa-setup-form");
        assertEquals("code", chromium.focusedId(), "the code field has the focus when the page opens");
        URI otpauth = URI.create(
                QrCodes.decode(ImageIO.read(new ByteArrayInputStream(chromium.screenshotOf("#twofa-qr-code")))));
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(otpauth));
        assertEquals(
                Enrolment.secretOf(otpauth),
                chromium.find("#twofa-manual-key").getText().replace(" ", ""),
                "the manual key is the key in the QR code");
        assertFalse(chromium.find("#twofa-qr-code").getAttribute("alt").isBlank());
        assertEquals(
                "all",
                chromium.script("return getComputedStyle(document.getElementById('twofa-manual-key')).userSelect;"),
                "one tap selects the whole manual key");
        chromium.screenshots("01-setup");
        chromium.assertAccessible("setup page");

        chromium.typeAndSubmit(IndependentTotp.code(key, IndependentTotp.currentStep() + 20));
        chromium.awaitElement("#input-error-code");
        assertEquals("true", chromium.find("#code").getAttribute("aria-invalid"));
        chromium.screenshots("02-setup-wrong-code");
        chromium.assertAccessible("setup page with an error");
        long step = IndependentTotp.currentStep();
        chromium.find("#code").sendKeys(IndependentTotp.code(key, step), Keys.ENTER);

        chromium.awaitElement("#twofa-backup-codes");
        List<String> shown = chromium.driver().findElements(By.cssSelector(".twofa-backup-code")).stream()
                .map(element -> element.getText().trim())
                .toList();
        chromium.screenshots("03-backup-codes");
        chromium.assertAccessible("backup codes page");
        List<String> downloaded = copyDownloadAndPrint(shown, keyboardOnly);
        confirmSaved(keyboardOnly);
        awaitClient();
        return new Enrolled(username, password, key, step, downloaded);
    }

    /** Uses the three buttons; returns the codes read back from the downloaded file. */
    private List<String> copyDownloadAndPrint(List<String> shown, boolean keyboardOnly) throws IOException {
        chromium.allowClipboard();
        press("twofa-copy", keyboardOnly);
        chromium.await(d -> chromium.find("#twofa-copy-status").getText().isBlank() ? null : true);
        assertEquals(String.join("\n", shown), chromium.readClipboard(), "the clipboard holds the codes");

        press("twofa-download", keyboardOnly);
        Path file = chromium.awaitDownload();
        List<String> fileLines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> downloaded = fileLines.stream()
                .filter(line -> line.matches("[0-9a-z]{5}-[0-9a-z]{5}"))
                .toList();
        assertEquals(shown, downloaded, "the file holds the codes: " + fileLines);
        assertTrue(fileLines.get(0).contains("2FA Demo"), "the file says whose codes they are: " + fileLines.get(0));

        chromium.script("window.twofaPrinted = 0; window.print = function () { window.twofaPrinted++; };");
        press("twofa-print", keyboardOnly);
        assertEquals(1L, chromium.script("return window.twofaPrinted;"), "the print button opens the print dialog");
        chromium.emulatePrint();
        assertEquals(
                "visible",
                chromium.script("return getComputedStyle(document.querySelector('.twofa-backup-code')).visibility;"));
        assertEquals(
                "hidden",
                chromium.script("return getComputedStyle(document.getElementById('twofa-copy')).visibility;"),
                "printing shows the codes only");
        chromium.screenshots("03b-backup-codes-print");
        chromium.emulateScreen();
        return downloaded;
    }

    private void confirmSaved(boolean keyboardOnly) {
        press("twofa-backup-codes-continue", keyboardOnly);
        chromium.awaitElement("#input-error-saved");
        chromium.screenshots("03c-backup-codes-not-confirmed");
        chromium.assertAccessible("backup codes page with an error");
        if (keyboardOnly) {
            chromium.tabTo("saved");
            chromium.type(Keys.SPACE);
        } else {
            chromium.find("#saved").click();
        }
        press("twofa-backup-codes-continue", keyboardOnly);
    }

    private void press(String id, boolean keyboardOnly) {
        if (keyboardOnly) {
            chromium.tabTo(id);
            chromium.type(Keys.ENTER);
        } else {
            chromium.find("#" + id).click();
        }
    }

    private void startLogin(Enrolled user) {
        startLogin(user, authorizationUrl(Map.of()));
    }

    /** Opens {@code url} in a browser without a session and logs in with the password. */
    private void startLogin(Enrolled user, String url) {
        chromium.clearCookies();
        chromium.open(url);
        chromium.awaitElement("#username").sendKeys(user.username());
        chromium.find("#password").sendKeys(user.password(), Keys.ENTER);
    }

    private void awaitClient() {
        chromium.await(d -> d.getCurrentUrl().startsWith(BrowserSession.REDIRECT_URI) ? true : null);
    }

    private String authorizationUrl(Map<String, String> extra) {
        return BrowserSession.authorizationUrl(
                server.baseUrl(), realm, "browser-journey-test-verifier-0123456789", extra);
    }

    /** The app's code now, or the next one if the enrolment used the current one (a used step is refused). */
    private static String nextCode(Enrolled user) {
        return IndependentTotp.code(user.key(), Math.max(user.step() + 1, IndependentTotp.currentStep()));
    }

    private static String uniqueUser(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
