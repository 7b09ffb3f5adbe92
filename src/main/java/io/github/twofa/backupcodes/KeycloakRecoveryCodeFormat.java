package io.github.twofa.backupcodes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Keycloak's own recovery codes ({@code recovery-authn-codes}): 12 upper-case letters and digits, shown as
 * {@code XXXX-XXXX-XXXX}, stored as the unsalted SHA-512 of the code. Realms that switch to this extension keep them
 * working until the user makes a set of ours; nothing here ever needs a code in clear beyond the one typed.
 */
public final class KeycloakRecoveryCodeFormat {

    public static final int LENGTH = 12;
    private static final int MAX_INPUT_LENGTH = 64;

    private KeycloakRecoveryCodeFormat() {}

    /**
     * The code as Keycloak hashed it, for what a user typed: spaces and dashes ignored, letters upper-cased (Keycloak
     * generates upper case only). Empty when the input cannot be one of Keycloak's recovery codes.
     */
    public static Optional<String> normalise(String input) {
        if (input == null || input.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        StringBuilder code = new StringBuilder(LENGTH);
        for (char c : input.toCharArray()) {
            if (c == ' ' || c == '-' || c == '\u00a0') {
                continue;
            }
            // ASCII only, before case folding (see BackupCodeFormat).
            char upper = c > 0x7f ? c : Character.toUpperCase(c);
            if (!((upper >= 'A' && upper <= 'Z') || (upper >= '0' && upper <= '9'))) {
                return Optional.empty();
            }
            code.append(upper);
        }
        return code.length() == LENGTH ? Optional.of(code.toString()) : Optional.empty();
    }

    /** The stored form of a code: SHA-512 of its UTF-8 bytes, as Keycloak computes it. */
    public static byte[] hash(String canonicalCode) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(canonicalCode.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("SHA-512 is required of every Java runtime", missing);
        }
    }
}
