package io.github.twofa.events;

import java.time.Instant;
import java.util.Locale;

import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The audit trail of the extension, in Keycloak's own user events so it shows in the admin console's event list,
 * reaches every event listener (e.g. a SIEM) and is filtered like Keycloak's events. Every event of ours carries
 * {@link #ACTION} beside Keycloak's standard event type, and never a code or secret: only ids and counts.
 */
public final class AuditEvents {

    /** Event detail naming what happened to the user's 2FA, one of {@link Action}. */
    public static final String ACTION = "twofa_action";
    /** Event detail: how many backup codes are left after one was used. */
    public static final String BACKUP_CODES_REMAINING = "backup_codes_remaining";
    /** Event detail: how long a lockout lasts. */
    public static final String LOCKOUT_SECONDS = "lockout_seconds";
    /** {@link Details#REASON} of a lockout by the extension's attempt limit (Keycloak's own says brute_force_attack). */
    public static final String ATTEMPT_LIMIT_REASON = "twofa_attempt_limit";

    public enum Action {
        ENROLLED, CHECK_FAILED, LOCKED_OUT, BACKUP_CODE_USED, BACKUP_CODES_CREATED, BACKUP_CODES_REGENERATED,
        DISABLED, ADMIN_RESET;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private AuditEvents() {
    }

    /** A new event for {@code user} from the current request's client connection (IP address). */
    public static EventBuilder event(KeycloakSession session, RealmModel realm, UserModel user, ClientModel client) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
        return client == null ? event : event.client(client);
    }

    /**
     * Records that the attempt limit locked the user out. Stored in a transaction of its own, because the request
     * that triggered it is refused and may roll its own transaction back.
     */
    public static void lockedOut(EventBuilder event, String credentialType, long seconds) {
        event.event(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT)
                .detail(Details.REASON, ATTEMPT_LIMIT_REASON)
                .detail(Details.CREDENTIAL_TYPE, credentialType)
                .detail(LOCKOUT_SECONDS, String.valueOf(seconds))
                .detail(Details.NOT_BEFORE, Instant.ofEpochSecond(Time.currentTime() + seconds).toString())
                .detail(ACTION, Action.LOCKED_OUT.value())
                .storeImmediately(true)
                .success();
    }
}
