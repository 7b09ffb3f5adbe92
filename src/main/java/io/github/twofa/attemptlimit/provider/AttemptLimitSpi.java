package io.github.twofa.attemptlimit.provider;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The extension's limit on wrong second factors (app codes, backup codes, the password of {@code disable}) as a
 * provider of its own, configured with {@code spi-twofa-attempt-limit--default--...}.
 */
public class AttemptLimitSpi implements Spi {

    public static final String NAME = "twofa-attempt-limit";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return AttemptLimitProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return AttemptLimitProviderFactory.class;
    }
}
