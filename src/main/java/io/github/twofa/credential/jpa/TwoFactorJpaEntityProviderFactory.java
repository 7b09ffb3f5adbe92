package io.github.twofa.credential.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public class TwoFactorJpaEntityProviderFactory implements JpaEntityProviderFactory {

    /** Also names the Liquibase change-log table Keycloak keeps for our change log. */
    public static final String PROVIDER_ID = "twofa";

    private static final JpaEntityProvider PROVIDER = new TwoFactorJpaEntityProvider();

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
