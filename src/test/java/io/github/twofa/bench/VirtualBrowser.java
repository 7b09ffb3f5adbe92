package io.github.twofa.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.LocalhostCookies;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * One virtual browser doing full authorization-code + PKCE logins, timing each step. It keeps its HTTP/1.1
 * connection between logins (as a browser keeps it alive) but starts every login with an empty cookie jar, so
 * Keycloak's cookie step never skips the forms. It follows redirects itself, inside Keycloak only: the client's
 * redirect URI is never called, the code is read from the Location header. Pages are parsed after the clock stops.
 */
final class VirtualBrowser {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
    private final NodeRouter nodes;
    private final String baseUrl;
    private LocalhostCookies cookies = new LocalhostCookies();

    /** A browser whose requests go to the nodes in turn (all on localhost: cookies are shared across ports). */
    VirtualBrowser(NodeRouter nodes) {
        this.nodes = nodes;
        this.baseUrl = nodes.firstBaseUrl();
    }

    /** Logs {@code user} in with the second factor of {@code kind}; the time of each step, in nanoseconds. */
    Map<Step, Long> logIn(LoginKind kind, BenchUser user) throws LoginFailure, IOException, InterruptedException {
        cookies = new LocalhostCookies();
        Map<Step, Long> times = new EnumMap<>(Step.class);
        String verifier = randomUrlSafe(32);
        String state = randomUrlSafe(8);
        long start = System.nanoTime();

        Landing loginPage = timed(
                times,
                Step.LOGIN_PAGE,
                () -> get(URI.create(authorizationUrl(baseUrl, kind.realm(), state, verifier))));
        Document passwordForm = loginPage.page("#kc-form-login");
        Landing secondFactorPage = timed(
                times,
                Step.PASSWORD,
                () -> submit(
                        passwordForm,
                        "#kc-form-login",
                        Map.of("username", user.username(), "password", BenchUser.PASSWORD)));
        Landing atClient = switch (kind) {
            case BUILTIN_OTP, BUILTIN_OTP_AGAIN -> appCode(times, secondFactorPage, "#kc-otp-login-form", "otp", user);
            case TWOFA_TOTP -> appCode(times, secondFactorPage, "#twofa-login-form", "code", user);
            case TWOFA_BACKUP_CODE -> backupCode(times, secondFactorPage, user);
        };
        String code = atClient.authorizationCode(state);
        Landing tokens = timed(times, Step.TOKEN, () -> tokenRequest(kind.realm(), code, verifier));
        tokens.expectTokens();
        times.put(Step.WHOLE_LOGIN, System.nanoTime() - start);
        return times;
    }

    /** The app's code, up to Keycloak's answer: the redirect to the client. */
    private Landing appCode(Map<Step, Long> times, Landing page, String form, String field, BenchUser user)
            throws LoginFailure, IOException, InterruptedException {
        Document codeForm = page.page(form);
        String code = user.useAppCode();
        return timed(times, Step.SECOND_FACTOR, () -> post(codeForm, form, Map.of(field, code)));
    }

    /**
     * A backup code typed into the code page's field, up to Keycloak's answer (a redirect to the page that says how
     * many codes are left); that page and its "Continue" are timed apart, as the built-in OTP has no such page.
     */
    private Landing backupCode(Map<Step, Long> times, Landing page, BenchUser user)
            throws LoginFailure, IOException, InterruptedException {
        Document codeForm = page.page("#twofa-login-form");
        String code = user.useBackupCode();
        Landing accepted =
                timed(times, Step.SECOND_FACTOR, () -> post(codeForm, "#twofa-login-form", Map.of("code", code)));
        Landing notice = timed(times, Step.CODES_LEFT_NOTICE, () -> follow(accepted));
        Document noticeForm = notice.page("#twofa-backup-codes-notice-form");
        return timed(
                times,
                Step.CODES_LEFT_NOTICE,
                () -> submit(noticeForm, "#twofa-backup-codes-notice-form", Map.of("action", "continue")));
    }

    /** One HTTP exchange (with the redirects it leads to) whose time is measured, and added to its step's. */
    private interface Exchange {
        Landing send() throws IOException, InterruptedException;
    }

    private static Landing timed(Map<Step, Long> times, Step step, Exchange exchange)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Landing landing = exchange.send();
        times.merge(step, System.nanoTime() - start, Long::sum);
        return landing;
    }

    /** The authorization request of the bench client, with PKCE, at the server {@code baseUrl}. */
    static String authorizationUrl(String baseUrl, String realm, String state, String verifier) {
        return baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?"
                + Http.form(Map.of(
                        "client_id",
                        BenchRealms.CLIENT_ID,
                        "redirect_uri",
                        BenchRealms.REDIRECT_URI,
                        "response_type",
                        "code",
                        "scope",
                        "openid",
                        "state",
                        state,
                        "code_challenge",
                        s256(verifier),
                        "code_challenge_method",
                        "S256"));
    }

    /** Posts a form of the page with its hidden fields and {@code fields}, then follows redirects inside Keycloak. */
    private Landing submit(Document page, String selector, Map<String, String> fields)
            throws IOException, InterruptedException {
        return follow(post(page, selector, fields));
    }

    /** Posts a form of the page with its hidden fields and {@code fields}; Keycloak's answer, not followed. */
    private Landing post(Document page, String selector, Map<String, String> fields)
            throws IOException, InterruptedException {
        Element form = page.selectFirst(selector);
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(input -> values.put(input.attr("name"), input.attr("value")));
        values.putAll(fields);
        return Landing.of(send(HttpRequest.newBuilder(URI.create(form.attr("abs:action")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(values)))));
    }

    private Landing get(URI uri) throws IOException, InterruptedException {
        return follow(Landing.of(send(HttpRequest.newBuilder(uri).GET())));
    }

    private Landing tokenRequest(String realm, String code, String verifier) throws IOException, InterruptedException {
        return Landing.of(send(tokenRequest(baseUrl, realm, code, verifier)));
    }

    /** The bench client's token request for an authorization code, with its PKCE verifier. */
    static HttpRequest.Builder tokenRequest(String baseUrl, String realm, String code, String verifier) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "client_id",
                        BenchRealms.CLIENT_ID,
                        "redirect_uri",
                        BenchRealms.REDIRECT_URI,
                        "code_verifier",
                        verifier))));
    }

    /** Follows redirects inside Keycloak, as a browser does, up to a page or the redirect to the client. */
    private Landing follow(Landing landing) throws IOException, InterruptedException {
        while (landing.isRedirect() && !landing.isAtClient()) {
            landing = Landing.of(send(HttpRequest.newBuilder(landing.next()).GET()));
        }
        return landing;
    }

    /**
     * Sends the request to the node whose turn it is; a node that refuses the connection (it is down) is passed over
     * for the next, as the compose file's nginx does (proxy_next_upstream), so only requests a node took are lost.
     */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        URI uri = request.build().uri();
        // The cookies of the request's path, as a browser sends them (Keycloak's login cookies are the realm's).
        cookies.get(uri, Map.of())
                .getOrDefault("Cookie", List.of())
                .forEach(cookie -> request.header("Cookie", cookie));
        for (int tries = 1; ; tries++) {
            try {
                HttpResponse<String> response = http.send(
                        request.uri(nodes.route(uri)).timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                cookies.put(response.uri(), response.headers().map());
                return response;
            } catch (ConnectException down) {
                if (tries >= nodes.nodeCount()) {
                    throw down;
                }
            }
        }
    }

    static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
