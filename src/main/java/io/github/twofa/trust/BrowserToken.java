package io.github.twofa.trust;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The secret a trusted browser holds in its cookie: 256 random bits, Base64url. The server keeps only its SHA-256,
 * so a database dump gives nobody a cookie that works; a guess must hit one of 2^256 values.
 */
public final class BrowserToken {

    public static final int BYTES = 32;
    private static final int ENCODED_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private BrowserToken(String value) {
        this.value = value;
    }

    public static BrowserToken generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new BrowserToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** A token as a cookie brought it back; empty when it cannot be one (wrong length or alphabet). */
    public static Optional<BrowserToken> parse(String cookieValue) {
        if (cookieValue == null
                || cookieValue.length() != ENCODED_LENGTH
                || !cookieValue.chars().allMatch(BrowserToken::isBase64Url)) {
            return Optional.empty();
        }
        return Optional.of(new BrowserToken(cookieValue));
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** What goes into the cookie. */
    public String value() {
        return value;
    }

    /** What the server stores and compares: the SHA-256 of the token, Base64url. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", missing);
        }
    }

    /** Constant-time comparison of this token's hash with a stored one. */
    public boolean matches(String storedHash) {
        return storedHash != null
                && MessageDigest.isEqual(
                        hash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "BrowserToken[redacted]";
    }
}
