package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A user agent going through the demo client's authorization-code + PKCE login over plain HTTP: it keeps cookies,
 * follows redirects, fills in the forms the server renders and stops at the client's redirect URI.
 */
public final class BrowserSession {

    public static final String CLIENT_ID = "demo-app";
    public static final String REDIRECT_URI = "http://localhost:8081/callback";

    private final LocalhostCookies cookies = new LocalhostCookies();
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String realm;
    private String serverUrl;
    private final String codeVerifier = randomUrlSafe(32);
    private Document page;
    private int status;
    private String authorizationCode;

    public BrowserSession(KeycloakServer server, String realm) {
        this.realm = realm;
        this.serverUrl = server.baseUrl();
    }

    /**
     * Sends the next requests of this login to another server of the same cluster, with the same cookies: what a
     * load balancer does when the node a user was on goes away.
     */
    public void continueOn(KeycloakServer other) {
        serverUrl = other.baseUrl();
    }

    private String realmUrl() {
        return serverUrl + "/realms/" + realm;
    }

    /** This browser's cookie jar (to read a cookie, or to plant one copied from elsewhere). */
    public LocalhostCookies cookies() {
        return cookies;
    }

    /** Opens the client's login and returns the first page (the username/password form). */
    public Document startLogin() {
        return startLogin(Map.of());
    }

    /** Opens the client's login with extra authorization request parameters, such as {@code acr_values}. */
    public Document startLogin(Map<String, String> extraParameters) {
        String url = authorizationUrl(serverUrl, realm, codeVerifier, extraParameters);
        follow(Http.send(http, HttpRequest.newBuilder(URI.create(url)).GET().build()));
        return page;
    }

    /**
     * The demo client's authorization request (code flow with PKCE for {@code verifier}), as a real browser opens it
     * too (the Chromium tests).
     */
    public static String authorizationUrl(
            String serverUrl, String realm, String verifier, Map<String, String> extraParameters) {
        Map<String, String> parameters = new LinkedHashMap<>(Map.of(
                "client_id",
                CLIENT_ID,
                "redirect_uri",
                REDIRECT_URI,
                "response_type",
                "code",
                "scope",
                "openid",
                "state",
                randomUrlSafe(8),
                "code_challenge",
                s256(verifier),
                "code_challenge_method",
                "S256"));
        parameters.putAll(extraParameters);
        return serverUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + Http.form(parameters);
    }

    /** Opens {@code url} (e.g. a link from an e-mail) in this browser, following redirects to the page it ends on. */
    public Document open(String url) {
        follow(Http.send(http, HttpRequest.newBuilder(URI.create(url)).GET().build()));
        return page;
    }

    /** Follows the link matched by {@code selector} on the current page. */
    public Document openLink(String selector) {
        assertNotNull(page, "no page is open");
        Element link = page.selectFirst(selector);
        assertNotNull(link, "no link " + selector + " on page:\n" + page.text());
        return open(link.attr("abs:href"));
    }

    public Document loginWithPassword(String username, String password) {
        startLogin();
        return submit("#kc-form-login", Map.of("username", username, "password", password));
    }

    /** Submits the form matched by {@code selector} on the current page with its hidden fields plus {@code fields}. */
    public Document submit(String selector, Map<String, String> fields) {
        follow(post(selector, fields));
        return page;
    }

    /**
     * Submits like {@link #submit} and answers the status of the page it ends on, whatever it is; the current page
     * stays the form unless the answer is a page with that form again. For sending bad input to a form.
     */
    public int trySubmit(String selector, Map<String, String> fields) {
        HttpResponse<String> response = post(selector, fields);
        if (response.statusCode() < 300 || response.statusCode() >= 400) {
            Document answer = Jsoup.parse(response.body(), response.uri().toString());
            if (answer.selectFirst(selector) != null) {
                page = answer;
                status = response.statusCode();
            }
            return response.statusCode();
        }
        follow(response);
        return status;
    }

    private HttpResponse<String> post(String selector, Map<String, String> fields) {
        assertNotNull(page, "no page is open");
        Element form = page.selectFirst(selector);
        assertNotNull(form, "no form " + selector + " on page:\n" + page.text());
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(input -> values.put(input.attr("name"), input.attr("value")));
        values.putAll(fields);
        URI action = URI.create(form.attr("abs:action"));
        String pathAndQuery = action.getRawPath() + (action.getRawQuery() == null ? "" : "?" + action.getRawQuery());
        return Http.send(
                http,
                HttpRequest.newBuilder(URI.create(serverUrl).resolve(pathAndQuery))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form(values)))
                        .build());
    }

    private void follow(HttpResponse<String> response) {
        while (response.statusCode() == 302 || response.statusCode() == 303) {
            String location = response.headers().firstValue("Location").orElseThrow();
            if (location.startsWith(REDIRECT_URI)) {
                page = null;
                authorizationCode = queryParameter(location, "code");
                return;
            }
            URI next = response.uri().resolve(location);
            response = Http.send(http, HttpRequest.newBuilder(next).GET().build());
        }
        status = response.statusCode();
        assertTrue(
                status == 200 || status == 400 || status == 429,
                "unexpected response " + status + ": " + response.body());
        page = Jsoup.parse(response.body(), response.uri().toString());
    }

    public Document page() {
        return page;
    }

    /** The HTTP status of the current page: 200, or 400 / 429 for a refused submission shown again with its error. */
    public int status() {
        return status;
    }

    public boolean isRedirectedToClient() {
        return authorizationCode != null;
    }

    /** Exchanges the authorization code at the token endpoint, as the demo client would. */
    public JsonNode exchangeCodeForTokens() {
        assertNotNull(
                authorizationCode,
                "login did not reach the client; current page:\n" + (page == null ? "" : page.text()));
        return exchangeCode(http, serverUrl, realm, authorizationCode, codeVerifier);
    }

    /** Exchanges an authorization code (from any browser) at the token endpoint, as the demo client would. */
    public static JsonNode exchangeCode(HttpClient http, String serverUrl, String realm, String code, String verifier) {
        HttpResponse<String> response = Http.send(
                http,
                HttpRequest.newBuilder(URI.create(serverUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "client_id",
                                CLIENT_ID,
                                "redirect_uri",
                                REDIRECT_URI,
                                "code_verifier",
                                verifier))))
                        .build());
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response.body());
    }

    /** The claims of a JWT; the signature is Keycloak's business, the test reads what was issued. */
    public static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        return Http.json(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    private static String queryParameter(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String s256(String verifier) {
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
