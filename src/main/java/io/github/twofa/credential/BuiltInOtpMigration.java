package io.github.twofa.credential;

import java.io.IOException;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.dto.OTPCredentialData;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

/**
 * An admin's bulk migration of a realm's built-in TOTP credentials to ours, one page at a time: idempotent (a
 * migrated credential is no longer built-in) and resumable (each page says where the next one starts). HOTP
 * credentials are left as they are and counted; built-in credentials of users who already have ours are left out.
 */
public final class BuiltInOtpMigration {

    /**
     * @param migrated       credentials that became ours on this page
     * @param busy           left for the next run: a login was adopting them this instant
     * @param unsupported    left as they are: algorithm, digits or period this extension does not support
     * @param hotpLeftAlone  the realm's counter-based (HOTP) credentials, which stay built-in
     * @param remaining      built-in TOTP credentials of users without ours, after this page
     * @param next           where the next page starts (pass as {@code after}), or null when this was the last
     */
    public record Page(
            boolean dryRun, int migrated, int busy, int unsupported, long hotpLeftAlone, long remaining, String next) {}

    /** Built-in OTP rows of users without ours; TOTP and HOTP are told apart by reading the JSON, not its text. */
    private static final String BUILT_IN_OF_REALM =
            "from CredentialEntity c where c.user.realmId = :realm and c.type = :otp"
                    + " and not exists (select o.id from CredentialEntity o where o.user = c.user and o.type = :ours)";

    private BuiltInOtpMigration() {}

    /** Migrates the TOTP credentials among the next {@code max} built-in rows after the id {@code after} (null: from the start). */
    public static Page run(KeycloakSession session, RealmModel realm, boolean dryRun, int max, String after) {
        EntityManager em = JpaConnection.entityManager(session);
        if (dryRun) {
            Counts counts = counts(em, realm);
            return new Page(true, 0, 0, 0, counts.hotp(), counts.totp(), null);
        }
        TypedQuery<Object[]> query = bind(
                        em.createQuery(
                                "select c.id, c.user.id, c.credentialData " + BUILT_IN_OF_REALM
                                        + (after == null ? "" : " and c.id > :after") + " order by c.id",
                                Object[].class),
                        realm)
                .setMaxResults(max);
        if (after != null) {
            query.setParameter("after", after);
        }
        List<Object[]> rows = query.getResultList();
        int migrated = 0;
        int busy = 0;
        int unsupported = 0;
        for (Object[] row : rows) {
            if (!isTotp((String) row[2])) {
                continue;
            }
            // Each credential in a transaction of its own: it becomes ours whole or not at all, and the page's
            // persistence context does not grow with every user it touches (which made a page slower row by row).
            Outcome outcome = KeycloakModelUtils.runJobInTransactionWithResult(
                    session.getKeycloakSessionFactory(),
                    session.getContext(),
                    inner -> migrateOne(inner, realm.getId(), (String) row[1], (String) row[0]),
                    "twofa-migrate-built-in-otp");
            switch (outcome) {
                case MIGRATED -> migrated++;
                case BUSY -> busy++;
                case UNSUPPORTED -> unsupported++;
                case GONE -> {}
            }
        }
        String next = rows.size() == max ? (String) rows.get(rows.size() - 1)[0] : null;
        em.flush();
        Counts counts = counts(em, realm);
        return new Page(false, migrated, busy, unsupported, counts.hotp(), counts.totp(), next);
    }

    private enum Outcome {
        MIGRATED,
        BUSY,
        UNSUPPORTED,
        GONE
    }

    private static Outcome migrateOne(KeycloakSession session, String realmId, String userId, String credentialId) {
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        CredentialModel stored = user == null ? null : user.credentialManager().getStoredCredentialById(credentialId);
        if (stored == null) {
            // Taken over already, with another device of the same user, or by a login.
            return Outcome.GONE;
        }
        OTPCredentialModel builtIn = OTPCredentialModel.createFromCredentialModel(stored);
        if (BuiltInOtp.parametersOf(builtIn).isEmpty()) {
            return Outcome.UNSUPPORTED;
        }
        return TotpCredentialProvider.of(session)
                        .adoptWithoutCode(realm, user, builtIn)
                        .isPresent()
                ? Outcome.MIGRATED
                : Outcome.BUSY;
    }

    private record Counts(long totp, long hotp) {}

    /** One pass over the realm's built-in rows of users without ours, reading each row's JSON. */
    private static Counts counts(EntityManager em, RealmModel realm) {
        long[] counts = new long[2];
        bind(em.createQuery("select c.credentialData " + BUILT_IN_OF_REALM, String.class), realm)
                .getResultStream()
                .forEach(data -> counts[isTotp(data) ? 0 : 1]++);
        return new Counts(counts[0], counts[1]);
    }

    private static boolean isTotp(String credentialData) {
        try {
            return OTPCredentialModel.TOTP.equals(JsonSerialization.readValue(credentialData, OTPCredentialData.class)
                    .getSubType());
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> query, RealmModel realm) {
        return query.setParameter("realm", realm.getId())
                .setParameter("otp", OTPCredentialModel.TYPE)
                .setParameter("ours", TotpCredentialModel.TYPE);
    }
}
