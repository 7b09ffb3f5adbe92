package io.github.twofa.crypto;

/** An encrypted secret and the reference of the key that sealed it. */
public record ProtectedSecret(String keyRef, String ciphertext) {

    private static final char SEPARATOR = '|';

    /** One string, for places that hold only strings (authentication-session notes). */
    public String toText() {
        return keyRef + SEPARATOR + ciphertext;
    }

    /** Reads {@link #toText()}; refuses anything else. */
    public static ProtectedSecret fromText(String text) {
        int separator = text == null ? -1 : text.lastIndexOf(SEPARATOR);
        if (separator <= 0) {
            throw new SecretDecryptionException("not a sealed secret");
        }
        return new ProtectedSecret(text.substring(0, separator), text.substring(separator + 1));
    }
}
