package io.github.twofa.attemptlimit.provider;

import java.util.List;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.attemptlimit.AttemptPolicy;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The limit kept in Keycloak's single-use object store, so every cluster node counts the same failures. Options:
 * {@code spi-twofa-attempt-limit--default--max-failures}, {@code --failure-window-seconds}, {@code --lockout-seconds},
 * {@code --max-lockout-seconds}.
 */
public class DefaultAttemptLimitProviderFactory implements AttemptLimitProviderFactory {

    public static final String PROVIDER_ID = "default";
    public static final String MAX_FAILURES = "max-failures";
    public static final String FAILURE_WINDOW = "failure-window-seconds";
    public static final String LOCKOUT = "lockout-seconds";
    public static final String MAX_LOCKOUT = "max-lockout-seconds";

    private AttemptPolicy policy = AttemptPolicy.DEFAULT;

    @Override
    public void init(Config.Scope config) {
        // Before 0.2 these were options of the TOTP credential provider; a deployment that set them keeps them.
        Config.Scope before = Config.scope("credential", "twofa-totp");
        AttemptPolicy defaults = AttemptPolicy.DEFAULT;
        policy = new AttemptPolicy(
                config.getInt(MAX_FAILURES, (int) oldOption(before, MAX_FAILURES, defaults.maxFailures())),
                config.getLong(FAILURE_WINDOW, oldOption(before, FAILURE_WINDOW, defaults.windowSeconds())),
                config.getLong(LOCKOUT, oldOption(before, LOCKOUT, defaults.firstLockoutSeconds())),
                config.getLong(MAX_LOCKOUT, oldOption(before, MAX_LOCKOUT, defaults.maxLockoutSeconds())));
    }

    private static long oldOption(Config.Scope before, String name, long fallback) {
        Long value = before.getLong(name);
        if (value == null) {
            return fallback;
        }
        LOG.warnf(
                "spi-credential--twofa-totp--%s is now spi-%s--%s--%s; please rename it",
                name, AttemptLimitSpi.NAME, PROVIDER_ID, name);
        return value;
    }

    private static final Logger LOG = Logger.getLogger(DefaultAttemptLimitProviderFactory.class);

    @Override
    public AttemptLimitProvider create(KeycloakSession session) {
        AttemptLimiter logins =
                new AttemptLimiter(new SingleUseAttemptStore(session.singleUseObjects()), policy, Time::currentTime);
        return () -> logins;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(MAX_FAILURES)
                .type("int")
                .defaultValue(AttemptPolicy.DEFAULT.maxFailures())
                .helpText("Wrong second factors (app code, backup code, or password on disable) a user may send "
                        + "within the failure window before a lockout.")
                .add()
                .property()
                .name(FAILURE_WINDOW)
                .type("int")
                .defaultValue(AttemptPolicy.DEFAULT.windowSeconds())
                .helpText("Seconds a wrong second factor counts towards the limit.")
                .add()
                .property()
                .name(LOCKOUT)
                .type("int")
                .defaultValue(AttemptPolicy.DEFAULT.firstLockoutSeconds())
                .helpText("Seconds of the first lockout; each further lockout within a day doubles it.")
                .add()
                .property()
                .name(MAX_LOCKOUT)
                .type("int")
                .defaultValue(AttemptPolicy.DEFAULT.maxLockoutSeconds())
                .helpText("Longest lockout, in seconds.")
                .add()
                .build();
    }
}
