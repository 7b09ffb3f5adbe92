package io.github.twofa.events;

import java.util.HashMap;
import java.util.Map;

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
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Tells users by e-mail, through the realm's SMTP settings and e-mail theme, when their 2FA was turned off (by
 * themselves, in the account console, or by an administrator) or their backup codes were replaced: the changes an
 * attacker holding the password would make first. Opt-in per realm, as an event listener.
 */
public class EmailNotificationListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(EmailNotificationListener.class);

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
            send(event, AuditEvents.Action.ADMIN_RESET.value().equals(action) ? "twofa-reset" : "twofa-disabled");
        } else if (event.getType() == EventType.UPDATE_CREDENTIAL && BackupCodesCredentialModel.TYPE.equals(type)
                && AuditEvents.Action.BACKUP_CODES_REGENERATED.value().equals(action)) {
            send(event, "twofa-backup-codes-regenerated");
        }
    }

    /** Template {@code name}.ftl (html and text) with the subject message key {@code <name>-subject}, camel-cased. */
    private void send(Event event, String name) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null || event.getUserId() == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null || user.getEmail() == null || realm.getSmtpConfig() == null || realm.getSmtpConfig().isEmpty()) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("event", new EventBean(event));
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(subjectKey(name), name + ".ftl", attributes);
        } catch (EmailException e) {
            LOG.warnf("Could not e-mail user %s about event %s: %s", user.getId(), event.getId(), e.getMessage());
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
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        // Admin resets also raise a user event (REMOVE_CREDENTIAL, twofa_action admin_reset), answered above.
    }

    @Override
    public void close() {
    }
}
