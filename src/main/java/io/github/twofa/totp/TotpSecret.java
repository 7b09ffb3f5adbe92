package io.github.twofa.totp;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

import org.keycloak.models.utils.Base32;

/**
 * A shared TOTP secret: raw key bytes plus the Base32 form users type into an authenticator app.
 */
public final class TotpSecret {

    /** 160 bits, the HMAC-SHA1 block-friendly size RFC 4226 recommends: what this extension makes. */
    public static final int LENGTH_BYTES = 20;
    /** 128 bits, the least RFC 4226 allows: what a secret made elsewhere (an import) must have. */
    public static final int MIN_LENGTH_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private TotpSecret(byte[] key) {
        this.key = key.clone();
    }

    public static TotpSecret generate() {
        byte[] key = new byte[LENGTH_BYTES];
        RANDOM.nextBytes(key);
        return new TotpSecret(key);
    }

    public static TotpSecret fromBytes(byte[] key) {
        if (key.length < MIN_LENGTH_BYTES) {
            throw new IllegalArgumentException("A TOTP secret needs at least " + MIN_LENGTH_BYTES + " bytes");
        }
        return new TotpSecret(key);
    }

    public static TotpSecret fromBase32(String encoded) {
        return fromBytes(Base32.decode(encoded.replace(" ", "").toUpperCase(Locale.ROOT)));
    }

    public byte[] bytes() {
        return key.clone();
    }

    public String base32() {
        return Base32.encode(key);
    }

    /** Base32 in groups of four, easier to read aloud and type; apps ignore the spaces. */
    public String base32Grouped() {
        return base32().replaceAll("(.{4})(?!$)", "$1 ");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TotpSecret that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never prints the key, so a secret cannot end up in a log line by accident. */
    @Override
    public String toString() {
        return "TotpSecret[redacted]";
    }
}
