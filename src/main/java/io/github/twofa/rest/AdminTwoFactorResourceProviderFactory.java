package io.github.twofa.rest;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** Serves {@link AdminTwoFactorResource} at {@code /admin/realms/{realm}/two-factor}, inside Keycloak's admin API. */
public class AdminTwoFactorResourceProviderFactory implements AdminRealmResourceProviderFactory {

    public static final String PROVIDER_ID = "two-factor";

    private static final AdminTwoFactorResourceProvider SINGLETON = new AdminTwoFactorResourceProvider();

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return SINGLETON;
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
