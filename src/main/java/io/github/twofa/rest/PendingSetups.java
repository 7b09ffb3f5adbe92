package io.github.twofa.rest;

import java.util.Map;
import java.util.Optional;

import io.github.twofa.security.ProtectedSecret;
import io.github.twofa.security.SecretProtector;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Setups started over REST and not yet verified, kept for {@link #LIFESPAN_SECONDS} in Keycloak's single-use
 * store (shared by the cluster), with the secret sealed like a stored credential.
 */
final class PendingSetups {

    static final long LIFESPAN_SECONDS = 600;

    private final KeycloakSession session;
    private final SecretProtector protector;

    PendingSetups(KeycloakSession session, SecretProtector protector) {
        this.session = session;
        this.protector = protector;
    }

    void put(RealmModel realm, UserModel user, byte[] secret) {
        ProtectedSecret sealed = protector.seal(session, realm, user, secret);
        session.singleUseObjects().remove(key(realm, user));
        session.singleUseObjects().put(key(realm, user), LIFESPAN_SECONDS,
                Map.of("keyRef", sealed.keyRef(), "ciphertext", sealed.ciphertext()));
    }

    Optional<byte[]> get(RealmModel realm, UserModel user) {
        Map<String, String> notes = session.singleUseObjects().get(key(realm, user));
        if (notes == null || notes.get("ciphertext") == null) {
            return Optional.empty();
        }
        return Optional.of(protector.open(session, realm, user, new ProtectedSecret(notes.get("keyRef"), notes.get("ciphertext"))));
    }

    void remove(RealmModel realm, UserModel user) {
        session.singleUseObjects().remove(key(realm, user));
    }

    private static String key(RealmModel realm, UserModel user) {
        return "twofa-pending-setup:" + realm.getId() + ":" + user.getId();
    }
}
