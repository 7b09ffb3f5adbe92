package io.github.twofa.settings;

import java.util.Map;

import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.totp.OtpAuthUri;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.UserModel;

/** What a realm's settings in the admin console decide for 2FA. */
public final class RealmSettings {

    private RealmSettings() {}

    /** The realm's OTP policy (Authentication > Policies) decides algorithm, digits and period. */
    public static TotpParameters totpParameters(RealmModel realm) {
        OTPPolicy policy = realm.getOTPPolicy();
        try {
            return new TotpParameters(policy.getAlgorithm(), policy.getDigits(), policy.getPeriod());
        } catch (IllegalArgumentException unsupported) {
            return TotpParameters.DEFAULT;
        }
    }

    /** The issuer apps show: the realm's display name, or its name. */
    public static String issuer(RealmModel realm) {
        String displayName = realm.getDisplayName();
        return displayName == null || displayName.isBlank() ? realm.getName() : displayName;
    }

    /** The URI an authenticator app reads from the QR code. */
    public static String otpauthUri(RealmModel realm, UserModel user, TotpSecret secret) {
        return OtpAuthUri.of(issuer(realm), user.getUsername(), secret, totpParameters(realm));
    }

    /** The realm's backup-code settings: the backup-code action's configuration in the admin console, or the defaults. */
    public static BackupCodePolicy backupCodePolicy(RealmModel realm) {
        RequiredActionConfigModel config =
                realm == null ? null : realm.getRequiredActionConfigByAlias(ProviderIds.BACKUP_CODES);
        return BackupCodePolicy.from(config == null ? Map.of() : config.getConfig());
    }
}
