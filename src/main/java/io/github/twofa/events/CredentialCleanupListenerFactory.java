package io.github.twofa.events;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Global, so it works in every realm without being added to the realm's event listeners. */
public class CredentialCleanupListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "twofa-credential-cleanup";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new CredentialCleanupListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
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
