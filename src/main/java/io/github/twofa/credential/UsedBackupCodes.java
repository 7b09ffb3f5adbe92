package io.github.twofa.credential;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.twofa.credential.jpa.UsedBackupCodeEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

/**
 * Which codes of a backup-code set are used, in a table of ours ({@link UsedBackupCodeEntity}) rather than in the set's
 * credential row. A set's hashes never change once stored, so the copy of it that Keycloak caches with the user is
 * always right about which codes the set has; only this table, which no cache holds, says which are gone.
 */
final class UsedBackupCodes {

    private UsedBackupCodes() {}

    /**
     * Locks the set's credential row until the request's transaction ends (another request using a code of the same
     * set, on any node, waits here, then sees this one's code as used) and returns the places of the codes used so
     * far; empty if the set is gone (replaced or removed meanwhile). Two statements, and nothing any cache holds
     * changes.
     */
    static Optional<Set<Integer>> lockSet(KeycloakSession session, String setId) {
        EntityManager em = JpaConnection.entityManager(session);
        if (!JpaConnection.lockCredential(em, setId)) {
            return Optional.empty();
        }
        return Optional.of(new HashSet<>(em.createNamedQuery("twofaUsedBackupCodeIndexes", Integer.class)
                .setParameter("credentialId", setId)
                .getResultList()));
    }

    /** Records the code at {@code index} of the set as used, in the request's transaction (call after {@link #lockSet}). */
    static void markUsed(KeycloakSession session, String setId, int index, String userId, String realmId) {
        JpaConnection.entityManager(session)
                .persist(new UsedBackupCodeEntity(setId, index, userId, realmId, Time.currentTimeMillis()));
    }

    /** How many codes of the set are used. */
    static int count(KeycloakSession session, String setId) {
        return JpaConnection.entityManager(session)
                .createNamedQuery("twofaCountUsedBackupCodes", Long.class)
                .setParameter("credentialId", setId)
                .getSingleResult()
                .intValue();
    }

    /** Forgets the used codes of sets that are removed. */
    static void forgetSets(KeycloakSession session, Collection<String> setIds) {
        if (!setIds.isEmpty()) {
            JpaConnection.entityManager(session)
                    .createNamedQuery("twofaDeleteUsedBackupCodesOfSets")
                    .setParameter("credentialIds", List.copyOf(setIds))
                    .executeUpdate();
        }
    }

    /** Forgets a removed user's used codes: Keycloak deletes their credentials without asking us. */
    static void forgetUser(KeycloakSession session, String userId) {
        JpaConnection.entityManager(session)
                .createNamedQuery("twofaDeleteUsedBackupCodesOfUser")
                .setParameter("userId", userId)
                .executeUpdate();
    }

    /** Forgets the used codes of a removed realm, whose users Keycloak deletes in bulk, without an event each. */
    static void forgetRealm(KeycloakSession session, String realmId) {
        JpaConnection.entityManager(session)
                .createNamedQuery("twofaDeleteUsedBackupCodesOfRealm")
                .setParameter("realmId", realmId)
                .executeUpdate();
    }
}
