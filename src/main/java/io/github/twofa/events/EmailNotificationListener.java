package io.github.twofa.events;

import java.util.HashMap;
import java.util.Map;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.TotpCredentialModel;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.email.freemarker.beans.EventBean;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Tells users by e-mail, through the realm's SMTP settings and e-mail theme, when their 2FA was turned off (by
 * themselves, in the account console, or by an administrator) or their backup codes were replaced: the changes an
 * attacker holding the password would make first. Opt-in per realm, as an event listener. Mail goes out only once
 * the change is committed, and only to a verified address, as with Keycloak's own e-mail listener.
 */
public class EmailNotificationListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(EmailNotificationListener.class);
    private static final String DISABLED = "twofa-disabled";
    private static final String APP_ADDED = "twofa-app-added";
    private static final String APP_REMOVED = "twofa-app-removed";
    private static final String RESET = "twofa-reset";
    private static final String REGENERATED = "twofa-backup-codes-regenerated";

    private final KeycloakSession session;

    public EmailNotificationListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null || event.getDetails() == null) {
            return;
        }
        String type = event.getDetails().get(Details.CREDENTIAL_TYPE);
        String action = event.getDetails().get(AuditEvents.ACTION);
        if (event.getType() == EventType.REMOVE_CREDENTIAL && TotpCredentialModel.TYPE.equals(type)) {
            String template;
            if (AuditEvents.Action.ADMIN_RESET.value().equals(action)) {
                template = RESET;
            } else {
                // One of several apps (our REST call or Keycloak's delete in the account console) is not a disable.
                template = hasAppsLeft(event) ? APP_REMOVED : DISABLED;
            }
            sendAfterCommit(event.clone(), template);
        } else if (event.getType() == EventType.UPDATE_CREDENTIAL
                && TotpCredentialModel.TYPE.equals(type)
                && AuditEvents.Action.ENROLLED.value().equals(action)
                && appCount(event) > 1) {
            sendAfterCommit(event.clone(), APP_ADDED);
        } else if (event.getType() == EventType.UPDATE_CREDENTIAL
                && BackupCodesCredentialModel.TYPE.equals(type)
                && AuditEvents.Action.BACKUP_CODES_REGENERATED.value().equals(action)) {
            sendAfterCommit(event.clone(), REGENERATED);
        }
    }

    /** An administrator deleting the authenticator in the admin console (our own reset also sends a user event). */
    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        CredentialCleanupListener.totpRemovedByAdmin(event).ifPresent(userId -> {
            Event removal = new Event();
            removal.setType(EventType.REMOVE_CREDENTIAL);
            removal.setTime(event.getTime());
            removal.setRealmId(event.getRealmId());
            removal.setUserId(userId);
            removal.setIpAddress(
                    event.getAuthDetails() == null
                            ? null
                            : event.getAuthDetails().getIpAddress());
            sendAfterCommit(removal, RESET);
        });
    }

    private boolean hasAppsLeft(Event event) {
        return appCount(event) > 0;
    }

    /** How many apps the event's user has now (in the event's transaction, so counting its change). */
    private long appCount(Event event) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null || event.getUserId() == null
                ? null
                : session.users().getUserById(realm, event.getUserId());
        return user == null
                ? 0
                : user.credentialManager()
                        .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                        .count();
    }

    private void sendAfterCommit(Event event, String template) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        KeycloakContext context = session.getContext();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    KeycloakModelUtils.runJobInTransaction(
                            factory, context, mailSession -> send(mailSession, event, template));
                } catch (RuntimeException e) {
                    // The change is committed already: the answer to the request must not turn into an error.
                    LOG.warnf(
                            "Could not e-mail user %s about a %s event: %s",
                            event.getUserId(), event.getType(), e.toString());
                }
            }

            @Override
            protected void rollbackImpl() {
                // Nothing changed, so there is nothing to tell.
            }
        });
    }

    /** Template {@code <name>.ftl} (html and text), subject from the message key {@code <name>} camel-cased + Subject. */
    private static void send(KeycloakSession mailSession, Event event, String template) {
        RealmModel realm = mailSession.realms().getRealm(event.getRealmId());
        UserModel user = realm == null || event.getUserId() == null
                ? null
                : mailSession.users().getUserById(realm, event.getUserId());
        if (user == null
                || user.getEmail() == null
                || !user.isEmailVerified()
                || realm.getSmtpConfig() == null
                || realm.getSmtpConfig().isEmpty()) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("event", new EventBean(event));
        try {
            mailSession
                    .getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(subjectKey(template), template + ".ftl", attributes);
        } catch (EmailException e) {
            LOG.warnf("Could not e-mail user %s about a %s event: %s", user.getId(), event.getType(), e.getMessage());
        }
    }

    private static String subjectKey(String name) {
        StringBuilder key = new StringBuilder();
        for (String part : name.split("-")) {
            key.append(key.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return key.append("Subject").toString();
    }

    @Override
    public void close() {}
}
