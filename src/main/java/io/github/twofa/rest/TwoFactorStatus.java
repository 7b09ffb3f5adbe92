package io.github.twofa.rest;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.dto.TotpCredentialData;
import org.keycloak.models.UserModel;

/** What GET status answers: whether 2FA is on and its non-secret details. */
public record TwoFactorStatus(
        boolean enabled,
        String verifiedAt,
        Integer backupCodesRemaining,
        String backupCodesGeneratedAt,
        String algorithm,
        Integer digits,
        Integer period) {

    static TwoFactorStatus of(UserModel user) {
        Optional<TotpCredentialData> totp = user.credentialManager()
                .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                .findFirst()
                .map(c -> TotpCredentialModel.createFromCredentialModel(c).getTotpCredentialData());
        Optional<BackupCodesCredentialModel> codes = user.credentialManager()
                .getStoredCredentialsByTypeStream(BackupCodesCredentialModel.TYPE)
                .findFirst()
                .map(BackupCodesCredentialModel::createFromCredentialModel);
        if (totp.isEmpty()) {
            // On Keycloak's built-in OTP (taken over at the next login through our step): on, details unknown here.
            return new TwoFactorStatus(BuiltInOtp.hasAny(user), null, null, null, null, null, null);
        }
        TotpCredentialData data = totp.get();
        return new TwoFactorStatus(
                true,
                iso(data.verifiedAt()),
                codes.map(BackupCodesCredentialModel::remaining).orElse(0),
                codes.map(c -> iso(c.getBackupCodesData().generatedAt())).orElse(null),
                data.algorithm().substring("Hmac".length()).toUpperCase(Locale.ROOT),
                data.digits(),
                data.period());
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
