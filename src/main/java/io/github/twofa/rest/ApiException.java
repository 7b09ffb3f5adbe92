package io.github.twofa.rest;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An error answered as JSON {@code {"error": code, "message": text}}; the message never carries a secret. */
public class ApiException extends WebApplicationException {

    public ApiException(int status, String error, String message) {
        super(
                message,
                Response.status(status)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(Map.of("error", error, "message", message))
                        .build());
    }

    /** With a Retry-After header, for 429. */
    public ApiException(int status, String error, String message, long retryAfterSeconds) {
        super(
                message,
                Response.status(status)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .header("Retry-After", retryAfterSeconds)
                        .entity(Map.of("error", error, "message", message))
                        .build());
    }

    /**
     * RFC 9470's step-up challenge: the token is valid, but its login is older than the action allows; a client sends
     * the user through a login with {@code max_age} (or {@code prompt=login}) and retries with the new token.
     */
    public static ApiException reauthenticationRequired(int maxAgeSeconds) {
        return stepUp(
                maxAgeSeconds,
                "This change needs a login within the last " + maxAgeSeconds + " seconds: log in again and retry.");
    }

    /**
     * The same challenge for changes to the user's apps: the token's login must have taken a code of the user's
     * within the action's maximum age, not only the password.
     */
    public static ApiException secondFactorRequired(int maxAgeSeconds) {
        return stepUp(
                maxAgeSeconds,
                "This change needs a login with a two-factor code within the last " + maxAgeSeconds
                        + " seconds: log in again, with a code, and retry.");
    }

    private static ApiException stepUp(int maxAgeSeconds, String message) {
        return new ApiException(
                message,
                Response.status(401)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .header(
                                "WWW-Authenticate",
                                "Bearer error=\"insufficient_user_authentication\", error_description=\"" + message
                                        + "\", max_age=" + maxAgeSeconds)
                        .entity(Map.of(
                                "error",
                                "insufficient_user_authentication",
                                "message",
                                message,
                                "maxAge",
                                maxAgeSeconds))
                        .build());
    }

    private ApiException(String message, Response response) {
        super(message, response);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "not_authenticated", "Send a valid bearer access token of this realm.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException invalidCode() {
        return new ApiException(403, "invalid_code", "The code is not valid, or it was already used.");
    }
}
