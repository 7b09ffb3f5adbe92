package io.github.twofa.backupcodes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 with one random salt per code set. Because the salt is shared by the set, checking a code
 * costs one derivation however many codes are left; the result is compared with every stored hash in constant time.
 */
public final class BackupCodeHasher {

    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    public static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupCodeHasher() {}

    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    public static byte[] hash(String canonicalCode, byte[] salt, int iterations) {
        byte[] password = canonicalCode.getBytes(StandardCharsets.UTF_8);
        try {
            return Pbkdf2HmacSha256.derive(password, salt, iterations, HASH_BITS / 8);
        } catch (UnsupportedOperationException e) {
            return jdkPbkdf2(canonicalCode, salt, iterations);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** The JDK's own PBKDF2 (the same function, with more CPU per iteration), where SHA-256 cannot be copied. */
    static byte[] jdkPbkdf2(String canonicalCode, byte[] salt, int iterations) {
        char[] password = canonicalCode.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(password, '\0');
        }
    }

    /** The index of the stored hash that {@code derived} equals; every entry is compared, match or not. */
    public static OptionalInt indexOf(byte[] derived, List<byte[]> storedHashes) {
        int found = -1;
        for (int i = 0; i < storedHashes.size(); i++) {
            if (MessageDigest.isEqual(derived, storedHashes.get(i)) && found < 0) {
                found = i;
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }
}
