package io.github.twofa.credential;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.keycloak.util.JsonSerialization;

/** Reads and writes the JSON of credential and secret data; stored data that does not parse is a server fault. */
final class CredentialJson {

    private CredentialJson() {}

    static <T> T read(String json, Class<T> type) {
        try {
            return JsonSerialization.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("stored " + type.getSimpleName() + " cannot be read", e);
        }
    }

    static String write(Object value) {
        try {
            return JsonSerialization.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
