package io.github.twofa.totp;

import java.util.Locale;
import java.util.Set;

/**
 * The RFC 6238 parameters a secret is used with. The defaults (SHA-1, 6 digits, 30 s) are the only ones every
 * authenticator app understands, which is why the enrolment page mentions any other value explicitly.
 *
 * @param algorithm JCA name of the HMAC: HmacSHA1, HmacSHA256 or HmacSHA512
 */
public record TotpParameters(String algorithm, int digits, int period) {

    private static final Set<String> ALGORITHMS = Set.of("HmacSHA1", "HmacSHA256", "HmacSHA512");

    public static final TotpParameters DEFAULT = new TotpParameters("HmacSHA1", 6, 30);

    public TotpParameters {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("Unsupported TOTP algorithm: " + algorithm);
        }
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("TOTP digits must be 6 to 8, was " + digits);
        }
        if (period < 15 || period > 300) {
            throw new IllegalArgumentException("TOTP period must be 15 to 300 seconds, was " + period);
        }
    }

    /** The algorithm as otpauth URIs and authenticator apps name it: SHA1, SHA256 or SHA512. */
    public String otpauthAlgorithm() {
        return algorithm.substring("Hmac".length()).toUpperCase(Locale.ROOT);
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** The time step (RFC 6238 "T") that the given instant falls into. */
    public long stepAt(long epochSeconds) {
        return Math.floorDiv(epochSeconds, period);
    }
}
