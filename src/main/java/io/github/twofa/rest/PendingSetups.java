package io.github.twofa.rest;

import java.util.Map;
import java.util.Optional;

import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import io.github.twofa.security.SecretProtector;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * Setups started over REST and not yet verified, kept for {@link #LIFESPAN_SECONDS} in Keycloak's single-use
 * store (shared by the cluster), with the secret sealed like a stored credential. Each belongs to the login session
 * that started it (with the password): another session's token cannot finish it.
 */
final class PendingSetups {

    static final long LIFESPAN_SECONDS = 600;

    private final KeycloakSession session;
    private final SecretProtector protector;

    PendingSetups(KeycloakSession session, SecretProtector protector) {
        this.session = session;
        this.protector = protector;
    }

    /** {@code forAnotherApp}: the setup was started with a current code, for a user who had 2FA then. */
    void put(RealmModel realm, UserModel user, UserSessionModel owner, byte[] secret, boolean forAnotherApp) {
        ProtectedSecret sealed = protector.seal(
                session, realm, SecretBinding.pendingSetup(realm.getId(), user.getId(), owner.getId()), secret);
        session.singleUseObjects().remove(key(realm, user, owner));
        session.singleUseObjects()
                .put(
                        key(realm, user, owner),
                        LIFESPAN_SECONDS,
                        Map.of(
                                "keyRef",
                                sealed.keyRef(),
                                "ciphertext",
                                sealed.ciphertext(),
                                "expiresAt",
                                String.valueOf(Time.currentTime() + LIFESPAN_SECONDS),
                                "anotherApp",
                                String.valueOf(forAnotherApp)));
    }

    /** A pending setup taken out of the store, with what it takes to put it back. */
    record Pending(byte[] secret, Map<String, String> notes) {

        /** Whether the setup was started with a current code (see {@link PendingSetups#put}). */
        boolean forAnotherApp() {
            return "true".equals(notes.get("anotherApp"));
        }
    }

    /** Removes and returns the pending setup; atomic across the cluster, so only one caller can have it. */
    Optional<Pending> take(RealmModel realm, UserModel user, UserSessionModel owner) {
        Map<String, String> notes = session.singleUseObjects().remove(key(realm, user, owner));
        if (notes == null || notes.get("ciphertext") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Pending(
                    protector.open(
                            session,
                            realm,
                            SecretBinding.pendingSetup(realm.getId(), user.getId(), owner.getId()),
                            new ProtectedSecret(notes.get("keyRef"), notes.get("ciphertext"))),
                    notes));
        } catch (SecretDecryptionException keyGone) {
            return Optional.empty();
        }
    }

    /** After a wrong code: the same setup stays pending until it would have expired anyway. */
    void putBack(RealmModel realm, UserModel user, UserSessionModel owner, Pending pending) {
        long left = Long.parseLong(pending.notes().get("expiresAt")) - Time.currentTime();
        if (left > 0) {
            session.singleUseObjects().put(key(realm, user, owner), left, pending.notes());
        }
    }

    private static String key(RealmModel realm, UserModel user, UserSessionModel owner) {
        return "twofa-pending-setup:" + realm.getId() + ":" + user.getId() + ":" + owner.getId();
    }
}
