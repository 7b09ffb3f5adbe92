package io.github.twofa.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** An API client of the demo realm: direct-grant token requests (client demo-cli) and calls with a bearer token. */
public final class ApiClient {

    public static final String CLIENT_ID = "demo-cli";

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String realmUrl;
    private final String adminRealmUrl;
    private final String clientId;

    public ApiClient(KeycloakServer server, String realm) {
        this(server, realm, CLIENT_ID);
    }

    /** The same for another public client of the realm that may use direct grants. */
    public ApiClient(KeycloakServer server, String realm, String clientId) {
        this.realmUrl = server.baseUrl() + "/realms/" + realm;
        this.adminRealmUrl = server.baseUrl() + "/admin/realms/" + realm;
        this.clientId = clientId;
    }

    /** A direct-grant token request; {@code otp} may be null to send none. */
    public HttpResponse<String> passwordGrant(String username, String password, String otp) {
        Map<String, String> form = new LinkedHashMap<>(Map.of(
                "grant_type",
                "password",
                "client_id",
                clientId,
                "username",
                username,
                "password",
                password,
                "scope",
                "openid"));
        if (otp != null) {
            form.put("otp", otp);
        }
        return Http.send(
                http,
                HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form(form)))
                        .build());
    }

    /** An access token for the user, or a failed test saying why not. */
    public String accessToken(String username, String password, String otp) {
        HttpResponse<String> response = passwordGrant(username, password, otp);
        if (response.statusCode() != 200) {
            throw new AssertionError("token request failed: " + response.statusCode() + " " + response.body());
        }
        return Http.json(response.body()).get("access_token").asText();
    }

    /** A call to {@code /realms/{realm}/{path}} with a raw body (null for none) and content type JSON. */
    public HttpResponse<String> call(String method, String path, String token, String body) {
        return send(method, realmUrl + "/" + path, token, body);
    }

    /** A call with one extra request header (e.g. a code for a DELETE, which has no body). */
    public HttpResponse<String> call(String method, String path, String token, String headerName, String headerValue) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(realmUrl + "/" + path))
                .header("Accept", "application/json")
                .header(headerName, headerValue)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = Http.send(http, request.build());
        OpenApiContract.check(method, URI.create(realmUrl + "/" + path).getPath(), response);
        return response;
    }

    /** A call to Keycloak's admin API for this realm, {@code /admin/realms/{realm}/{path}}. */
    public HttpResponse<String> adminCall(String method, String path, String token, String body) {
        return send(method, adminRealmUrl + "/" + path, token, body);
    }

    private HttpResponse<String> send(String method, String url, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = Http.send(http, request.build());
        OpenApiContract.check(method, URI.create(url).getPath(), response);
        return response;
    }

    public static JsonNode json(HttpResponse<String> response) {
        return Http.json(response.body());
    }
}
