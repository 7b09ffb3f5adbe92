package io.github.twofa.credential;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.entities.CredentialEntity;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.storage.jpa.entity.FederatedUser;
import org.keycloak.storage.jpa.entity.FederatedUserCredentialEntity;

/**
 * Keycloak's JPA connection, for rereading a credential past the caches, for our own table, and for the few queries
 * over all credentials of a type (a report, a migration) that the user API would answer only by loading every user.
 */
public final class JpaConnection {

    private JpaConnection() {}

    public static EntityManager entityManager(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /**
     * The credential as the database holds it now, read past this session's persistence context and the user cache
     * (which may still hold what it was before another request's commit); empty if it is gone. The session's
     * copy is refreshed too, so writing it back does not fail on a stale version.
     */
    static Optional<CredentialModel> reread(KeycloakSession session, CredentialModel stored) {
        return reread(session, stored, LockModeType.NONE);
    }

    /**
     * {@link #reread}, and the row stays locked until this request's transaction ends: another request doing the same
     * waits, then reads what this one committed. For read-modify-write of a credential whose every change matters
     * (a used recovery code of Keycloak's), across all nodes, with nothing to let go should a node die (the database
     * does it).
     */
    static Optional<CredentialModel> rereadForUpdate(KeycloakSession session, CredentialModel stored) {
        return reread(session, stored, LockModeType.PESSIMISTIC_WRITE);
    }

    private static Optional<CredentialModel> reread(
            KeycloakSession session, CredentialModel stored, LockModeType lock) {
        EntityManager em = entityManager(session);
        try {
            for (Class<?> entityType : CREDENTIAL_ENTITIES) {
                // Asked first, so a row another request deleted is "gone", not a failed refresh that would mark
                // this request's transaction for rollback.
                boolean exists = em.createQuery(
                                        "select count(e) from " + entityType.getSimpleName() + " e where e.id = :id",
                                        Long.class)
                                .setParameter("id", stored.getId())
                                .getSingleResult()
                        > 0;
                Object entity = exists ? em.find(entityType, stored.getId()) : null;
                if (entity != null) {
                    em.refresh(entity, lock);
                    CredentialModel fresh = new CredentialModel();
                    fresh.setId(stored.getId());
                    fresh.setType(stored.getType());
                    fresh.setUserLabel(stored.getUserLabel());
                    fresh.setCreatedDate(stored.getCreatedDate());
                    if (entity instanceof CredentialEntity own) {
                        fresh.setSecretData(own.getSecretData());
                        fresh.setCredentialData(own.getCredentialData());
                    } else if (entity instanceof FederatedUserCredentialEntity federated) {
                        fresh.setSecretData(federated.getSecretData());
                        fresh.setCredentialData(federated.getCredentialData());
                    }
                    return Optional.of(fresh);
                }
            }
            return Optional.empty();
        } catch (EntityNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Locks the credential's row until this request's transaction ends, in one statement ({@code select … for
     * update}); false if there is no such credential.
     */
    static boolean lockCredential(EntityManager em, String credentialId) {
        return lockRow(em, CREDENTIAL_ENTITIES, credentialId);
    }

    /**
     * Locks the row of the first of {@code entityTypes} with this id; false if none has it. The entity is selected
     * whole: a lock mode applies to entity results only, a selected column would be read without a lock.
     */
    private static boolean lockRow(EntityManager em, List<Class<?>> entityTypes, String id) {
        for (Class<?> entityType : entityTypes) {
            List<?> locked = em.createQuery("select e from " + entityType.getSimpleName() + " e where e.id = :id")
                    .setParameter("id", id)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultList();
            if (!locked.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The credential's data column as the database holds it now, in one query and past the caches; empty if gone. */
    static Optional<String> credentialData(KeycloakSession session, String credentialId) {
        return Optional.ofNullable(
                credentialData(session, List.of(credentialId)).get(credentialId));
    }

    /**
     * The data column of each credential of {@code credentialIds} as the database holds it now, in one query (two
     * if some are a federation's), past the caches; a credential that is gone is left out.
     */
    static Map<String, String> credentialData(KeycloakSession session, Collection<String> credentialIds) {
        EntityManager em = entityManager(session);
        Map<String, String> found = new HashMap<>();
        for (Class<?> entityType : CREDENTIAL_ENTITIES) {
            List<String> missing =
                    credentialIds.stream().filter(id -> !found.containsKey(id)).toList();
            if (missing.isEmpty()) {
                break;
            }
            em.createQuery(
                            "select e.id, e.credentialData from " + entityType.getSimpleName()
                                    + " e where e.id in :ids",
                            Object[].class)
                    .setParameter("ids", missing)
                    .getResultList()
                    .forEach(row -> found.put((String) row[0], (String) row[1]));
        }
        return found;
    }

    /**
     * Writes the credential's data column alone, in this request's transaction, with one statement that neither
     * raises the row's version nor tells Keycloak's user cache: for figures that change at every login (when an
     * app was last used), where invalidating the cached user on every node would make the next requests of the login
     * load the whole user again. Whoever shows such a figure reads it with {@link #credentialData}.
     */
    static void writeCredentialData(KeycloakSession session, String credentialId, String credentialData) {
        EntityManager em = entityManager(session);
        for (Class<?> entityType : CREDENTIAL_ENTITIES) {
            int updated = em.createQuery(
                            "update " + entityType.getSimpleName() + " e set e.credentialData = :data where e.id = :id")
                    .setParameter("data", credentialData)
                    .setParameter("id", credentialId)
                    .executeUpdate();
            if (updated > 0) {
                return;
            }
        }
    }

    /** The ids of the user's credentials of {@code types} in the database now, past the caches; sorted. */
    static List<String> credentialIds(KeycloakSession session, String userId, Collection<String> types) {
        EntityManager em = entityManager(session);
        List<String> ids = new ArrayList<>();
        for (Class<?> entityType : CREDENTIAL_ENTITIES) {
            String userField = entityType == FederatedUserCredentialEntity.class ? "e.userId" : "e.user.id";
            ids.addAll(em.createQuery(
                            "select e.id from " + entityType.getSimpleName() + " e where " + userField
                                    + " = :user and e.type in :types",
                            String.class)
                    .setParameter("user", userId)
                    .setParameter("types", types)
                    .getResultList());
        }
        Collections.sort(ids);
        return ids;
    }

    /**
     * Locks the user's row until this request's transaction ends ({@code select … for update}, of Keycloak's own
     * users or a federated user's local record); false if there is none.
     */
    static boolean lockUser(EntityManager em, String userId) {
        return lockRow(em, List.of(UserEntity.class, FederatedUser.class), userId);
    }

    /** How many credentials of {@code type} the user has in the database now, past the caches. */
    static long countCredentials(KeycloakSession session, String userId, String type) {
        EntityManager em = entityManager(session);
        long count = 0;
        for (Class<?> entityType : CREDENTIAL_ENTITIES) {
            String userField = entityType == FederatedUserCredentialEntity.class ? "e.userId" : "e.user.id";
            count += em.createQuery(
                            "select count(e) from " + entityType.getSimpleName() + " e where " + userField
                                    + " = :user and e.type = :type",
                            Long.class)
                    .setParameter("user", userId)
                    .setParameter("type", type)
                    .getSingleResult();
        }
        return count;
    }

    /** Where Keycloak keeps credentials: of its own users, and of users of a federation that does not import them. */
    private static final List<Class<?>> CREDENTIAL_ENTITIES =
            List.of(CredentialEntity.class, FederatedUserCredentialEntity.class);
}
