package io.github.twofa.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Reads request bodies strictly: at most {@link #MAX_BYTES}, JSON objects only, no unknown fields, no type
 * coercion. Anything else is a 400 (or 413) that says what was wrong, never a 500.
 */
final class JsonBodies {

    static final int MAX_BYTES = 4096;

    private static final ObjectMapper STRICT = strictMapper();

    /** {"code": "..."} */
    record CodeRequest(String code) {
        @Override
        public String toString() {
            return "CodeRequest[code=***]";
        }
    }

    /** {"code": "...", "name": "..."}: the first code of a new app, and the name the user gives it (optional). */
    record VerifyRequest(String code, String name) {
        @Override
        public String toString() {
            return "VerifyRequest[code=***, name=" + name + "]";
        }
    }

    /** The JSON form of an import of apps: {"users": [{"username", "otpauthUri", "label"}, ...]}. */
    record ImportRequest(List<ImportEntry> users) {}

    record ImportEntry(String username, String otpauthUri, String label) {
        @Override
        public String toString() {
            return "ImportEntry[username=" + username + ", otpauthUri=redacted, label=" + label + "]";
        }
    }

    /** {"password": "...", "code": "..."}: the code only when 2FA is on already (another app). */
    record SetupRequest(String password, String code) {
        @Override
        public String toString() {
            return "SetupRequest[password=***, code=***]";
        }
    }

    /** {"days": N}: an admin's new grace period, N days from now (0 ends it). */
    record GraceRequest(Integer days) {}

    /** {"password": "..."} */
    record PasswordRequest(String password) {
        @Override
        public String toString() {
            return "PasswordRequest[password=***]";
        }
    }

    /** {"password": "...", "code": "..."} */
    record DisableRequest(String password, String code) {
        @Override
        public String toString() {
            return "DisableRequest[password=***, code=***]";
        }
    }

    private JsonBodies() {}

    /** A code sent as a number or boolean is a client bug to report, not a string to guess; so is a count sent as text. */
    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // A count sent as "5" or 1.5 is refused too, not rounded or parsed.
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    static <T> T read(InputStream body, Class<T> type) {
        return read(readLimited(body, MAX_BYTES), type);
    }

    /** A JSON body of up to {@code maxBytes} (the admin import takes larger ones). */
    static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes.length == 0) {
            throw ApiException.badRequest("The request needs a JSON body.");
        }
        try {
            T value = STRICT.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("The request body must be a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String name = e.getPropertyName();
            throw ApiException.badRequest(
                    name != null && name.matches("[A-Za-z_]{1,32}")
                            ? "Unknown field '" + name + "'."
                            : "The request body has an unknown field.");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request body is not the expected JSON object.");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.");
        }
    }

    /** A required string field: present, not blank, of sensible length. */
    static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("Field '" + field + "' is required.");
        }
        if (value.length() > 256) {
            throw ApiException.badRequest("Field '" + field + "' is too long.");
        }
        return value;
    }

    static byte[] readLimited(InputStream body, int maxBytes) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ApiException(
                        413, "request_too_large", "The request body is larger than " + maxBytes + " bytes.");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.");
        }
    }
}
