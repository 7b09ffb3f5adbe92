package io.github.twofa.backupcodes;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * PBKDF2-HMAC-SHA256 (RFC 8018) with the HMAC key's inner and outer pads hashed once, not once per iteration.
 *
 * <p>The JDK's {@code PBKDF2WithHmacSHA256} runs a full HMAC per iteration: four SHA-256 blocks, two of which are the
 * same two pad blocks every time. Here each iteration starts from copies of the digests that have already taken the
 * pads, so it hashes two blocks, still with the JDK's SHA-256 (and its CPU instructions). Same output, same cost to an
 * attacker (whose tools skip the pads anyway), about a third less CPU per login with a backup code.
 */
final class Pbkdf2HmacSha256 {

    private static final int BLOCK_BYTES = 64;
    private static final int HASH_BYTES = 32;

    private Pbkdf2HmacSha256() {}

    /**
     * @throws UnsupportedOperationException if the platform's SHA-256 cannot be copied mid-hash (not the case for
     *     the JDK's own provider); the caller then uses the JDK's PBKDF2
     */
    static byte[] derive(byte[] password, byte[] salt, int iterations, int length) {
        if (iterations < 1 || length < 1) {
            throw new IllegalArgumentException("iterations and length must be positive");
        }
        MessageDigest innerPadded = sha256();
        MessageDigest outerPadded = sha256();
        byte[] key = password.length > BLOCK_BYTES ? sha256().digest(password) : password;
        byte[] pad = new byte[BLOCK_BYTES];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        innerPadded.update(pad);
        for (int i = 0; i < BLOCK_BYTES; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
        }
        outerPadded.update(pad);
        Arrays.fill(pad, (byte) 0);
        if (key != password) {
            Arrays.fill(key, (byte) 0);
        }

        byte[] derived = new byte[length];
        byte[] u = new byte[HASH_BYTES];
        byte[] block = new byte[HASH_BYTES];
        for (int blockIndex = 1, offset = 0; offset < length; blockIndex++, offset += HASH_BYTES) {
            MessageDigest inner = copy(innerPadded);
            inner.update(salt);
            inner.update(new byte[] {
                (byte) (blockIndex >>> 24), (byte) (blockIndex >>> 16), (byte) (blockIndex >>> 8), (byte) blockIndex
            });
            finish(inner, outerPadded, u);
            System.arraycopy(u, 0, block, 0, HASH_BYTES);
            for (int i = 1; i < iterations; i++) {
                MessageDigest next = copy(innerPadded);
                next.update(u);
                finish(next, outerPadded, u);
                for (int j = 0; j < HASH_BYTES; j++) {
                    block[j] ^= u[j];
                }
            }
            System.arraycopy(block, 0, derived, offset, Math.min(HASH_BYTES, length - offset));
        }
        Arrays.fill(u, (byte) 0);
        Arrays.fill(block, (byte) 0);
        return derived;
    }

    /** Completes HMAC(key, message) into {@code out}: {@code inner} has taken the inner pad and the message. */
    private static void finish(MessageDigest inner, MessageDigest outerPadded, byte[] out) {
        try {
            inner.digest(out, 0, HASH_BYTES);
            MessageDigest outer = copy(outerPadded);
            outer.update(out);
            outer.digest(out, 0, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 output does not fit 32 bytes", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new UnsupportedOperationException("SHA-256 of this platform cannot be copied", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
