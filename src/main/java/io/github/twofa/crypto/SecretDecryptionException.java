package io.github.twofa.crypto;

/** A stored secret could not be decrypted: wrong or missing key, or a tampered ciphertext. Carries no secret. */
public class SecretDecryptionException extends RuntimeException {

    public SecretDecryptionException(String message) {
        super(message);
    }
}
