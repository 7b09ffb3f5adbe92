package io.github.twofa.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a fresh 96-bit nonce per message. The associated data binds a ciphertext to its owner, so a
 * ciphertext copied onto another user's row in the database does not decrypt.
 * Output: Base64 of nonce || ciphertext || tag.
 */
public final class AesGcmCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AesGcmCipher() {}

    public static String encrypt(byte[] plaintext, SecretKey key, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws SecretDecryptionException when the ciphertext, key or associated data do not match */
    public static byte[] decrypt(String encoded, SecretKey key, byte[] associatedData) {
        try {
            byte[] all = Base64.getDecoder().decode(encoded);
            if (all.length <= NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretDecryptionException("ciphertext too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretDecryptionException(
                    "stored secret cannot be decrypted: " + e.getClass().getSimpleName());
        }
    }
}
