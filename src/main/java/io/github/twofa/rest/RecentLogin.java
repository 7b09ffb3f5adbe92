package io.github.twofa.rest;

import io.github.twofa.credential.RecentSecondFactor;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/** When a login session last authenticated, read as Keycloak reads it for actions started from the account console. */
final class RecentLogin {

    private RecentLogin() {}

    /** See {@link RecentSecondFactor#maxAgeOf}. */
    static int maxAgeOf(RealmModel realm, String providerId) {
        return RecentSecondFactor.maxAgeOf(realm, providerId);
    }

    /**
     * Whether the session authenticated at most {@code maxAgeSeconds} ago. Browser logins record the time of each
     * authentication (not of a single sign-on reuse) in the session note {@code AUTH_TIME}; a session that a token
     * request made (direct grant) has none and authenticated when it started.
     */
    static boolean isWithin(UserSessionModel userSession, int maxAgeSeconds) {
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        long authTime;
        try {
            authTime = note != null ? Long.parseLong(note) : userSession.getStarted();
        } catch (NumberFormatException unreadable) {
            return false;
        }
        return authTime + maxAgeSeconds >= Time.currentTime();
    }
}
