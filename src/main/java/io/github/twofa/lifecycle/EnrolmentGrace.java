package io.github.twofa.lifecycle;

import java.util.Comparator;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.ModelException;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;

/**
 * A user's grace period for setting up 2FA: when it ends, from the first time the user was asked. An admin may end
 * it or give more days. Kept as a credential row of a type no credential provider claims: unlike a user attribute,
 * which the user may edit or remove where the realm lets users manage unmanaged attributes, Keycloak's account API
 * refuses to remove it (no provider says it is removeable) and nothing lets a user write one. A user for whom it
 * cannot be stored gets no grace: failing closed means setting up now.
 */
public final class EnrolmentGrace {

    /** The credential type of the stored end of the grace period (its data: epoch seconds). */
    public static final String TYPE = "twofa-enrolment-grace";
    /** Authentication-session note of a login in the grace period: when it ends (epoch seconds). */
    public static final String NOTE = "twofa.grace-ends";

    private EnrolmentGrace() {}

    /** When the grace ends, if one was ever started. */
    public static Optional<Long> endsAt(UserModel user) {
        return stored(user).map(EnrolmentGrace::endsAt);
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
            Optional<CredentialModel> stored = stored(user);
            if (stored.isPresent()) {
                stored.get().setCredentialData(String.valueOf(endsAt));
                user.credentialManager().updateStoredCredential(stored.get());
            } else {
                CredentialModel grace = new CredentialModel();
                grace.setType(TYPE);
                grace.setUserLabel("Grace period for setting up 2FA");
                grace.setCreatedDate(Time.currentTimeMillis());
                grace.setCredentialData(String.valueOf(endsAt));
                grace.setSecretData("{}");
                user.credentialManager().createStoredCredential(grace);
            }
            return endsAt;
        } catch (ReadOnlyException | ModelException cannotStore) {
            return 0;
        }
    }

    /** Whole days left (rounded up), 0 when over. */
    public static int daysLeft(long endsAt) {
        long seconds = endsAt - Time.currentTime();
        return seconds <= 0 ? 0 : (int) ((seconds + 86_399) / 86_400);
    }

    /** The stored end; of two written by logins at the same moment, the earlier end counts. */
    private static Optional<CredentialModel> stored(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(TYPE)
                .min(Comparator.comparingLong(EnrolmentGrace::endsAt));
    }

    /** The end stored in a record; an unreadable one counts as over. */
    public static long endsAt(CredentialModel stored) {
        try {
            return Long.parseLong(stored.getCredentialData().strip());
        } catch (NumberFormatException | NullPointerException unreadable) {
            return 0;
        }
    }
}
