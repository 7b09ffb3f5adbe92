package io.github.twofa.rest;

import java.time.Instant;
import java.util.List;

import io.github.twofa.credential.TrustedBrowsers;
import org.keycloak.models.UserModel;

/** A trusted browser as the REST API shows it: never its token or hash. */
record TrustedBrowserList(
        String id, String browser, String appId, String createdAt, String lastUsedAt, String expiresAt) {

    static List<TrustedBrowserList> of(UserModel user) {
        return TrustedBrowsers.list(user).stream()
                .map(trust -> new TrustedBrowserList(
                        trust.id(),
                        trust.browser(),
                        trust.appCredentialId(),
                        iso(trust.createdAt()),
                        iso(trust.lastUsedAt()),
                        iso(trust.expiresAt())))
                .toList();
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
