package io.github.twofa.rest;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.common.util.Time;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/** When a login session last authenticated, read as Keycloak reads it for actions started from the account console. */
final class RecentLogin {

    private RecentLogin() {}

    /**
     * The "Maximum Age of Authentication" of the realm's required action {@code providerId} (Authentication, Required
     * actions, its settings), or Keycloak's default of 5 minutes. Keycloak's own lookup finds the action through the
     * login's kc_action, which a REST call does not have, so it is read from the realm here.
     */
    static int maxAgeOf(RealmModel realm, String providerId) {
        return realm.getRequiredActionProvidersStream()
                .filter(action -> providerId.equals(action.getProviderId()))
                .findFirst()
                .map(action -> realm.getRequiredActionConfigByAlias(action.getAlias()))
                .filter(config -> config.containsConfigKey(Constants.MAX_AUTH_AGE_KEY))
                .map(config -> {
                    try {
                        return RequiredActionFactory.parseMaxAuthAge(config);
                    } catch (NumberFormatException unreadable) {
                        return Constants.KC_ACTION_MAX_AGE;
                    }
                })
                .filter(seconds -> seconds >= 0)
                .orElse(Constants.KC_ACTION_MAX_AGE);
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
