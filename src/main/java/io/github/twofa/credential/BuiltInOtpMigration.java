package io.github.twofa.credential;

import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;

/**
 * An admin's bulk migration of a realm's built-in TOTP credentials to ours, one page at a time: idempotent (a
 * migrated credential is no longer built-in) and resumable (each page says where the next one starts). HOTP
 * credentials are left as they are and counted; so are built-in credentials of users who already have ours.
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

    private static final String TOTP_OF_REALM =
            "from CredentialEntity c where c.user.realmId = :realm and c.type = :otp"
                    + " and c.credentialData like :totp"
                    + " and not exists (select o.id from CredentialEntity o where o.user = c.user and o.type = :ours)";

    private BuiltInOtpMigration() {}

    /** Migrates up to {@code max} credentials after the credential id {@code after} (null: from the start). */
    public static Page run(KeycloakSession session, RealmModel realm, boolean dryRun, int max, String after) {
        EntityManager em = JpaConnection.entityManager(session);
        long hotp = em.createQuery(
                        "select count(c) from CredentialEntity c where c.user.realmId = :realm"
                                + " and c.type = :otp and c.credentialData like :hotp",
                        Long.class)
                .setParameter("realm", realm.getId())
                .setParameter("otp", OTPCredentialModel.TYPE)
                .setParameter("hotp", "%\"subType\":\"" + OTPCredentialModel.HOTP + "\"%")
                .getSingleResult();
        if (dryRun) {
            return new Page(true, 0, 0, 0, hotp, count(em, realm), null);
        }
        TypedQuery<Object[]> query = em.createQuery(
                        "select c.id, c.user.id " + TOTP_OF_REALM + (after == null ? "" : " and c.id > :after")
                                + " order by c.id",
                        Object[].class)
                .setMaxResults(max);
        bind(query, realm);
        if (after != null) {
            query.setParameter("after", after);
        }
        List<Object[]> rows = query.getResultList();
        int migrated = 0;
        int busy = 0;
        int unsupported = 0;
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        for (Object[] row : rows) {
            UserModel user = session.users().getUserById(realm, (String) row[1]);
            CredentialModel stored =
                    user == null ? null : user.credentialManager().getStoredCredentialById((String) row[0]);
            if (stored == null) {
                continue;
            }
            OTPCredentialModel builtIn = OTPCredentialModel.createFromCredentialModel(stored);
            if (BuiltInOtp.parametersOf(builtIn).isEmpty()) {
                unsupported++;
            } else if (provider.adoptWithoutCode(realm, user, builtIn).isPresent()) {
                migrated++;
            } else {
                busy++;
            }
        }
        String next = rows.size() == max ? (String) rows.get(rows.size() - 1)[0] : null;
        em.flush();
        return new Page(false, migrated, busy, unsupported, hotp, count(em, realm), next);
    }

    private static long count(EntityManager em, RealmModel realm) {
        return bind(em.createQuery("select count(c) " + TOTP_OF_REALM, Long.class), realm)
                .getSingleResult();
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> query, RealmModel realm) {
        return query.setParameter("realm", realm.getId())
                .setParameter("otp", OTPCredentialModel.TYPE)
                .setParameter("totp", "%\"subType\":\"" + OTPCredentialModel.TOTP + "\"%")
                .setParameter("ours", TotpCredentialModel.TYPE);
    }
}
