package io.github.twofa.credential;

import jakarta.persistence.EntityManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * Keycloak's JPA connection, for the few queries over all credentials of a type (a report, a migration) that the
 * user API would answer only by loading every user. Its interface lives in keycloak-model-jpa, whose Maven pom cannot
 * be resolved for 26.7.3 (a missing parent), so it is looked up by name; the server always has it.
 */
public final class JpaConnection {

    private JpaConnection() {
    }

    @SuppressWarnings("unchecked")
    public static EntityManager entityManager(KeycloakSession session) {
        try {
            Class<? extends Provider> type = (Class<? extends Provider>) Class.forName("org.keycloak.connections.jpa.JpaConnectionProvider");
            Object provider = session.getProvider(type);
            return (EntityManager) type.getMethod("getEntityManager").invoke(provider);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("This needs Keycloak's JPA storage", e);
        }
    }
}
