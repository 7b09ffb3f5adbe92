package io.github.twofa.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.twofa.credential.jpa.UsedBackupCodeEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
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
     * set, on any node, waits here, then sees this one's code as used) and returns the digests of the codes used so
     * far; empty if the set is gone (replaced or removed meanwhile). The used codes are read with a lock too, so that
     * the read sees the latest commit under any isolation level (MySQL's default, repeatable read, would otherwise
     * answer from the request's first snapshot). Nothing that any cache holds changes.
     */
    static Optional<Set<String>> lockSet(KeycloakSession session, String setId) {
        EntityManager em = JpaConnection.entityManager(session);
        if (!JpaConnection.lockCredential(em, setId)) {
            return Optional.empty();
        }
        return Optional.of(em.createNamedQuery("twofaUsedBackupCodes", UsedBackupCodeEntity.class)
                .setParameter("credentialId", setId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream()
                .map(UsedBackupCodeEntity::getCodeDigest)
                .collect(Collectors.toSet()));
    }

    /** Records the code as used, in the request's transaction (call after {@link #lockSet}). */
    static void markUsed(KeycloakSession session, String setId, String codeDigest) {
        JpaConnection.entityManager(session)
                .persist(new UsedBackupCodeEntity(setId, codeDigest, Time.currentTimeMillis()));
    }

    /** How many codes of the set are used. */
    static int count(KeycloakSession session, String setId) {
        return JpaConnection.entityManager(session)
                .createNamedQuery("twofaCountUsedBackupCodes", Long.class)
                .setParameter("credentialId", setId)
                .getSingleResult()
                .intValue();
    }

    /**
     * What a code is recorded as: a digest of its stored hash, not its place in the set, since sets stored before
     * used codes were recorded apart dropped a used code's hash, and a node still running such a version would.
     */
    static String digestOf(String storedHash) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(storedHash.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
