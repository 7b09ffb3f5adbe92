package io.github.twofa.security;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.github.twofa.crypto.AesGcmCipher;
import io.github.twofa.crypto.KeyRing;
import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import org.jboss.logging.Logger;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Encrypts TOTP secrets at rest. Uses the server-level {@link KeyRing} when one is configured (the key then never
 * touches the database); otherwise falls back to the realm's AES key from Keycloak's KeyManager, which only guards
 * against a leak of the credential table, not of a full database dump. Each ciphertext carries the reference of
 * the key that sealed it ({@code server:<id>} or {@code realm:<kid>}) so keys can be rotated, and is bound to what it
 * belongs to ({@link SecretBinding}).
 * <p>
 * With a server key configured, a {@code realm:} reference is refused: the realm's key is in the database, so anyone
 * who can write the database could seal a secret of their choosing with it. Ciphertexts of the older format (bound
 * to realm and user only) are refused too: a restored one would bring back the key of a phone the user replaced.
 * Both are turned into the current form only by the explicit migration at start-up ({@link #openForMigration}).
 */
public final class SecretProtector {

    private static final Logger LOG = Logger.getLogger(SecretProtector.class);
    private static final String SERVER = "server:";
    private static final String REALM = "realm:";
    /** Marks ciphertexts bound with {@link SecretBinding#associatedData()}; older ones are plain Base64. */
    private static final String BOUND = "v2:";

    private final KeyRing serverKeys;

    public SecretProtector(KeyRing serverKeys) {
        this.serverKeys = serverKeys;
        if (serverKeys.isEmpty()) {
            LOG.warn(
                    "No server-level encryption key configured for TOTP secrets (option encryption-keys of "
                            + "credential provider twofa-totp). Falling back to each realm's AES key: this protects a leaked "
                            + "credential table, but a full database dump holds that key too. Configure a server key for production.");
        }
    }

    public ProtectedSecret seal(KeycloakSession session, RealmModel realm, SecretBinding binding, byte[] secret) {
        if (!serverKeys.isEmpty()) {
            return new ProtectedSecret(
                    SERVER + serverKeys.activeId(),
                    BOUND + AesGcmCipher.encrypt(secret, serverKeys.active(), binding.associatedData()));
        }
        KeyWrapper realmKey = session.keys().getActiveKey(realm, KeyUse.ENC, Algorithm.AES);
        return new ProtectedSecret(
                REALM + realmKey.getKid(),
                BOUND + AesGcmCipher.encrypt(secret, realmKey.getSecretKey(), binding.associatedData()));
    }

    /** @throws SecretDecryptionException saying why, when the secret is not one this server may trust as it is */
    public byte[] open(KeycloakSession session, RealmModel realm, SecretBinding binding, ProtectedSecret sealed) {
        if (sealed.keyRef().startsWith(REALM) && !serverKeys.isEmpty()) {
            throw new SecretDecryptionException(
                    "sealed with the realm's key, which is refused while a server key is configured");
        }
        if (!sealed.ciphertext().startsWith(BOUND)) {
            throw new SecretDecryptionException(
                    "sealed in the format before credential binding; it needs the migration");
        }
        return AesGcmCipher.decrypt(
                sealed.ciphertext().substring(BOUND.length()),
                keyFor(session, realm, sealed.keyRef()),
                binding.associatedData());
    }

    /** Whether {@link #open} refuses {@code sealed} only for its key reference or format, which the migration mends. */
    public boolean needsMigration(ProtectedSecret sealed) {
        return !sealed.ciphertext().startsWith(BOUND) || (sealed.keyRef().startsWith(REALM) && !serverKeys.isEmpty());
    }

    /**
     * Reads a secret of any format and key this server has, for the migration an administrator asks for: trusting
     * what the database holds now, as of that moment.
     */
    public byte[] openForMigration(
            KeycloakSession session, RealmModel realm, SecretBinding binding, ProtectedSecret sealed) {
        SecretKey key = keyFor(session, realm, sealed.keyRef());
        return sealed.ciphertext().startsWith(BOUND)
                ? AesGcmCipher.decrypt(sealed.ciphertext().substring(BOUND.length()), key, binding.associatedData())
                : AesGcmCipher.decrypt(sealed.ciphertext(), key, binding.legacyAssociatedData());
    }

    private SecretKey keyFor(KeycloakSession session, RealmModel realm, String keyRef) {
        if (keyRef.startsWith(SERVER)) {
            return serverKeys
                    .get(keyRef.substring(SERVER.length()))
                    .orElseThrow(() -> new SecretDecryptionException(
                            "server encryption key '" + keyRef + "' is no longer configured"));
        }
        if (keyRef.startsWith(REALM)) {
            KeyWrapper key = session.keys().getKey(realm, keyRef.substring(REALM.length()), KeyUse.ENC, Algorithm.AES);
            if (key == null) {
                throw new SecretDecryptionException("realm key '" + keyRef + "' no longer exists");
            }
            return new SecretKeySpec(key.getSecretKey().getEncoded(), "AES");
        }
        throw new SecretDecryptionException("unknown key reference");
    }
}
