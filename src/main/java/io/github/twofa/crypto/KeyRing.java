package io.github.twofa.crypto;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES keys held outside the database, parsed from the server option {@code encryption-keys}:
 * {@code id1:base64Key1,id2:base64Key2}. The first key encrypts new secrets; all of them decrypt, so a key is
 * rotated by putting a new one in front and keeping the old ones until no credential uses them.
 */
public final class KeyRing {

    private final Map<String, SecretKey> keys;
    private final String activeId;

    private KeyRing(Map<String, SecretKey> keys, String activeId) {
        this.keys = Collections.unmodifiableMap(keys);
        this.activeId = activeId;
    }

    public static KeyRing empty() {
        return new KeyRing(Map.of(), null);
    }

    /** @throws IllegalArgumentException naming the entry at fault, never echoing key material */
    public static KeyRing parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return empty();
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String first = null;
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("encryption key entry must be <id>:<base64 key>");
            }
            String id = trimmed.substring(0, colon);
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("encryption key id must be 1-64 letters, digits, '.', '_' or '-'");
            }
            byte[] key = decodeKey(id, trimmed.substring(colon + 1));
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException("encryption key id '" + id + "' appears twice");
            }
            if (first == null) {
                first = id;
            }
        }
        return new KeyRing(keys, first);
    }

    private static byte[] decodeKey(String id, String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("encryption key '" + id + "' is not valid Base64");
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException(
                    "encryption key '" + id + "' must be 16, 24 or 32 bytes, was " + key.length);
        }
        return key;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public String activeId() {
        return activeId;
    }

    public SecretKey active() {
        return keys.get(activeId);
    }

    public Optional<SecretKey> get(String id) {
        return Optional.ofNullable(keys.get(id));
    }
}
