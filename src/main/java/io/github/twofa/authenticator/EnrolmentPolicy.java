package io.github.twofa.authenticator;

import java.util.Arrays;
import java.util.Map;

import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * What the login step does with a user who has no 2FA yet; chosen per flow execution in the admin console.
 */
public enum EnrolmentPolicy {

    /** Every user without 2FA sets it up before the login completes. */
    REQUIRE("require"),
    /** Users without 2FA log in with their password alone; their tokens do not claim "otp". */
    SKIP("skip"),
    /** Only users holding the configured role must set it up; others are skipped. */
    REQUIRE_FOR_ROLE("require-for-role");

    public static final String CONFIG_POLICY = "twofa.users-without-2fa";
    public static final String CONFIG_ROLE = "twofa.enrolment-role";

    private final String configValue;

    EnrolmentPolicy(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public static EnrolmentPolicy fromConfig(Map<String, String> config) {
        String value = config == null ? null : config.get(CONFIG_POLICY);
        return Arrays.stream(values()).filter(p -> p.configValue.equals(value)).findFirst().orElse(REQUIRE);
    }

    /** Whether {@code user}, who has no 2FA, must enrol. An unknown role requires nobody, and says so in the log. */
    public boolean requiresEnrolment(RealmModel realm, UserModel user, Map<String, String> config) {
        return switch (this) {
            case REQUIRE -> true;
            case SKIP -> false;
            case REQUIRE_FOR_ROLE -> {
                RoleModel role = KeycloakModelUtils.getRoleFromString(realm, config.get(CONFIG_ROLE));
                yield role != null && user.hasRole(role);
            }
        };
    }
}
