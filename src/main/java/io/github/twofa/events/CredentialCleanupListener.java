package io.github.twofa.events;

import java.util.Map;
import java.util.Optional;

import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TrustedBrowsers;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Removes a user's backup codes when their TOTP credential is removed in the account or admin console: Keycloak
 * deletes the stored credential directly there, without asking our credential provider, and backup codes without
 * the authenticator they back up would be a second factor nobody can see.
 */
public class CredentialCleanupListener implements EventListenerProvider {

    private final KeycloakSession session;

    public CredentialCleanupListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() == EventType.REMOVE_CREDENTIAL && event.getError() == null && isTotp(event.getDetails())) {
            removeBackupCodes(event.getRealmId(), event.getUserId());
        }
        if (event.getError() == null && isPasswordChange(event)) {
            forgetTrustedBrowsers(event.getRealmId(), event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        totpRemovedByAdmin(event).ifPresent(userId -> removeBackupCodes(event.getRealmId(), userId));
        String path = event.getResourcePath();
        if (event.getError() == null && path != null && path.matches("users/[^/]+/reset-password")) {
            forgetTrustedBrowsers(event.getRealmId(), path.split("/")[1]);
        }
    }

    /** A new password (the user's own, or through "forgot password"): browsers trusted before are trusted no more. */
    private static boolean isPasswordChange(Event event) {
        return event.getType() == EventType.UPDATE_PASSWORD
                || event.getType() == EventType.RESET_PASSWORD
                || (event.getType() == EventType.UPDATE_CREDENTIAL
                        && event.getDetails() != null
                        && PasswordCredentialModel.TYPE.equals(
                                event.getDetails().get(Details.CREDENTIAL_TYPE)));
    }

    private void forgetTrustedBrowsers(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user =
                realm == null || userId == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            TrustedBrowsers.revokeAll(user);
        }
    }

    /** The user whose TOTP credential an administrator deleted (admin console or admin REST), if that is the event. */
    static Optional<String> totpRemovedByAdmin(AdminEvent event) {
        String path = event.getResourcePath();
        if (event.getOperationType() == OperationType.ACTION
                && event.getError() == null
                && path != null
                && path.matches("users/[^/]+/credentials/[^/]+")
                && isTotp(event.getDetails())) {
            return Optional.of(path.split("/")[1]);
        }
        return Optional.empty();
    }

    private static boolean isTotp(Map<String, String> details) {
        return details != null && TotpCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE));
    }

    private void removeBackupCodes(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user =
                realm == null || userId == null ? null : session.users().getUserById(realm, userId);
        // Codes back up the apps: they go with the last one, not with one of several.
        if (user != null
                && user.credentialManager()
                        .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                        .findAny()
                        .isEmpty()
                && !BuiltInOtp.hasAny(user)) {
            BackupCodesCredentialProvider.of(session).removeAll(user);
        }
    }

    @Override
    public void close() {}
}
