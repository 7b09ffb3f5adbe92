package io.github.twofa.events;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Added per realm under Realm settings, Events, Event listeners; needs the realm's e-mail (SMTP) settings. */
public class EmailNotificationListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "twofa-email";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EmailNotificationListener(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
