package io.github.twofa.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.github.twofa.it.support.Http;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A response from Keycloak: a page, a redirect (inside Keycloak, or to the client with the authorization code), or
 * the token endpoint's JSON. Each check throws a {@link LoginFailure} that says what came instead.
 */
record Landing(int status, String body, URI uri, String location) {

    static Landing of(HttpResponse<String> response) {
        boolean redirect = response.statusCode() == 302 || response.statusCode() == 303;
        return new Landing(
                response.statusCode(),
                response.body(),
                response.uri(),
                redirect ? response.headers().firstValue("Location").orElse("") : null);
    }

    boolean isRedirect() {
        return location != null;
    }

    boolean isAtClient() {
        return isRedirect() && location.startsWith(BenchRealms.REDIRECT_URI);
    }

    /** Where a redirect inside Keycloak leads. */
    URI next() {
        return uri.resolve(location);
    }

    /** The page, which must have a form matching {@code formSelector}. */
    Document page(String formSelector) throws LoginFailure {
        if (isRedirect()) {
            throw new LoginFailure("expected a page with " + formSelector + ", was sent to "
                    + (isAtClient() ? "the client" : next().getPath()));
        }
        Document page = Jsoup.parse(body, uri.toString());
        if (status != 200 || page.selectFirst(formSelector) == null) {
            throw new LoginFailure(
                    "expected a page with " + formSelector + ", got HTTP " + status + " " + describe(page));
        }
        return page;
    }

    /** The code in the redirect to the client, whose state must be ours. */
    String authorizationCode(String state) throws LoginFailure {
        if (!isAtClient()) {
            throw new LoginFailure("expected the redirect to the client, got "
                    + (isRedirect()
                            ? "a redirect to " + next().getPath()
                            : "HTTP " + status + " " + describe(Jsoup.parse(body, uri.toString()))));
        }
        String query = URI.create(location).getRawQuery();
        if (!state.equals(parameter(query, "state").orElse(null))) {
            throw new LoginFailure("the redirect to the client carries another state");
        }
        return parameter(query, "code").orElseThrow(() -> new LoginFailure("the redirect to the client has no code"));
    }

    void expectTokens() throws LoginFailure {
        if (status != 200) {
            throw new LoginFailure("token request answered HTTP " + status);
        }
        if (!Http.json(body).hasNonNull("access_token")) {
            throw new LoginFailure("token response without an access token");
        }
    }

    /** The page's title and error message, enough to tell what went wrong without echoing any input. */
    private static String describe(Document page) {
        Element error = page.selectFirst("[id^=input-error], #kc-error-message, .kc-feedback-text");
        String text = page.title() + (error == null ? "" : ": " + error.text());
        return text.length() > 160 ? text.substring(0, 160) : text;
    }

    private static Optional<String> parameter(String query, String name) {
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            String[] nameValue = pair.split("=", 2);
            if (nameValue[0].equals(name) && nameValue.length == 2) {
                return Optional.of(URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
