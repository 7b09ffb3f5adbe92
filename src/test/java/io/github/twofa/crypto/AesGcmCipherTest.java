package io.github.twofa.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class AesGcmCipherTest {

    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
    private static final byte[] OWNER = "realm/user-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "twenty-bytes-secret!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void givenSecret_whenEncryptedAndDecrypted_thenTheSameBytesComeBack() {
        assertArrayEquals(SECRET, AesGcmCipher.decrypt(AesGcmCipher.encrypt(SECRET, KEY, OWNER), KEY, OWNER));
    }

    @Test
    void givenSameSecretTwice_whenEncrypted_thenCiphertextsDifferAndNeitherContainsTheSecret() {
        String first = AesGcmCipher.encrypt(SECRET, KEY, OWNER);
        String second = AesGcmCipher.encrypt(SECRET, KEY, OWNER);

        assertNotEquals(first, second);
        assertFalse(new String(Base64.getDecoder().decode(first), StandardCharsets.ISO_8859_1)
                .contains(new String(SECRET, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void givenCiphertextWithOneBitFlipped_whenDecrypting_thenItIsRejected() {
        byte[] sealed = Base64.getDecoder().decode(AesGcmCipher.encrypt(SECRET, KEY, OWNER));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            String encoded = Base64.getEncoder().encodeToString(tampered);
            assertThrows(SecretDecryptionException.class, () -> AesGcmCipher.decrypt(encoded, KEY, OWNER), "byte " + i);
        }
    }

    @Test
    void givenCiphertextOfAnotherUser_whenDecryptingAsThisUser_thenItIsRejected() {
        String sealed = AesGcmCipher.encrypt(SECRET, KEY, OWNER);

        assertThrows(
                SecretDecryptionException.class,
                () -> AesGcmCipher.decrypt(sealed, KEY, "realm/user-2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void givenWrongKeyOrGarbage_whenDecrypting_thenItIsRejected() {
        String sealed = AesGcmCipher.encrypt(SECRET, KEY, OWNER);
        SecretKey other = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, "AES");

        assertThrows(SecretDecryptionException.class, () -> AesGcmCipher.decrypt(sealed, other, OWNER));
        assertThrows(SecretDecryptionException.class, () -> AesGcmCipher.decrypt("not base64!", KEY, OWNER));
        assertThrows(SecretDecryptionException.class, () -> AesGcmCipher.decrypt("AAAA", KEY, OWNER));
    }
}
