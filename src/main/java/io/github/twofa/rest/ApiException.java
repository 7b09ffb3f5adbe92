package io.github.twofa.rest;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An error answered as JSON {@code {"error": code, "message": text}}; the message never carries a secret. */
public class ApiException extends WebApplicationException {

    public ApiException(int status, String error, String message) {
        super(message, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error, "message", message)).build());
    }

    /** With a Retry-After header, for 429. */
    public ApiException(int status, String error, String message, long retryAfterSeconds) {
        super(message, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", retryAfterSeconds)
                .entity(Map.of("error", error, "message", message)).build());
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
