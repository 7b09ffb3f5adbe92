package io.github.twofa.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.github.twofa.crypto.AesGcmCipher;
import io.github.twofa.crypto.KeyRing;
import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import org.junit.jupiter.api.Test;

/** Sealing with a server key: what a ciphertext is bound to, and which stored forms are refused as they are. */
class SecretProtectorTest {

    private static final String KEY =
            Base64.getEncoder().encodeToString("k".repeat(32).getBytes(StandardCharsets.US_ASCII));
    private static final KeyRing KEYS = KeyRing.parse("server-1:" + KEY);
    private static final SecretProtector PROTECTOR = new SecretProtector(KEYS);
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final SecretBinding CREDENTIAL = SecretBinding.totpCredential("realm", "user", "credential-1");

    // The realm's key is only reached through a Keycloak session; with a server key none is needed.
    private static byte[] open(SecretBinding binding, ProtectedSecret sealed) {
        return PROTECTOR.open(null, null, binding, sealed);
    }

    @Test
    void givenASecretSealedForACredential_whenOpenedForIt_thenItReads() {
        ProtectedSecret sealed = PROTECTOR.seal(null, null, CREDENTIAL, SECRET);

        assertArrayEquals(SECRET, open(CREDENTIAL, sealed));
        assertFalse(PROTECTOR.needsMigration(sealed));
    }

    @Test
    void givenACiphertextMovedToAnotherCredentialUserOrPurpose_whenOpened_thenRefused() {
        ProtectedSecret sealed = PROTECTOR.seal(null, null, CREDENTIAL, SECRET);

        assertThrows(
                SecretDecryptionException.class,
                () -> open(SecretBinding.totpCredential("realm", "user", "credential-2"), sealed),
                "an old credential's key restored onto the user's new credential");
        assertThrows(
                SecretDecryptionException.class,
                () -> open(SecretBinding.totpCredential("realm", "other-user", "credential-1"), sealed));
        assertThrows(
                SecretDecryptionException.class,
                () -> open(SecretBinding.pendingSetup("realm", "user", "credential-1"), sealed));
    }

    @Test
    void givenTheFormatBeforeCredentialBinding_whenOpened_thenRefusedUntilMigrated() {
        ProtectedSecret legacy = new ProtectedSecret(
                "server:server-1",
                AesGcmCipher.encrypt(SECRET, KEYS.active(), "realm/user".getBytes(StandardCharsets.UTF_8)));

        assertThrows(SecretDecryptionException.class, () -> open(CREDENTIAL, legacy));
        assertTrue(PROTECTOR.needsMigration(legacy));
        assertArrayEquals(SECRET, PROTECTOR.openForMigration(null, null, CREDENTIAL, legacy));
    }

    @Test
    void givenARealmKeyReferenceWhileAServerKeyIsConfigured_whenOpened_thenRefusedBeforeAnyKeyIsLookedUp() {
        ProtectedSecret planted = new ProtectedSecret(
                "realm:some-kid", PROTECTOR.seal(null, null, CREDENTIAL, SECRET).ciphertext());

        assertThrows(SecretDecryptionException.class, () -> open(CREDENTIAL, planted));
        assertTrue(PROTECTOR.needsMigration(planted));
    }
}
