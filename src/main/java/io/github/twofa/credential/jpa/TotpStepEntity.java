package io.github.twofa.credential.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * The latest time step a code of an app (a TOTP credential of ours, or a built-in one being made ours) was accepted
 * for. Kept apart from the credential's row, which Keycloak caches with the user: a login then writes one row of ours
 * and leaves the cached user alone on every node. Rows stay when their app is gone, as used backup codes do: an app
 * that comes back with its id (a realm imported over itself) keeps refusing the codes it took. A row names no user.
 */
@Entity
@Table(name = "TWOFA_TOTP_STEP")
@NamedQuery(
        name = "twofaAdvanceTotpStep",
        query = "update TotpStepEntity e set e.lastStep = :step"
                + " where e.credentialId = :credentialId and e.lastStep < :step")
@NamedQuery(
        name = "twofaUseTotpStep",
        query = "update TotpStepEntity e set e.lastStep = :step, e.lastUsedAt = :usedAt"
                + " where e.credentialId = :credentialId and e.lastStep < :step")
public class TotpStepEntity {

    @Id
    @Column(name = "CREDENTIAL_ID", length = 36)
    private String credentialId;

    /** The time step (Unix time / period) of the latest code accepted. */
    @Column(name = "LAST_STEP", nullable = false)
    private long lastStep;

    /** When a code of the app last logged in (epoch milliseconds); null if never since this table came. */
    @Column(name = "LAST_USED_AT")
    private Long lastUsedAt;

    protected TotpStepEntity() {}

    public TotpStepEntity(String credentialId, long lastStep, Long lastUsedAt) {
        this.credentialId = credentialId;
        this.lastStep = lastStep;
        this.lastUsedAt = lastUsedAt;
    }

    public Long lastUsedAt() {
        return lastUsedAt;
    }
}
