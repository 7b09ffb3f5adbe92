package io.github.twofa.settings;

import java.util.Map;
import java.util.Optional;

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

    /** Setting of the app set-up action: how many authenticator apps a user may have. */
    public static final String MAX_APPS = "twofa.max-apps";

    public static final int DEFAULT_MAX_APPS = 5;
    public static final int MAX_APPS_LIMIT = 20;

    /**
     * How many authenticator apps a user may have: the app set-up action's setting in the admin console (1 to
     * {@value #MAX_APPS_LIMIT}), or {@value #DEFAULT_MAX_APPS}.
     */
    public static int maxApps(RealmModel realm) {
        RequiredActionConfigModel config =
                realm == null ? null : realm.getRequiredActionConfigByAlias(ProviderIds.TOTP_SETUP);
        String value = config == null ? null : config.getConfigValue(MAX_APPS);
        return maxAppsProblem(value).isEmpty() && value != null && !value.isBlank()
                ? Integer.parseInt(value.trim())
                : DEFAULT_MAX_APPS;
    }

    /** Why {@code value} cannot be the number of apps, or empty when it can (a blank value means the default). */
    public static Optional<String> maxAppsProblem(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            int apps = Integer.parseInt(value.trim());
            if (apps >= 1 && apps <= MAX_APPS_LIMIT) {
                return Optional.empty();
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        return Optional.of("Apps per user must be a whole number from 1 to " + MAX_APPS_LIMIT + ".");
    }

    /** The realm's backup-code settings: the backup-code action's configuration in the admin console, or the defaults. */
    public static BackupCodePolicy backupCodePolicy(RealmModel realm) {
        RequiredActionConfigModel config =
                realm == null ? null : realm.getRequiredActionConfigByAlias(ProviderIds.BACKUP_CODES);
        return BackupCodePolicy.from(config == null ? Map.of() : config.getConfig());
    }
}
