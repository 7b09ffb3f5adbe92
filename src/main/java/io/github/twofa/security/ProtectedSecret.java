package io.github.twofa.security;

/** An encrypted secret and the reference of the key that sealed it. */
public record ProtectedSecret(String keyRef, String ciphertext) {
}
