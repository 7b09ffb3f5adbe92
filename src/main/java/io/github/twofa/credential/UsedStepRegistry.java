package io.github.twofa.credential;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.OptionalLong;

import io.github.twofa.credential.jpa.TotpStepEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.JpaConnectionProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Remembers, per app, the latest TOTP time step a code was accepted for, in a table of ours ({@link TotpStepEntity}),
 * so a code works once and an older code never works after a newer one: a step is claimed by one statement that moves
 * the app's step on only if the new one is later. The database makes that atomic for every node of a cluster (a
 * second check of the same app waits for the first's transaction, then sees its step), it is kept (a replay is
 * refused after any node dies, or all of them restart; see SECURITY.md for PostgreSQL's asynchronous commit of a
 * login), and it needs no lock and no mark in Keycloak's single-use
 * store, whose writes are round trips to the other nodes and whose retried {@code putIfAbsent} can report a claim
 * as won twice when a node dies mid-write (ISPN-3422).
 * <p>
 * The claim is written in the request's transaction: should the request fail before it commits, the code stays
 * unused, and the app's row stays locked until then, so checks of the same app are taken one after the other.
 */
public final class UsedStepRegistry {

    /** What became of a claim. */
    public enum Claim {
        CLAIMED,
        /** This step or a later one was accepted before. */
        REPLAYED
    }

    /** Whether the database is PostgreSQL (one upsert claims), asked once; null until then. */
    private static volatile Boolean postgres;

    private final KeycloakSession session;

    public UsedStepRegistry(KeycloakSession session) {
        this.session = session;
    }

    /**
     * A lock for what must not happen twice at once for a credential beyond its claims (making a built-in
     * credential ours); the claims themselves need none.
     */
    public static String lockKey(String credentialId) {
        return "twofa-totp-claiming:" + credentialId;
    }

    /**
     * Claims {@code step} for the credential, unless it or a later step was claimed before. A claim that is a use
     * (a login, not the code that proved an app at its set-up) also records when the app was last used: in the same
     * statement, so a login writes one row of ours and every node shows the use at once.
     */
    public Claim claim(String credentialId, long step, boolean use) {
        EntityManager em = JpaConnection.entityManager(session);
        long usedAt = Time.currentTimeMillis();
        if (isPostgres()) {
            // One statement whether or not the app has a row yet, sent on the transaction's connection as it is:
            // through JPA's native query the same statement took twice as long (a flush of the persistence
            // context and a parse of the query first; measured on the login's path, see docs/benchmarks.md).
            // The claim holds only inside a transaction (its row stays locked, and is given back should the request
            // fail); a connection outside one would commit it at once.
            if (!session.getTransactionManager().isActive()) {
                throw new IllegalStateException("A time step is claimed only inside a transaction");
            }
            String upsert = upsert(use);
            try {
                int updated = em.callWithConnection((Connection connection) -> {
                    try (PreparedStatement statement = connection.prepareStatement(upsert)) {
                        statement.setString(1, credentialId);
                        statement.setLong(2, step);
                        if (use) {
                            statement.setLong(3, usedAt);
                        }
                        return statement.executeUpdate();
                    }
                });
                return updated == 1 ? Claim.CLAIMED : Claim.REPLAYED;
            } catch (RuntimeException e) {
                // Hibernate passes a failed statement on as it is, without marking the transaction as a failed
                // query would: mark it, so Keycloak rolls back instead of trying to commit what PostgreSQL aborted.
                session.getTransactionManager().setRollbackOnly();
                throw e;
            }
        }
        Query advance = use
                ? em.createNamedQuery("twofaUseTotpStep").setParameter("usedAt", usedAt)
                : em.createNamedQuery("twofaAdvanceTotpStep");
        if (advance.setParameter("step", step)
                        .setParameter("credentialId", credentialId)
                        .executeUpdate()
                == 1) {
            return Claim.CLAIMED;
        }
        if (em.find(TotpStepEntity.class, credentialId) != null) {
            return Claim.REPLAYED;
        }
        // The app's first claim (a new app, or one imported or stored before this table): its row, in this
        // transaction, so that nothing else can see the claim before the login commits. Another first claim of the
        // same app at the same moment makes one of the two fail on the key (a failed request, not a second login).
        em.persist(new TotpStepEntity(credentialId, step, use ? usedAt : null));
        em.flush();
        return Claim.CLAIMED;
    }

    /** When the app was last used, as the claims of its logins recorded it; empty if never (or only before them). */
    public OptionalLong lastUsedAt(String credentialId) {
        TotpStepEntity row = JpaConnection.entityManager(session).find(TotpStepEntity.class, credentialId);
        return row == null || row.lastUsedAt() == null ? OptionalLong.empty() : OptionalLong.of(row.lastUsedAt());
    }

    /** The claim's upsert; {@code use}: it sets "last used" too. */
    private String upsert(boolean use) {
        String table = table();
        return "insert into " + table + " (CREDENTIAL_ID, LAST_STEP"
                + (use ? ", LAST_USED_AT) values (?, ?, ?)" : ") values (?, ?)")
                + " on conflict (CREDENTIAL_ID) do update set LAST_STEP = excluded.LAST_STEP"
                + (use ? ", LAST_USED_AT = excluded.LAST_USED_AT" : "")
                + " where " + table + ".LAST_STEP < excluded.LAST_STEP";
    }

    private boolean isPostgres() {
        Boolean known = postgres;
        if (known == null) {
            known = postgres =
                    databaseProduct(session.getKeycloakSessionFactory()).contains("postgres");
        }
        return known;
    }

    private String table() {
        String schema = jpaFactory(session.getKeycloakSessionFactory()).getSchema();
        return schema == null || schema.isBlank() ? "TWOFA_TOTP_STEP" : schema + ".TWOFA_TOTP_STEP";
    }

    private static String databaseProduct(KeycloakSessionFactory factory) {
        try (Connection connection = jpaFactory(factory).getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot tell which database Keycloak uses", e);
        }
    }

    private static JpaConnectionProviderFactory jpaFactory(KeycloakSessionFactory factory) {
        return (JpaConnectionProviderFactory) factory.getProviderFactory(JpaConnectionProvider.class);
    }

    /**
     * How long after its step a code can still matter: it can match for (2 x window + 1) periods; a period more
     * covers clock differences between nodes. Used where a memory of codes is kept in the single-use store (the codes
     * the built-in form took before a switch).
     *
     * @param periodSeconds the length of a time step
     * @param window        how many steps either side of the current one match
     */
    public static long lifespanSeconds(int periodSeconds, int window) {
        return (long) periodSeconds * (4L * window + 2);
    }
}
