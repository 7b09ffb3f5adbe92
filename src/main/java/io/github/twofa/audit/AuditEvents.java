package io.github.twofa.audit;

import java.time.Instant;
import java.util.Locale;

import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BuiltInOtpMigration;
import io.github.twofa.credential.TotpCredentialModel;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

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
    /** Event detail of an admin reset in the user's events: who reset. */
    public static final String ADMIN_USER_ID = "admin_user_id";
    /** {@link Details#REASON} of a lockout by the extension's attempt limit (Keycloak's own says brute_force_attack). */
    public static final String ATTEMPT_LIMIT_REASON = "twofa_attempt_limit";

    public enum Action {
        ENROLLED,
        CHECK_FAILED,
        LOCKED_OUT,
        BACKUP_CODE_USED,
        BACKUP_CODES_CREATED,
        BACKUP_CODES_REGENERATED,
        DISABLED,
        APP_REMOVED,
        ADMIN_RESET,
        BUILT_IN_OTP_MIGRATED,
        APPS_IMPORTED,
        TRUSTED_BROWSERS_FORGOTTEN,
        GRACE_SET;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private AuditEvents() {}

    /** A new event for {@code user} from the current request's client connection (IP address). */
    public static EventBuilder event(KeycloakSession session, RealmModel realm, UserModel user, ClientModel client) {
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
        return client == null ? event : event.client(client);
    }

    /** Event detail of a login: the second factor it was secured with ({@value #FACTOR_TRUSTED_BROWSER}, ...). */
    public static final String SECOND_FACTOR = "twofa_second_factor";

    public static final String FACTOR_APP_CODE = "app-code";
    public static final String FACTOR_BACKUP_CODE = "backup-code";
    public static final String FACTOR_TRUSTED_BROWSER = "trusted-browser";
    public static final String FACTOR_PASSKEY = "passkey";
    /** A user the step let in without 2FA (not required of them, or put off in the grace period). */
    public static final String FACTOR_NONE = "none";
    /** Event detail: the trusted-browser record that spared a login the code. */
    public static final String TRUSTED_BROWSER_ID = "trusted_browser_id";

    /** Marks the login event of a login that a trusted browser spared the code (the event itself is Keycloak's LOGIN). */
    public static void trustedBrowserUsed(EventBuilder loginEvent, String recordId) {
        loginEvent.detail(SECOND_FACTOR, FACTOR_TRUSTED_BROWSER).detail(TRUSTED_BROWSER_ID, recordId);
    }

    /** Marks the login event of a login that a passkey spared the code. */
    public static void passkeyUsed(EventBuilder loginEvent) {
        loginEvent.detail(SECOND_FACTOR, FACTOR_PASSKEY);
    }

    /** Marks the login event with the second factor a code check recorded earlier in the login, and its credential. */
    public static void secondFactorUsed(EventBuilder loginEvent, String factor, String credentialId) {
        loginEvent.detail(SECOND_FACTOR, factor);
        if (credentialId != null) {
            loginEvent.detail(Details.CREDENTIAL_ID, credentialId);
        }
    }

    /** Marks the login event of a login secured by a code ({@value #FACTOR_APP_CODE} or {@value #FACTOR_BACKUP_CODE}). */
    public static void codeUsed(EventBuilder loginEvent, boolean backupCode) {
        loginEvent.detail(SECOND_FACTOR, backupCode ? FACTOR_BACKUP_CODE : FACTOR_APP_CODE);
    }

    /** Marks the login event of a login that the step let through without a second factor. */
    public static void noSecondFactor(EventBuilder loginEvent) {
        loginEvent.detail(SECOND_FACTOR, FACTOR_NONE);
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
                .detail(
                        Details.NOT_BEFORE,
                        Instant.ofEpochSecond(Time.currentTime() + seconds).toString())
                .detail(ACTION, Action.LOCKED_OUT.value())
                .storeImmediately(true)
                .success();
    }

    /** Describes a check of a second factor (or the password of {@code disable}): which credential, never the code. */
    public static EventBuilder secondFactorChecked(
            EventBuilder event, String credentialType, String credentialId, boolean accepted) {
        event.detail(Details.CREDENTIAL_TYPE, credentialType);
        if (credentialId != null) {
            event.detail(Details.CREDENTIAL_ID, credentialId);
        }
        return accepted ? event : event.detail(ACTION, Action.CHECK_FAILED.value());
    }

    /** A backup code was used: the stored set lost a code ({@code UPDATE_CREDENTIAL}), with how many are left. */
    public static void backupCodeUsed(EventBuilder event, String setId, int remaining) {
        secondFactorChecked(event.event(EventType.UPDATE_CREDENTIAL), BackupCodesCredentialModel.TYPE, setId, true)
                .detail(ACTION, Action.BACKUP_CODE_USED.value())
                .detail(BACKUP_CODES_REMAINING, String.valueOf(remaining))
                .success();
    }

    /** The user proved the new authenticator app with its code, and 2FA is on. */
    public static void enrolled(EventBuilder event, String credentialId) {
        event.event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(ACTION, Action.ENROLLED.value())
                .success();
    }

    /** The code typed while setting up the app was not its current code. */
    public static void enrolmentCodeRefused(EventBuilder event) {
        event.event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(ACTION, Action.CHECK_FAILED.value())
                .error(Errors.INVALID_USER_CREDENTIALS);
    }

    /** A set of backup codes was stored: the first one, or one that replaced the older set. */
    public static void backupCodesIssued(EventBuilder event, String setId, boolean replacedOlderSet) {
        event.event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, BackupCodesCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, setId)
                .detail(
                        ACTION,
                        (replacedOlderSet ? Action.BACKUP_CODES_REGENERATED : Action.BACKUP_CODES_CREATED).value())
                .success();
    }

    /** The user turned 2FA off (authenticator and backup codes removed). */
    /** One of several authenticator apps was removed; the others (and the backup codes) stay. */
    public static void appRemoved(EventBuilder event, String credentialId) {
        event.event(EventType.REMOVE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(ACTION, Action.APP_REMOVED.value())
                .success();
    }

    public static void disabled(EventBuilder event, String credentialId) {
        event.event(EventType.REMOVE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(ACTION, Action.DISABLED.value())
                .success();
    }

    /**
     * An administrator removed the user's 2FA: an admin event, and the same in the user's own event history, where
     * the user's other 2FA events are.
     */
    public static void adminReset(
            AdminEventBuilder adminEvent,
            EventBuilder userEvent,
            UserModel user,
            String credentialId,
            String adminUserId) {
        userAction(adminEvent, user, "reset", Action.ADMIN_RESET)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .success();
        userEvent
                .event(EventType.REMOVE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(ACTION, Action.ADMIN_RESET.value())
                .detail(ADMIN_USER_ID, adminUserId)
                .success();
    }

    /** One page of an admin's bulk migration from Keycloak's built-in OTP: counts only, never a secret. */
    public static void builtInOtpMigrated(AdminEventBuilder adminEvent, BuiltInOtpMigration.Page page) {
        realmAction(adminEvent, "migrate-built-in-otp", Action.BUILT_IN_OTP_MIGRATED)
                .detail("migrated", String.valueOf(page.migrated()))
                .detail("busy", String.valueOf(page.busy()))
                .detail("unsupported", String.valueOf(page.unsupported()))
                .detail("hotp_left_alone", String.valueOf(page.hotpLeftAlone()))
                .detail("remaining", String.valueOf(page.remaining()))
                .success();
    }

    /** An admin imported apps from another system: counts only, never a URI or a username. */
    public static void appsImported(
            AdminEventBuilder adminEvent, int lines, int imported, int alreadyPresent, int refused) {
        realmAction(adminEvent, "import-otpauth", Action.APPS_IMPORTED)
                .detail("lines", String.valueOf(lines))
                .detail("imported", String.valueOf(imported))
                .detail("already_present", String.valueOf(alreadyPresent))
                .detail("refused", String.valueOf(refused))
                .success();
    }

    /** An admin made every browser a user trusted ask for a code again. */
    public static void trustedBrowsersForgotten(AdminEventBuilder adminEvent, UserModel user, int forgotten) {
        userAction(adminEvent, user, "trusted-browsers", Action.TRUSTED_BROWSERS_FORGOTTEN)
                .detail("forgotten", String.valueOf(forgotten))
                .success();
    }

    /** An admin set when a user's grace period for setting up 2FA ends. */
    public static void graceSet(AdminEventBuilder adminEvent, UserModel user, int days) {
        userAction(adminEvent, user, "grace", Action.GRACE_SET)
                .detail("days", String.valueOf(days))
                .success();
    }

    /** An admin's action on one user's 2FA: resource path {@code users/{id}/two-factor/{what}}. */
    private static AdminEventBuilder userAction(
            AdminEventBuilder adminEvent, UserModel user, String what, Action action) {
        return adminEvent
                .operation(OperationType.ACTION)
                .resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "two-factor", what)
                .detail(ACTION, action.value());
    }

    /** An admin's action on the realm's 2FA: resource path {@code two-factor/{what}}. */
    private static AdminEventBuilder realmAction(AdminEventBuilder adminEvent, String what, Action action) {
        return adminEvent
                .operation(OperationType.ACTION)
                .resource(ResourceType.REALM)
                .resourcePath("two-factor", what)
                .detail(ACTION, action.value());
    }
}
