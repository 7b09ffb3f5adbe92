package io.github.twofa.rest;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.credential.dto.TotpCredentialData;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * What GET status answers: whether 2FA is on, the user's apps and the backup codes left, without any secret. The
 * top-level algorithm, digits, period and verifiedAt are those of the first app (kept for clients of one app).
 */
public record TwoFactorStatus(
        boolean enabled,
        String verifiedAt,
        Integer backupCodesRemaining,
        String backupCodesGeneratedAt,
        String algorithm,
        Integer digits,
        Integer period,
        List<App> apps) {

    /**
     * One authenticator app: its credential id, the name the user gave it, how its codes are made, and how far its
     * clock seems off when its last codes agree on it (seconds, negative: behind; null otherwise).
     */
    public record App(
            String id,
            String name,
            String createdAt,
            String lastUsedAt,
            String algorithm,
            int digits,
            int period,
            Integer clockDriftSeconds) {

        static App of(TotpCredentialModel credential) {
            TotpCredentialData data = credential.getTotpCredentialData();
            return new App(
                    credential.getId(),
                    credential.getUserLabel(),
                    iso(credential.getCreatedDate() == null ? data.verifiedAt() : credential.getCreatedDate()),
                    data.lastUsedAt() == null ? null : iso(data.lastUsedAt()),
                    algorithmName(data),
                    data.digits(),
                    data.period(),
                    credential.clockDriftSeconds().isPresent()
                            ? credential.clockDriftSeconds().getAsInt()
                            : null);
        }
    }

    static TwoFactorStatus of(KeycloakSession session, UserModel user) {
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        List<TotpCredentialModel> apps =
                provider.apps(user).stream().map(provider::withCurrentUse).toList();
        BackupCodesCredentialProvider backupCodes = BackupCodesCredentialProvider.of(session);
        Optional<BackupCodesCredentialModel> codes = backupCodes.current(user);
        int remaining = backupCodes.remaining(user);
        if (apps.isEmpty()) {
            // On Keycloak's built-in OTP (taken over at the next login through our step): on, details unknown here.
            boolean builtIn = UserSecondFactors.hasAny(user);
            return new TwoFactorStatus(builtIn, null, builtIn ? remaining : null, null, null, null, null, List.of());
        }
        TotpCredentialData first = apps.get(0).getTotpCredentialData();
        return new TwoFactorStatus(
                true,
                iso(first.verifiedAt()),
                remaining,
                codes.map(c -> iso(c.getBackupCodesData().generatedAt())).orElse(null),
                algorithmName(first),
                first.digits(),
                first.period(),
                apps.stream().map(App::of).toList());
    }

    private static String algorithmName(TotpCredentialData data) {
        return data.algorithm().substring("Hmac".length()).toUpperCase(Locale.ROOT);
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
