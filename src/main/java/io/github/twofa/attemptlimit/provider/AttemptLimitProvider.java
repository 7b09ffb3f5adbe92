package io.github.twofa.attemptlimit.provider;

import io.github.twofa.attemptlimit.AttemptLimiter;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/** Gives every place that checks a second factor the same limit, counted cluster-wide. */
public interface AttemptLimitProvider extends Provider {

    /** The session's provider (the server's default, {@code default} unless configured otherwise). */
    static AttemptLimitProvider of(KeycloakSession session) {
        return session.getProvider(AttemptLimitProvider.class);
    }

    /** The user's login budget; {@link AttemptLimiter#separateBudget} gives others (an API session, a password reset). */
    AttemptLimiter logins();

    @Override
    default void close() {}
}
