package io.github.twofa.credential;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.twofa.settings.ProviderIds;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.common.util.Time;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

/**
 * Whether a code of the user's was accepted by one of our login steps within a given time, in the login session at
 * hand. Keycloak records, for each login session, when each of its steps last succeeded (the note it also builds
 * {@code amr} from); our step succeeds only on a right code (or at an enrolment proven with one), never for a user who
 * skipped it. Changing the user's apps asks for this rather than for the session's age alone, so a session that never
 * saw a code (a password-only flow, a client with its own flow) cannot add or remove an app.
 */
public final class RecentSecondFactor {

    /** Keycloak's note of the login's completed steps: execution id to epoch seconds. */
    static final String COMPLETED_NOTE = "authenticators-completed";

    private static final Set<String> OUR_STEPS = Set.of(ProviderIds.BROWSER_STEP, ProviderIds.DIRECT_GRANT_STEP);

    private RecentSecondFactor() {}

    /**
     * The "Maximum Age of Authentication" of the realm's required action {@code providerId} (Authentication, Required
     * actions, its settings), or Keycloak's default of 5 minutes. Keycloak's own lookup finds the action through the
     * login's kc_action, which a REST call does not have, so it is read from the realm here.
     */
    public static int maxAgeOf(RealmModel realm, String providerId) {
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

    /** In a login under way (a required action): this login's steps, and those of the session it continues. */
    public static boolean within(
            RealmModel realm, AuthenticationSessionModel authSession, UserSessionModel userSession, int maxAgeSeconds) {
        return (authSession != null
                        && within(realm, authSession.getUserSessionNotes().get(COMPLETED_NOTE), maxAgeSeconds))
                || within(realm, userSession, maxAgeSeconds);
    }

    /** In an established login session (the REST API's token). */
    public static boolean within(RealmModel realm, UserSessionModel userSession, int maxAgeSeconds) {
        return userSession != null && within(realm, userSession.getNote(COMPLETED_NOTE), maxAgeSeconds);
    }

    private static boolean within(RealmModel realm, String note, int maxAgeSeconds) {
        if (note == null || note.isBlank()) {
            return false;
        }
        Map<String, Integer> completed;
        try {
            completed = JsonSerialization.readValue(note, new TypeReference<Map<String, Integer>>() {});
        } catch (IOException unreadable) {
            return false;
        }
        long oldest = (long) Time.currentTime() - maxAgeSeconds;
        return completed.entrySet().stream()
                .filter(entry -> entry.getValue() != null && entry.getValue() >= oldest)
                .map(entry -> realm.getAuthenticationExecutionById(entry.getKey()))
                .map(execution -> execution == null ? null : execution.getAuthenticator())
                .anyMatch(authenticator -> authenticator != null && OUR_STEPS.contains(authenticator));
    }
}
