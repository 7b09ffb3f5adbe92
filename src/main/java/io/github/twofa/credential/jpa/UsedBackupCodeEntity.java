package io.github.twofa.credential.jpa;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One backup code used: which set, which code (a digest of its stored hash), and when. Kept apart from the set's
 * credential row, which stays as it was stored: a use then writes one row of ours and leaves the user Keycloak caches
 * on every node alone, and a stale cached copy of the set written back by Keycloak (an admin renaming it) cannot bring
 * a used code back. The key makes a second use of a code impossible even without the row lock its users take.
 * <p>
 * Rows stay when their set is gone: a set that comes back with its id (a realm imported over itself, an older export
 * imported again) keeps its used codes. A row names no user; once the set is gone it points at nothing.
 */
@Entity
@Table(name = "TWOFA_USED_BACKUP_CODE")
@IdClass(UsedBackupCodeEntity.Key.class)
@NamedQueries({
    @NamedQuery(
            name = "twofaUsedBackupCodes",
            query = "select u from UsedBackupCodeEntity u where u.credentialId = :credentialId"),
    @NamedQuery(
            name = "twofaCountUsedBackupCodes",
            query = "select count(u) from UsedBackupCodeEntity u where u.credentialId = :credentialId")
})
public class UsedBackupCodeEntity {

    @Id
    @Column(name = "CREDENTIAL_ID", length = 36)
    private String credentialId;

    /** Base64 of the SHA-256 of the code's stored hash (as the set stores it): not its place, which older sets shift. */
    @Id
    @Column(name = "CODE_DIGEST", length = 64)
    private String codeDigest;

    /** Epoch milliseconds. */
    @Column(name = "USED_AT", nullable = false)
    private long usedAt;

    protected UsedBackupCodeEntity() {}

    public UsedBackupCodeEntity(String credentialId, String codeDigest, long usedAt) {
        this.credentialId = credentialId;
        this.codeDigest = codeDigest;
        this.usedAt = usedAt;
    }

    public String getCredentialId() {
        return credentialId;
    }

    public String getCodeDigest() {
        return codeDigest;
    }

    public long getUsedAt() {
        return usedAt;
    }

    /** The primary key: set and code. */
    public static class Key implements Serializable {

        private String credentialId;
        private String codeDigest;

        public Key() {}

        public Key(String credentialId, String codeDigest) {
            this.credentialId = credentialId;
            this.codeDigest = codeDigest;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(credentialId, key.credentialId)
                    && Objects.equals(codeDigest, key.codeDigest);
        }

        @Override
        public int hashCode() {
            return Objects.hash(credentialId, codeDigest);
        }
    }
}
