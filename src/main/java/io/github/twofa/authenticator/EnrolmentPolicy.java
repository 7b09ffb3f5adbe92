package io.github.twofa.authenticator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
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
    REQUIRE_FOR_ROLE("require-for-role"),
    /**
     * Every user without 2FA must set it up, but may choose "Set up later" for the grace period's days, counted from
     * the first time they were asked.
     */
    REQUIRE_AFTER_GRACE("require-after-grace");

    private static final Logger LOG = Logger.getLogger(EnrolmentPolicy.class);

    public static final String CONFIG_POLICY = "twofa.users-without-2fa";
    public static final String CONFIG_ROLE = "twofa.enrolment-role";
    /** Days of the grace period of require-after-grace (and of require-for-role when set): 1 to 365, default 14. */
    public static final String CONFIG_GRACE_DAYS = "twofa.grace-days";

    public static final int DEFAULT_GRACE_DAYS = 14;

    private final String configValue;

    EnrolmentPolicy(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public static EnrolmentPolicy fromConfig(Map<String, String> config) {
        String value = config == null ? null : config.get(CONFIG_POLICY);
        return Arrays.stream(values())
                .filter(p -> p.configValue.equals(value))
                .findFirst()
                .orElse(REQUIRE);
    }

    /**
     * Whether {@code user}, who has no 2FA, must enrol. A role that does not exist (a typo, a deleted role) fails
     * closed: everybody must, and the log says so once per realm and role.
     */
    public boolean requiresEnrolment(RealmModel realm, UserModel user, Map<String, String> config) {
        return switch (this) {
            case REQUIRE, REQUIRE_AFTER_GRACE -> true;
            case SKIP -> false;
            case REQUIRE_FOR_ROLE -> {
                String roleName = config.get(CONFIG_ROLE);
                RoleModel role = roleName == null || roleName.isBlank()
                        ? null
                        : KeycloakModelUtils.getRoleFromString(realm, roleName);
                if (role == null) {
                    warnOnce(realm, roleName);
                    yield true;
                }
                yield user.hasRole(role);
            }
        };
    }

    /**
     * The grace period's days under this policy and {@code config}: those of require-after-grace (default 14), of
     * require-for-role only when set, none otherwise.
     */
    public int graceDays(Map<String, String> config) {
        String value = config == null ? null : config.get(CONFIG_GRACE_DAYS);
        int days;
        try {
            days = value == null || value.isBlank() ? -1 : Integer.parseInt(value.strip());
        } catch (NumberFormatException unreadable) {
            days = -1;
        }
        if (days < 1 || days > 365) {
            days = -1;
        }
        return switch (this) {
            case REQUIRE_AFTER_GRACE -> days > 0 ? days : DEFAULT_GRACE_DAYS;
            case REQUIRE_FOR_ROLE -> Math.max(days, 0);
            default -> 0;
        };
    }

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static void warnOnce(RealmModel realm, String roleName) {
        if (WARNED.add(realm.getId() + "/" + roleName)) {
            LOG.warnf(
                    "Realm %s: the 2FA step's setting require-for-role names the role '%s', which does not exist; "
                            + "every user without 2FA must set it up until the role is fixed.",
                    realm.getName(), roleName);
        }
    }
}
