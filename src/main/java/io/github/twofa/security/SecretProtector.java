package io.github.twofa.security;

import java.nio.charset.StandardCharsets;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Encrypts TOTP secrets at rest. Uses the server-level {@link KeyRing} when one is configured (the key then never
 * touches the database); otherwise falls back to the realm's AES key from Keycloak's KeyManager, which only guards
 * against a leak of the credential table, not of a full database dump. Each ciphertext carries the reference of
 * the key that sealed it ({@code server:<id>} or {@code realm:<kid>}) so keys can be rotated.
 */
public final class SecretProtector {

    private static final Logger LOG = Logger.getLogger(SecretProtector.class);
    private static final String SERVER = "server:";
    private static final String REALM = "realm:";

    private final KeyRing serverKeys;

    public SecretProtector(KeyRing serverKeys) {
        this.serverKeys = serverKeys;
        if (serverKeys.isEmpty()) {
            LOG.warn("No server-level encryption key configured for TOTP secrets (option encryption-keys of "
                    + "credential provider twofa-totp). Falling back to each realm's AES key: this protects a leaked "
                    + "credential table, but a full database dump holds that key too. Configure a server key for production.");
        }
    }

    public ProtectedSecret seal(KeycloakSession session, RealmModel realm, UserModel user, byte[] secret) {
        if (!serverKeys.isEmpty()) {
            return new ProtectedSecret(SERVER + serverKeys.activeId(),
                    AesGcmCipher.encrypt(secret, serverKeys.active(), owner(realm, user)));
        }
        KeyWrapper realmKey = session.keys().getActiveKey(realm, KeyUse.ENC, Algorithm.AES);
        return new ProtectedSecret(REALM + realmKey.getKid(),
                AesGcmCipher.encrypt(secret, realmKey.getSecretKey(), owner(realm, user)));
    }

    public byte[] open(KeycloakSession session, RealmModel realm, UserModel user, ProtectedSecret sealed) {
        return AesGcmCipher.decrypt(sealed.ciphertext(), keyFor(session, realm, sealed.keyRef()), owner(realm, user));
    }

    private SecretKey keyFor(KeycloakSession session, RealmModel realm, String keyRef) {
        if (keyRef.startsWith(SERVER)) {
            return serverKeys.get(keyRef.substring(SERVER.length()))
                    .orElseThrow(() -> new SecretDecryptionException("server encryption key '" + keyRef
                            + "' is no longer configured"));
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

    private static byte[] owner(RealmModel realm, UserModel user) {
        return (realm.getId() + "/" + user.getId()).getBytes(StandardCharsets.UTF_8);
    }
}
