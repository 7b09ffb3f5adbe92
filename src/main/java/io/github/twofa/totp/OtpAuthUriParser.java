package io.github.twofa.totp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an {@code otpauth://totp/...} URI of the Key URI Format (what authenticator apps read from QR codes, and what
 * other systems export): the secret and its parameters. A URI that cannot be one gives a reason, never the URI or
 * any part of its secret.
 */
public final class OtpAuthUriParser {

    /** Longest URI read: far above any real one (a 512-bit secret is 103 Base32 characters). */
    public static final int MAX_LENGTH = 2048;

    /** 1,024 bits: twice the block of HMAC-SHA-512, more than any real token uses. */
    public static final int MAX_SECRET_BYTES = 128;

    private OtpAuthUriParser() {}

    /** A parsed URI: the key, how its codes are made, and the issuer it names (if any). */
    public record Parsed(TotpSecret secret, TotpParameters parameters, Optional<String> issuer) {

        @Override
        public String toString() {
            return "Parsed[secret=redacted, parameters=" + parameters + ", issuer=" + issuer + "]";
        }
    }

    /** A URI that cannot be imported, and why, in words safe to show and log. */
    public static final class Invalid extends Exception {

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Parsed parse(String uri) throws Invalid {
        if (uri == null || uri.isBlank()) {
            throw new Invalid("the otpauth URI is missing");
        }
        String text = uri.strip();
        if (text.length() > MAX_LENGTH) {
            throw new Invalid("the URI is longer than " + MAX_LENGTH + " characters");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("otpauth://")) {
            throw new Invalid("not an otpauth:// URI");
        }
        if (lower.startsWith("otpauth://hotp")) {
            throw new Invalid("counter-based (hotp) URIs are not supported; only totp");
        }
        if (!lower.startsWith("otpauth://totp/") && !lower.startsWith("otpauth://totp?")) {
            throw new Invalid("the type must be totp (otpauth://totp/...)");
        }
        int query = text.indexOf('?');
        Map<String, String> parameters = query < 0 ? Map.of() : query(text.substring(query + 1));
        String secret = parameters.get("secret");
        if (secret == null || secret.isBlank()) {
            throw new Invalid("the secret parameter is missing");
        }
        byte[] key = base32(secret);
        if (key.length < TotpSecret.MIN_LENGTH_BYTES) {
            throw new Invalid("the secret has fewer than " + TotpSecret.MIN_LENGTH_BYTES * 8
                    + " bits, the least RFC 4226 allows");
        }
        if (key.length > MAX_SECRET_BYTES) {
            throw new Invalid("the secret has more than " + MAX_SECRET_BYTES * 8 + " bits");
        }
        TotpParameters totp = parameters(parameters);
        Optional<String> issuer = Optional.ofNullable(parameters.get("issuer")).filter(value -> !value.isBlank());
        return new Parsed(TotpSecret.fromBytes(key), totp, issuer);
    }

    private static TotpParameters parameters(Map<String, String> parameters) throws Invalid {
        String algorithm = parameters.getOrDefault("algorithm", "SHA1").toUpperCase(Locale.ROOT);
        String jca = switch (algorithm) {
            case "SHA1" -> "HmacSHA1";
            case "SHA256" -> "HmacSHA256";
            case "SHA512" -> "HmacSHA512";
            default -> throw new Invalid("unknown algorithm (SHA1, SHA256 or SHA512)");
        };
        int digits = number(parameters.getOrDefault("digits", "6"), "digits");
        int period = number(parameters.getOrDefault("period", "30"), "period");
        try {
            return new TotpParameters(jca, digits, period);
        } catch (IllegalArgumentException unsupported) {
            throw new Invalid(
                    digits < 6 || digits > 8 ? "digits must be 6, 7 or 8" : "period must be 15 to 300 seconds");
        }
    }

    private static int number(String value, String name) throws Invalid {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException notANumber) {
            throw new Invalid(name + " must be a whole number");
        }
    }

    /** RFC 4648 Base32, case and padding ignored (apps write it either way); any other character is refused. */
    static byte[] base32(String encoded) throws Invalid {
        String text = encoded.replace(" ", "").toUpperCase(Locale.ROOT);
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        long bits = 0;
        int bitCount = 0;
        byte[] out = new byte[end * 5 / 8];
        int written = 0;
        for (int i = 0; i < end; i++) {
            int value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(text.charAt(i));
            if (value < 0) {
                throw new Invalid("the secret is not Base32 (letters A-Z and digits 2-7)");
            }
            bits = (bits << 5) | value;
            bitCount += 5;
            if (bitCount >= 8) {
                bitCount -= 8;
                out[written++] = (byte) (bits >> bitCount);
            }
        }
        return out;
    }

    private static Map<String, String> query(String query) throws Invalid {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                String value = kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
                if (parameters.putIfAbsent(name, value) != null) {
                    throw new Invalid("the parameter " + safeName(name) + " appears twice");
                }
            } catch (IllegalArgumentException badEscape) {
                throw new Invalid("the URI has a malformed %-escape");
            }
        }
        return parameters;
    }

    /** A parameter name as it may appear in a reason: known names only, so nothing of a secret leaks through. */
    private static String safeName(String name) {
        return switch (name) {
            case "secret", "issuer", "algorithm", "digits", "period" -> name;
            default -> "(unknown)";
        };
    }
}
