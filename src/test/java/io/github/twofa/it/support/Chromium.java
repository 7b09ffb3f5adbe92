package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Debian's headless Chromium driven through its chromedriver (both installed by {@code run-tests.sh}), with a download
 * folder, clipboard access, full-page screenshots at phone and desktop widths and an axe-core check per page.
 */
public final class Chromium implements AutoCloseable {

    public static final int PHONE_WIDTH = 360;
    public static final int DESKTOP_WIDTH = 1280;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path downloads;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path downloads, Path profile) {
        this.driver = driver;
        this.downloads = downloads;
        this.profile = profile;
    }

    public static Chromium start() {
        Path browser = executable("CHROME_BIN", "chromium", "chromium-browser", "google-chrome");
        Path chromedriver = executable("CHROMEWEBDRIVER", "chromedriver");
        try {
            Path downloads = Files.createTempDirectory("twofa-downloads");
            Path profile = Files.createTempDirectory("twofa-chromium");
            ChromeOptions options = new ChromeOptions()
                    .setBinary(browser.toFile())
                    .addArguments(
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--lang=en-US",
                            "--window-size=" + DESKTOP_WIDTH + ",900",
                            "--user-data-dir=" + profile);
            options.setExperimentalOption(
                    "prefs",
                    Map.of(
                            "download.default_directory",
                            downloads.toString(),
                            "download.prompt_for_download",
                            false,
                            "intl.accept_languages",
                            "en-US,en"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Chromium(driver, downloads, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The program named by the environment variable, or the first of the names found on the PATH. */
    private static Path executable(String variable, String... names) {
        String configured = System.getenv(variable);
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("No " + String.join("/", names) + " found (or set " + variable + "): the browser tests need "
                + "Debian's chromium and chromium-driver packages, which ./run-tests.sh installs.");
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Gives the browser a platform authenticator that holds passkeys and verifies its user (as a phone's or laptop's
     * fingerprint reader would), through WebDriver's virtual authenticator API.
     */
    public VirtualAuthenticator addPasskeyAuthenticator() {
        return driver.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true));
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Forgets every cookie, as a browser started afresh the next day: no single sign-on session is left. */
    public void clearCookies() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public WebElement find(By locator) {
        return driver.findElement(locator);
    }

    public boolean exists(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    /** Waits up to 15 seconds for the condition (a page after a submit, a download, a status text). */
    public <T> T await(Function<WebDriver, T> condition) {
        // Pages replace elements as they load (the account console re-renders); look again rather than fail.
        return new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Waits until an element matching {@code css} is on the page, then returns it. */
    public WebElement awaitElement(String css) {
        return await(
                d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /** The id of the element that has the keyboard focus. */
    public String focusedId() {
        return driver.switchTo().activeElement().getAttribute("id");
    }

    /** Presses Tab until the element with {@code id} has the focus, as a keyboard user would; fails after 30 presses. */
    public void tabTo(String id) {
        for (int i = 0; i < 30; i++) {
            if (id.equals(focusedId())) {
                return;
            }
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        fail("Tab never reached #" + id + " on " + driver.getCurrentUrl());
    }

    /** Types into whatever has the focus. */
    public void type(CharSequence... keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    /** Types into whatever has the focus and presses Enter, then waits until the next page has replaced this one. */
    public void typeAndSubmit(CharSequence text) {
        WebElement page = driver.findElement(By.tagName("html"));
        type(text, Keys.ENTER);
        await(ExpectedConditions.stalenessOf(page));
    }

    /** Clicks and waits until the next page has replaced this one. */
    public void clickAndWait(String css) {
        WebElement page = driver.findElement(By.tagName("html"));
        find(css).click();
        await(ExpectedConditions.stalenessOf(page));
    }

    public Object script(String javascript, Object... arguments) {
        return driver.executeScript(javascript, arguments);
    }

    /** Lets the page read and write the clipboard without a prompt, as a user clicking "Allow" would. */
    public void allowClipboard() {
        driver.executeCdpCommand(
                "Browser.grantPermissions",
                Map.of("permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    public String readClipboard() {
        return (String)
                driver.executeAsyncScript(
                        "var done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, function (e) { done('ERROR ' + e); });");
    }

    /** Renders the page as the printer would get it (CSS media "print") until {@link #emulateScreen()}. */
    public void emulatePrint() {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    }

    public void emulateScreen() {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    }

    /** The one file that appears in the download folder, once complete. */
    public Path awaitDownload() {
        return await(d -> {
            try (var files = Files.list(downloads)) {
                // Chromium writes to ".org.chromium.Chromium.*" and "*.crdownload" first, then renames.
                List<Path> done = files.filter(f -> !f.getFileName().toString().startsWith(".")
                                && !f.getFileName().toString().endsWith(".crdownload"))
                        .toList();
                // The name can appear a moment before the content is there: wait for a non-empty file.
                return done.size() == 1 && Files.size(done.get(0)) > 0 ? done.get(0) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Saves the whole page as {@code target/screenshots/<name>-360.png} and {@code -1280.png}, checking at each width
     * that nothing visible in the login page's main body (our part of it) sticks out sideways. Keycloak's hidden
     * "restart login" tooltip is left out: it is wider than a phone on every login page, Keycloak's own too.
     */
    public void screenshots(String name) {
        screenshots(name, ".pf-v5-c-login__main-body *");
    }

    /** As above, for pages that are all Keycloak's own (the account console): screenshots, no layout check. */
    public void screenshotsOnly(String name) {
        screenshots(name, null);
    }

    private void screenshots(String name, String checked) {
        for (int width : List.of(PHONE_WIDTH, DESKTOP_WIDTH)) {
            emulateWidth(width, 800);
            // The account console scrolls inside its main area, not the document: the taller of the two.
            long height = ((Number)
                            driver.executeScript(
                                    "return Math.max(document.documentElement.scrollHeight,"
                                            + " ...Array.from(document.querySelectorAll('main')).map(m => m.scrollHeight + m.offsetTop));"))
                    .longValue();
            emulateWidth(width, (int) Math.min(Math.max(height, 640), 4000));
            save(name + "-" + width + ".png", driver.getScreenshotAs(OutputType.BYTES));
            if (checked != null) {
                String tooWide = (String) driver.executeScript(
                        "var w = document.documentElement.clientWidth;"
                                + " return Array.from(document.querySelectorAll(arguments[0]))"
                                + ".filter(function (e) { var r = e.getBoundingClientRect(); return r.width > 0 && getComputedStyle(e).visibility !== 'hidden'"
                                + " && (r.right > w + 0.5 || r.left < -0.5); })"
                                + ".map(function (e) { return e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right); })"
                                + ".slice(0, 8).join(', ');",
                        checked);
                assertTrue(tooWide.isEmpty(), name + " does not fit a " + width + " px screen: " + tooWide);
            }
        }
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** A screenshot of one element, e.g. the QR code as a phone camera would see it. */
    public byte[] screenshotOf(String css) {
        return find(css).getScreenshotAs(OutputType.BYTES);
    }

    private void emulateWidth(int width, int height) {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    private static void save(String fileName, byte[] png) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(fileName), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs axe-core (WCAG 2.x A and AA rules) on the page; fails on any serious or critical violation. Keycloak's
     * own read-only "attempted username" field (template.ftl of keycloak.v2, on every login page after the password,
     * Keycloak's OTP page too) has no label and is left out: it is not ours to fix.
     */
    public void assertAccessible(String page) {
        Results results = new AxeBuilder()
                .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .exclude("#kc-attempted-username")
                .analyze(driver);
        List<String> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(Chromium::describe)
                .toList();
        assertTrue(results.getPasses().size() > 0, "axe-core did not run on " + page);
        assertTrue(serious.isEmpty(), page + " has serious accessibility violations: " + serious);
    }

    private static String describe(Rule rule) {
        return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                + rule.getNodes().stream()
                        .map(node -> String.valueOf(node.getTarget()))
                        .toList();
    }

    @Override
    public void close() {
        driver.quit();
        deleteQuietly(downloads);
        deleteQuietly(profile);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
