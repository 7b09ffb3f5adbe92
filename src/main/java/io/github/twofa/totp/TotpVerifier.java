package io.github.twofa.totp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.OptionalLong;

import org.keycloak.models.utils.HmacOTP;

/**
 * Checks RFC 6238 codes. The HMAC truncation itself is Keycloak's maintained {@link HmacOTP}; this class adds what
 * Keycloak's TimeBasedOTP does not expose: which time step matched, so that a used step can be refused later.
 */
public final class TotpVerifier {

    /** Accepted clock drift in steps on either side (RFC 6238 section 5.2 recommends at most one). */
    public static final int WINDOW = 1;

    /** The longest code any supported parameters produce. */
    public static final int MAX_DIGITS = 8;

    private final TotpParameters parameters;
    private final HmacOTP hmacOtp;

    public TotpVerifier(TotpParameters parameters) {
        this.parameters = parameters;
        this.hmacOtp = new HmacOTP(parameters.digits(), parameters.algorithm(), 0);
    }

    public TotpParameters parameters() {
        return parameters;
    }

    /** The code for one time step. */
    public String codeAt(TotpSecret secret, long step) {
        return hmacOtp.generateOTP(secret.bytes(), counterHex(step), parameters.digits(), parameters.algorithm());
    }

    /**
     * The time step within +-{@link #WINDOW} of {@code epochSeconds} whose code equals {@code code}, or empty.
     * Every candidate is computed and compared in constant time, so timing does not tell which step matched.
     */
    public OptionalLong matchingStep(TotpSecret secret, String code, long epochSeconds) {
        if (!isWellFormed(code)) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long current = parameters.stepAt(epochSeconds);
        long matched = Long.MIN_VALUE;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            byte[] expected = codeAt(secret, step).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && matched == Long.MIN_VALUE) {
                matched = step;
            }
        }
        return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    /** Exactly {@code digits} ASCII digits; anything else is refused before any HMAC is computed. */
    public boolean isWellFormed(String code) {
        if (code == null || code.length() != parameters.digits()) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Users paste codes as "123 456"; spaces carry no meaning. Nothing else is dropped or changed. */
    public static String normalise(String input) {
        return input == null ? "" : input.replace(" ", "").replace("\u00a0", "");
    }

    private static String counterHex(long step) {
        String hex = Long.toHexString(step).toUpperCase(Locale.ROOT);
        return "0".repeat(Math.max(0, 16 - hex.length())) + hex;
    }
}
