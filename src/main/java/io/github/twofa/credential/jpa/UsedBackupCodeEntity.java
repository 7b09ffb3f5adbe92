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
 * One backup code used: which code (its place in the set) of which set, whose, and when. Kept apart from the set's
 * credential row, which stays as it was stored: a use then writes one row of ours and leaves the user Keycloak caches
 * on every node alone, and a stale cached copy of the set written back by Keycloak (an admin renaming it) cannot bring
 * a used code back. The key makes a second use of a code impossible even without the row lock its users take.
 */
@Entity
@Table(name = "TWOFA_USED_BACKUP_CODE")
@IdClass(UsedBackupCodeEntity.Key.class)
@NamedQueries({
    @NamedQuery(
            name = "twofaUsedBackupCodeIndexes",
            query = "select u.codeIndex from UsedBackupCodeEntity u where u.credentialId = :credentialId"),
    @NamedQuery(
            name = "twofaCountUsedBackupCodes",
            query = "select count(u) from UsedBackupCodeEntity u where u.credentialId = :credentialId"),
    @NamedQuery(
            name = "twofaDeleteUsedBackupCodesOfSets",
            query = "delete from UsedBackupCodeEntity u where u.credentialId in :credentialIds"),
    @NamedQuery(
            name = "twofaDeleteUsedBackupCodesOfUser",
            query = "delete from UsedBackupCodeEntity u where u.userId = :userId"),
    @NamedQuery(
            name = "twofaDeleteUsedBackupCodesOfRealm",
            query = "delete from UsedBackupCodeEntity u where u.realmId = :realmId")
})
public class UsedBackupCodeEntity {

    @Id
    @Column(name = "CREDENTIAL_ID", length = 36)
    private String credentialId;

    @Id
    @Column(name = "CODE_INDEX")
    private int codeIndex;

    @Column(name = "USER_ID", nullable = false)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** Epoch milliseconds. */
    @Column(name = "USED_AT", nullable = false)
    private long usedAt;

    protected UsedBackupCodeEntity() {}

    public UsedBackupCodeEntity(String credentialId, int codeIndex, String userId, String realmId, long usedAt) {
        this.credentialId = credentialId;
        this.codeIndex = codeIndex;
        this.userId = userId;
        this.realmId = realmId;
        this.usedAt = usedAt;
    }

    public String getCredentialId() {
        return credentialId;
    }

    public int getCodeIndex() {
        return codeIndex;
    }

    public String getUserId() {
        return userId;
    }

    public String getRealmId() {
        return realmId;
    }

    public long getUsedAt() {
        return usedAt;
    }

    /** The primary key: set and place. */
    public static class Key implements Serializable {

        private String credentialId;
        private int codeIndex;

        public Key() {}

        public Key(String credentialId, int codeIndex) {
            this.credentialId = credentialId;
            this.codeIndex = codeIndex;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && codeIndex == key.codeIndex
                    && Objects.equals(credentialId, key.credentialId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(credentialId, codeIndex);
        }
    }
}
