package io.github.twofa.rest;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.twofa.authenticator.FlowCoverage;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.JpaConnection;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.dto.BackupCodesCredentialData;
import io.github.twofa.lifecycle.EnrolmentGrace;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.util.JsonSerialization;

/**
 * The realm's 2FA coverage, computed with a few queries over Keycloak's user and credential tables (not by loading
 * every user), so it stays fast on large realms. Service-account users are not counted. It also lists the ways into
 * the realm that do not ask for the second factor ({@link FlowCoverage}).
 */
public record CoverageReport(
        long totalUsers,
        long withTwoFactor,
        long onBuiltInOtp,
        long withoutTwoFactor,
        long withFewBackupCodes,
        int fewBackupCodesThreshold,
        List<FlowCoverage.Gap> unprotectedFlows,
        String filter,
        int first,
        int max,
        List<UserCoverage> users) {

    /**
     * @param onBuiltInOtp the user has only Keycloak's built-in OTP (which our step takes over at the next login)
     */
    public record UserCoverage(
            String id,
            String username,
            boolean twoFactorEnabled,
            boolean onBuiltInOtp,
            Integer backupCodesRemaining,
            String graceEndsAt) {}

    public enum Filter {
        ALL("all"),
        ENABLED("enabled"),
        DISABLED("disabled"),
        BUILT_IN_OTP("built-in-otp"),
        FEW_BACKUP_CODES("few-backup-codes");

        private final String value;

        Filter(String value) {
            this.value = value;
        }

        static Filter parse(String value) {
            if (value == null || value.isBlank()) {
                return ALL;
            }
            return Arrays.stream(values())
                    .filter(f -> f.value.equals(value))
                    .findFirst()
                    .orElseThrow(
                            () -> ApiException.badRequest(
                                    "Query parameter 'filter' must be all, enabled, disabled, built-in-otp or few-backup-codes."));
        }
    }

    private static final String REALM_USERS =
            "from UserEntity u where u.realmId = :realm and u.serviceAccountClientLink is null";
    private static final String HAS_TOTP =
            "exists (select c.id from CredentialEntity c where c.user = u and c.type = :totp)";
    private static final String HAS_BUILT_IN =
            "exists (select c.id from CredentialEntity c where c.user = u and c.type = :otp)";
    /** Keycloak's built-in OTP, and not ours (a user who has both is ours). */
    private static final String ONLY_BUILT_IN = HAS_BUILT_IN + " and not " + HAS_TOTP;

    static CoverageReport query(
            KeycloakSession session, RealmModel realm, Filter filter, int first, int max, int threshold) {
        EntityManager em = JpaConnection.entityManager(session);
        long total = em.createQuery("select count(u) " + REALM_USERS, Long.class)
                .setParameter("realm", realm.getId())
                .getSingleResult();
        long enabled = em.createQuery("select count(u) " + REALM_USERS + " and " + HAS_TOTP, Long.class)
                .setParameter("realm", realm.getId())
                .setParameter("totp", TotpCredentialModel.TYPE)
                .getSingleResult();
        long builtIn = em.createQuery("select count(u) " + REALM_USERS + " and " + ONLY_BUILT_IN, Long.class)
                .setParameter("realm", realm.getId())
                .setParameter("totp", TotpCredentialModel.TYPE)
                .setParameter("otp", OTPCredentialModel.TYPE)
                .getSingleResult();
        Map<String, Integer> remainingByUser = remainingBackupCodes(em, realm);
        Set<String> few = new HashSet<>();
        remainingByUser.forEach((user, remaining) -> {
            if (remaining <= threshold) {
                few.add(user);
            }
        });

        List<Object[]> rows = filter == Filter.FEW_BACKUP_CODES
                ? fewBackupCodesPage(em, realm, threshold, first, max)
                : usersPage(em, realm, filter, first, max);
        List<String> idsOnPage = rows.stream().map(r -> (String) r[0]).toList();
        Set<String> enabledOnPage = havingCredential(em, idsOnPage, TotpCredentialModel.TYPE);
        Set<String> builtInOnPage = havingCredential(em, idsOnPage, OTPCredentialModel.TYPE);
        Map<String, String> graceOnPage = graceEnds(em, idsOnPage);
        List<UserCoverage> users = rows.stream()
                .map(r -> new UserCoverage(
                        (String) r[0],
                        (String) r[1],
                        enabledOnPage.contains((String) r[0]),
                        !enabledOnPage.contains((String) r[0]) && builtInOnPage.contains((String) r[0]),
                        remainingByUser.get((String) r[0]),
                        enabledOnPage.contains((String) r[0]) ? null : graceOnPage.get((String) r[0])))
                .toList();
        return new CoverageReport(
                total,
                enabled,
                builtIn,
                total - enabled - builtIn,
                few.size(),
                threshold,
                FlowCoverage.gaps(session, realm),
                filter.value,
                first,
                max,
                users);
    }

    private static List<Object[]> usersPage(EntityManager em, RealmModel realm, Filter filter, int first, int max) {
        String where = switch (filter) {
            case ENABLED -> " and " + HAS_TOTP;
            case DISABLED -> " and not " + HAS_TOTP + " and not " + HAS_BUILT_IN;
            case BUILT_IN_OTP -> " and " + ONLY_BUILT_IN;
            default -> "";
        };
        TypedQuery<Object[]> page = em.createQuery(
                        "select u.id, u.username " + REALM_USERS + where + " order by u.username", Object[].class)
                .setParameter("realm", realm.getId())
                .setFirstResult(first)
                .setMaxResults(max);
        if (filter != Filter.ALL) {
            page.setParameter("totp", TotpCredentialModel.TYPE);
        }
        if (filter == Filter.DISABLED || filter == Filter.BUILT_IN_OTP) {
            page.setParameter("otp", OTPCredentialModel.TYPE);
        }
        return page.getResultList();
    }

    /**
     * The count of codes a set stores lives in the credential's JSON, so this page is cut in memory: one row per code
     * set.
     */
    private static List<Object[]> fewBackupCodesPage(
            EntityManager em, RealmModel realm, int threshold, int first, int max) {
        return em.createQuery(
                        "select c.user.id, c.user.username, c.credentialData, " + USED_CODES
                                + " from CredentialEntity c "
                                + "where c.user.realmId = :realm and c.type = :codes order by c.user.username",
                        Object[].class)
                .setParameter("realm", realm.getId())
                .setParameter("codes", BackupCodesCredentialModel.TYPE)
                .getResultStream()
                .filter(row -> remainingIn((String) row[2], (Long) row[3]) <= threshold)
                .skip(first)
                .limit(max)
                .map(row -> new Object[] {row[0], row[1]})
                .toList();
    }

    private static Map<String, Integer> remainingBackupCodes(EntityManager em, RealmModel realm) {
        Map<String, Integer> remaining = new HashMap<>();
        em.createQuery(
                        "select c.user.id, c.credentialData, " + USED_CODES
                                + " from CredentialEntity c where c.user.realmId = :realm and c.type = :codes",
                        Object[].class)
                .setParameter("realm", realm.getId())
                .setParameter("codes", BackupCodesCredentialModel.TYPE)
                .getResultList()
                .forEach(row -> remaining.put((String) row[0], remainingIn((String) row[1], (Long) row[2])));
        return remaining;
    }

    /** The used codes of code set {@code c}, kept in the extension's own table. */
    private static final String USED_CODES =
            "(select count(u) from UsedBackupCodeEntity u where u.credentialId = c.id)";

    private static int remainingIn(String credentialData, long used) {
        try {
            return JsonSerialization.readValue(credentialData, BackupCodesCredentialData.class)
                            .stored()
                    - (int) used;
        } catch (IOException e) {
            return 0;
        }
    }

    private static Set<String> havingCredential(EntityManager em, List<String> userIds, String type) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(em.createQuery(
                        "select distinct c.user.id from CredentialEntity c where c.user.id in :ids and c.type = :type",
                        String.class)
                .setParameter("ids", userIds)
                .setParameter("type", type)
                .getResultList());
    }

    /** When the grace period for setting up 2FA ends, for the users on the page that have one (ISO-8601). */
    private static Map<String, String> graceEnds(EntityManager em, List<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, String> ends = new java.util.HashMap<>();
        em.createQuery(
                        "select c.user.id, c.credentialData from CredentialEntity c"
                                + " where c.user.id in :ids and c.type = :type",
                        Object[].class)
                .setParameter("ids", ids)
                .setParameter("type", EnrolmentGrace.TYPE)
                .getResultStream()
                .forEach(row -> {
                    try {
                        long endsAt = Long.parseLong(((String) row[1]).strip());
                        // Of two records written at the same moment, the earlier end counts (as at the login).
                        ends.merge(
                                (String) row[0],
                                java.time.Instant.ofEpochSecond(endsAt).toString(),
                                (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    } catch (NumberFormatException | NullPointerException unreadable) {
                        // an unreadable record counts as over: no grace to show
                    }
                });
        return ends;
    }
}
