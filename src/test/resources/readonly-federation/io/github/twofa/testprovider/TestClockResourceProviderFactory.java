package io.github.twofa.testprovider;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Only the test server has this: {@code POST /realms/{realm}/twofa-test-clock/set?offset=S} moves Keycloak's clock by S
 * seconds (Time.setOffset), so expiry can be tested without waiting. Never part of the shipped jar.
 */
public class TestClockResourceProviderFactory implements RealmResourceProviderFactory {

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new TestClockResource();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return "twofa-test-clock";
    }
}
