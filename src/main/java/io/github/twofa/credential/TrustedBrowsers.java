package io.github.twofa.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.github.twofa.trust.BrowserToken;
import io.github.twofa.trust.UserAgentSummary;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Browsers a user chose to trust for a while ("don't ask for a code on this browser"): one record per browser, stored
 * as a credential of the user (so it goes with the user, shows in the admin console and is never in a token), holding
 * only the SHA-256 of the cookie's random token, the app it was granted with, and when it expires. A cookie copied
 * to another user, another realm, or past its expiry, or whose app is gone, matches nothing.
 */
public final class TrustedBrowsers {

    public static final String TYPE = "twofa-trusted-browser";

    /** "Last used" is kept to the hour, so a trusted login seldom writes. */
    private static final long LAST_USED_GRANULARITY_MILLIS = 3_600_000;

    private TrustedBrowsers() {}

    /** One trusted browser: when it was trusted (with a code), last used, and until when. */
    public record Trust(
            String id, String browser, String appCredentialId, long createdAt, long lastUsedAt, long expiresAt) {}

    /** Stored as the credential's data. */
    record TrustData(String browser, String appCredentialId, long expiresAt, long lastUsedAt) {}

    /** Stored as the credential's secret data. */
    record TrustSecret(String tokenHash) {}

    /**
     * The cookie's name for this user in this realm: one cookie per user, so people sharing a browser each have their
     * own trust, and the name tells nothing of who the user is.
     */
    public static String cookieName(RealmModel realm, UserModel user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((realm.getId() + "/" + user.getId()).getBytes(StandardCharsets.UTF_8));
            return "TWOFA_TRUSTED_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException(missing);
        }
    }

    /** Trusts the browser for {@code days}: stores the record and returns the token for its cookie (this once). */
    public static BrowserToken trust(UserModel user, String appCredentialId, String userAgent, int days) {
        BrowserToken token = BrowserToken.generate();
        long now = Time.currentTimeMillis();
        removeExpired(user, now);
        CredentialModel record = new CredentialModel();
        record.setType(TYPE);
        record.setCreatedDate(now);
        // The label the account and admin consoles show; Keycloak wants it unique among the user's records.
        record.setUserLabel(uniqueLabel(user, UserAgentSummary.of(userAgent)));
        record.setCredentialData(CredentialJson.write(
                new TrustData(UserAgentSummary.of(userAgent), appCredentialId, now + days * 86_400_000L, now)));
        record.setSecretData(CredentialJson.write(new TrustSecret(token.hash())));
        user.credentialManager().createStoredCredential(record);
        return token;
    }

    /**
     * The record the cookie's token belongs to, if it is this user's, unexpired, and its app is still there; its
     * "last used" is brought up to date (to the hour).
     */
    public static Optional<Trust> match(UserModel user, BrowserToken token) {
        long now = Time.currentTimeMillis();
        Optional<CredentialModel> found = records(user)
                .filter(record -> token.matches(CredentialJson.read(record.getSecretData(), TrustSecret.class)
                        .tokenHash()))
                .findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CredentialModel record = found.get();
        TrustData data = CredentialJson.read(record.getCredentialData(), TrustData.class);
        boolean appExists = user.credentialManager().getStoredCredentialById(data.appCredentialId()) != null;
        if (data.expiresAt() <= now || !appExists) {
            return Optional.empty();
        }
        // A password set after the browser was trusted ends the trust, whichever way it was set (an admin's user
        // update sends no event of its own for it).
        long trustedAt = record.getCreatedDate() == null ? 0 : record.getCreatedDate();
        boolean newerPassword = user.credentialManager()
                .getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .anyMatch(password -> password.getCreatedDate() != null && password.getCreatedDate() > trustedAt);
        if (newerPassword) {
            user.credentialManager().removeStoredCredentialById(record.getId());
            return Optional.empty();
        }
        if (now - data.lastUsedAt() >= LAST_USED_GRANULARITY_MILLIS) {
            data = new TrustData(data.browser(), data.appCredentialId(), data.expiresAt(), now);
            record.setCredentialData(CredentialJson.write(data));
            user.credentialManager().updateStoredCredential(record);
        }
        return Optional.of(trustOf(record, data));
    }

    /** The user's trusted browsers, newest first (expired ones included until the cleanup removes them). */
    public static List<Trust> list(UserModel user) {
        return records(user)
                .map(record -> trustOf(record, CredentialJson.read(record.getCredentialData(), TrustData.class)))
                .sorted(Comparator.comparingLong(Trust::createdAt).reversed())
                .toList();
    }

    /** Forgets one trusted browser; false when the user has no such record. */
    public static boolean revoke(UserModel user, String id) {
        return records(user).anyMatch(record -> record.getId().equals(id))
                && user.credentialManager().removeStoredCredentialById(id);
    }

    /** Forgets every browser the user trusted; how many there were. */
    public static int revokeAll(UserModel user) {
        List<String> ids = records(user).map(CredentialModel::getId).toList();
        ids.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return ids.size();
    }

    /** Forgets the browsers trusted with one app (the app was removed). */
    public static void revokeForApp(UserModel user, String appCredentialId) {
        records(user)
                .filter(record ->
                        appCredentialId.equals(CredentialJson.read(record.getCredentialData(), TrustData.class)
                                .appCredentialId()))
                .map(CredentialModel::getId)
                .toList()
                .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    }

    private static String uniqueLabel(UserModel user, String browser) {
        java.util.Set<String> taken = records(user)
                .map(CredentialModel::getUserLabel)
                .filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
        String label = browser;
        for (int n = 2; taken.contains(label); n++) {
            label = browser + " (" + n + ")";
        }
        return label;
    }

    /** Removes the user's records that have expired (the scheduled cleanup does it for users who never come back). */
    static void removeExpired(UserModel user, long now) {
        records(user)
                .filter(record -> CredentialJson.read(record.getCredentialData(), TrustData.class)
                                .expiresAt()
                        <= now)
                .map(CredentialModel::getId)
                .toList()
                .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    }

    /**
     * Removes expired records in every realm: the scheduled cleanup. Reads the records of this type with one query,
     * and removes each through its user, so the user cache forgets it too.
     *
     * @return how many went
     */
    public static int removeAllExpired(KeycloakSession session) {
        long now = Time.currentTimeMillis();
        List<Object[]> rows = JpaConnection.entityManager(session)
                .createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.credentialData from CredentialEntity c"
                                + " where c.type = :type",
                        Object[].class)
                .setParameter("type", TYPE)
                .getResultList();
        int removed = 0;
        for (Object[] row : rows) {
            long expiresAt;
            try {
                expiresAt =
                        CredentialJson.read((String) row[3], TrustData.class).expiresAt();
            } catch (RuntimeException unreadable) {
                expiresAt = 0;
            }
            if (expiresAt > now) {
                continue;
            }
            RealmModel realm = session.realms().getRealm((String) row[2]);
            UserModel user = realm == null ? null : session.users().getUserById(realm, (String) row[1]);
            if (user != null && user.credentialManager().removeStoredCredentialById((String) row[0])) {
                removed++;
            }
        }
        return removed;
    }

    private static java.util.stream.Stream<CredentialModel> records(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE);
    }

    /** The record as a trusted browser (for the account console's list). */
    static Trust trustOf(CredentialModel record) {
        return trustOf(record, CredentialJson.read(record.getCredentialData(), TrustData.class));
    }

    private static Trust trustOf(CredentialModel record, TrustData data) {
        return new Trust(
                record.getId(),
                data.browser(),
                data.appCredentialId(),
                record.getCreatedDate() == null ? 0 : record.getCreatedDate(),
                data.lastUsedAt(),
                data.expiresAt());
    }
}
