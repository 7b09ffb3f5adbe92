package io.github.twofa.rest;

import io.github.twofa.credential.TotpCredentialProviderFactory;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@link TwoFactorResource} at {@code /realms/{realm}/two-factor}. */
public class TwoFactorResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "two-factor";

    private KeycloakSessionFactory sessionFactory;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        TotpCredentialProviderFactory credentials = (TotpCredentialProviderFactory)
                sessionFactory.getProviderFactory(CredentialProvider.class, TotpCredentialProviderFactory.PROVIDER_ID);
        return new TwoFactorResourceProvider(session, new PendingSetups(session, credentials.protector()));
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        this.sessionFactory = factory;
    }

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
