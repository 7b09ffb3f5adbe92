package io.github.twofa.lifecycle;

import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;

/**
 * A user's grace period for setting up 2FA: when it ends, kept as a user attribute from the first time the user was
 * asked. An admin may end it or give more days. A user whose attributes cannot be written (a read-only federation)
 * gets no grace: failing closed means setting up now.
 */
public final class EnrolmentGrace {

    public static final String ATTRIBUTE = "twofa.grace-ends";
    /** Authentication-session note of a login in the grace period: when it ends (epoch seconds). */
    public static final String NOTE = "twofa.grace-ends";

    private EnrolmentGrace() {}

    /** When the grace ends, if one was ever started. */
    public static Optional<Long> endsAt(UserModel user) {
        String value = user.getFirstAttribute(ATTRIBUTE);
        try {
            return value == null ? Optional.empty() : Optional.of(Long.parseLong(value));
        } catch (NumberFormatException unreadable) {
            return Optional.of(0L);
        }
    }

    /** When the grace ends: started now with {@code days} if it never was; 0 (over) if it cannot be stored. */
    public static long startOrGet(UserModel user, int days) {
        Optional<Long> ends = endsAt(user);
        if (ends.isPresent()) {
            return ends.get();
        }
        return set(user, Time.currentTime() + days * 86_400L);
    }

    /** Sets when the grace ends (an admin's extension, or now to end it); 0 when it cannot be stored. */
    public static long set(UserModel user, long endsAt) {
        try {
            user.setSingleAttribute(ATTRIBUTE, String.valueOf(endsAt));
            return endsAt;
        } catch (ReadOnlyException readOnly) {
            return 0;
        }
    }

    /** Whole days left (rounded up), 0 when over. */
    public static int daysLeft(long endsAt) {
        long seconds = endsAt - Time.currentTime();
        return seconds <= 0 ? 0 : (int) ((seconds + 86_399) / 86_400);
    }
}
