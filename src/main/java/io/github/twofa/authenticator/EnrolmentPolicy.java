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
    REQUIRE_FOR_ROLE("require-for-role");

    private static final Logger LOG = Logger.getLogger(EnrolmentPolicy.class);

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
            case REQUIRE -> true;
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
