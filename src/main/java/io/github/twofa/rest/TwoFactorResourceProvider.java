package io.github.twofa.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

public class TwoFactorResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;
    private final PendingSetups pendingSetups;

    TwoFactorResourceProvider(KeycloakSession session, PendingSetups pendingSetups) {
        this.session = session;
        this.pendingSetups = pendingSetups;
    }

    @Override
    public Object getResource() {
        return new TwoFactorResource(session, pendingSetups);
    }

    @Override
    public void close() {}
}
