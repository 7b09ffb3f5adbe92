package io.github.twofa.security;

import java.util.Objects;
import java.util.Optional;

import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Secrets kept between two pages of a login (the key of a setup not yet confirmed, backup codes shown until the
 * user confirms saving them) in authentication-session notes, sealed like stored credentials: the notes live in
 * Keycloak's caches, which are replicated across the cluster and may be dumped from memory.
 */
public final class SealedNotes {

    private final KeycloakSession session;
    private final SecretProtector protector;
    private final AuthenticationSessionModel authSession;
    private final UserModel user;

    /** Notes of {@code authSession}, sealed for {@code user}; realm, user, this tab of the login and the note name are bound into each ciphertext. */
    public SealedNotes(
            KeycloakSession session,
            SecretProtector protector,
            AuthenticationSessionModel authSession,
            UserModel user) {
        this.session = session;
        this.protector = protector;
        this.authSession = authSession;
        this.user = Objects.requireNonNull(user, "sealed notes need the user they belong to");
    }

    public void put(String name, byte[] secret) {
        authSession.setAuthNote(
                name,
                protector
                        .seal(session, authSession.getRealm(), binding(name), secret)
                        .toText());
    }

    /** Bound to this tab of this login and to the note's name: a note copied elsewhere does not open. */
    private SecretBinding binding(String name) {
        return SecretBinding.loginNote(
                authSession.getRealm().getId(),
                user.getId(),
                authSession.getParentSession().getId() + "/" + authSession.getTabId(),
                name);
    }

    /** The secret, or empty if there is none or it can no longer be opened (e.g. its key was rotated away). */
    public Optional<byte[]> get(String name) {
        String sealed = authSession.getAuthNote(name);
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    protector.open(session, authSession.getRealm(), binding(name), ProtectedSecret.fromText(sealed)));
        } catch (SecretDecryptionException unreadable) {
            authSession.removeAuthNote(name);
            return Optional.empty();
        }
    }

    public void remove(String name) {
        authSession.removeAuthNote(name);
    }
}
